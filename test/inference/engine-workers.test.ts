import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InferenceEngine } from "../../src/inference/index.js";
import { eventually, inferenceCode } from "./helpers/assert-code.js";
import { denseFeeds, heavyFeeds, modelDir, writeDense, writeHeavy, type ModelDir } from "./helpers/models.js";

let engine: InferenceEngine;
let dir: ModelDir;
const WIDTH = 512;

before(async () => {
  dir = modelDir();
  engine = await InferenceEngine.start({ workers: 2 });
  await engine.load("dense", writeDense(dir));
  await engine.load("heavy", writeHeavy(dir, WIDTH, 8));
});

after(async () => {
  await engine?.close();
  dir?.remove();
});

describe("worker threads", () => {
  test("the event loop keeps turning while a worker runs a heavy model", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      // Thousands of MatMul rows: a second or so of native work. Were session.run on this
      // thread, the interval could not fire until it returned (ticks would be 0 or 1).
      const r = await engine.run("heavy", heavyFeeds(4096, WIDTH));
      assert.deepEqual(r.outputs.y!.dims, [4096, WIDTH]);
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks >= 10, `the interval fired ${ticks} times during the run`);
  });

  test("a crashed worker's call rejects, the others go on, and the worker is replaced with its models", async () => {
    const before = engine.stats().workers.restarts;
    // The crash is queued in worker 0 ahead of the next call dispatched to it (both idle: worker 0 first).
    engine._crashWorker(0);
    const doomed = engine.run("heavy", heavyFeeds(256, WIDTH));
    const survivor = engine.run("dense", denseFeeds(3));
    await assert.rejects(doomed, inferenceCode("INFER_WORKER_CRASHED"));
    assert.deepEqual((await survivor).outputs.y!.dims, [3, 3]);

    await eventually(() => engine.stats().workers.ready === 2);
    assert.equal(engine.stats().workers.restarts, before + 1);
    // Both workers, the replacement included, serve both models.
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        engine.run(i % 2 ? "dense" : "heavy", i % 2 ? denseFeeds(2) : heavyFeeds(8, WIDTH)),
      ),
    );
    assert.equal(results.length, 4);
    const busy = [engine.run("heavy", heavyFeeds(512, WIDTH)), engine.run("heavy", heavyFeeds(512, WIDTH))];
    const workers = (await Promise.all(busy)).map((r) => r.worker).sort();
    assert.deepEqual(workers, [0, 1], "two concurrent calls use both workers, the replaced one too");
  });

  test("close lets the running call finish, rejects queued and later calls", async () => {
    const local = await InferenceEngine.start({ workers: 1 });
    await local.load("heavy", dir.path("heavy.onnx"));
    const running = local.run("heavy", heavyFeeds(256, WIDTH));
    const queued = assert.rejects(
      local.run("heavy", heavyFeeds(256, WIDTH)),
      inferenceCode("INFER_ENGINE_CLOSED"),
    );
    await local.close();
    await queued;
    assert.deepEqual((await running).outputs.y!.dims, [256, WIDTH]);
    await assert.rejects(local.run("heavy", heavyFeeds(1, WIDTH)), inferenceCode("INFER_ENGINE_CLOSED"));
  });
});
