/**
 * Turning logits into what a person reads first: top classes with probabilities, or the
 * most likely tokens per position. Pure functions over output tensors.
 */
import type { Prediction } from "./types.js";

export interface TopEntry {
  index: number;
  logit: number;
  probability: number;
}

/** Top-k of one logit row, with softmax probabilities over the whole row. */
export function topK(row: ArrayLike<number>, k: number): TopEntry[] {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  const best: number[] = [];
  for (let i = 0; i < row.length; i++) {
    if (best.length < k || row[i]! > row[best[best.length - 1]!]!) {
      best.push(i);
      best.sort((a, b) => row[b]! - row[a]! || a - b);
      if (best.length > k) best.pop();
    }
  }
  return best.map((index) => ({
    index,
    logit: row[index]!,
    probability: Math.exp(row[index]! - max) / sum,
  }));
}

/** Classes from logits of shape [1, classes]. */
export function classPrediction(logits: Float32Array, labels: readonly string[] | null, k = 5): Prediction {
  return {
    kind: "classes",
    top: topK(logits, k).map((t) => ({ ...t, label: labels?.[t.index] ?? `class ${t.index}` })),
  };
}

/** Top tokens per position from logits of shape [1, sequence, vocab]. */
export function tokenPrediction(
  logits: Float32Array,
  sequence: number,
  vocab: number,
  tokens: readonly string[],
  decode: (id: number) => string,
  k = 5,
): Prediction {
  const positions = [];
  for (let p = 0; p < sequence; p++) {
    const row = logits.subarray(p * vocab, (p + 1) * vocab);
    positions.push({
      position: p,
      token: tokens[p] ?? "",
      top: topK(row, k).map((t) => ({ id: t.index, token: decode(t.index), logit: t.logit })),
    });
  }
  return { kind: "tokens", positions };
}
