import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { longestFirstLengths } from "../../../src/preprocess/bert/truncation.js";

const table = JSON.parse(
  readFileSync(new URL("../../vectors/preprocess/hf-truncation-longest-first.json", import.meta.url), "utf8"),
) as { cases: [number, number, number, number, number][] };

test("longest_first matches the Hugging Face tokenizers test table", () => {
  for (const [n1, n2, max, k1, k2] of table.cases) {
    assert.deepEqual(longestFirstLengths(n1, n2, max), [k1, k2], `${n1}, ${n2} → ${max}`);
  }
});

test("property: kept lengths fit the budget, never grow, and drop nothing needlessly", () => {
  fc.assert(
    fc.property(fc.nat(600), fc.nat(600), fc.nat(600), (n1, n2, budget) => {
      const [k1, k2] = longestFirstLengths(n1, n2, budget);
      assert.ok(k1 <= n1 && k2 <= n2 && k1 >= 0 && k2 >= 0);
      assert.equal(k1 + k2, Math.min(n1 + n2, budget));
    }),
  );
});
