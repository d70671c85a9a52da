import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { InferenceEngine } from "../../src/inference/index.js";
import { inferenceCode } from "./helpers/assert-code.js";
import { InferenceError } from "../../src/inference/errors.js";
import { tensorDigest } from "../../src/record/tensor-digest.js";
import {
  denseFeeds,
  denseWeights,
  modelDir,
  writeDense,
  writeMixed,
  type ModelDir,
} from "./helpers/models.js";

let engine: InferenceEngine;
let dir: ModelDir;

before(async () => {
  dir = modelDir();
  engine = await InferenceEngine.start({ workers: 2 });
  await engine.load("dense", writeDense(dir));
  await engine.load("mixed", writeMixed(dir));
});

after(async () => {
  await engine?.close();
  dir?.remove();
});

describe("running a model", () => {
  test("digestOutputs: each output carries the canonical digest of the bytes handed back", async () => {
    const r = await engine.run("dense", denseFeeds(3), { digestOutputs: true });
    const y = r.outputs.y!;
    assert.equal(y.sha256, tensorDigest(y.dtype, y.dims, y.data));
    const plain = await engine.run("dense", denseFeeds(3));
    assert.equal(plain.outputs.y!.sha256, undefined, "no digest unless asked");
  });

  test("submit refuses synchronously, before anything is queued", () => {
    assert.throws(
      () => engine.submit("dense", denseFeeds(2), { operators: ["CS99" as never] }),
      (e: unknown) => e instanceof InferenceError && e.code === "INFER_OPERATOR_UNKNOWN",
    );
    assert.throws(
      () => engine.submit("nope", denseFeeds(2)),
      (e: unknown) => e instanceof InferenceError && e.code === "INFER_MODEL_NOT_LOADED",
    );
    assert.equal(engine.stats().queueDepth, 0);
  });

  test("load reports the declared inputs and outputs", () => {
    const info = engine.info("dense");
    assert.deepEqual(info.inputs, [{ name: "x", dtype: "float32", dims: ["N", 4] }]);
    assert.deepEqual(info.outputs, [{ name: "y", dtype: "float32", dims: ["N", 3] }]);
    assert.ok(info.fileBytes > 0);
  });

  test("the output has the right shape and values (weights read from the external-data file)", async () => {
    const feeds = denseFeeds(5);
    const r = await engine.run("dense", feeds);
    const y = r.outputs.y!;
    assert.equal(y.dtype, "float32");
    assert.deepEqual(y.dims, [5, 3]);
    assert.ok(y.data instanceof Float32Array);
    const w = denseWeights(4, 3);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 3; j++) {
        let want = 0;
        for (let k = 0; k < 4; k++) want += feeds.x.data[i * 4 + k]! * w[k * 3 + j]!;
        assert.ok(Math.abs(y.data[i * 3 + j]! - want) <= 1e-5 * Math.max(1, Math.abs(want)), `y[${i}][${j}]`);
      }
    }
    assert.equal(r.inputSize, 20, "default n: elements of the first input");
    assert.equal(feeds.x.data.length, 20, "the caller's input is not detached by default");
    assert.ok(r.runMs >= 0 && r.queueMs >= 0 && r.totalMs >= r.runMs);
    assert.ok(r.memory.peakBytes >= 0);
    assert.deepEqual(r.environment, engine.environment);
    assert.equal(r.environment.runtime, "onnxruntime-node");
    assert.equal(r.environment.graph_optimization_level, "all");
    assert.equal(r.environment.intra_op_threads, 1);
    assert.match(r.environment.runtime_version, /^\d+\.\d+\.\d+/);
  });

  test("the same input twice gives bit-identical outputs, on either worker", async () => {
    const feeds = denseFeeds(64);
    const results = await Promise.all([1, 2, 3, 4].map(() => engine.run("dense", feeds)));
    const first = Buffer.from(results[0]!.outputs.y!.data.buffer);
    for (const r of results)
      assert.ok(Buffer.from(r.outputs.y!.data.buffer).equals(first), `worker ${r.worker}`);
  });

  test("int64 and float32 inputs and outputs pass through unchanged", async () => {
    const r = await engine.run("mixed", {
      a: { dtype: "float32", dims: [2, 3], data: Float32Array.of(-1, 0, 1.5, 2, -3, 4) },
      b: { dtype: "int64", dims: [2, 2], data: BigInt64Array.of(1n, -2n, 2n ** 40n, 0n) },
    });
    assert.deepEqual([...(r.outputs.relu_a!.data as Float32Array)], [0, 0, 1.5, 2, 0, 4]);
    assert.deepEqual([...(r.outputs.neg_b!.data as BigInt64Array)], [-1n, 2n, -(2n ** 40n), 0n]);
    assert.deepEqual(r.outputs.neg_b!.dims, [2, 2]);
  });

  test("transferInputs moves the caller's buffer instead of copying it", async () => {
    const feeds = denseFeeds(2);
    const r = await engine.run("dense", feeds, { transferInputs: true });
    assert.equal(feeds.x.data.length, 0, "detached");
    assert.deepEqual(r.outputs.y!.dims, [2, 3]);
  });
});

