/**
 * Precision of a model's outputs against a reference, as pure functions:
 *
 *   delta = max_i |a_i − r_i| / max_i |r_i|        (logits_max_delta_vs_torch)
 *
 * plus, per row along the last axis (one row per position), whether the argmax agrees and
 * whether the top-5 index sets agree. An argmax flip counts as a *near tie* when the
 * reference's value at our argmax is within tolerance·max|r| of the reference's maximum:
 * random-weight models have flat logits where float noise can swap the top two.
 */
import type { RefTensor } from "./reference-vectors.js";

export interface TensorComparison {
  input: string;
  name: string;
  /** Relative max-abs difference; Infinity when the output holds NaN/∞ or the reference is all zeros and we are not. */
  delta: number;
  /** Elements compared: all of them when the reference embeds the tensor, else its top-5 values. */
  compared_elements: number;
  rows: number;
  argmax_agree: number;
  /** Rows whose argmax differs although the reference's values are not a near tie. */
  argmax_flips: number;
  top5_agree: number;
}

/** Indices of the five largest values of `row` (descending; ties: the lower index first). */
export function top5Of(row: ArrayLike<number>): number[] {
  const best: number[] = [];
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (best.length === 5 && !(v > row[best[4]!]!)) continue;
    let at = Math.min(best.length, 4);
    if (best.length < 5) best.push(i);
    while (at > 0 && v > row[best[at - 1]!]!) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
  }
  return best;
}

function maxAbsOf(data: Float32Array): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Math.abs(data[i]!);
    if (v > m) m = v;
  }
  return m;
}

/**
 * Compares one output tensor of ours with the reference's.
 * @param tolerance the near-tie threshold for argmax flips (relative to max|r|)
 * @throws {RangeError} when the element counts differ (callers check dims first)
 */
export function compareTensor(
  input: string,
  ours: Float32Array,
  ref: RefTensor,
  tolerance: number,
): TensorComparison {
  const count = ref.dims.reduce((a, b) => a * b, 1);
  if (ours.length !== count)
    throw new RangeError(`output ${ref.name}: ${ours.length} elements, reference ${count}`);
  const last = Math.max(1, ref.dims[ref.dims.length - 1] ?? 1);
  const rows = count / last;
  const r = ref.data instanceof Float32Array ? ref.data : null;
  const scale =
    r !== null
      ? maxAbsOf(r)
      : (ref.maxAbs ?? (ref.top5?.values ?? []).flat().reduce((m, v) => Math.max(m, Math.abs(v)), 0));
  let worst = 0;
  let nonFinite = false;
  let compared = 0;
  const note = (a: number, b: number): void => {
    const d = Math.abs(a - b);
    if (!Number.isFinite(d))
      nonFinite = true; // NaN or ∞ in our output never passes
    else if (d > worst) worst = d;
    compared++;
  };
  if (r !== null) for (let i = 0; i < count; i++) note(ours[i]!, r[i]!);
  else if (ref.top5 !== null) {
    ref.top5.indices.forEach((idx, row) =>
      idx.forEach((j, k) => note(ours[row * last + j]!, ref.top5!.values[row]![k]!)),
    );
  }
  const delta = nonFinite ? Infinity : scale > 0 ? worst / scale : worst === 0 ? 0 : Infinity;

  let argmaxAgree = 0;
  let flips = 0;
  let top5Agree = 0;
  for (let row = 0; row < rows; row++) {
    const mine = top5Of(ours.subarray(row * last, (row + 1) * last));
    const theirs =
      r !== null ? top5Of(r.subarray(row * last, (row + 1) * last)) : (ref.top5?.indices[row] ?? []);
    if (theirs.length === 0) continue;
    if (mine[0] === theirs[0]) argmaxAgree++;
    else if (!nearTie(row, mine[0]!, theirs[0]!)) flips++;
    const set = new Set(theirs);
    if (mine.length === theirs.length && mine.every((j) => set.has(j))) top5Agree++;
  }
  return {
    input,
    name: ref.name,
    delta,
    compared_elements: compared,
    rows,
    argmax_agree: argmaxAgree,
    argmax_flips: flips,
    top5_agree: top5Agree,
  };

  function nearTie(row: number, ourBest: number, theirBest: number): boolean {
    if (r !== null) return r[row * last + theirBest]! - r[row * last + ourBest]! <= tolerance * scale;
    const k = ref.top5?.indices[row]?.indexOf(ourBest) ?? -1;
    const values = ref.top5?.values[row];
    return k >= 0 && values !== undefined && values[0]! - values[k]! <= tolerance * scale;
  }
}

export interface PrecisionSummary {
  /** Max delta over every compared tensor. */
  logits_max_delta_vs_torch: number;
  /** 100 × the above. */
  error_pct_logits: number;
  /** Fraction of rows (positions) of the logit outputs whose argmax agrees. */
  argmax_agree: number;
  /** Fraction of rows whose top-5 index sets agree. */
  top5_agree: number;
  /** Rows whose argmax differs without a near tie in the reference. */
  argmax_flips: number;
  rows: number;
  compared_elements: number;
}

/**
 * Aggregates comparisons. Argmax and top-5 are judged on tensors named `logits` when there
 * are any (a KV cache has no meaningful argmax), else on every tensor.
 */
export function summarizePrecision(comparisons: readonly TensorComparison[]): PrecisionSummary {
  const logits = comparisons.filter((c) => c.name === "logits");
  const judged = logits.length > 0 ? logits : comparisons;
  const rows = judged.reduce((n, c) => n + c.rows, 0);
  const delta = comparisons.reduce((m, c) => (c.compared_elements > 0 ? Math.max(m, c.delta) : m), 0);
  return {
    logits_max_delta_vs_torch: delta,
    error_pct_logits: delta * 100,
    argmax_agree: rows === 0 ? 1 : judged.reduce((n, c) => n + c.argmax_agree, 0) / rows,
    top5_agree: rows === 0 ? 1 : judged.reduce((n, c) => n + c.top5_agree, 0) / rows,
    argmax_flips: judged.reduce((n, c) => n + c.argmax_flips, 0),
    rows,
    compared_elements: comparisons.reduce((n, c) => n + c.compared_elements, 0),
  };
}
