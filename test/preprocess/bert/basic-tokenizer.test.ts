import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { basicTokenizeUncased, basicTokenizerChunks } from "../../../src/preprocess/bert/basic-tokenizer.js";
import {
  isBertControl,
  isBertPunctuation,
  isBertWhitespace,
  isCjkIdeograph,
} from "../../../src/preprocess/bert/char-classes.js";
import { wordPiece } from "../../../src/preprocess/bert/wordpiece.js";

interface Unit {
  wordpiece: { vocab: string[]; cases: [string, string[]][] };
  basicLower: [string, string[]][];
  isWhitespace: { true: string[]; false: string[] };
  isControl: { true: string[]; false: string[] };
  isPunctuation: { true: string[]; false: string[] };
}
const unit = JSON.parse(
  readFileSync(new URL("../../vectors/preprocess/bert-reference-unit.json", import.meta.url), "utf8"),
) as Unit;

test("character classes match the reference's unit tests", () => {
  for (const ch of unit.isWhitespace.true) assert.equal(isBertWhitespace(ch), true, JSON.stringify(ch));
  for (const ch of unit.isWhitespace.false) assert.equal(isBertWhitespace(ch), false, JSON.stringify(ch));
  for (const ch of unit.isControl.true) assert.equal(isBertControl(ch), true, JSON.stringify(ch));
  for (const ch of unit.isControl.false) assert.equal(isBertControl(ch), false, JSON.stringify(ch));
  for (const ch of unit.isPunctuation.true) assert.equal(isBertPunctuation(ch), true, JSON.stringify(ch));
  for (const ch of unit.isPunctuation.false) assert.equal(isBertPunctuation(ch), false, JSON.stringify(ch));
});

test("character classes: the ASCII punctuation ranges, Unicode P*, CJK blocks, format characters", () => {
  for (const ch of "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") assert.equal(isBertPunctuation(ch), true, ch);
  assert.equal(isBertPunctuation("\u00bf"), true); // ¿ is Po
  assert.equal(isBertPunctuation("\u20ac"), false); // € is Sc, not ASCII
  assert.equal(isCjkIdeograph("\u535a"), true);
  assert.equal(isCjkIdeograph("\u{20000}"), true);
  assert.equal(isCjkIdeograph("\u3042"), false); // Hiragana is not split
  assert.equal(isBertControl("\u200d"), true); // ZWJ is Cf
  assert.equal(isBertControl("\n"), false);
  assert.equal(isBertWhitespace("\u3000"), true);
});

test("BasicTokenizer (lower case) matches the reference's unit tests", () => {
  for (const [text, expected] of unit.basicLower)
    assert.deepEqual(basicTokenizeUncased(text), expected, text);
});

test("WordPiece on the reference's toy vocabulary", () => {
  const vocab = { ids: new Map(unit.wordpiece.vocab.map((t, i) => [t, i])), unkToken: "[UNK]" };
  for (const [text, expected] of unit.wordpiece.cases) {
    const words = text.split(" ").filter((w) => w.length > 0);
    assert.deepEqual(
      words.flatMap((w) => wordPiece(w, vocab)),
      expected,
      text,
    );
  }
});

test("cleaning: control characters vanish (joining words), whitespace separates", () => {
  assert.deepEqual(basicTokenizeUncased("ab\u0000cd\u200bef"), ["abcdef"]);
  assert.deepEqual(basicTokenizeUncased("ab\u0085cd"), ["abcd"]); // NEL is Cc before it is White_Space
  assert.deepEqual(basicTokenizeUncased("ab\u2028cd\u00a0ef"), ["ab", "cd", "ef"]);
  assert.deepEqual(basicTokenizeUncased("x\ufffdy"), ["xy"]);
});

const piecesOfText = fc.array(
  fc.oneof(
    fc.constantFrom(
      " ",
      "\n",
      "\u0085",
      "\u000b",
      ".",
      "'",
      "!",
      "\u03a3",
      "\u03c3",
      "A",
      "b",
      "\u0301",
      "\u535a",
      "\u00c9",
      "ß",
      "İ",
      "\u200d",
      "\u2028",
    ),
    fc.string({ unit: "grapheme", maxLength: 4 }),
  ),
  { maxLength: 120 },
);

test("property: tokenizing chunk by chunk equals tokenizing the whole text", () => {
  fc.assert(
    fc.property(piecesOfText, fc.integer({ min: 1, max: 8 }), (parts, size) => {
      const text = parts.join("");
      const chunks = [...basicTokenizerChunks(text, size)];
      assert.equal(chunks.join(""), text);
      assert.deepEqual(
        chunks.flatMap((c) => basicTokenizeUncased(c)),
        basicTokenizeUncased(text),
      );
    }),
    { numRuns: 1000 },
  );
});

test("chunking never changes the result at the places where it could", () => {
  // Final sigma looks through case-ignorable "." and "'"; NEL and VT are deleted, not split on.
  for (const text of [
    "\u0391\u03a3.\u0392",
    "A\u03a3'b",
    "\u03a3.\u03a3.\u03a3",
    "ab\u0085cd",
    "ab\u000bcd",
    "x!\u0301y",
    "\u535a\u0301z",
  ]) {
    const whole = basicTokenizeUncased(text);
    for (let size = 1; size <= text.length; size++) {
      assert.deepEqual(
        [...basicTokenizerChunks(text, size)].flatMap((c) => basicTokenizeUncased(c)),
        whole,
        `${text} / ${size}`,
      );
    }
  }
});
