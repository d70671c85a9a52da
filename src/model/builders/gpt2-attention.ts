/**
 * One GPT-2 self-attention block (HF GPT2Attention, eager path): c_attn splits into q, k, v;
 * with a KV cache the new keys/values are appended to the past ones and returned as
 * "present"; scores are masked causally with finfo.min (torch.where), then the padding mask
 * is added, then softmax, then c_proj.
 */
import type { GraphBuilder } from "./graph-builder.js";
import { attend, FLOAT32_MIN, gemm, mergeHeads, scaledScores, splitHeads } from "./layers.js";

export interface Gpt2AttentionArgs {
  /** ln_1 output, [batch·new, embd]. */
  x: string;
  prefix: string;
  embd: number;
  headDim: number;
  /** [batch, new, heads, headDim] as a shape tensor. */
  shape4: string;
  /** bool [new, total]: true where a query may see a key. */
  causal: string;
  /** extended padding mask, [batch, 1, 1, total]. */
  mask: string;
  past?: { key: string; value: string };
}

export function gpt2Attention(
  b: GraphBuilder,
  a: Gpt2AttentionArgs,
): { output: string; present?: { key: string; value: string } } {
  const qkv = gemm(b, a.x, `${a.prefix}.c_attn.weight`, `${a.prefix}.c_attn.bias`, false);
  const [q, k, v] = b
    .opMulti("Split", [qkv, b.int64s([a.embd, a.embd, a.embd])], { axis: { i: 1 } }, 3)
    .map((t) => splitHeads(b, t, a.shape4)) as [string, string, string];
  const key = a.past !== undefined ? b.op("Concat", [a.past.key, k], { axis: { i: 2 } }) : k;
  const value = a.past !== undefined ? b.op("Concat", [a.past.value, v], { axis: { i: 2 } }) : v;
  const scores = scaledScores(b, q, key, a.headDim);
  const causal = b.op("Where", [a.causal, scores, b.float(FLOAT32_MIN)]);
  const context = mergeHeads(b, attend(b, b.op("Add", [causal, a.mask]), value), a.embd);
  const output = gemm(b, context, `${a.prefix}.c_proj.weight`, `${a.prefix}.c_proj.bias`, false);
  return a.past !== undefined ? { output, present: { key, value } } : { output };
}
