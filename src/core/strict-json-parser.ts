/**
 * A strict JSON parser (RFC 8259 grammar) for input we did not write: request bodies,
 * receipts, records read back from a log. Unlike JSON.parse it rejects duplicate keys,
 * lone surrogates, numbers that overflow to Infinity, integers beyond 2^53 − 1 (which would
 * silently lose precision) and nesting deeper than a limit. Every failure is a JsonError with
 * the character offset, never a SyntaxError.
 */
import { JsonError } from "./json-error.js";
import type { JsonValue } from "./canonical-json.js";
import { isWellFormedUtf16 } from "./unicode.js";

export interface StrictJsonOptions {
  /** Maximum nesting of arrays and objects (default 64). */
  maxDepth?: number;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail("unexpected data after the JSON value");
    return value;
  }

  private fail(what: string, code: "JSON_SYNTAX" | "JSON_LONE_SURROGATE" = "JSON_SYNTAX"): never {
    throw new JsonError(code, `invalid JSON at offset ${this.pos}: ${what}`);
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos++;
    }
  }

  private parseValue(depth: number): JsonValue {
    const c = this.text[this.pos];
    switch (c) {
      case "{":
        return this.parseObject(depth + 1);
      case "[":
        return this.parseArray(depth + 1);
      case '"':
        return this.parseString();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      case undefined:
        return this.fail("unexpected end of input");
      default:
        if (c === "-" || (c >= "0" && c <= "9")) return this.parseNumber();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`expected ${word}`);
    this.pos += word.length;
    return value;
  }

  private checkDepth(depth: number): void {
    if (depth > this.maxDepth) {
      throw new JsonError("JSON_TOO_DEEP", `JSON nests deeper than ${this.maxDepth} levels`);
    }
  }

  private parseObject(depth: number): JsonValue {
    this.checkDepth(depth);
    this.pos++; // {
    const obj: Record<string, JsonValue> = {};
    const seen = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return obj;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail("expected a string key");
      const keyOffset = this.pos;
      const key = this.parseString();
      if (seen.has(key)) {
        throw new JsonError(
          "JSON_DUPLICATE_KEY",
          `invalid JSON at offset ${keyOffset}: duplicate key ${JSON.stringify(key)}`,
        );
      }
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.pos] !== ":") this.fail("expected ':'");
      this.pos++;
      this.skipWhitespace();
      // defineProperty, so a key named "__proto__" is data, not a prototype change.
      Object.defineProperty(obj, key, {
        value: this.parseValue(depth),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === "}") return obj;
      if (c !== ",") {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }

  private parseArray(depth: number): JsonValue {
    this.checkDepth(depth);
    this.pos++; // [
    const arr: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return arr;
    }
    for (;;) {
      this.skipWhitespace();
      arr.push(this.parseValue(depth));
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === "]") return arr;
      if (c !== ",") {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  private parseString(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = "";
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail("unterminated string");
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunkStart, this.pos);
        this.pos++;
        break;
      }
      if (c < 0x20) this.fail("control character in string");
      if (c === 0x5c) {
        out += t.slice(chunkStart, this.pos);
        out += this.parseEscape();
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
    if (/[\ud800-\udfff]/.test(out) && !isWellFormedUtf16(out)) {
      this.fail("string contains a lone UTF-16 surrogate", "JSON_LONE_SURROGATE");
    }
    return out;
  }

  private parseEscape(): string {
    const t = this.text;
    const e = t[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "/":
        return "/";
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "u": {
        const hex = t.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        this.pos -= 2;
        return this.fail("bad escape sequence");
    }
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail("malformed number");
    const start = this.pos;
    this.pos += m[0].length;
    const n = Number(m[0]);
    if (!Number.isFinite(n)) {
      throw new JsonError("JSON_NUMBER_NOT_FINITE", `number at offset ${start} overflows a double`);
    }
    // Mirrors canonicalize(): digits-only integers beyond 2^53 - 1 would lose precision;
    // a number with an exponent is a float by construction.
    if (Number.isInteger(n) && !Number.isSafeInteger(n) && !/[eE]/.test(m[0])) {
      throw new JsonError(
        "JSON_UNSAFE_INTEGER",
        `number at offset ${start} is an integer beyond 2^53 - 1 and would lose precision: send it as a string`,
      );
    }
    return n;
  }
}

/**
 * Parses JSON text strictly.
 * @throws {JsonError} JSON_SYNTAX, JSON_DUPLICATE_KEY, JSON_LONE_SURROGATE,
 *   JSON_NUMBER_NOT_FINITE, JSON_UNSAFE_INTEGER, JSON_TOO_DEEP
 * @example parseStrictJson('{"a":1,"a":2}') // throws JSON_DUPLICATE_KEY
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): JsonValue {
  if (typeof text !== "string") throw new TypeError("text must be a string");
  return new Parser(text, options.maxDepth ?? 64).parseDocument();
}
