import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { decideAdmission, predictWaitMs, type AdmissionInput } from "../../src/inference/admission.js";
import { latencyAt } from "../../src/inference/budgets.js";
import type { Operator } from "../../src/inference/types.js";
import { MIN_RUNS_FOR_QUANTILE, ObservedRuns } from "../../src/inference/observed-runs.js";

function input(over: Partial<AdmissionInput> & { ops?: Operator[] } = {}): AdmissionInput {
  const { ops = ["CS43", "CS44"], ...rest } = over;
  return {
    inputSize: 100,
    operators: new Set(ops),
    latencyBudget: { a: 100, b: 0 },
    latencyCost: { a: 10, b: 0 },
    latencyFrom: "configured",
    memoryBudget: { c: 1000, d: 0 },
    memoryCost: { c: 500, d: 0 },
    memoryFrom: "configured",
    load: { workerFreeInMs: [0, 0], queuedMs: [], maxQueue: 10 },
    ...rest,
  };
}

describe("queue wait prediction", () => {
  test("replays first-come-first-served dispatch over the workers", () => {
    assert.equal(predictWaitMs({ workerFreeInMs: [0, 0], queuedMs: [], maxQueue: 10 }), 0);
    assert.equal(predictWaitMs({ workerFreeInMs: [30, 10], queuedMs: [], maxQueue: 10 }), 10);
    // Worker B (free at 10) takes the 50 (free at 60); A frees at 30 for us.
    assert.equal(predictWaitMs({ workerFreeInMs: [30, 10], queuedMs: [50], maxQueue: 10 }), 30);
    // The 5 goes to B (10 → 15), the 20 to B again (15 → 35); A frees first, at 30.
    assert.equal(predictWaitMs({ workerFreeInMs: [30, 10], queuedMs: [5, 20], maxQueue: 10 }), 30);
    assert.equal(predictWaitMs({ workerFreeInMs: [0], queuedMs: [5, 20, 7], maxQueue: 10 }), 32);
  });

  test("with one worker the wait is the sum of the work ahead", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.array(fc.nat(1000), { maxLength: 20 }), (running, queued) => {
        const wait = predictWaitMs({ workerFreeInMs: [running], queuedMs: queued, maxQueue: 100 });
        assert.equal(wait, running + queued.reduce((s, x) => s + x, 0));
      }),
    );
  });
});

