/**
 * From a caller's input to the exact tensors a model is fed, plus what the record says
 * about the raw input. Tokenizing and image decoding happen here, before the forward pass;
 * the tensors built here are the ones digested into the record and retained for replay.
 */
import { sha256Hex } from "../core/hash.js";
import { utf8 } from "../core/bytes.js";
import { loadBertTokenizer, preprocessImage } from "../preprocess/index.js";
import type { ModelMetadata } from "../model/index.js";
import type { ComputeRecord } from "../record/schema.js";
import { ExecuteError } from "./errors.js";
import type { ExecuteInput, InputTensor } from "./types.js";

export interface PreparedInput {
  raw: ComputeRecord["input"]["raw"];
  feeds: InputTensor[];
  /** n for the budget functions: tokens for text models, pixels for images, elements otherwise. */
  inputSize: number;
  /** Tokens for text models, for predictions per position. */
  tokens: string[] | null;
}

function int64(values: readonly number[]): BigInt64Array {
  return BigInt64Array.from(values, (v) => BigInt(v));
}

export function rawOf(kind: "text" | "image" | "prompt", bytes: Uint8Array): ComputeRecord["input"]["raw"] {
  return { kind, sha256: sha256Hex(bytes), bytes: bytes.length };
}

function wrongKind(meta: ModelMetadata, input: ExecuteInput): never {
  const wants: Record<string, string> = {
    "bert-wordpiece": "text",
    imagenet: "image",
    "gpt2-bpe": "prompt",
    tensors: "tensors",
  };
  throw new ExecuteError(
    "EXECUTE_INPUT_KIND_UNSUPPORTED",
    `model ${meta.name} takes ${wants[meta.preprocessing.kind] ?? "tensors"} input (or raw tensors), not ${input.kind}`,
  );
}

/**
 * Builds the feeds for one non-generation forward pass.
 * @throws {ExecuteError} EXECUTE_INPUT_KIND_UNSUPPORTED; preprocessing errors (PREPROCESS_*)
 */
export async function prepareInput(meta: ModelMetadata, input: ExecuteInput): Promise<PreparedInput> {
  if (input.kind === "tensors") {
    const size = input.tensors.reduce((n, t) => Math.max(n, t.data.length), 0);
    // Raw tensors are their own raw input: the tensors' digests in the record say everything.
    return { raw: null, feeds: input.tensors, inputSize: size, tokens: null };
  }
  const pre = meta.preprocessing;
  if (input.kind === "text" && pre.kind === "bert-wordpiece") {
    const enc = loadBertTokenizer().encode(input.text, { maxLength: pre.max_length });
    const shape = [1, enc.inputIds.length];
    const byName: Record<string, number[]> = {
      input_ids: enc.inputIds,
      attention_mask: enc.attentionMask,
      token_type_ids: enc.tokenTypeIds,
    };
    return {
      raw: rawOf("text", utf8(input.text)),
      feeds: meta.inputs.map((spec) => {
        const values = byName[spec.name];
        if (!values) {
          throw new ExecuteError(
            "EXECUTE_INPUT_KIND_UNSUPPORTED",
            `model ${meta.name} declares input ${spec.name}, which text cannot fill`,
          );
        }
        return { name: spec.name, dtype: "int64" as const, shape, data: int64(values) };
      }),
      inputSize: enc.inputIds.length,
      tokens: enc.tokens,
    };
  }
  if (input.kind === "image" && pre.kind === "imagenet") {
    const image = await preprocessImage(input.bytes, { resize: pre.resize, crop: pre.crop });
    const name = meta.inputs[0]?.name ?? "pixel_values";
    return {
      raw: rawOf("image", input.bytes),
      feeds: [{ name, dtype: "float32", shape: [...image.dims], data: image.data }],
      inputSize: image.dims[2] * image.dims[3],
      tokens: null,
    };
  }
  return wrongKind(meta, input);
}
