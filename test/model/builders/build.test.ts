import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { buildModel, type BuildableModel } from "../../../src/model/builders/build.js";
import { loadModelMetadata } from "../../../src/model/repository.js";
import { readOnnxGraph } from "../../../src/model/onnx/reader.js";
import { ModelError } from "../../../src/model/errors.js";
import type { ModelMetadata } from "../../../src/model/metadata.js";

const root = mkdtempSync(join(tmpdir(), "zeq-build-"));
process.on("exit", () => rmSync(root, { recursive: true, force: true }));
const built = new Map<BuildableModel, { dir: string; metadata: ModelMetadata }>();
const progress = new Map<BuildableModel, Array<[number, number, string]>>();

async function tiny(name: BuildableModel): Promise<{ dir: string; metadata: ModelMetadata }> {
  let result = built.get(name);
  if (result === undefined) {
    const calls: Array<[number, number, string]> = [];
    result = await buildModel({
      name,
      size: "tiny",
      modelsDir: root,
      onProgress: (d, t, l) => calls.push([d, t, l]),
    });
    built.set(name, result);
    progress.set(name, calls);
  }
  return result;
}

const i64 = (values: number[], dims: number[]): ort.Tensor =>
  new ort.Tensor("int64", BigInt64Array.from(values.map(BigInt)), dims);
const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

test("tiny resnet50 runs in onnxruntime: logits [batch, 1000], finite", async () => {
  const { dir, metadata } = await tiny("resnet50");
  assert.equal(metadata.name, "resnet50-tiny");
  const session = await ort.InferenceSession.create(join(dir, "model.onnx"));
  const pixels = Float32Array.from({ length: 2 * 3 * 224 * 224 }, (_, i) => Math.sin(i / 97));
  const { logits } = await session.run({ pixel_values: new ort.Tensor("float32", pixels, [2, 3, 224, 224]) });
  assert.deepEqual(logits?.dims, [2, 1000]);
  assert.ok((logits?.data as Float32Array).every(Number.isFinite));
});

test("tiny bert runs in onnxruntime: logits [batch, sequence, 30522], finite, padding ignored", async () => {
  const { dir } = await tiny("bert-base-uncased");
  const session = await ort.InferenceSession.create(join(dir, "model.onnx"));
  assert.deepEqual(session.inputNames, ["input_ids", "attention_mask", "token_type_ids"]);
  const run = async (ids: number[], mask: number[]): Promise<Float32Array> => {
    const { logits } = await session.run({
      input_ids: i64(ids, [1, ids.length]),
      attention_mask: i64(mask, [1, ids.length]),
      token_type_ids: i64(
        ids.map(() => 0),
        [1, ids.length],
      ),
    });
    assert.deepEqual(logits?.dims, [1, ids.length, 30522]);
    return logits?.data as Float32Array;
  };
  const plain = await run([101, 1996, 103, 102], [1, 1, 1, 1]);
  const padded = await run([101, 1996, 103, 102, 0, 0], [1, 1, 1, 1, 0, 0]);
  assert.ok(plain.every(Number.isFinite) && padded.every(Number.isFinite));
  let worst = 0;
  for (let i = 0; i < plain.length; i++) worst = Math.max(worst, Math.abs(plain[i]! - padded[i]!));
  assert.ok(worst < 1e-5, `masked padding changed real positions by ${worst}`);
});

test("tiny gpt2: the KV-cache decoder reproduces the full model step by step", async () => {
  const { dir, metadata } = await tiny("gpt2");
  const full = await ort.InferenceSession.create(join(dir, "model.onnx"));
  const step = await ort.InferenceSession.create(join(dir, metadata.decoder_with_past!.path));
  const ids = [464, 2068, 7586, 21831, 18045, 625];
  const vocab = 50257;
  const { logits } = await full.run({
    input_ids: i64(ids, [1, 6]),
    attention_mask: i64([1, 1, 1, 1, 1, 1], [1, 6]),
  });
  assert.deepEqual(logits?.dims, [1, 6, vocab]);
  const reference = logits?.data as Float32Array;
  assert.ok(reference.every(Number.isFinite));

  let past: Record<string, ort.Tensor> = {};
  for (let l = 0; l < 2; l++) {
    for (const kv of ["key", "value"])
      past[`past_key_values.${l}.${kv}`] = new ort.Tensor("float32", new Float32Array(0), [1, 2, 0, 16]);
  }
  let position = 0;
  let worst = 0;
  for (const count of [3, 1, 2]) {
    const chunk = ids.slice(position, position + count);
    const out = await step.run({
      input_ids: i64(chunk, [1, count]),
      position_ids: i64(
        chunk.map((_, i) => position + i),
        [1, count],
      ),
      attention_mask: i64(Array(position + count).fill(1), [1, position + count]),
      ...past,
    });
    const got = out.logits?.data as Float32Array;
    for (let i = 0; i < count * vocab; i++)
      worst = Math.max(worst, Math.abs(got[i]! - reference[position * vocab + i]!));
    past = {};
    for (let l = 0; l < 2; l++) {
      for (const kv of ["key", "value"]) {
        const present = out[`present.${l}.${kv}`]!;
        assert.deepEqual(present.dims, [1, 2, position + count, 16]);
        past[`past_key_values.${l}.${kv}`] = present;
      }
    }
    position += count;
  }
  assert.ok(worst < 1e-5, `cached decoding differs by ${worst}`);
});

