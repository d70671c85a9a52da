/**
 * The cost model the CS43/CS44 budgets start from: parameters and floating-point operations
 * as functions of the input size n.
 *
 * FLOPs count 2 per multiply-accumulate of the convolutions and matrix products (Conv,
 * Gemm, MatMul, attention's two products); normalisations, activations, softmax, adds and
 * pooling are not counted (together they are a few percent for these architectures).
 *
 * - The three known architectures have closed forms in n (tokens for BERT and GPT-2,
 *   pixels H·W for ResNet-50), computed from `architecture.config`.
 * - Any model gets a count from its graph: every MatMul/Gemm/Conv whose weight operand is
 *   an initializer (or a Transpose of one) costs 2 × the weight's elements per
 *   application: per row of the other operand for MatMul/Gemm, per output position for
 *   Conv. Products of two activations (attention) are not seen in weights and are
 *   counted separately as `not_counted` nodes.
 */
import type { ArchitectureInfo } from "./metadata.js";
import type { InitializerInfo } from "./onnx/graph-info.js";
import type { GraphNode } from "./compile/graph-nodes.js";

export interface FlopsFormula {
  /** What n counts. */
  input_size: "tokens" | "pixels";
  /** The formula in words and symbols, with its coefficients named. */
  formula: string;
  coefficients: Record<string, number>;
  /** FLOPs at a few sizes (exact for the architecture, not extrapolated). */
  at: Array<{ n: number; flops: number }>;
  /** GPT-2's KV-cache step: m new tokens after a past of p, t = p + m. */
  decoder_with_past?: { formula: string; coefficients: Record<string, number> };
}

export interface GraphFlops {
  /** Σ 2·|W| over MatMul/Gemm nodes with an initializer operand: FLOPs per row of the other operand. */
  per_row_matmul_gemm: number;
  /** Σ 2·|W| over Conv nodes: FLOPs per output position. */
  per_output_position_conv: number;
  counted: { MatMul: number; Gemm: number; Conv: number };
  /** MatMul/Gemm/Conv nodes with no initializer operand (products of activations). */
  not_counted: number;
}

const FLOAT_DTYPES = new Set(["float32", "float16", "bfloat16", "float64"]);

/** Elements of every floating-point initializer: the parameter count the graph shows (buffers included). */
export function countFloatingElements(initializers: readonly InitializerInfo[]): number {
  return initializers.filter((i) => FLOAT_DTYPES.has(i.dtype)).reduce((n, i) => n + i.elements, 0);
}

/**
 * The weight-based FLOP count of a graph (see the file header).
 * @example graphWeightFlops(nodes, graph.initializers).per_row_matmul_gemm
 */
export function graphWeightFlops(
  nodes: readonly GraphNode[],
  initializers: readonly InitializerInfo[],
): GraphFlops {
  const weights = new Map<string, number>(initializers.map((i) => [i.name, i.elements]));
  // A transposed initializer is the same weight (the tied heads multiply by Embeddingᵀ).
  for (const node of nodes) {
    const src = node.inputs[0];
    if (node.opType === "Transpose" && node.domain === "" && src !== undefined && weights.has(src)) {
      for (const out of node.outputs) weights.set(out, weights.get(src)!);
    }
  }
  const out: GraphFlops = {
    per_row_matmul_gemm: 0,
    per_output_position_conv: 0,
    counted: { MatMul: 0, Gemm: 0, Conv: 0 },
    not_counted: 0,
  };
  for (const node of nodes) {
    if (node.domain !== "") continue;
    const op = node.opType;
    if (op !== "MatMul" && op !== "Gemm" && op !== "Conv") continue;
    const candidates = op === "Conv" ? [node.inputs[1]] : [node.inputs[1], node.inputs[0]];
    const elements = candidates
      .map((n) => (n === undefined ? undefined : weights.get(n)))
      .find((e) => e !== undefined);
    if (elements === undefined) {
      out.not_counted++;
      continue;
    }
    out.counted[op]++;
    if (op === "Conv") out.per_output_position_conv += 2 * elements;
    else out.per_row_matmul_gemm += 2 * elements;
  }
  return out;
}

/**
 * The closed-form FLOPs of a known architecture, or null for any other (or a config that
 * lacks a needed hyper-parameter).
 * @param sizes the n to tabulate (default: a few typical sizes of the architecture)
 */
