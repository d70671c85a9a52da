import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import {
  BERT_SPECIAL_IDS,
  BertTokenizer,
  loadBertTokenizer,
} from "../../../src/preprocess/bert/tokenizer.js";
import { assertPreprocessError } from "../assert-code.js";

interface Case {
  name: string;
  text: string;
  pair?: string;
  ids: number[];
  decoded?: string;
  tokens?: string[];
  tokenTypeIds?: number[];
}
const vectors = JSON.parse(
  readFileSync(new URL("../../vectors/preprocess/bert-base-uncased.json", import.meta.url), "utf8"),
) as { cases: Case[] };
const unit = JSON.parse(
  readFileSync(new URL("../../vectors/preprocess/bert-reference-unit.json", import.meta.url), "utf8"),
) as { fullTokenizer: { vocab: string[]; text: string; tokens: string[]; ids: number[] } };

const tok = loadBertTokenizer();

test("published bert-base-uncased encodings (Hugging Face) are reproduced", () => {
  assert.ok(vectors.cases.length >= 30);
  for (const c of vectors.cases) {
    const enc = tok.encode(c.text, c.pair === undefined ? {} : { pair: c.pair });
    assert.deepEqual(enc.inputIds, c.ids, c.name);
    assert.deepEqual(
      enc.attentionMask,
      c.ids.map(() => 1),
      c.name,
    );
    assert.deepEqual(enc.tokenTypeIds, c.tokenTypeIds ?? c.ids.map(() => 0), c.name);
    assert.equal(enc.truncated, false, c.name);
    if (c.tokens) assert.deepEqual(enc.tokens.slice(1, -1), c.tokens, c.name);
    if (c.decoded !== undefined) assert.equal(tok.decode(c.ids), c.decoded, `${c.name} decode`);
  }
});

test("the seed example: The quick brown fox → 101 1996 4248 2829 4419 102", () => {
  assert.deepEqual(tok.encode("The quick brown fox").inputIds, [101, 1996, 4248, 2829, 4419, 102]);
});

test("cases established from the vocabulary itself: word pieces, accents, punctuation", () => {
  // Each id below is the line of the token in vocab.txt (checked by its hash at load).
  assert.deepEqual(tok.tokenize("unaffable"), ["una", "##ffa", "##ble"]);
  assert.deepEqual(tok.encode("unaffable").inputIds, [101, 14477, 20961, 3468, 102]);
  assert.deepEqual(tok.tokenize("Héllo Wörld!"), ["hello", "world", "!"]);
  assert.deepEqual(tok.tokenize("CAFÉ, café, cafe\u0301"), ["cafe", ",", "cafe", ",", "cafe"]);
  assert.deepEqual(tok.tokenize("don't"), ["don", "'", "t"]);
  assert.deepEqual(tok.tokenize("e-mail"), ["e", "-", "mail"]);
  assert.deepEqual(tok.tokenize("\u00abquoted\u00bb"), ["\u00ab", "quoted", "\u00bb"]);
  // Final sigma: lower-casing "ΟΔΟΣ" ends in ς (U+03C2), as Python's str.lower() does.
  assert.equal(
    tok.tokenize("\u039f\u0394\u039f\u03a3").join("").replaceAll("##", ""),
    "\u03bf\u03b4\u03bf\u03c2",
  );
});

test("[MASK] and the other special tokens written exactly are the special ids; other spellings are text", () => {
  assert.deepEqual(
    tok.encode("The [MASK] sat on the mat.").inputIds,
    [101, 1996, 103, 2938, 2006, 1996, 13523, 1012, 102],
  );
  assert.deepEqual(tok.tokenize("a[SEP]b[CLS][PAD][UNK]"), ["a", "[SEP]", "b", "[CLS]", "[PAD]", "[UNK]"]);
  assert.deepEqual(tok.tokenize("[mask]"), ["[", "mask", "]"]);
  assert.deepEqual(tok.tokenize("[ MASK ]"), ["[", "mask", "]"]);
  assert.equal(BERT_SPECIAL_IDS.mask, 103);
});

test("words longer than 100 code points are [UNK]; 100 are not", () => {
  assert.deepEqual(tok.tokenize("a".repeat(101)), ["[UNK]"]);
  assert.notDeepEqual(tok.tokenize("a".repeat(100)), ["[UNK]"]);
  // Code points, not UTF-16 units: 60 astral letters are 120 units but 60 code points.
  assert.deepEqual(tok.tokenize("𝐀".repeat(60)), ["[UNK]"]);
});

test("truncation keeps maxLength tokens with [SEP] last and says so", () => {
  const long = "word ".repeat(600);
  const enc = tok.encode(long);
  assert.equal(enc.inputIds.length, 512);
  assert.equal(enc.inputIds[0], 101);
  assert.equal(enc.inputIds[511], 102);
  assert.equal(enc.truncated, true);
  const short = tok.encode("a b c d e", { maxLength: 4 });
  assert.deepEqual(short.tokens, ["[CLS]", "a", "b", "[SEP]"]);
  assert.equal(short.truncated, true);
  assert.equal(tok.encode("a b", { maxLength: 4 }).truncated, false);
});

