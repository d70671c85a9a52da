/**
 * The GPT-2 tokenizer: byte-level BPE over GPT-2's published vocabulary and merges. Text is
 * cut by the GPT-2 pre-tokenizer, each piece is encoded to UTF-8 bytes, the bytes to their
 * byte-unicode characters, and those are merged by rank. Any string without lone surrogates
 * round-trips exactly: decode(encode(s)) === s.
 *
 * Written here rather than taken from `gpt-3-encoder`, whose code uses JavaScript's \s (not
 * the Unicode White_Space of the original), recomputes all pairs after each merge (quadratic
 * in the length of a piece) and keeps an unbounded cache.
 */
import { utf8 } from "../../core/bytes.js";
import { PreprocessError } from "../errors.js";
import { checkBoolOption, checkOptions, checkText } from "../text-input.js";
import { bpeMerge } from "./bpe.js";
import { CHAR_TO_BYTE } from "./byte-unicode.js";
import { gpt2Pretokenize } from "./pretokenize.js";
import { loadGpt2Vocab, type Gpt2Vocab } from "./vocab.js";

/** <|endoftext|>, GPT-2's one special token. */
export const GPT2_EOS_ID = 50256;
export const GPT2_EOS_TOKEN = "<|endoftext|>";

// Pieces up to this length are cached; the cache is emptied when it reaches CACHE_ENTRIES.
const CACHE_PIECE_CHARS = 64;
const CACHE_ENTRIES = 50_000;

export interface Gpt2EncodeOptions {
  /**
   * Read "<|endoftext|>" written in the text as the special token 50256. Default false:
   * it is ordinary text (seven tokens), so user text cannot smuggle in an end of document.
   */
  allowSpecial?: boolean;
}

export class Gpt2Tokenizer {
  readonly eos = GPT2_EOS_ID;
  readonly vocabSize: number;
  private readonly vocab: Gpt2Vocab;
  private readonly cache = new Map<string, readonly number[]>();
  private readonly tokenBytes: readonly Uint8Array[];

  constructor(vocab: Gpt2Vocab) {
    this.vocab = vocab;
    this.vocabSize = vocab.decoder.length;
    this.tokenBytes = vocab.decoder.map((token) =>
      Uint8Array.from(token, (ch) => CHAR_TO_BYTE.get(ch) as number),
    );
  }

  /**
   * Token ids of `text`.
   *
   * @example loadGpt2Tokenizer().encode("Hello world") // [15496, 995]
   * @throws {PreprocessError} PREPROCESS_TEXT_INVALID, PREPROCESS_TEXT_TOO_LONG, PREPROCESS_OPTION_INVALID
   */
  encode(text: string, options?: Gpt2EncodeOptions): number[] {
    checkText(text);
    const opts: Gpt2EncodeOptions = checkOptions(options);
    const allowSpecial = checkBoolOption(opts.allowSpecial, "allowSpecial", false);
    const ids: number[] = [];
    const parts = allowSpecial ? text.split(GPT2_EOS_TOKEN) : [text];
    parts.forEach((part, i) => {
      if (i > 0) ids.push(GPT2_EOS_ID);
      for (const piece of gpt2Pretokenize(part)) {
        for (const id of this.encodePiece(piece)) ids.push(id);
      }
    });
    return ids;
  }

  /**
   * Text of token ids. Ids that end inside a multi-byte character decode to U+FFFD there,
   * as in the Hugging Face and tiktoken decoders; decodeBytes gives the exact bytes.
   *
   * @throws {PreprocessError} PREPROCESS_TOKEN_ID_INVALID
   */
  decode(ids: readonly number[]): string {
    // ignoreBOM: a leading U+FEFF is text here (the default decoder would swallow it).
    return new TextDecoder("utf-8", { ignoreBOM: true }).decode(this.decodeBytes(ids));
  }

  /**
   * The UTF-8 bytes that token ids stand for.
   *
   * @throws {PreprocessError} PREPROCESS_TOKEN_ID_INVALID for anything but an integer id in
   *   [0, vocabSize).
   */
  decodeBytes(ids: readonly number[]): Uint8Array {
    if (!Array.isArray(ids)) throw new PreprocessError("PREPROCESS_TOKEN_ID_INVALID", "ids must be an array");
    let length = 0;
    const parts = ids.map((id, i) => {
      const bytes = Number.isInteger(id) ? this.tokenBytes[id] : undefined;
      if (bytes === undefined) {
        throw new PreprocessError(
          "PREPROCESS_TOKEN_ID_INVALID",
          `ids[${i}] = ${String(id)} is not a token id`,
        );
      }
      length += bytes.length;
      return bytes;
    });
    // Not concatBytes(...parts): spreading a long id list would overflow the call stack.
    const out = new Uint8Array(length);
    let offset = 0;
    for (const bytes of parts) {
      out.set(bytes, offset);
      offset += bytes.length;
    }
    return out;
  }

  private encodePiece(piece: string): readonly number[] {
    const hit = this.cache.get(piece);
    if (hit !== undefined) return hit;
    const bytes = utf8(piece);
    const start = new Array<number>(bytes.length);
    for (let i = 0; i < bytes.length; i++) start[i] = this.vocab.byteIds[bytes[i] as number] as number;
    const ids = bpeMerge(start, this.vocab.merges);
    if (piece.length <= CACHE_PIECE_CHARS) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
      this.cache.set(piece, ids);
    }
    return ids;
  }
}

let cached: Gpt2Tokenizer | undefined;

/**
 * The GPT-2 tokenizer; vocabulary and merges are read and checked once, then cached.
 *
 * @throws {PreprocessError} PREPROCESS_VOCAB_INVALID when the packaged files are not GPT-2's.
 */
export function loadGpt2Tokenizer(): Gpt2Tokenizer {
  cached ??= new Gpt2Tokenizer(loadGpt2Vocab());
  return cached;
}
