/**
 * Calibration of a model's cost model and suggested budgets from measurement: a fresh
 * session in one worker runs every size in ascending order (one warm-up, then `repeats`
 * timed runs), T(n) is fitted to the medians by relative least squares, S(n) to the cold
 * working memory as an envelope, and the budgets are the fits with a margin, raised to hold
 * every measured size with that margin too (docs/budgets.md).
 */
import { fitLatency, fitMemoryEnvelope, latencyBudgetEnvelope, memoryBudgetFrom } from "./budgets.js";
import { InferenceError } from "./errors.js";
import type { CalibrationSample, CalibrationSize } from "./protocol.js";
import type { Feeds, LatencyCoefficients, MemoryCoefficients, MemoryMethod } from "./types.js";

export interface CalibrationOptions {
  /** Input sizes n to measure; at least one, each a non-negative integer. */
  sizes: readonly number[];
  /** Builds the inputs of size n (checked against the model like any call). */
  feedsFor: (n: number) => Feeds;
  /** Timed runs per size after the warm-up; default 5. */
  repeats?: number;
  /** Budget = fit × (1 + margin) + slack; default 0.5. */
  margin?: number;
  /** Default 5 ms: absorbs message passing and scheduling, which the fit of session.run does not see. */
  latencySlackMs?: number;
  /** Default 8 MiB: absorbs page-granular and allocator noise in resident-memory readings. */
  memorySlackBytes?: number;
  /**
   * Also time every size with this many fresh sessions running at once, each in its own
   * thread (default 1: alone). A server runs one call per worker on every core, and a run
   * that shares the machine's memory bandwidth and caches is slower than one alone; the
   * budget must hold for the runs the server will actually make.
   */
  concurrency?: number;
}

export interface Calibration {
  samples: CalibrationSample[];
  method: MemoryMethod;
  /** False when other runs shared the process during calibration: memory samples may include theirs. */
  exclusive: boolean;
  cost: { latencyMs: LatencyCoefficients; memoryBytes: MemoryCoefficients };
  suggestedBudgets: { latencyMs: LatencyCoefficients; memoryBytes: MemoryCoefficients };
}

export interface ResolvedCalibration {
  sizes: number[];
  repeats: number;
  margin: number;
  latencySlackMs: number;
  memorySlackBytes: number;
  concurrency: number;
}

function nonNegative(value: unknown, name: string, fallback: number, integer: boolean, max: number): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= max &&
    (!integer || Number.isSafeInteger(value));
  if (!ok)
    throw new InferenceError(
      "INFER_OPTIONS_INVALID",
      `${name} must be a ${integer ? "non-negative integer" : "non-negative number"} ≤ ${max}`,
    );
  return value as number;
}

/**
 * @throws {InferenceError} INFER_OPTIONS_INVALID
 */
export function resolveCalibration(opts: CalibrationOptions): ResolvedCalibration {
  if (!Array.isArray(opts.sizes) || opts.sizes.length === 0 || opts.sizes.length > 64) {
    throw new InferenceError("INFER_OPTIONS_INVALID", "sizes must list 1 to 64 input sizes");
  }
  if (typeof opts.feedsFor !== "function")
    throw new InferenceError("INFER_OPTIONS_INVALID", "feedsFor must be a function");
  return {
    sizes: opts.sizes.map((n, i) => nonNegative(n, `sizes[${i}]`, 0, true, Number.MAX_SAFE_INTEGER)),
    repeats: Math.max(1, nonNegative(opts.repeats, "repeats", 5, true, 1000)),
    margin: nonNegative(opts.margin, "margin", 0.5, false, 100),
    latencySlackMs: nonNegative(opts.latencySlackMs, "latencySlackMs", 5, false, 3_600_000),
    concurrency: Math.max(1, nonNegative(opts.concurrency, "concurrency", 1, true, 256)),
    memorySlackBytes: nonNegative(
      opts.memorySlackBytes,
      "memorySlackBytes",
      8 * 2 ** 20,
      true,
      Number.MAX_SAFE_INTEGER,
    ),
  };
}

/**
 * Fits the worker's measurements. With runs timed concurrently too, a size's time is the
 * slower of alone and the slowest concurrent session's median.
 * @throws {InferenceError} INFER_CALIBRATION_FAILED
 */
export function fitCalibration(
  samples: CalibrationSample[],
  method: MemoryMethod,
  opts: ResolvedCalibration,
): Calibration {
  if (samples.length === 0)
    throw new InferenceError("INFER_CALIBRATION_FAILED", "calibration produced no samples");
  const measured = samples.map((s) => ({ n: s.n, ms: Math.max(s.medianMs, s.concurrentMedianMs ?? 0) }));
  const latencyMs = fitLatency(measured);
  const memoryBytes = fitMemoryEnvelope(samples.map((s) => ({ n: s.n, bytes: s.coldBytes })));
  return {
    samples,
    method,
    exclusive: samples.every((s) => s.exclusive),
    cost: { latencyMs, memoryBytes },
    suggestedBudgets: {
      latencyMs: latencyBudgetEnvelope(latencyMs, measured, opts.margin, opts.latencySlackMs),
      memoryBytes: memoryBudgetFrom(memoryBytes, opts.margin, opts.memorySlackBytes),
    },
  };
}

export type { CalibrationSize };
