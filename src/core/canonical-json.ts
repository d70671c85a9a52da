/**
 * Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) for everything we sign,
 * and a strict parser for everything we read back.
 *
 * The pitfalls RFC 8785 leaves to the application are closed here:
 * - duplicate object keys are rejected on parse (JSON.parse keeps the last one silently,
 *   so two readers could disagree about what was signed);
 * - NaN and ±Infinity cannot be encoded;
 * - integers beyond 2^53 − 1 written out in digits are rejected in both directions: they
 *   cannot round-trip through an IEEE 754 double, so such values must be carried as strings
 *   (exponent forms such as 1e+30 are floats and pass);
 * - lone UTF-16 surrogates are rejected (I-JSON, RFC 7493 §2.1).
 */
import { JsonError } from "./json-error.js";
import { utf8 } from "./bytes.js";
import { isWellFormedUtf16 } from "./unicode.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function checkString(s: string, where: string): void {
  if (!isWellFormedUtf16(s)) {
    throw new JsonError("JSON_LONE_SURROGATE", `${where} contains a lone UTF-16 surrogate`);
  }
}

function serializeNumber(n: number, where: string): string {
  if (!Number.isFinite(n)) {
    throw new JsonError("JSON_NUMBER_NOT_FINITE", `${where} is ${n}: JSON has no NaN or Infinity`);
  }
  // ECMAScript prints integers below 1e21 as plain digits, which reads as an exact
  // integer; beyond 2^53 - 1 it is not exact, so such values must travel as strings.
  // From 1e21 on the output is in exponent form (RFC 8785's own 1E30 vector) and reads
  // as the float it is.
  if (Number.isInteger(n) && !Number.isSafeInteger(n) && Math.abs(n) < 1e21) {
    throw new JsonError(
      "JSON_UNSAFE_INTEGER",
      `${where} is ${n}, an integer beyond 2^53 - 1 that cannot round-trip: carry it as a string`,
    );
  }
  // ECMAScript's Number-to-String is exactly the serialisation RFC 8785 §3.2.2.3 requires;
  // it prints -0 as "0", as the RFC wants.
  return String(n);
}

function serialize(value: unknown, where: string, out: string[]): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      out.push(serializeNumber(value, where));
      return;
    case "string":
      checkString(value, where);
      out.push(JSON.stringify(value));
      return;
    case "object":
      break;
    default:
      throw new JsonError("JSON_UNSUPPORTED_VALUE", `${where} is a ${typeof value}, which JSON cannot carry`);
  }
  if (Array.isArray(value)) {
    out.push("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(",");
      serialize(value[i], `${where}[${i}]`, out);
    }
    out.push("]");
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new JsonError(
      "JSON_UNSUPPORTED_VALUE",
      `${where} is not a plain object (convert typed arrays, dates and maps explicitly)`,
    );
  }
  const obj = value as Record<string, unknown>;
  // RFC 8785 §3.2.3: sort by UTF-16 code units, which is what the default sort compares.
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  out.push("{");
  keys.forEach((key, i) => {
    checkString(key, `key ${JSON.stringify(key)} of ${where}`);
    if (i > 0) out.push(",");
    out.push(JSON.stringify(key), ":");
    serialize(obj[key], `${where}.${key}`, out);
  });
  out.push("}");
}

/**
 * Serialises a JSON value canonically (RFC 8785). Properties whose value is `undefined`
 * are omitted, as JSON.stringify does.
 * @throws {JsonError} JSON_NUMBER_NOT_FINITE, JSON_UNSAFE_INTEGER, JSON_LONE_SURROGATE,
 *   JSON_UNSUPPORTED_VALUE
 * @example canonicalize({ b: 1, a: [true, "x"] }) // '{"a":[true,"x"],"b":1}'
 */
export function canonicalize(value: unknown): string {
  const out: string[] = [];
  serialize(value, "value", out);
  return out.join("");
}

/** The UTF-8 bytes of {@link canonicalize}: the exact bytes that get signed and logged. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}

export { parseStrictJson, type StrictJsonOptions } from "./strict-json-parser.js";
export { JsonError, type JsonErrorCode } from "./json-error.js";