describe("admission decisions", () => {
  test("admits what fits, reporting budgets and predictions", () => {
    const a = decideAdmission(input());
    assert.equal(a.admitted, true);
    assert.equal(a.code, null);
    assert.equal(a.budgetMs, 100);
    assert.equal(a.predictedRunMs, 10);
    assert.equal(a.budgetBytes, 1000);
    assert.equal(a.predictedBytes, 500);
  });

  test("without CS43/CS44 there is no budget and nothing is refused for it", () => {
    const a = decideAdmission(
      input({ ops: ["KO42"], latencyBudget: null, memoryBudget: null, latencyCost: { a: 1e9, b: 0 } }),
    );
    assert.equal(a.admitted, true);
    assert.equal(a.budgetMs, null);
    assert.equal(a.budgetBytes, null);
  });

  test("a budget that was asked for but not configured refuses", () => {
    assert.equal(decideAdmission(input({ latencyBudget: null })).code, "INFER_BUDGET_MISSING");
    assert.equal(decideAdmission(input({ memoryBudget: null })).code, "INFER_BUDGET_MISSING");
  });

  test("CS44 refuses a predicted working memory above S(n)", () => {
    const a = decideAdmission(input({ memoryCost: { c: 0, d: 20 } }));
    assert.equal(a.code, "INFER_MEMORY_BUDGET");
    assert.equal(a.retryAfterMs, null);
  });

  test("CS43 refuses a run that cannot fit even on an idle engine", () => {
    const a = decideAdmission(input({ latencyCost: { a: 101, b: 0 } }));
    assert.equal(a.code, "INFER_LATENCY_BUDGET");
    assert.equal(a.retryAfterMs, null);
  });

  test("CS43 refuses with a retry time when the queue makes it late", () => {
    const a = decideAdmission(input({ load: { workerFreeInMs: [120, 95], queuedMs: [], maxQueue: 10 } }));
    assert.equal(a.code, "INFER_OVERLOADED");
    assert.equal(a.predictedWaitMs, 95);
    assert.equal(a.retryAfterMs, 5);
  });

  test("a full queue refuses any call", () => {
    const a = decideAdmission(
      input({ ops: [], load: { workerFreeInMs: [3], queuedMs: [1, 1], maxQueue: 2 } }),
    );
    assert.equal(a.code, "INFER_OVERLOADED");
    assert.equal(a.retryAfterMs, 5);
  });

  test("an admitted CS43 call is always predicted to meet its budget", () => {
    fc.assert(
      fc.property(
        fc.record({ a: fc.nat(200), b: fc.double({ min: 0, max: 1, noNaN: true }) }),
        fc.record({ a: fc.nat(200), b: fc.double({ min: 0, max: 1, noNaN: true }) }),
        fc.nat(5000),
        fc.array(fc.nat(300), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(300), { maxLength: 8 }),
        (budget, cost, n, free, queued) => {
          const a = decideAdmission(
            input({
              ops: ["CS43"],
              inputSize: n,
              latencyBudget: budget,
              latencyCost: cost,
              load: { workerFreeInMs: free, queuedMs: queued, maxQueue: 100 },
            }),
          );
          if (a.admitted) assert.ok(a.predictedWaitMs + latencyAt(cost, n) <= latencyAt(budget, n));
          else assert.ok(a.code === "INFER_OVERLOADED" || a.code === "INFER_LATENCY_BUDGET");
        },
      ),
    );
  });
});

describe("planning with observed run times", () => {
  test("the queue is planned with T(n) scaled by what runs take here; the size check uses T(n) alone", () => {
    // Budget 100, cost 10, one queued call ahead of 10 predicted ms on one worker.
    const load = { workerFreeInMs: [40], queuedMs: [], maxQueue: 10 };
    const plain = decideAdmission(input({ load }));
    assert.equal(plain.admitted, true);
    assert.equal(plain.predictedRunMs, 10);
    // Runs take 7× their prediction lately: wait 40 + run 70 > 100.
    const slow = decideAdmission(input({ load, latencyScale: 7 }));
    assert.equal(slow.code, "INFER_OVERLOADED");
    assert.equal(slow.predictedRunMs, 70);
    // On an idle engine the same call fits: 70 ≤ 100.
    const idle = decideAdmission(input({ latencyScale: 7 }));
    assert.equal(idle.admitted, true);
    // Runs take 20× lately, over the budget even alone: a call that would start at once is
    // still admitted (refusing it frees nothing); one that would wait is refused.
    assert.equal(decideAdmission(input({ latencyScale: 20 })).admitted, true);
    const behind = decideAdmission(
      input({ latencyScale: 20, load: { workerFreeInMs: [1], queuedMs: [], maxQueue: 10 } }),
    );
    assert.equal(behind.code, "INFER_OVERLOADED");
  });

  test("ObservedRuns: the ratio quantile needs enough runs and reads the high tail", () => {
    const runs = new ObservedRuns(64);
    const cost = { a: 10, b: 0 };
    for (let i = 0; i < MIN_RUNS_FOR_QUANTILE - 1; i++) runs.add(4, 10);
    assert.equal(runs.ratioQuantile(cost, 0.9), null);
    // 20 runs: ratios 1.0 ×7 (above), 0.5 ×3, then 1.2, 1.4 … 3.0; the 18th smallest is 2.6.
    for (let i = 0; i < 3; i++) runs.add(4, 5);
    for (let i = 1; i <= 10; i++) runs.add(4, 10 + i * 2);
    assert.equal(runs.ratioQuantile(cost, 0.9), 2.6);
    assert.equal(runs.ratioQuantile(cost, 1), 3);
    assert.equal(runs.ratioQuantile(cost, 0.5), 1);
  });
});
