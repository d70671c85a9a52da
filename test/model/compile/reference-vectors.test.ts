/**
 * Reference-vectors files are untrusted input: the committed ones parse, every tampered or
 * malformed variant is a coded COMPILE_REFERENCE_INVALID, and the seeded image recipe
 * reproduces the digest docs/reference.md publishes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CompileError } from "../../../src/model/compile/errors.js";
import { parseReferenceVectors, vectorsMatchWeights } from "../../../src/model/compile/reference-vectors.js";
import { seededImage } from "../../../src/model/compile/seeded-image.js";
import { sha256Hex } from "../../../src/core/hash.js";
import { parseModelMetadata } from "../../../src/model/metadata.js";

const ROOT = new URL("../../../", import.meta.url).pathname;
const resnetText = readFileSync(`${ROOT}reference/vectors/resnet50-tiny.json`, "utf8");
const gpt2Text = readFileSync(`${ROOT}reference/vectors/gpt2-tiny.json`, "utf8");

function invalid(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof CompileError && e.code === "COMPILE_REFERENCE_INVALID");
}

test("the committed tiny vectors parse, with images regenerated from their recipe", () => {
  const v = parseReferenceVectors(resnetText);
  assert.equal(v.producer, "pytorch");
  assert.equal(v.inputs.length, 2);
  const pixels = v.inputs[0]!.tensors[0]!;
  assert.deepEqual(pixels.dims, [1, 3, 224, 224]);
  assert.ok(pixels.data instanceof Float32Array && pixels.data.length === 3 * 224 * 224);
  const logits = v.outputs.get("resnet-seeded-0")![0]!;
  assert.equal(logits.name, "logits");
  assert.equal(logits.top5?.indices.length, 1);

  const g = parseReferenceVectors(gpt2Text);
  const step = g.inputs.find((i) => i.kind === "tokens-with-past")!;
  assert.deepEqual(step.prefixIds, [464, 3139, 286, 4881, 318]);
  // Only the first input embeds full logits (the files stay small); the others carry top-5.
  assert.ok(g.outputs.get("gpt2-hello-world")![0]!.data !== null);
  assert.equal(g.outputs.get("gpt2-quick-brown-fox")![0]!.data, null);
});

test("the seeded image matches the digest docs/reference.md publishes", () => {
  const img = seededImage({
    kind: "sha256-ctr-u8-imagenet",
    seed: "zeq-np/reference/image/0",
    height: 224,
    width: 224,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  });
  assert.equal(
    sha256Hex(new Uint8Array(img.buffer)),
    "6570fb2d55b7cef2a58788b1110c53771d737f8dd9b4c06fcfae39f8c24f8a53",
  );
});

test("a changed logit (data no longer hashing to its sha256) is refused", () => {
  const doc = JSON.parse(resnetText);
  const t = doc.outputs[0].tensors[0];
  const bytes = Buffer.from(t.data_b64, "base64");
  bytes[100] = bytes[100]! ^ 0x40;
  t.data_b64 = bytes.toString("base64");
  invalid(() => parseReferenceVectors(JSON.stringify(doc)));
});

test("a changed image seed (pixels no longer matching their digest) is refused", () => {
  const doc = JSON.parse(resnetText);
  doc.inputs[0].generator.seed = "zeq-np/reference/image/9";
  invalid(() => parseReferenceVectors(JSON.stringify(doc)));
});

test("malformed documents are coded errors, never crashes", () => {
  const cases: Array<[string, string]> = [
    ["not JSON", "{"],
    ["duplicate keys", '{"format":"zeq-np/reference-vectors/v1","format":"x"}'],
    ["wrong format", JSON.stringify({ ...JSON.parse(resnetText), format: "other" })],
    ["no inputs", JSON.stringify({ ...JSON.parse(resnetText), inputs: [] })],
    ["array document", "[]"],
  ];
  for (const [what, text] of cases) {
    assert.throws(
      () => parseReferenceVectors(text),
      (e: unknown) => e instanceof CompileError && e.code === "COMPILE_REFERENCE_INVALID",
      what,
    );
  }
  const doc = JSON.parse(gpt2Text);
  const bad = (mutate: (d: typeof doc) => void): string => {
    const copy = JSON.parse(gpt2Text);
    mutate(copy);
    return JSON.stringify(copy);
  };
  invalid(() => parseReferenceVectors(bad((d) => (d.inputs[0].tensors[0].data = [1]))));
  invalid(() => parseReferenceVectors(bad((d) => (d.inputs[0].tensors[0].dtype = "complex64"))));
  invalid(() => parseReferenceVectors(bad((d) => (d.outputs[0].tensors[0].data_b64 = "not base64!"))));
  invalid(() => parseReferenceVectors(bad((d) => (d.outputs[0].input = "nobody"))));
  invalid(() => parseReferenceVectors(bad((d) => (d.outputs[0].tensors[0].top5.indices[0] = [99999999]))));
  invalid(() => parseReferenceVectors(bad((d) => delete d.inputs[3].prefix_ids)));
  assert.ok(doc.inputs.length > 0);
});

test("vectors apply to the weights they name and to no others", () => {
  const v = parseReferenceVectors(resnetText);
  const meta = parseModelMetadata(
    readFileSync(`${ROOT}test/fixtures/models/resnet50-tiny/1/model.json`, "utf8"),
  );
  assert.equal(vectorsMatchWeights(v, meta.files, "unused"), true);
  const other = meta.files.map((f) => (f.path === "model.onnx.data" ? { ...f, sha256: "0".repeat(64) } : f));
  assert.equal(vectorsMatchWeights(v, other, "unused"), false);
  // A changed graph file with the same weights still matches: the check itself judges the graph.
  const graphChanged = meta.files.map((f) =>
    f.path === "model.onnx" ? { ...f, sha256: "1".repeat(64) } : f,
  );
  assert.equal(vectorsMatchWeights(v, graphChanged, "unused"), true);
  const noFiles = { ...v, model: { ...v.model, files: null }, modelSha256: "a".repeat(64) };
  assert.equal(vectorsMatchWeights(noFiles, meta.files, "a".repeat(64)), true);
  assert.equal(vectorsMatchWeights(noFiles, meta.files, "b".repeat(64)), false);
});
