import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { InferenceError } from "../../src/inference/index.js";
import { DeadlineExceededError, InferenceEngine } from "../../src/inference/index.js";
import { inferenceCode } from "./helpers/assert-code.js";
import { denseFeeds, heavyFeeds, modelDir, writeDense, writeHeavy, type ModelDir } from "./helpers/models.js";

let engine: InferenceEngine;
let dir: ModelDir;
const WIDTH = 512;
/** Rows of the heavy model that take tens to hundreds of milliseconds: far beyond a 1 ms budget. */
const HEAVY_ROWS = 1024;

before(async () => {
  dir = modelDir();
  engine = await InferenceEngine.start({ workers: 2 });
  writeDense(dir);
  writeHeavy(dir, WIDTH, 8);
  await engine.load("dense", dir.path("dense.onnx"));
  // Predicted free: admission lets heavy calls in and counts them as no work ahead.
  await engine.load("heavy", dir.path("heavy.onnx"), { cost: { latencyMs: { a: 0, b: 0 } } });
});

after(async () => {
  await engine?.close();
  dir?.remove();
});

describe("CS43 and CS44 before running", () => {
  test("a budget that was not configured refuses CS43 and CS44", async () => {
    await assert.rejects(
      engine.run("dense", denseFeeds(1), { operators: ["KO42", "CS43"] }),
      inferenceCode("INFER_BUDGET_MISSING"),
    );
    await assert.rejects(
      engine.run("dense", denseFeeds(1), { operators: ["CS44"] }),
      inferenceCode("INFER_BUDGET_MISSING"),
    );
  });

  test("CS43: a run predicted over budget is refused before it is queued", async () => {
    engine.configure("dense", {
      budgets: { latencyMs: { a: 1, b: 0 } },
      cost: { latencyMs: { a: 50, b: 0 } },
    });
    assert.equal(engine.admit("dense", 4, ["CS43"]).code, "INFER_LATENCY_BUDGET");
    const refused = engine.run("dense", denseFeeds(1), { operators: ["KO42", "CS43"] });
    // Admission is synchronous in run(): an admitted call is on a worker before run() returns.
    assert.equal(engine.stats().inFlight, 0);
    await assert.rejects(refused, inferenceCode("INFER_LATENCY_BUDGET"));

    engine.configure("dense", { budgets: { latencyMs: { a: 60_000, b: 0 } } });
    const admitted = engine.run("dense", denseFeeds(1), { operators: ["KO42", "CS43"] });
    assert.equal(engine.stats().inFlight, 1, "the control: an admitted call is in flight at once");
    const r = await admitted;
    assert.equal(r.latency.budgetMs, 60_000);
    assert.equal(r.latency.predictedMs, 50);
    assert.equal(r.latency.predictedFrom, "configured");
    assert.equal(r.latency.held, true);

    // A budget beyond setTimeout's range must not turn into an instant deadline.
    engine.configure("heavy", { budgets: { latencyMs: { a: 1e12, b: 0 } } });
    const far = await engine.run("heavy", heavyFeeds(256, WIDTH), { operators: ["CS43"] });
    assert.equal(far.latency.held, true);
  });

  test("CS44: a predicted working memory over S(n) is refused; an admitted run reports budget, prediction and peak", async () => {
    engine.configure("dense", {
      budgets: { memoryBytes: { c: 1000, d: 0 } },
      cost: { memoryBytes: { c: 0, d: 100 } },
    });
    const refused = engine.run("dense", denseFeeds(5), { operators: ["CS44"] });
    assert.equal(engine.stats().inFlight, 0);
    await assert.rejects(refused, inferenceCode("INFER_MEMORY_BUDGET"));

    const r = await engine.run("dense", denseFeeds(5), { operators: ["CS44"], inputSize: 5 });
    assert.equal(r.memory.budgetBytes, 1000);
    assert.equal(r.memory.predictedBytes, 500);
    assert.equal(r.memory.predictedFrom, "configured");
    assert.ok(Number.isSafeInteger(r.memory.peakBytes) && r.memory.peakBytes >= 0);
    assert.equal(r.memory.held, r.memory.peakBytes <= 1000);
    assert.equal(r.latency.budgetMs, null, "CS43 not applied");
    if (process.platform === "linux") assert.equal(r.memory.method, "vmhwm");
  });

  test("CS43: when the work ahead makes a call late it is refused with a retry time", async () => {
    engine.configure("heavy", { cost: { latencyMs: { a: 10_000, b: 0 } } });
    engine.configure("dense", {
      budgets: { latencyMs: { a: 100, b: 0 } },
      cost: { latencyMs: { a: 0, b: 0 } },
    });
    const busy = [engine.run("heavy", heavyFeeds(64, WIDTH)), engine.run("heavy", heavyFeeds(64, WIDTH))];
    try {
      const admission = engine.admit("dense", 4, ["CS43"]);
      assert.equal(admission.code, "INFER_OVERLOADED");
      assert.ok(admission.predictedWaitMs > 100);
      await assert.rejects(engine.run("dense", denseFeeds(1), { operators: ["CS43"] }), (err: unknown) => {
        inferenceCode("INFER_OVERLOADED")(err);
        assert.ok((err as InferenceError).retryAfterMs! >= 1);
        return true;
      });
      // Without CS43 the same call is accepted and waits its turn.
      assert.equal(engine.admit("dense", 4, []).admitted, true);
    } finally {
      await Promise.all(busy);
      engine.configure("heavy", { cost: { latencyMs: { a: 0, b: 0 } } });
    }
  });
});

