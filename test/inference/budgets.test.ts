import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  fitLatency,
  fitMemoryEnvelope,
  latencyAt,
  latencyBudgetFrom,
  latencyBudgetEnvelope,
  memoryAt,
  memoryBudgetFrom,
  parseCoefficients,
} from "../../src/inference/budgets.js";
import { InferenceError } from "../../src/inference/errors.js";

const code = (c: string) => (err: unknown) => err instanceof InferenceError && err.code === c;

describe("budget functions", () => {
  test("T(n) = a + b·n·log2(n+1) and S(n) = c + d·n at known points", () => {
    assert.equal(latencyAt({ a: 3, b: 2 }, 0), 3);
    assert.equal(latencyAt({ a: 3, b: 2 }, 1), 3 + 2 * 1 * 1);
    assert.equal(latencyAt({ a: 0, b: 1 }, 7), 7 * 3);
    assert.equal(latencyAt({ a: 1, b: 0.5 }, 1023), 1 + 0.5 * 1023 * 10);
    assert.equal(memoryAt({ c: 100, d: 4 }, 25), 200);
    assert.equal(memoryAt({ c: 0, d: 0.5 }, 3), 2, "rounded up to whole bytes");
  });

  test("a fit of exact samples recovers the coefficients", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 2, maxLength: 12 }),
        (a, b, sizes) => {
          const fit = fitLatency(sizes.map((n) => ({ n, ms: latencyAt({ a, b }, n) })));
          for (const n of sizes) {
            const want = latencyAt({ a, b }, n);
            assert.ok(
              Math.abs(latencyAt(fit, n) - want) <= 1e-6 * Math.max(1, want),
              `n=${n}: ${latencyAt(fit, n)} vs ${want}`,
            );
          }
        },
      ),
    );
  });

  test("fits never go negative and a single size fits a constant", () => {
    assert.deepEqual(
      fitLatency([
        { n: 10, ms: 4 },
        { n: 10, ms: 6 },
      ]),
      { a: 5, b: 0 },
    );
    const falling = fitLatency([
      { n: 1, ms: 10 },
      { n: 1000, ms: 1 },
    ]);
    assert.equal(falling.b, 0);
    assert.ok(falling.a >= 0);
    const steep = fitLatency([
      { n: 1, ms: 0 },
      { n: 2, ms: 0 },
      { n: 1000, ms: 100 },
    ]);
    assert.ok(steep.a >= 0 && steep.b > 0);
  });

  test("the latency fit is relative: small sizes, where most calls are, are not sacrificed to large ones", () => {
    // BERT-base's calibration on this project's build machine (median ms at 8, 32, 128, 512 tokens).
    const samples = [
      { n: 8, ms: 32.85 },
      { n: 32, ms: 86.65 },
      { n: 128, ms: 296.49 },
      { n: 512, ms: 1645.34 },
    ];
    const fit = fitLatency(samples);
    for (const s of samples) {
      const error = Math.abs(latencyAt(fit, s.n) - s.ms) / s.ms;
      // A plain least-squares fit predicts 22 ms at n = 8 (−33 %).
      assert.ok(error < 0.12, `n=${s.n}: predicted ${latencyAt(fit, s.n).toFixed(1)} ms for ${s.ms} ms`);
    }
  });

  test("a calibrated latency budget holds every measured size with its margin and slack", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            n: fc.integer({ min: 0, max: 4096 }),
            ms: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (samples, margin, slack) => {
          const budget = latencyBudgetEnvelope(fitLatency(samples), samples, margin, slack);
          for (const s of samples) {
            const need = s.ms * (1 + margin) + slack;
            assert.ok(
              latencyAt(budget, s.n) >= need * (1 - 1e-9),
              `T(${s.n}) = ${latencyAt(budget, s.n)} < ${need}`,
            );
          }
        },
      ),
    );
  });

  test("the memory fit lies on or above every sample", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ n: fc.integer({ min: 0, max: 1e6 }), bytes: fc.integer({ min: 0, max: 1e9 }) }),
          { minLength: 1, maxLength: 20 },
        ),
        (samples) => {
          const fit = fitMemoryEnvelope(samples);
          for (const s of samples)
            assert.ok(memoryAt(fit, s.n) >= s.bytes, `S(${s.n}) = ${memoryAt(fit, s.n)} < ${s.bytes}`);
        },
      ),
    );
  });

  test("bad samples are a coded calibration error", () => {
    assert.throws(() => fitLatency([]), code("INFER_CALIBRATION_FAILED"));
    assert.throws(() => fitLatency([{ n: 1, ms: Number.NaN }]), code("INFER_CALIBRATION_FAILED"));
    assert.throws(() => fitMemoryEnvelope([{ n: -1, bytes: 3 }]), code("INFER_CALIBRATION_FAILED"));
  });

  test("budgets from fits add the margin and the slack", () => {
    assert.deepEqual(latencyBudgetFrom({ a: 10, b: 2 }, 0.5, 5), { a: 20, b: 3 });
    assert.deepEqual(memoryBudgetFrom({ c: 100, d: 2 }, 1, 10), { c: 210, d: 4 });
  });

  test("configured coefficients are checked field by field", () => {
    assert.deepEqual(parseCoefficients({ latencyMs: { a: 1, b: 2 } }, "budgets"), {
      latencyMs: { a: 1, b: 2 },
    });
    assert.deepEqual(parseCoefficients(undefined, "budgets"), {});
    for (const bad of [
      null,
      [],
      { latencyMs: { a: -1, b: 0 } },
      { latencyMs: { a: 1 } },
      { memoryBytes: { c: "1", d: 0 } },
      { memoryBytes: { c: 1, d: Number.POSITIVE_INFINITY } },
      { latency: { a: 1, b: 1 } },
    ]) {
      assert.throws(
        () => parseCoefficients(bad, "budgets"),
        code("INFER_OPTIONS_INVALID"),
        JSON.stringify(bad),
      );
    }
  });
});
