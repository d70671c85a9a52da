/**
 * BERT for masked language modelling exactly as Hugging Face's `BertForMaskedLM` (no pooler),
 * in eval mode. Initializer names are its state_dict keys; Linear weights keep torch's
 * [out, in] layout and are applied with Gemm(transB=1). The MLM decoder is tied to
 * bert.embeddings.word_embeddings.weight (stored once) and adds cls.predictions.bias.
 * Hidden states are kept 2-D, [batch·sequence, hidden], between attention blocks.
 * Initialisation as HF `_init_weights`: normal(0, initializer_range) for Linear and
 * Embedding weights, zeros for biases, LayerNorm weight 1 and bias 0.
 */
import { GraphBuilder } from "./graph-builder.js";
import {
  attend,
  dim,
  dimScalar,
  extendedAttentionMask,
  gemm,
  geluErf,
  layerNorm,
  mergeHeads,
  scaledScores,
  shapeOf,
  splitHeads,
} from "./layers.js";
import type { ArchitectureBuild } from "./architecture.js";
import { WeightSet } from "./weights.js";

export interface BertConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  layer_norm_eps: number;
  initializer_range: number;
}

export const BERT_BASE: BertConfig = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  initializer_range: 0.02,
};

export const BERT_TINY: BertConfig = {
  ...BERT_BASE,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 128,
};

function bertWeights(c: BertConfig): WeightSet {
  const w = new WeightSet();
  const normal = { kind: "normal", std: c.initializer_range } as const;
  const zeros = { kind: "constant", value: 0 } as const;
  const ones = { kind: "constant", value: 1 } as const;
  const linear = (prefix: string, out: number, inp: number): void => {
    w.add(`${prefix}.weight`, [out, inp], normal);
    w.add(`${prefix}.bias`, [out], zeros);
  };
  const norm = (prefix: string, size: number): void => {
    w.add(`${prefix}.weight`, [size], ones);
    w.add(`${prefix}.bias`, [size], zeros);
  };
  const h = c.hidden_size;
  w.add("bert.embeddings.word_embeddings.weight", [c.vocab_size, h], normal);
  w.add("bert.embeddings.position_embeddings.weight", [c.max_position_embeddings, h], normal);
  w.add("bert.embeddings.token_type_embeddings.weight", [c.type_vocab_size, h], normal);
  norm("bert.embeddings.LayerNorm", h);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `bert.encoder.layer.${i}`;
    linear(`${p}.attention.self.query`, h, h);
    linear(`${p}.attention.self.key`, h, h);
    linear(`${p}.attention.self.value`, h, h);
    linear(`${p}.attention.output.dense`, h, h);
    norm(`${p}.attention.output.LayerNorm`, h);
    linear(`${p}.intermediate.dense`, c.intermediate_size, h);
    linear(`${p}.output.dense`, h, c.intermediate_size);
    norm(`${p}.output.LayerNorm`, h);
  }
  w.add("cls.predictions.bias", [c.vocab_size], zeros);
  linear("cls.predictions.transform.dense", h, h);
  norm("cls.predictions.transform.LayerNorm", h);
  return w;
}

export function buildBert(c: BertConfig): ArchitectureBuild {
  const w = bertWeights(c);
  const b = new GraphBuilder("bert-base-uncased", w.names());
  const h = c.hidden_size;
  const heads = c.num_attention_heads;
  const headDim = h / heads;
  const eps = c.layer_norm_eps;

  const inputIds = b.input("input_ids", "int64", ["batch", "sequence"]);
  const attentionMask = b.input("attention_mask", "int64", ["batch", "sequence"]);
  const tokenTypeIds = b.input("token_type_ids", "int64", ["batch", "sequence"]);

  const { hidden, shape4, mask } = b.scoped("bert.embeddings", () => {
    const words = b.op("Gather", ["bert.embeddings.word_embeddings.weight", inputIds]);
    const types = b.op("Gather", ["bert.embeddings.token_type_embeddings.weight", tokenTypeIds]);
    const positionIds = b.op("Range", [b.int64(0), dimScalar(b, inputIds, 1), b.int64(1)]);
    const positions = b.op("Gather", ["bert.embeddings.position_embeddings.weight", positionIds]);
    const sum = b.op("Add", [b.op("Add", [words, types]), positions]);
    const flat = b.op("Reshape", [sum, b.int64s([-1, h])]);
    return {
      hidden: layerNorm(b, flat, "bert.embeddings.LayerNorm", eps),
      shape4: shapeOf(b, [dim(b, inputIds, 0), dim(b, inputIds, 1), heads, headDim]),
      mask: extendedAttentionMask(b, attentionMask),
    };
  });

  let x = hidden;
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `bert.encoder.layer.${i}`;
    x = b.scoped(p, () => {
      const proj = (name: string): string =>
        splitHeads(
          b,
          gemm(b, x, `${p}.attention.self.${name}.weight`, `${p}.attention.self.${name}.bias`, true),
          shape4,
        );
      const scores = b.op("Add", [scaledScores(b, proj("query"), proj("key"), headDim), mask]);
      const context = mergeHeads(b, attend(b, scores, proj("value")), h);
      const attnOut = gemm(
        b,
        context,
        `${p}.attention.output.dense.weight`,
        `${p}.attention.output.dense.bias`,
        true,
      );
      const y = layerNorm(b, b.op("Add", [attnOut, x]), `${p}.attention.output.LayerNorm`, eps);
      const inter = geluErf(
        b,
        gemm(b, y, `${p}.intermediate.dense.weight`, `${p}.intermediate.dense.bias`, true),
      );
      const out = gemm(b, inter, `${p}.output.dense.weight`, `${p}.output.dense.bias`, true);
      return layerNorm(b, b.op("Add", [out, y]), `${p}.output.LayerNorm`, eps);
    });
  }

  const logits = b.scoped("cls.predictions", () => {
    const t = "cls.predictions.transform";
    const dense = geluErf(b, gemm(b, x, `${t}.dense.weight`, `${t}.dense.bias`, true));
    const normed = layerNorm(b, dense, `${t}.LayerNorm`, eps);
    const flat = gemm(b, normed, "bert.embeddings.word_embeddings.weight", "cls.predictions.bias", true);
    return b.op("Reshape", [flat, shapeOf(b, [dim(b, inputIds, 0), dim(b, inputIds, 1), c.vocab_size])]);
  });
  b.output("logits", "float32", ["batch", "sequence", c.vocab_size], logits);

  return {
    weights: w,
    graphs: [{ file: "model.onnx", graph: b.finish() }],
    task: "fill-mask",
    preprocessing: { kind: "bert-wordpiece", max_length: c.max_position_embeddings },
    config: { ...c },
  };
}