describe("CS43 deadlines", () => {
  test("a run past its deadline is answered at the deadline; the late result says the budget did not hold", async () => {
    engine.configure("heavy", { budgets: { latencyMs: { a: 1, b: 0 } } });
    let caught: unknown;
    try {
      await engine.run("heavy", heavyFeeds(HEAVY_ROWS, WIDTH), {
        operators: ["KO42", "CS43"],
        inputSize: HEAVY_ROWS,
      });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof DeadlineExceededError, String(caught));
    assert.equal(caught.code, "INFER_DEADLINE_EXCEEDED");
    assert.equal(caught.ran, true);
    assert.equal(caught.budgetMs, 1);
    assert.ok(caught.late !== null);
    const late = await caught.late;
    assert.equal(late.latency.held, false);
    assert.ok(late.totalMs > 1);
    assert.deepEqual(late.outputs.y!.dims, [HEAVY_ROWS, WIDTH]);
  });

  test("a call whose deadline passes in the queue never runs", async () => {
    engine.configure("dense", {
      budgets: { latencyMs: { a: 1, b: 0 } },
      cost: { latencyMs: { a: 0, b: 0 } },
    });
    const busy = [
      engine.run("heavy", heavyFeeds(HEAVY_ROWS, WIDTH)),
      engine.run("heavy", heavyFeeds(HEAVY_ROWS, WIDTH)),
    ];
    try {
      const queued = engine.run("dense", denseFeeds(1), { operators: ["CS43"] });
      assert.equal(engine.stats().queueDepth, 1);
      await assert.rejects(queued, (err: unknown) => {
        assert.ok(err instanceof DeadlineExceededError);
        assert.equal(err.ran, false);
        assert.equal(err.late, null);
        return true;
      });
      assert.equal(engine.stats().queueDepth, 0);
    } finally {
      await Promise.all(busy);
    }
  });
});

describe("CS43 at dispatch", () => {
  test("a queued call that can no longer meet its deadline is refused as overload when a worker frees, not run", async () => {
    // A model of its own, with no observed runs, so admission plans with its cost model alone.
    await engine.load("dense-deadline", dir.path("dense.onnx"), {
      budgets: { latencyMs: { a: 5000, b: 0 } },
      cost: { latencyMs: { a: 4999, b: 0 } },
    });
    const busy = [
      engine.run("heavy", heavyFeeds(HEAVY_ROWS, WIDTH)),
      engine.run("heavy", heavyFeeds(HEAVY_ROWS, WIDTH)),
    ];
    try {
      // Admitted: the heavy calls are predicted free, so wait 0 + run 4999 ≤ 5000.
      const queued = engine.run("dense-deadline", denseFeeds(1), { operators: ["CS43"] });
      assert.equal(engine.stats().queueDepth, 1);
      // When a worker frees (after a real heavy run, > 1 ms), 4999 ms no longer fit in what is left.
      await assert.rejects(queued, (err: unknown) => {
        inferenceCode("INFER_OVERLOADED")(err);
        assert.ok(!(err instanceof DeadlineExceededError));
        assert.ok((err as InferenceError).retryAfterMs! >= 4999);
        return true;
      });
      assert.equal(engine.stats().queueDepth, 0);
    } finally {
      await Promise.all(busy);
      await engine.unload("dense-deadline");
    }
  });
});