test("model.json lists every file with its real hash and size, and loads back", async () => {
  for (const name of ["resnet50", "bert-base-uncased", "gpt2"] as const) {
    const { dir, metadata } = await tiny(name);
    assert.deepEqual(await loadModelMetadata(dir), metadata);
    for (const file of metadata.files) {
      assert.equal(sha256(join(dir, file.path)), file.sha256, `${name}/${file.path}`);
      assert.equal(readFileSync(join(dir, file.path)).length, file.bytes);
    }
    const extra = metadata.labels !== undefined ? [metadata.labels] : [];
    assert.deepEqual(
      readdirSync(dir).sort(),
      [...metadata.files.map((f) => f.path), "model.json", ...extra].sort(),
    );
  }
});

test("resnet50 carries the 1000 ImageNet class names as labels.txt", async () => {
  const { dir, metadata } = await tiny("resnet50");
  assert.equal(metadata.labels, "labels.txt");
  const labels = readFileSync(join(dir, "labels.txt"), "utf8")
    .split("\n")
    .filter((l) => l !== "");
  assert.equal(labels.length, 1000);
  assert.equal(labels[0], "tench");
  assert.equal((await tiny("gpt2")).metadata.labels, undefined);
});

test("each ONNX file's initializers are the architecture's weights in the shared data file", async () => {
  const { dir, metadata } = await tiny("gpt2");
  const main = await readOnnxGraph(join(dir, "model.onnx"));
  const decoder = await readOnnxGraph(join(dir, "decoder_with_past.onnx"));
  assert.deepEqual(decoder.initializers, main.initializers);
  assert.equal(
    main.initializers.reduce((n, i) => n + i.elements, 0),
    metadata.parameters,
  );
  assert.deepEqual(main.inputs, metadata.inputs);
  assert.deepEqual(decoder.outputs, metadata.decoder_with_past?.outputs);
});

test("progress reports bytes written up to the total", async () => {
  await tiny("bert-base-uncased");
  const calls = progress.get("bert-base-uncased")!;
  const total = calls[0]![1];
  assert.equal(total, 1_050_266 * 4);
  assert.ok(calls.every(([d], i) => i === 0 || d > calls[i - 1]![0]));
  assert.deepEqual(calls.at(-1)?.slice(0, 2), [total, total]);
  assert.equal(calls[0]![2], "bert.embeddings.word_embeddings.weight");
});

test("builds are deterministic; the seed changes the weights and nothing else", async () => {
  const first = await tiny("resnet50");
  const again = await buildModel({ name: "resnet50", size: "tiny", modelsDir: join(root, "again") });
  assert.deepEqual(again.metadata.files, first.metadata.files);
  const seeded = await buildModel({
    name: "resnet50",
    size: "tiny",
    modelsDir: join(root, "seeded"),
    seed: "other",
  });
  const hashes = (m: ModelMetadata): Record<string, string> =>
    Object.fromEntries(m.files.map((f) => [f.path, f.sha256]));
  assert.equal(hashes(seeded.metadata)["model.onnx"], hashes(first.metadata)["model.onnx"]);
  assert.notEqual(hashes(seeded.metadata)["model.onnx.data"], hashes(first.metadata)["model.onnx.data"]);
  assert.equal(seeded.metadata.architecture.seed, "other");
});

test("refuses to overwrite, unknown models and sizes, bad versions; leaves no staging folders", async () => {
  await tiny("resnet50");
  const code = async (promise: Promise<unknown>, expected: string): Promise<void> =>
    assert.rejects(promise, (err: unknown) => err instanceof ModelError && err.code === expected);
  await code(buildModel({ name: "resnet50", size: "tiny", modelsDir: root }), "MODEL_ALREADY_EXISTS");
  await code(
    buildModel({ name: "vgg16" as BuildableModel, size: "tiny", modelsDir: root }),
    "MODEL_BUILD_INVALID",
  );
  await code(buildModel({ name: "gpt2", size: "huge" as "tiny", modelsDir: root }), "MODEL_BUILD_INVALID");
  await code(
    buildModel({ name: "gpt2", size: "tiny", modelsDir: root, version: "01" }),
    "MODEL_VERSION_INVALID",
  );
  const rebuilt = await buildModel({ name: "resnet50", size: "tiny", modelsDir: root, overwrite: true });
  assert.deepEqual(rebuilt.metadata.files, built.get("resnet50")?.metadata.files);
  const v2 = await buildModel({ name: "resnet50", size: "tiny", modelsDir: root, version: "2" });
  assert.equal(v2.metadata.version, "2");
  assert.deepEqual(readdirSync(join(root, "resnet50-tiny")).sort(), ["1", "2"]);
});
