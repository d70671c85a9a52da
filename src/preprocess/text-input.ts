/**
 * Validation shared by the tokenizers: text comes from callers (HTTP bodies, CLI files), so
 * it is checked before any work is done on it.
 */
import { isWellFormedUtf16 } from "../core/unicode.js";
import { PreprocessError } from "./errors.js";

/**
 * Longest text (in UTF-16 code units) a tokenizer accepts: 1 MiB. Far above any model's
 * context (BERT reads 512 tokens, GPT-2 1024), it bounds the work one request can cause.
 */
export const TEXT_MAX_CHARS = 1_048_576;

/**
 * Returns `text` when it is a string a tokenizer can take.
 *
 * @throws {PreprocessError} PREPROCESS_TEXT_INVALID when `text` is not a string or has a lone
 *   surrogate (it has no UTF-8 form, so no tokenizer could treat it faithfully);
 *   PREPROCESS_TEXT_TOO_LONG when it is longer than TEXT_MAX_CHARS.
 */
export function checkText(text: unknown, name = "text"): string {
  if (typeof text !== "string") {
    throw new PreprocessError("PREPROCESS_TEXT_INVALID", `${name} must be a string, got ${typeof text}`);
  }
  if (text.length > TEXT_MAX_CHARS) {
    throw new PreprocessError(
      "PREPROCESS_TEXT_TOO_LONG",
      `${name} has ${text.length} UTF-16 code units; at most ${TEXT_MAX_CHARS} are accepted`,
    );
  }
  if (!isWellFormedUtf16(text)) {
    throw new PreprocessError("PREPROCESS_TEXT_INVALID", `${name} contains a lone UTF-16 surrogate`);
  }
  return text;
}

/**
 * Returns `value` when it is an integer in [min, max]; `undefined` gives `fallback`.
 *
 * @throws {PreprocessError} PREPROCESS_OPTION_INVALID otherwise.
 */
export function checkIntOption(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new PreprocessError(
      "PREPROCESS_OPTION_INVALID",
      `${name} must be an integer in [${min}, ${max}], got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Returns `value` when it is a boolean; `undefined` gives `fallback`.
 *
 * @throws {PreprocessError} PREPROCESS_OPTION_INVALID otherwise.
 */
export function checkBoolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new PreprocessError("PREPROCESS_OPTION_INVALID", `${name} must be a boolean, got ${typeof value}`);
  }
  return value;
}

/**
 * Returns `opts` when it is an options object; `undefined` gives `{}`.
 *
 * @throws {PreprocessError} PREPROCESS_OPTION_INVALID for null, arrays and non-objects.
 */
export function checkOptions<T extends object>(opts: T | undefined): T | Partial<T> {
  if (opts === undefined) return {};
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) {
    throw new PreprocessError("PREPROCESS_OPTION_INVALID", "options must be an object");
  }
  return opts;
}