export function closedFormFlops(arch: ArchitectureInfo, sizes?: readonly number[]): FlopsFormula | null {
  const c = arch.config;
  const int = (key: string): number | undefined => {
    const v = c[key];
    return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : undefined;
  };
  if (arch.name === "bert-base-uncased") {
    const [L, h, f, V] = [
      int("num_hidden_layers"),
      int("hidden_size"),
      int("intermediate_size"),
      int("vocab_size"),
    ];
    if (L === undefined || h === undefined || f === undefined || V === undefined) return null;
    const linear = L * (8 * h * h + 4 * h * f) + 2 * h * h + 2 * h * V;
    const quadratic = 4 * L * h;
    return {
      input_size: "tokens",
      formula:
        "F(n) = linear·n + quadratic·n², linear = L·(8h² + 4h·f) + 2h² + 2h·V (projections, feed-forward, MLM head), quadratic = 4·L·h (q·kᵀ and attention·v)",
      coefficients: { L, h, f, V, linear, quadratic },
      at: tabulate(sizes ?? [8, 128, 512], (n) => linear * n + quadratic * n * n),
    };
  }
  if (arch.name === "gpt2") {
    const [L, d, V] = [int("n_layer"), int("n_embd"), int("vocab_size")];
    if (L === undefined || d === undefined || V === undefined) return null;
    const linear = 24 * L * d * d + 2 * d * V;
    const quadratic = 4 * L * d;
    return {
      input_size: "tokens",
      formula:
        "F(n) = linear·n + quadratic·n², linear = 24·L·d² + 2·d·V (c_attn, c_proj, MLP, tied head), quadratic = 4·L·d (q·kᵀ and attention·v over the full n×n scores)",
      coefficients: { L, d, V, linear, quadratic },
      at: tabulate(sizes ?? [8, 128, 1024], (n) => linear * n + quadratic * n * n),
      decoder_with_past: {
        formula:
          "F(m, t) = linear·m + per_new_per_total·m·t for m new tokens attending to t = past + m positions",
        coefficients: { linear, per_new_per_total: 4 * L * d },
      },
    };
  }
  if (arch.name === "resnet50") {
    const blocks = c.blocks;
    const [width, classes, image] = [int("width"), int("num_classes"), int("image_size")];
    if (
      !Array.isArray(blocks) ||
      blocks.length !== 4 ||
      !blocks.every((b) => Number.isSafeInteger(b) && b > 0)
    )
      return null;
    if (width === undefined || classes === undefined || image === undefined) return null;
    const at224 = resnetFlops(blocks, width, classes, image);
    return {
      input_size: "pixels",
      formula:
        "F(n) ≈ linear·n for an n = H·W image (each convolution costs 2·Cout·Cin·k² per output position; exact at the tabulated sizes, where strides divide evenly), plus the classifier 2·(32·width)·classes",
      coefficients: { linear: at224 / (image * image), fc: 2 * 32 * width * classes },
      at: tabulate(
        (sizes ?? [image * image]).filter((n) => Number.isSafeInteger(Math.sqrt(n))),
        (n) => resnetFlops(blocks, width, classes, Math.sqrt(n)),
      ),
    };
  }
  return null;
}

/** Closed-form FLOPs at n, from a formula's coefficients (ResNet: the linear approximation). */
export function flopsAt(formula: FlopsFormula, n: number): number {
  const { linear = 0, quadratic = 0 } = formula.coefficients;
  return linear * n + quadratic * n * n;
}

function tabulate(sizes: readonly number[], f: (n: number) => number): Array<{ n: number; flops: number }> {
  return sizes.map((n) => ({ n, flops: f(n) }));
}

/** torchvision ResNet (v1.5 bottlenecks) on a side×side image: convolutions and the classifier. */
function resnetFlops(blocks: readonly number[], width: number, classes: number, side: number): number {
  const outSize = (size: number, k: number, stride: number, pad: number): number =>
    Math.floor((size + 2 * pad - k) / stride) + 1;
  let size = outSize(side, 7, 2, 3);
  let flops = 2 * width * 3 * 49 * size * size;
  size = outSize(size, 3, 2, 1); // max pool
  let inplanes = width;
  blocks.forEach((count, s) => {
    const planes = width * 2 ** s;
    const out = planes * 4;
    for (let i = 0; i < count; i++) {
      const stride = i === 0 && s > 0 ? 2 : 1;
      const next = outSize(size, 3, stride, 1);
      flops += 2 * planes * inplanes * size * size; // 1×1 reduce
      flops += 2 * planes * planes * 9 * next * next; // 3×3, strided (v1.5)
      flops += 2 * out * planes * next * next; // 1×1 expand
      if (i === 0) flops += 2 * out * inplanes * next * next; // downsample
      inplanes = out;
      size = next;
    }
  });
  return flops + 2 * inplanes * classes;
}
