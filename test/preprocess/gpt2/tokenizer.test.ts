import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { isWellFormedUtf16 } from "../../../src/core/unicode.js";
import { GPT2_EOS_ID, loadGpt2Tokenizer } from "../../../src/preprocess/gpt2/tokenizer.js";
import { assertPreprocessError } from "../assert-code.js";

interface Case {
  name: string;
  text: string;
  ids: number[];
  allowSpecial?: boolean;
}
const vectors = JSON.parse(
  readFileSync(new URL("../../vectors/preprocess/gpt2.json", import.meta.url), "utf8"),
) as {
  cases: Case[];
};
const tok = loadGpt2Tokenizer();

test("published GPT-2 encodings (Hugging Face, tiktoken) are reproduced and decode back", () => {
  assert.ok(vectors.cases.length >= 40);
  for (const c of vectors.cases) {
    assert.deepEqual(tok.encode(c.text, { allowSpecial: c.allowSpecial ?? false }), c.ids, c.name);
    assert.equal(tok.decode(c.ids), c.text, `${c.name} decode`);
  }
});

test("Hello world → [15496, 995]; eos is 50256", () => {
  assert.deepEqual(tok.encode("Hello world"), [15496, 995]);
  assert.equal(tok.eos, 50256);
  assert.equal(GPT2_EOS_ID, 50256);
  assert.equal(tok.vocabSize, 50257);
  assert.equal(tok.decode([50256]), "<|endoftext|>");
});

test("<|endoftext|> in text is ordinary text unless allowSpecial", () => {
  const plain = tok.encode("a<|endoftext|>b");
  assert.ok(!plain.includes(GPT2_EOS_ID));
  assert.equal(tok.decode(plain), "a<|endoftext|>b");
  const special = tok.encode("a<|endoftext|>b", { allowSpecial: true });
  assert.equal(special.filter((id) => id === GPT2_EOS_ID).length, 1);
  assert.equal(tok.decode(special), "a<|endoftext|>b");
});

test("catastrophically repetitive text round-trips (tiktoken's test)", () => {
  for (const c of ["^", "0", "a", "'s", " ", "\n"]) {
    let big = c.repeat(10_000);
    assert.equal(tok.decode(tok.encode(big)), big, JSON.stringify(c));
    big = ` ${big}`;
    assert.equal(tok.decode(tok.encode(big)), big, JSON.stringify(c));
    big = `${big}\n`;
    assert.equal(tok.decode(tok.encode(big)), big, JSON.stringify(c));
  }
});

test("property: decode(encode(s)) === s for arbitrary Unicode, emoji included", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), (s) => {
      assert.equal(tok.decode(tok.encode(s)), s);
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(
      fc.string({
        unit: fc.constantFrom("a", " ", "\u00a0", "\u0085", "\ufeff", "'", "s", "1", "😀", "\u2028"),
        maxLength: 40,
      }),
      (s) => {
        assert.equal(tok.decode(tok.encode(s)), s);
      },
    ),
    { numRuns: 500 },
  );
});

test("property: every id is in the vocabulary; decodeBytes gives the UTF-8 bytes", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "binary", maxLength: 60 }).filter((s) => isWellFormedUtf16(s)),
      (s) => {
        const ids = tok.encode(s);
        assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id < 50257));
        assert.deepEqual(tok.decodeBytes(ids), new TextEncoder().encode(s));
      },
    ),
  );
});

test("ids that split a character decode to U+FFFD, as the reference decoders do", () => {
  const ids = tok.encode("😀");
  assert.ok(ids.length > 1);
  assert.equal(tok.decode(ids.slice(0, 1)), "\ufffd");
});

test("bad input is a coded error", () => {
  assertPreprocessError(() => tok.encode(null as unknown as string), "PREPROCESS_TEXT_INVALID");
  assertPreprocessError(() => tok.encode("\udc00"), "PREPROCESS_TEXT_INVALID");
  assertPreprocessError(
    () => tok.encode("a", { allowSpecial: "yes" as unknown as boolean }),
    "PREPROCESS_OPTION_INVALID",
  );
  assertPreprocessError(() => tok.decode([50257]), "PREPROCESS_TOKEN_ID_INVALID");
  assertPreprocessError(() => tok.decode([Number.NaN]), "PREPROCESS_TOKEN_ID_INVALID");
  assertPreprocessError(() => tok.decodeBytes({} as unknown as number[]), "PREPROCESS_TOKEN_ID_INVALID");
});