describe("input errors name the input and run nothing", () => {
  const mixed = () => ({
    a: { dtype: "float32" as const, dims: [1, 3], data: new Float32Array(3) },
    b: { dtype: "int64" as const, dims: [1, 2], data: new BigInt64Array(2) },
  });

  test("each input code", async () => {
    const { b: _, ...missing } = mixed();
    await assert.rejects(engine.run("mixed", missing as never), inferenceCode("INFER_INPUT_MISSING", "b"));
    await assert.rejects(
      engine.run("mixed", { ...mixed(), c: mixed().a }),
      inferenceCode("INFER_INPUT_UNEXPECTED", "c"),
    );
    await assert.rejects(
      engine.run("mixed", { ...mixed(), b: { dtype: "int32", dims: [1, 2], data: new Int32Array(2) } }),
      inferenceCode("INFER_INPUT_DTYPE", "b"),
    );
    await assert.rejects(
      engine.run("mixed", { ...mixed(), a: { dtype: "float32", dims: [1, 4], data: new Float32Array(4) } }),
      inferenceCode("INFER_INPUT_SHAPE", "a"),
    );
    await assert.rejects(
      engine.run("mixed", { ...mixed(), b: { dtype: "int64", dims: [2, 2], data: new BigInt64Array(4) } }),
      inferenceCode("INFER_INPUT_SHAPE", "b"),
      "batch is 1 in a, 2 in b",
    );
    await assert.rejects(
      engine.run("mixed", { ...mixed(), a: { dtype: "float32", dims: [1, 3], data: new Float32Array(2) } }),
      inferenceCode("INFER_INPUT_DATA", "a"),
    );
    assert.equal(engine.stats().inFlight, 0);
    assert.equal(engine.stats().queueDepth, 0);
  });

  test("unknown models and operators", async () => {
    await assert.rejects(engine.run("nope", {}), inferenceCode("INFER_MODEL_NOT_LOADED"));
    await assert.rejects(
      engine.run("dense", denseFeeds(1), { operators: ["KO42", "CS45" as never] }),
      inferenceCode("INFER_OPERATOR_UNKNOWN"),
    );
    await assert.rejects(
      engine.run("dense", denseFeeds(1), { inputSize: -1 }),
      inferenceCode("INFER_OPTIONS_INVALID"),
    );
  });
});

describe("loading", () => {
  test("a malformed ONNX file is a coded error and the engine goes on serving", async () => {
    const bad = dir.path("garbage.onnx");
    writeFileSync(bad, Buffer.from("this is not a protobuf ModelProto \x08\x99\xff\xff"));
    await assert.rejects(engine.load("garbage", bad), inferenceCode("INFER_MODEL_LOAD_FAILED"));
    const truncated = dir.path("truncated.onnx");
    writeFileSync(truncated, Buffer.from([0x08, 0x08, 0x3a, 0xff, 0x01]));
    await assert.rejects(engine.load("truncated", truncated), inferenceCode("INFER_MODEL_LOAD_FAILED"));
    await assert.rejects(
      engine.load("absent", dir.path("absent.onnx")),
      inferenceCode("INFER_MODEL_LOAD_FAILED"),
    );
    await assert.rejects(engine.run("garbage", {}), inferenceCode("INFER_MODEL_NOT_LOADED"));
    const r = await engine.run("dense", denseFeeds(1));
    assert.deepEqual(r.outputs.y!.dims, [1, 3]);
    assert.equal(engine.stats().workers.ready, 2);
  });

  test("a model whose external data is missing fails to load", async () => {
    const d2 = modelDir();
    const path = writeDense(d2, "lonely.onnx");
    writeFileSync(d2.path("lonely.onnx.data"), new Uint8Array(0));
    await assert.rejects(engine.load("lonely", path), inferenceCode("INFER_MODEL_LOAD_FAILED"));
    d2.remove();
  });

  test("one id cannot be loaded twice; unloading frees it", async () => {
    await assert.rejects(
      engine.load("dense", writeDense(dir, "dense2.onnx")),
      inferenceCode("INFER_MODEL_ALREADY_LOADED"),
    );
    await engine.load("dense2", dir.path("dense2.onnx"));
    await engine.unload("dense2");
    await assert.rejects(engine.run("dense2", denseFeeds(1)), inferenceCode("INFER_MODEL_NOT_LOADED"));
  });

  test("bad engine and load options are coded errors", async () => {
    await assert.rejects(InferenceEngine.start({ workers: 0 }), inferenceCode("INFER_OPTIONS_INVALID"));
    await assert.rejects(
      InferenceEngine.start({ session: { graphOptimizationLevel: "max" as never } }),
      inferenceCode("INFER_OPTIONS_INVALID"),
    );
    await assert.rejects(
      engine.load("x", dir.path("dense.onnx"), { budgets: { latencyMs: { a: -1, b: 0 } } }),
      inferenceCode("INFER_OPTIONS_INVALID"),
    );
  });
});