describe("predictions", () => {
  test("a model with no cost model is predicted from its observed runs", async () => {
    await engine.load("observed", writeDense(dir, "observed.onnx"));
    assert.equal(engine.admit("observed", 4).latencyFrom, "none");
    await engine.run("observed", denseFeeds(1));
    const a = engine.admit("observed", 4);
    assert.equal(a.latencyFrom, "observed");
    assert.ok(a.predictedRunMs !== null && a.predictedRunMs >= 0);
  });

  test("calibration fits T(n) and S(n), installs them, and fills only the budgets not configured", async () => {
    await engine.load("cal", writeHeavy(dir, 128, 4, "cal.onnx"), {
      budgets: { latencyMs: { a: 500, b: 0 } },
    });
    const cal = await engine.calibrate("cal", {
      sizes: [256, 16, 64],
      feedsFor: (n) => heavyFeeds(n, 128),
      repeats: 2,
    });
    assert.deepEqual(
      cal.samples.map((s) => s.n),
      [16, 64, 256],
    );
    for (let i = 1; i < cal.samples.length; i++) {
      assert.ok(
        cal.samples[i]!.coldBytes >= cal.samples[i - 1]!.coldBytes,
        "cold working memory is cumulative over ascending sizes",
      );
    }
    assert.ok(cal.cost.latencyMs.a >= 0 && cal.cost.latencyMs.b >= 0);
    assert.ok(cal.suggestedBudgets.latencyMs.a >= cal.cost.latencyMs.a + 5);
    const info = engine.info("cal");
    assert.deepEqual(info.budgets.latencyMs, { a: 500, b: 0 }, "the configured SLA stays");
    assert.deepEqual(info.budgets.memoryBytes, cal.suggestedBudgets.memoryBytes);
    assert.deepEqual(info.cost.latencyMs, cal.cost.latencyMs);
    const r = await engine.run("cal", heavyFeeds(64, 128), { operators: ["CS43", "CS44"], inputSize: 64 });
    assert.equal(r.latency.predictedFrom, "calibrated");
    assert.equal(r.memory.predictedFrom, "calibrated");
    assert.equal(r.latency.budgetMs, 500);
  });

  test("concurrent calibration times every size with several sessions at once; the budget holds the slower", async () => {
    await engine.load("cal-concurrent", writeHeavy(dir, 256, 4, "cal-concurrent.onnx"));
    const cal = await engine.calibrate("cal-concurrent", {
      sizes: [16, 256],
      feedsFor: (n) => heavyFeeds(n, 256),
      repeats: 2,
      concurrency: 2,
      margin: 0.5,
      latencySlackMs: 5,
    });
    for (const s of cal.samples) {
      assert.ok(
        s.concurrentMedianMs !== undefined && s.concurrentMedianMs > 0,
        `n=${s.n} timed concurrently`,
      );
      const worst = Math.max(s.medianMs, s.concurrentMedianMs);
      const budget = cal.suggestedBudgets.latencyMs;
      const at = budget.a + budget.b * s.n * Math.log2(s.n + 1);
      assert.ok(at >= worst * 1.5 + 5 - 1e-9, `T(${s.n}) = ${at} holds ${worst} ms with its margin`);
    }
    await assert.rejects(
      engine.calibrate("cal-concurrent", {
        sizes: [2],
        feedsFor: (n) => heavyFeeds(n, 256),
        concurrency: 0.5,
      }),
      inferenceCode("INFER_OPTIONS_INVALID"),
    );
    await engine.unload("cal-concurrent");
  });

  test("calibration options and inputs are checked", async () => {
    await assert.rejects(
      engine.calibrate("dense", { sizes: [], feedsFor: denseFeeds }),
      inferenceCode("INFER_OPTIONS_INVALID"),
    );
    await assert.rejects(
      engine.calibrate("dense", { sizes: [1.5], feedsFor: denseFeeds }),
      inferenceCode("INFER_OPTIONS_INVALID"),
    );
    await assert.rejects(
      engine.calibrate("dense", { sizes: [2], feedsFor: () => ({}) }),
      inferenceCode("INFER_INPUT_MISSING", "x"),
    );
  });
});
