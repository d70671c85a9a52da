/**
 * GPT-2 exactly as Hugging Face's `GPT2LMHeadModel`, in eval mode, as two ONNX graphs over
 * one set of weights: model.onnx (whole sequence, positions 0..n−1, logits only) and
 * decoder_with_past.onnx (a KV-cache step: explicit position_ids, past keys/values in,
 * present keys/values out). Initializer names are HF's state_dict keys; Conv1D weights keep
 * their [in, out] layout (Gemm without transpose); lm_head is tied to transformer.wte.weight.
 * Initialisation as HF: normal(0, 0.02) for Linear/Conv1D/Embedding weights, c_proj weights
 * normal(0, 0.02/√(2·n_layer)), zero biases, LayerNorm weight 1 and bias 0.
 */
import { GraphBuilder, type BuiltGraph } from "./graph-builder.js";
import { gpt2Attention } from "./gpt2-attention.js";
import { dim, dimScalar, extendedAttentionMask, gemm, geluTanh, layerNorm, shapeOf } from "./layers.js";
import type { ArchitectureBuild } from "./architecture.js";
import { WeightSet } from "./weights.js";

export interface Gpt2Config {
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  layer_norm_epsilon: number;
  initializer_range: number;
}

export const GPT2_BASE: Gpt2Config = {
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
  layer_norm_epsilon: 1e-5,
  initializer_range: 0.02,
};

export const GPT2_TINY: Gpt2Config = { ...GPT2_BASE, n_embd: 32, n_layer: 2, n_head: 2 };

function gpt2Weights(c: Gpt2Config): WeightSet {
  const w = new WeightSet();
  const normal = { kind: "normal", std: c.initializer_range } as const;
  const projNormal = { kind: "normal", std: c.initializer_range / Math.sqrt(2 * c.n_layer) } as const;
  const zeros = { kind: "constant", value: 0 } as const;
  const ones = { kind: "constant", value: 1 } as const;
  const e = c.n_embd;
  const norm = (prefix: string): void => {
    w.add(`${prefix}.weight`, [e], ones);
    w.add(`${prefix}.bias`, [e], zeros);
  };
  w.add("transformer.wte.weight", [c.vocab_size, e], normal);
  w.add("transformer.wpe.weight", [c.n_positions, e], normal);
  for (let i = 0; i < c.n_layer; i++) {
    const p = `transformer.h.${i}`;
    norm(`${p}.ln_1`);
    w.add(`${p}.attn.c_attn.weight`, [e, 3 * e], normal);
    w.add(`${p}.attn.c_attn.bias`, [3 * e], zeros);
    w.add(`${p}.attn.c_proj.weight`, [e, e], projNormal);
    w.add(`${p}.attn.c_proj.bias`, [e], zeros);
    norm(`${p}.ln_2`);
    w.add(`${p}.mlp.c_fc.weight`, [e, 4 * e], normal);
    w.add(`${p}.mlp.c_fc.bias`, [4 * e], zeros);
    w.add(`${p}.mlp.c_proj.weight`, [4 * e, e], projNormal);
    w.add(`${p}.mlp.c_proj.bias`, [e], zeros);
  }
  norm("transformer.ln_f");
  return w;
}

