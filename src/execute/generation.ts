/**
 * GPT-2 continuation with the key/value cache: one forward pass of the decoder with past per
 * step (the prompt is the first step, with an empty past), one record per step. Each step's
 * record names the SHA-256 of the previous step's record bytes, so a generation is a chain a
 * verifier can walk.
 *
 * Token choice is greedy (argmax of the last position's logits) unless sampling is asked
 * for: then softmax(logits / temperature) over the top_k tokens, drawn with the project's
 * seeded generator (xoshiro128**, stream "gpt2-sampling" of the given seed), so a seeded
 * generation replays token for token.
 */
import { TensorRng } from "../model/builders/rng.js";
import type { ModelMetadata, TensorSpec } from "../model/index.js";
import { GPT2_EOS_ID, loadGpt2Tokenizer } from "../preprocess/index.js";
import { ExecuteError } from "./errors.js";
import { topK } from "./prediction.js";
import type { InputTensor, SamplingOptions } from "./types.js";

export interface DecoderShape {
  layers: number;
  heads: number;
  headDim: number;
  positions: number;
}

/** Reads layer count, heads and head size from the decoder's declared past inputs. */
export function decoderShape(meta: ModelMetadata): DecoderShape {
  const decoder = meta.decoder_with_past;
  if (!decoder)
    throw new ExecuteError("EXECUTE_INPUT_KIND_UNSUPPORTED", `model ${meta.name} has no decoder with past`);
  const pasts = decoder.inputs.filter((i: TensorSpec) => /^past_key_values\.\d+\.key$/.test(i.name));
  const first = pasts[0];
  if (!first || typeof first.dims[1] !== "number" || typeof first.dims[3] !== "number") {
    throw new ExecuteError(
      "EXECUTE_INPUT_KIND_UNSUPPORTED",
      `model ${meta.name}'s decoder declares no usable past inputs`,
    );
  }
  const positions = Number(meta.architecture.config.n_positions ?? 1024);
  return { layers: pasts.length, heads: first.dims[1], headDim: first.dims[3], positions };
}

export function encodePrompt(prompt: string, maxTokens: number, shape: DecoderShape): number[] {
  const ids = loadGpt2Tokenizer().encode(prompt);
  if (ids.length === 0) throw new ExecuteError("EXECUTE_INPUT_INVALID", "prompt must not be empty");
  if (ids.length + maxTokens > shape.positions) {
    throw new ExecuteError(
      "EXECUTE_INPUT_INVALID",
      `prompt (${ids.length} tokens) plus max_tokens (${maxTokens}) exceeds the model's ${shape.positions} positions`,
    );
  }
  return ids;
}

/** Feeds of one decoder step: new ids at their positions, full mask, and the past. */
export function stepFeeds(
  newIds: readonly number[],
  pastLength: number,
  past: readonly InputTensor[] | null,
  shape: DecoderShape,
): InputTensor[] {
  const n = newIds.length;
  const total = pastLength + n;
  const feeds: InputTensor[] = [
    { name: "input_ids", dtype: "int64", shape: [1, n], data: BigInt64Array.from(newIds, BigInt) },
    {
      name: "position_ids",
      dtype: "int64",
      shape: [1, n],
      data: BigInt64Array.from({ length: n }, (_, i) => BigInt(pastLength + i)),
    },
    { name: "attention_mask", dtype: "int64", shape: [1, total], data: new BigInt64Array(total).fill(1n) },
  ];
  for (let layer = 0; layer < shape.layers; layer++) {
    for (const kind of ["key", "value"] as const) {
      const name = `past_key_values.${layer}.${kind}`;
      const present = past?.find((t) => t.name === `present.${layer}.${kind}`);
      feeds.push(
        present
          ? { name, dtype: "float32", shape: [...present.shape], data: present.data, sha256: present.sha256 }
          : { name, dtype: "float32", shape: [1, shape.heads, 0, shape.headDim], data: new Float32Array(0) },
      );
    }
  }
  return feeds;
}

/** Picks the next token from the last position's logits. */
export class TokenChooser {
  private readonly rng: TensorRng | null;

  constructor(private readonly sampling: SamplingOptions | undefined) {
    this.rng = sampling ? TensorRng.forTensor(String(sampling.seed), "gpt2-sampling") : null;
  }

  choose(lastRow: Float32Array): number {
    if (!this.sampling || !this.rng) return topK(lastRow, 1)[0]!.index;
    const { temperature, topK: k } = this.sampling;
    const scaled = lastRow.map((v) => v / temperature);
    const candidates = topK(scaled, k);
    const total = candidates.reduce((s, c) => s + c.probability, 0);
    let u = this.rng.nextUniform() * total;
    for (const c of candidates) {
      u -= c.probability;
      if (u < 0) return c.index;
    }
    return candidates[candidates.length - 1]!.index;
  }
}

export const isEndOfText = (id: number): boolean => id === GPT2_EOS_ID;
