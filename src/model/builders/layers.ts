/**
 * Building blocks shared by the architectures, each written to compute exactly what the
 * corresponding PyTorch module computes in eval mode.
 */
import type { GraphBuilder } from "./graph-builder.js";

/** torch.finfo(torch.float32).min, the additive mask value Hugging Face uses. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/**
 * y = x·Wᵀ + b for torch.nn.Linear (W stored [out, in]) or y = x·W + b for the Hugging Face
 * Conv1D of GPT-2 (W stored [in, out]), on a 2-D input [rows, in].
 */
export function gemm(
  b: GraphBuilder,
  x: string,
  weight: string,
  bias: string | undefined,
  transB: boolean,
): string {
  return b.op("Gemm", bias === undefined ? [x, weight] : [x, weight, bias], {
    transB: { i: transB ? 1 : 0 },
  });
}

/** torch.nn.LayerNorm over the last axis. */
export function layerNorm(b: GraphBuilder, x: string, prefix: string, epsilon: number): string {
  return b.op("LayerNormalization", [x, `${prefix}.weight`, `${prefix}.bias`], {
    axis: { i: -1 },
    epsilon: { f: epsilon },
  });
}

/** Exact GELU, x · 0.5 · (1 + erf(x / √2)) (BERT's "gelu"). */
export function geluErf(b: GraphBuilder, x: string): string {
  const erf = b.op("Erf", [b.op("Div", [x, b.float(Math.SQRT2)])]);
  return b.op("Mul", [b.op("Mul", [x, b.float(0.5)]), b.op("Add", [erf, b.float(1)])]);
}

/** GPT-2's gelu_new, 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))). */
export function geluTanh(b: GraphBuilder, x: string): string {
  const cube = b.op("Pow", [x, b.float(3)]);
  const inner = b.op("Add", [x, b.op("Mul", [b.float(0.044715), cube])]);
  const tanh = b.op("Tanh", [b.op("Mul", [b.float(Math.sqrt(2 / Math.PI)), inner])]);
  return b.op("Mul", [b.op("Mul", [b.float(0.5), x]), b.op("Add", [b.float(1), tanh])]);
}

/** A dimension of a tensor as a 1-D int64 tensor of length 1. */
export function dim(b: GraphBuilder, x: string, axis: number): string {
  return b.op("Shape", [x], { start: { i: axis }, end: { i: axis + 1 } });
}

/** A dimension of a tensor as a 0-D int64 scalar (for Range). */
export function dimScalar(b: GraphBuilder, x: string, axis: number): string {
  return b.op("Squeeze", [dim(b, x, axis), b.int64s([0])]);
}

/** A shape tensor made of 1-D pieces: computed dims and fixed sizes. */
export function shapeOf(b: GraphBuilder, parts: Array<string | number>): string {
  const pieces = parts.map((p) => (typeof p === "number" ? b.int64s([p]) : p));
  return b.op("Concat", pieces, { axis: { i: 0 } });
}

/**
 * Hugging Face's extended attention mask, (1 − mask) · finfo.min, shaped [batch, 1, 1, keys]
 * so it broadcasts over heads and queries.
 */
export function extendedAttentionMask(b: GraphBuilder, mask: string): string {
  const asFloat = b.op("Cast", [mask], { to: { i: 1 } });
  const inverted = b.op("Sub", [b.float(1), asFloat]);
  const scaled = b.op("Mul", [inverted, b.float(FLOAT32_MIN)]);
  return b.op("Unsqueeze", [scaled, b.int64s([1, 2])]);
}

/** [rows = batch·seq, hidden] → [batch, heads, seq, headDim]. */
export function splitHeads(b: GraphBuilder, x: string, shape4: string): string {
  return b.op("Transpose", [b.op("Reshape", [x, shape4])], { perm: { ints: [0, 2, 1, 3] } });
}

/** [batch, heads, seq, headDim] → [batch·seq, hidden]. */
export function mergeHeads(b: GraphBuilder, x: string, hidden: number): string {
  const t = b.op("Transpose", [x], { perm: { ints: [0, 2, 1, 3] } });
  return b.op("Reshape", [t, b.int64s([-1, hidden])]);
}

/** softmax(scores) · v over the last axis. */
export function attend(b: GraphBuilder, scores: string, v: string): string {
  return b.op("MatMul", [b.op("Softmax", [scores], { axis: { i: -1 } }), v]);
}

/** q · kᵀ / √headDim for q, k in [batch, heads, seq, headDim]. */
export function scaledScores(b: GraphBuilder, q: string, k: string, headDim: number): string {
  const kT = b.op("Transpose", [k], { perm: { ints: [0, 1, 3, 2] } });
  return b.op("Div", [b.op("MatMul", [q, kT]), b.float(Math.sqrt(headDim))]);
}
