/**
 * The per-tensor manifest: digests equal the record's canonical tensor digest, shared
 * tensors are listed once, and a one-byte change in a weight file is caught by the file
 * check (MODEL_FILES_MISMATCH) and located by the manifest, naming the tensor.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, openSync, readSync, rmSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { buildTensorManifest, diffManifests } from "../../../src/model/manifest.js";
import { verifyModelFiles } from "../../../src/model/integrity.js";
import { loadModelMetadata } from "../../../src/model/repository.js";
import { readOnnxGraph, readTensorBytes } from "../../../src/model/onnx/index.js";
import { tensorDigest } from "../../../src/record/tensor-digest.js";
import { ModelError } from "../../../src/model/errors.js";
import type { InitializerInfo } from "../../../src/model/onnx/graph-info.js";

const FIXTURES = new URL("../../fixtures/models/", import.meta.url).pathname;

function copyFixture(name: string): { dir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), "zeq-np-manifest-"));
  cpSync(join(FIXTURES, name), join(root, name), { recursive: true });
  return { dir: join(root, name, "1"), remove: () => rmSync(root, { recursive: true, force: true }) };
}

async function manifestOf(dir: string, files = ["model.onnx"]) {
  const graphs = [];
  for (const path of files) graphs.push({ path, info: await readOnnxGraph(join(dir, path)) });
  return buildTensorManifest(dir, graphs);
}

function flipByte(file: string, offset: number): void {
  const fd = openSync(file, "r+");
  const b = new Uint8Array(1);
  readSync(fd, b, 0, 1, offset);
  b[0] = b[0]! ^ 0x01;
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
}

test("each digest is the canonical tensor digest of the initializer's elements", async () => {
  const dir = join(FIXTURES, "resnet50-tiny", "1");
  const graph = await readOnnxGraph(join(dir, "model.onnx"));
  const manifest = await manifestOf(dir);
  assert.equal(manifest.tensors.length, graph.initializers.length);
  for (const name of ["conv1.weight", "fc.bias", "layer4.0.bn3.running_var"]) {
    const init = graph.initializers.find((i) => i.name === name)!;
    const bytes = await readTensorBytes(join(dir, "model.onnx"), init);
    const expected = tensorDigest(
      "float32",
      init.dims,
      new Float32Array(bytes.buffer, bytes.byteOffset, init.elements),
    );
    const entry = manifest.tensors.find((t) => t.name === name)!;
    assert.equal(entry.sha256, expected, name);
    assert.deepEqual(entry.shape, init.dims);
    assert.equal(entry.bytes, init.elements * 4);
  }
});

test("GPT-2's decoder shares model.onnx's weights: each tensor listed once, used by both graphs", async () => {
  const dir = join(FIXTURES, "gpt2-tiny", "1");
  const manifest = await manifestOf(dir, ["decoder_with_past.onnx", "model.onnx"]);
  const graph = await readOnnxGraph(join(dir, "model.onnx"));
  assert.equal(manifest.tensors.length, graph.initializers.length);
  for (const t of manifest.tensors)
    assert.deepEqual(t.graphs, ["decoder_with_past.onnx", "model.onnx"], t.name);
});

test("a one-byte change in the weight file is refused and the changed tensor is named", async () => {
  const { dir, remove } = copyFixture("resnet50-tiny");
  try {
    const meta = await loadModelMetadata(dir);
    const before = await manifestOf(dir);
    const graph = await readOnnxGraph(join(dir, "model.onnx"));
    const target = graph.initializers.find((i) => i.name === "layer2.0.conv2.weight")!;
    assert.equal(target.data.kind, "external");
    flipByte(join(dir, "model.onnx.data"), (target.data as { offset: number }).offset + 17);
    await assert.rejects(
      verifyModelFiles(dir, meta),
      (e: unknown) => e instanceof ModelError && e.code === "MODEL_FILES_MISMATCH",
    );
    const diff = diffManifests(before, await manifestOf(dir));
    assert.deepEqual(diff, { changed: ["layer2.0.conv2.weight"], missing: [], added: [] });
  } finally {
    remove();
  }
});

test("property: a flipped byte anywhere in the data file names exactly the tensor holding it (or none in padding)", async () => {
  const { dir, remove } = copyFixture("resnet50-tiny");
  try {
    const meta = await loadModelMetadata(dir);
    const dataFile = meta.files.find((f) => f.path === "model.onnx.data")!;
    const graph = await readOnnxGraph(join(dir, "model.onnx"));
    const ranges = graph.initializers.map((i: InitializerInfo) => ({
      name: i.name,
      ...(i.data as { offset: number; length: number }),
    }));
    const pristine = await manifestOf(dir);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: dataFile.bytes - 1 }), async (offset) => {
        flipByte(join(dir, "model.onnx.data"), offset);
        try {
          const diff = diffManifests(pristine, await manifestOf(dir));
          const holder = ranges
            .filter((r) => offset >= r.offset && offset < r.offset + r.length)
            .map((r) => r.name);
          assert.deepEqual(diff.changed, holder, `offset ${offset}`);
        } finally {
          flipByte(join(dir, "model.onnx.data"), offset);
        }
      }),
      { numRuns: 12 },
    );
  } finally {
    remove();
  }
});

test("diffManifests reports missing and added tensors by name", () => {
  const t = (name: string, sha: string) => ({
    name,
    dtype: "float32",
    shape: [2],
    bytes: 8,
    sha256: sha,
    graphs: ["model.onnx"],
  });
  const a = {
    tensor_digest: "zeq-np/canonical-tensor-digest/v1" as const,
    tensors: [t("a", "1".repeat(64)), t("b", "2".repeat(64))],
  };
  const b = { tensor_digest: a.tensor_digest, tensors: [t("a", "1".repeat(64)), t("c", "3".repeat(64))] };
  assert.deepEqual(diffManifests(a, b), { changed: [], missing: ["b"], added: ["c"] });
  assert.deepEqual(diffManifests(a, a), { changed: [], missing: [], added: [] });
});
