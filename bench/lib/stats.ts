/**
 * Summaries of timing samples. Percentiles are nearest-rank (the smallest sample with at
 * least p·n samples at or below it), so p99 of fewer than 100 samples is the maximum: a
 * summary always says how many samples it had.
 */

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of sorted values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

/** @throws {RangeError} when a sample is not a finite number */
export function summarize(samples: readonly number[]): Summary {
  for (const s of samples) if (!Number.isFinite(s)) throw new RangeError(`sample ${s} is not finite`);
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    n,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    mean: n === 0 ? Number.NaN : sorted.reduce((s, x) => s + x, 0) / n,
    min: n === 0 ? Number.NaN : sorted[0]!,
    max: n === 0 ? Number.NaN : sorted[n - 1]!,
  };
}

/** a / b, or null when either side is missing or b is not positive. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return a / b;
}

/** Milliseconds since `start` (performance.now()). */
export const since = (start: number): number => performance.now() - start;