test("pair truncation is longest_first and segment ids mark the second sequence", () => {
  const enc = tok.encode("a b c d e f g h", { pair: "x y", maxLength: 8 });
  assert.deepEqual(enc.tokens, ["[CLS]", "a", "b", "c", "[SEP]", "x", "y", "[SEP]"]);
  assert.deepEqual(enc.tokenTypeIds, [0, 0, 0, 0, 0, 1, 1, 1]);
  const both = tok.encode("a b c d e f g h", { pair: "s t u v w x y z", maxLength: 10 });
  assert.deepEqual(both.tokens, ["[CLS]", "a", "b", "c", "[SEP]", "s", "t", "u", "v", "[SEP]"]);
});

test("padding adds [PAD] with mask 0 up to padTo", () => {
  const enc = tok.encode("hello", { padTo: 6 });
  assert.deepEqual(enc.inputIds, [101, 7592, 102, 0, 0, 0]);
  assert.deepEqual(enc.attentionMask, [1, 1, 1, 0, 0, 0]);
  assert.deepEqual(enc.tokenTypeIds, [0, 0, 0, 0, 0, 0]);
  assert.equal(tok.encode("hello", { padTo: 2 }).inputIds.length, 3);
});

test("decode: specials can be skipped and clean-up turned off", () => {
  const ids = tok.encode("Hello, world! Don't.").inputIds;
  assert.equal(tok.decode(ids), "[CLS] hello, world! don't. [SEP]");
  assert.equal(tok.decode(ids, { skipSpecialTokens: true }), "hello, world! don't.");
  assert.equal(
    tok.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false }),
    "hello , world ! don ' t .",
  );
});

test("bad input and options are coded errors", () => {
  assertPreprocessError(() => tok.encode(42 as unknown as string), "PREPROCESS_TEXT_INVALID");
  assertPreprocessError(() => tok.encode("a\uD800b"), "PREPROCESS_TEXT_INVALID");
  assertPreprocessError(() => tok.encode("x".repeat(1_048_577)), "PREPROCESS_TEXT_TOO_LONG");
  assertPreprocessError(() => tok.encode("a", { maxLength: 513 }), "PREPROCESS_OPTION_INVALID");
  assertPreprocessError(() => tok.encode("a", { maxLength: 1 }), "PREPROCESS_OPTION_INVALID");
  assertPreprocessError(() => tok.encode("a", { pair: "b", maxLength: 2 }), "PREPROCESS_OPTION_INVALID");
  assertPreprocessError(() => tok.encode("a", { maxLength: 2.5 }), "PREPROCESS_OPTION_INVALID");
  assertPreprocessError(() => tok.encode("a", { padTo: 600 }), "PREPROCESS_OPTION_INVALID");
  assertPreprocessError(() => tok.encode("a", { pair: 7 as unknown as string }), "PREPROCESS_TEXT_INVALID");
  assertPreprocessError(() => tok.decode([30522]), "PREPROCESS_TOKEN_ID_INVALID");
  assertPreprocessError(() => tok.decode([-1]), "PREPROCESS_TOKEN_ID_INVALID");
  assertPreprocessError(() => tok.decode([1.5]), "PREPROCESS_TOKEN_ID_INVALID");
  assertPreprocessError(() => tok.decode("101" as unknown as number[]), "PREPROCESS_TOKEN_ID_INVALID");
});

test("the reference toy vocabulary: full tokenizer (google-research/bert tokenization_test.py)", () => {
  const { vocab, text, tokens, ids } = unit.fullTokenizer;
  const toy = new BertTokenizer({ tokens: vocab, ids: new Map(vocab.map((t, i) => [t, i])), sha256: "toy" });
  assert.deepEqual(toy.tokenize(text), tokens);
  assert.deepEqual(
    tokens.map((t) => vocab.indexOf(t)),
    ids,
  );
});

test("property: encodings are well formed for arbitrary text", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.integer({ min: 2, max: 64 }),
      (text, maxLength) => {
        const enc = tok.encode(text, { maxLength });
        assert.ok(enc.inputIds.length <= maxLength);
        assert.equal(enc.inputIds[0], 101);
        assert.equal(enc.inputIds[enc.inputIds.length - 1], 102);
        assert.equal(enc.inputIds.length, enc.tokens.length);
        assert.ok(enc.inputIds.every((id) => Number.isInteger(id) && id >= 0 && id < tok.vocabSize));
        // Tokenizing in chunks (for early stop) gives the same tokens as a single pass.
        const untruncated = tok.tokenize(text);
        assert.deepEqual(enc.tokens.slice(1, -1), untruncated.slice(0, maxLength - 2));
      },
    ),
    { numRuns: 300 },
  );
});

test("options that are not objects are coded errors", () => {
  assertPreprocessError(() => tok.encode("a", null as unknown as object), "PREPROCESS_OPTION_INVALID");
  assertPreprocessError(() => tok.decode([101], [] as unknown as object), "PREPROCESS_OPTION_INVALID");
});
