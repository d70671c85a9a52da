import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { canonicalize, canonicalBytes, parseStrictJson, JsonError } from "../../src/core/canonical-json.js";

interface Vectors {
  documents: { name: string; input: string; output: string }[];
  numbers: [string, string | null][];
}
const vectors = JSON.parse(
  readFileSync(new URL("../vectors/rfc8785/vectors.json", import.meta.url), "utf8"),
) as Vectors;

function assertJsonError(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => err instanceof JsonError && err.code === code, `expected ${code}`);
}

test("RFC 8785 published documents canonicalise to the published bytes", () => {
  for (const v of vectors.documents) {
    assert.equal(canonicalize(parseStrictJson(v.input)), v.output, `document ${v.name}`);
    assert.deepEqual(canonicalBytes(parseStrictJson(v.input)), new TextEncoder().encode(v.output), v.name);
  }
});

test("RFC 8785 Appendix B numbers serialise as published (unsafe digit integers refused)", () => {
  for (const [hex, expected] of vectors.numbers) {
    const n = Buffer.from(hex, "hex").readDoubleBE(0);
    if (expected === null) {
      assertJsonError(() => canonicalize(n), "JSON_NUMBER_NOT_FINITE");
    } else if (Number.isInteger(n) && !Number.isSafeInteger(n) && Math.abs(n) < 1e21) {
      // Our deliberate restriction: such integers must travel as strings.
      assertJsonError(() => canonicalize(n), "JSON_UNSAFE_INTEGER");
      assert.equal(canonicalize(expected), JSON.stringify(expected), `${hex} carried as a string`);
    } else {
      assert.equal(canonicalize(n), expected, `number ${hex}`);
    }
  }
});

test("the seed-shaped values encode as expected", () => {
  assert.equal(
    canonicalize({ b: [1, -0, 0.5], a: { z: null, y: true } }),
    '{"a":{"y":true,"z":null},"b":[1,0,0.5]}',
  );
  assert.equal(canonicalize({ a: undefined, b: 1 }), '{"b":1}');
  // Keys sort by UTF-16 code units, not code points: U+FB33 (one unit) before U+1F602 (a surrogate pair)?
  // 0xD83D < 0xFB33, so the emoji sorts first.
  assert.equal(canonicalize({ "\ufb33": 1, "\u{1F602}": 2 }), '{"\u{1F602}":2,"\ufb33":1}');
});

test("non-finite numbers, lone surrogates and non-plain objects are refused on encode", () => {
  assertJsonError(() => canonicalize(NaN), "JSON_NUMBER_NOT_FINITE");
  assertJsonError(() => canonicalize({ x: [Infinity] }), "JSON_NUMBER_NOT_FINITE");
  assertJsonError(() => canonicalize("\ud800"), "JSON_LONE_SURROGATE");
  assertJsonError(() => canonicalize({ "\udc00x": 1 }), "JSON_LONE_SURROGATE");
  assertJsonError(() => canonicalize(2 ** 53), "JSON_UNSAFE_INTEGER");
  assertJsonError(() => canonicalize(new Date(0)), "JSON_UNSUPPORTED_VALUE");
  assertJsonError(() => canonicalize(new Float32Array(2)), "JSON_UNSUPPORTED_VALUE");
  assertJsonError(() => canonicalize(10n), "JSON_UNSUPPORTED_VALUE");
  assert.equal(canonicalize(2 ** 53 - 1), "9007199254740991");
});

test("the strict parser refuses what JSON.parse lets through", () => {
  assertJsonError(() => parseStrictJson('{"a":1,"a":2}'), "JSON_DUPLICATE_KEY");
  assertJsonError(() => parseStrictJson('{"a":{"b":1,"b":1}}'), "JSON_DUPLICATE_KEY");
  assertJsonError(() => parseStrictJson('"\\ud800"'), "JSON_LONE_SURROGATE");
  assertJsonError(() => parseStrictJson('"\\udc00\\ud800"'), "JSON_LONE_SURROGATE");
  assertJsonError(() => parseStrictJson("9007199254740993"), "JSON_UNSAFE_INTEGER");
  assertJsonError(() => parseStrictJson("-9007199254740993.0"), "JSON_UNSAFE_INTEGER");
  assertJsonError(() => parseStrictJson("1e400"), "JSON_NUMBER_NOT_FINITE");
  assertJsonError(() => parseStrictJson("[".repeat(65) + "]".repeat(65)), "JSON_TOO_DEEP");
  assert.deepEqual(parseStrictJson("[".repeat(64) + "]".repeat(64), { maxDepth: 64 }) !== undefined, true);
  assert.equal(parseStrictJson('"\\ud83d\\ude02"'), "\u{1F602}");
  assert.equal(parseStrictJson("1E30"), 1e30);
});

test("the strict parser reports malformed JSON as JSON_SYNTAX, never SyntaxError", () => {
  for (const bad of [
    "",
    " ",
    "{",
    "[1,]",
    "{,}",
    '{"a" 1}',
    '{"a":1,}',
    "01",
    "1.",
    ".5",
    "+1",
    "-",
    "NaN",
    "Infinity",
    "tru",
    "nul",
    '"abc',
    '"\\x"',
    '"\\u12"',
    '"a\u0001"',
    "[1] [2]",
    "{'a':1}",
    "\u00a0[]",
  ]) {
    assertJsonError(() => parseStrictJson(bad), "JSON_SYNTAX");
  }
});

test("__proto__ is data, not a prototype change", () => {
  const v = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ["__proto__"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(canonicalize(v), '{"__proto__":{"polluted":true}}');
});

const jsonValue = fc.jsonValue().filter((v) => {
  try {
    canonicalize(v);
    return true;
  } catch {
    return false;
  }
});

test("property: parse(canonicalize(v)) is v and canonicalize is idempotent", () => {
  fc.assert(
    fc.property(jsonValue, (v) => {
      const text = canonicalize(v);
      const back = parseStrictJson(text, { maxDepth: 1000 });
      assert.equal(canonicalize(back), text);
      // Agreement with JSON.parse on everything the strict parser accepts.
      assert.deepEqual(back, JSON.parse(text));
    }),
    { numRuns: 500 },
  );
});

test("property: the strict parser agrees with JSON.parse on valid JSON without duplicates", () => {
  fc.assert(
    fc.property(jsonValue, (v) => {
      const pretty = JSON.stringify(v, null, 2);
      assert.deepEqual(parseStrictJson(pretty, { maxDepth: 1000 }), JSON.parse(pretty));
    }),
    { numRuns: 300 },
  );
});
