/**
 * CS43 and CS44 budget functions and their fits, as pure functions of the input size n:
 *
 *   T(n) = a + b·n·log2(n+1)   milliseconds  (CS43, the operator's O(n log n))
 *   S(n) = c + d·n             bytes         (CS44, O(n))
 *
 * The same shapes serve as budgets (the SLA) and as cost models (predictions). log2(n+1)
 * rather than log2(n) keeps T finite and increasing from n = 0.
 */
import { InferenceError } from "./errors.js";
import type { BudgetConfig, CostModel, LatencyCoefficients, MemoryCoefficients } from "./types.js";

/** T(n) in milliseconds. */
export function latencyAt(coefficients: LatencyCoefficients, n: number): number {
  return coefficients.a + coefficients.b * n * Math.log2(n + 1);
}

/** S(n) in bytes, rounded up to a whole byte. */
export function memoryAt(coefficients: MemoryCoefficients, n: number): number {
  return Math.ceil(coefficients.c + coefficients.d * n);
}

interface Point {
  x: number;
  y: number;
}

interface WeightedPoint extends Point {
  w: number;
}

/**
 * Weighted least squares y ≈ p + q·x with p, q ≥ 0 (a cost never shrinks with size, nor is
 * negative), minimizing Σ w·(y − p − q·x)².
 */
function nonNegativeLine(points: readonly WeightedPoint[]): { p: number; q: number } {
  const sw = points.reduce((s, pt) => s + pt.w, 0);
  const meanX = points.reduce((s, pt) => s + pt.w * pt.x, 0) / sw;
  const meanY = points.reduce((s, pt) => s + pt.w * pt.y, 0) / sw;
  let sxx = 0;
  let sxy = 0;
  for (const pt of points) {
    sxx += pt.w * (pt.x - meanX) ** 2;
    sxy += pt.w * (pt.x - meanX) * (pt.y - meanY);
  }
  // One distinct size (a fixed-shape model): only the constant can be known.
  if (sxx === 0) return { p: Math.max(0, meanY), q: 0 };
  let q = sxy / sxx;
  let p = meanY - q * meanX;
  if (q < 0) return { p: Math.max(0, meanY), q: 0 };
  if (p < 0) {
    // Through the origin instead: q = Σwxy / Σwx².
    p = 0;
    const sx2 = points.reduce((s, pt) => s + pt.w * pt.x * pt.x, 0);
    q = sx2 > 0 ? Math.max(0, points.reduce((s, pt) => s + pt.w * pt.x * pt.y, 0) / sx2) : 0;
  }
  return { p, q };
}

function checkSamples(samples: readonly { n: number; value: number }[], what: string): void {
  if (samples.length === 0) throw new InferenceError("INFER_CALIBRATION_FAILED", `no ${what} samples to fit`);
  for (const s of samples) {
    if (!Number.isFinite(s.n) || s.n < 0 || !Number.isFinite(s.value) || s.value < 0) {
      throw new InferenceError(
        "INFER_CALIBRATION_FAILED",
        `${what} sample (n=${s.n}, ${s.value}) is not finite and non-negative`,
      );
    }
  }
}

/**
 * Least-squares fit of T(n) to measured run times (a central estimate, used for predictions),
 * in relative terms: sizes span orders of magnitude (8 to 512 tokens: 30 ms to 1.6 s), and a
 * plain fit would follow the largest and miss the smallest by a third, where most calls are.
 * @throws {InferenceError} INFER_CALIBRATION_FAILED when there are no samples or one is not finite
 */
export function fitLatency(samples: readonly { n: number; ms: number }[]): LatencyCoefficients {
  const values = samples.map((s) => ({ n: s.n, value: s.ms }));
  checkSamples(values, "latency");
  // Each point is weighted by its size's mean time, so runs of one size weigh alike.
  const bySize = new Map<number, { sum: number; count: number }>();
  for (const s of values) {
    const g = bySize.get(s.n) ?? { sum: 0, count: 0 };
    g.sum += s.value;
    g.count++;
    bySize.set(s.n, g);
  }
  const weight = (n: number): number => {
    const g = bySize.get(n)!;
    return 1 / Math.max(g.sum / g.count, 1e-3) ** 2;
  };
  const { p, q } = nonNegativeLine(
    values.map((s) => ({ x: s.n * Math.log2(s.n + 1), y: s.value, w: weight(s.n) })),
  );
  return { a: p, b: q };
}