function gpt2Graph(c: Gpt2Config, w: WeightSet, withPast: boolean): BuiltGraph {
  const b = new GraphBuilder(withPast ? "gpt2-decoder-with-past" : "gpt2", w.names());
  const e = c.n_embd;
  const headDim = e / c.n_head;
  const seq = withPast ? "new" : "sequence";
  const inputIds = b.input("input_ids", "int64", ["batch", seq]);
  const positionIds = withPast ? b.input("position_ids", "int64", ["batch", seq]) : undefined;
  const attentionMask = b.input("attention_mask", "int64", ["batch", withPast ? "total" : "sequence"]);
  const past = withPast
    ? Array.from({ length: c.n_layer }, (_, i) => ({
        key: b.input(`past_key_values.${i}.key`, "float32", ["batch", c.n_head, "past", headDim]),
        value: b.input(`past_key_values.${i}.value`, "float32", ["batch", c.n_head, "past", headDim]),
      }))
    : undefined;

  const ctx = b.scoped("transformer", () => {
    const newLen = dimScalar(b, inputIds, 1);
    const pastLen = past !== undefined ? dimScalar(b, (past[0] as { key: string }).key, 2) : b.int64(0);
    const total = b.op("Add", [pastLen, newLen]);
    const positions = positionIds ?? b.op("Range", [b.int64(0), newLen, b.int64(1)]);
    const embeds = b.op("Add", [
      b.op("Gather", ["transformer.wte.weight", inputIds]),
      b.op("Gather", ["transformer.wpe.weight", positions]),
    ]);
    // Query i sits at absolute index past+i and may see keys 0..past+i.
    const queryIndex = b.op("Unsqueeze", [b.op("Range", [pastLen, total, b.int64(1)]), b.int64s([1])]);
    const keyIndex = b.op("Unsqueeze", [b.op("Range", [b.int64(0), total, b.int64(1)]), b.int64s([0])]);
    return {
      hidden: b.op("Reshape", [embeds, b.int64s([-1, e])]),
      causal: b.op("LessOrEqual", [keyIndex, queryIndex]),
      mask: extendedAttentionMask(b, attentionMask),
      shape4: shapeOf(b, [dim(b, inputIds, 0), dim(b, inputIds, 1), c.n_head, headDim]),
      logitsShape: shapeOf(b, [dim(b, inputIds, 0), dim(b, inputIds, 1), c.vocab_size]),
    };
  });

  let x = ctx.hidden;
  const presents: Array<{ key: string; value: string }> = [];
  for (let i = 0; i < c.n_layer; i++) {
    const p = `transformer.h.${i}`;
    x = b.scoped(p, () => {
      const attn = gpt2Attention(b, {
        x: layerNorm(b, x, `${p}.ln_1`, c.layer_norm_epsilon),
        prefix: `${p}.attn`,
        embd: e,
        headDim,
        shape4: ctx.shape4,
        causal: ctx.causal,
        mask: ctx.mask,
        past: past?.[i],
      });
      if (attn.present !== undefined) presents.push(attn.present);
      const h = b.op("Add", [attn.output, x]);
      const fc = geluTanh(
        b,
        gemm(
          b,
          layerNorm(b, h, `${p}.ln_2`, c.layer_norm_epsilon),
          `${p}.mlp.c_fc.weight`,
          `${p}.mlp.c_fc.bias`,
          false,
        ),
      );
      return b.op("Add", [gemm(b, fc, `${p}.mlp.c_proj.weight`, `${p}.mlp.c_proj.bias`, false), h]);
    });
  }
  const logits = b.scoped("lm_head", () => {
    const normed = layerNorm(b, x, "transformer.ln_f", c.layer_norm_epsilon);
    return b.op("Reshape", [gemm(b, normed, "transformer.wte.weight", undefined, true), ctx.logitsShape]);
  });
  b.output("logits", "float32", ["batch", seq, c.vocab_size], logits);
  presents.forEach((present, i) => {
    b.output(`present.${i}.key`, "float32", ["batch", c.n_head, "total", headDim], present.key);
    b.output(`present.${i}.value`, "float32", ["batch", c.n_head, "total", headDim], present.value);
  });
  return b.finish();
}

export function buildGpt2(c: Gpt2Config): ArchitectureBuild {
  const w = gpt2Weights(c);
  return {
    weights: w,
    graphs: [
      { file: "model.onnx", graph: gpt2Graph(c, w, false) },
      { file: "decoder_with_past.onnx", graph: gpt2Graph(c, w, true) },
    ],
    task: "text-generation",
    preprocessing: { kind: "gpt2-bpe", max_length: c.n_positions },
    config: { ...c },
  };
}