/**
 * Fit of S(n) that lies on or above every measured point (an envelope, since memory that
 * was needed once will be needed again): least squares, then c raised to cover the worst point.
 * @throws {InferenceError} INFER_CALIBRATION_FAILED when there are no samples or one is not finite
 */
export function fitMemoryEnvelope(samples: readonly { n: number; bytes: number }[]): MemoryCoefficients {
  const values = samples.map((s) => ({ n: s.n, value: s.bytes }));
  checkSamples(values, "memory");
  const { p, q } = nonNegativeLine(values.map((s) => ({ x: s.n, y: s.value, w: 1 })));
  const shortfall = Math.max(0, ...values.map((s) => s.value - (p + q * s.n)));
  return { c: Math.ceil(p + shortfall), d: q };
}

/** Budget from a fitted cost: every coefficient scaled by (1 + margin), plus a constant slack. */
export function latencyBudgetFrom(
  cost: LatencyCoefficients,
  margin: number,
  slackMs: number,
): LatencyCoefficients {
  return { a: cost.a * (1 + margin) + slackMs, b: cost.b * (1 + margin) };
}

/**
 * The latency budget of a calibration: the fit with its margin and slack, with `a` raised
 * where needed so that every measured size, too, is within budget by the same margin and slack.
 */
export function latencyBudgetEnvelope(
  cost: LatencyCoefficients,
  samples: readonly { n: number; ms: number }[],
  margin: number,
  slackMs: number,
): LatencyCoefficients {
  const budget = latencyBudgetFrom(cost, margin, slackMs);
  const shortfall = Math.max(
    0,
    ...samples.map((s) => s.ms * (1 + margin) + slackMs - latencyAt(budget, s.n)),
  );
  return { a: budget.a + shortfall, b: budget.b };
}

/** Memory budget from a fitted cost: scaled by (1 + margin), plus a constant slack in bytes. */
export function memoryBudgetFrom(
  cost: MemoryCoefficients,
  margin: number,
  slackBytes: number,
): MemoryCoefficients {
  return { c: Math.ceil(cost.c * (1 + margin) + slackBytes), d: cost.d * (1 + margin) };
}

function coefficient(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InferenceError("INFER_OPTIONS_INVALID", `${path} must be a finite non-negative number`);
  }
  return value;
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InferenceError("INFER_OPTIONS_INVALID", `${path} must be an object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Checks budgets or a cost model coming from configuration (model.json is operator input).
 * @throws {InferenceError} INFER_OPTIONS_INVALID naming the offending field
 */
export function parseCoefficients(value: unknown, path: string): BudgetConfig & CostModel {
  if (value === undefined) return {};
  const obj = objectAt(value, path);
  const out: BudgetConfig = {};
  for (const key of Object.keys(obj)) {
    if (key !== "latencyMs" && key !== "memoryBytes") {
      throw new InferenceError(
        "INFER_OPTIONS_INVALID",
        `${path}.${key} is not a budget (latencyMs, memoryBytes)`,
      );
    }
  }
  if (obj.latencyMs !== undefined) {
    const l = objectAt(obj.latencyMs, `${path}.latencyMs`);
    out.latencyMs = {
      a: coefficient(l.a, `${path}.latencyMs.a`),
      b: coefficient(l.b, `${path}.latencyMs.b`),
    };
  }
  if (obj.memoryBytes !== undefined) {
    const m = objectAt(obj.memoryBytes, `${path}.memoryBytes`);
    out.memoryBytes = {
      c: coefficient(m.c, `${path}.memoryBytes.c`),
      d: coefficient(m.d, `${path}.memoryBytes.d`),
    };
  }
  return out;
}
