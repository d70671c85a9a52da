/**
 * Node addressing and proof shapes at sizes far beyond 32 bits (up to 2^53 − 1), where
 * JavaScript's bitwise operators would silently truncate.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  MAX_TREE_SIZE,
  compactRange,
  consistencyProofLength,
  edgeIds,
  inclusionProofLength,
  integrate,
  leafHash,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  storedHashCount,
  MerkleProofError,
} from "../../../src/log/merkle/index.js";

const zero = new Uint8Array(32);
const dummy = (n: number): Uint8Array[] => Array.from({ length: n }, () => zero);
const bigSize = fc.integer({ min: 1, max: MAX_TREE_SIZE });

test("compact ranges and stored hash counts", () => {
  assert.deepEqual(compactRange(0, 7), [
    { level: 2, index: 0 },
    { level: 1, index: 2 },
    { level: 0, index: 6 },
  ]);
  assert.deepEqual(compactRange(3, 8), [
    { level: 0, index: 3 },
    { level: 2, index: 1 },
  ]);
  assert.deepEqual(compactRange(5, 5), []);
  assert.equal(storedHashCount(0), 0);
  assert.equal(storedHashCount(7), 7 + 3 + 1);
  assert.equal(storedHashCount(8), 8 + 4 + 2 + 1);
  const top = compactRange(0, MAX_TREE_SIZE);
  assert.equal(top.length, 53);
  assert.deepEqual(top[0], { level: 52, index: 0 });
  assert.deepEqual(top[52], { level: 0, index: MAX_TREE_SIZE - 1 });
});

test("compact ranges cover exactly [begin, end) with aligned subtrees", () => {
  fc.assert(
    fc.property(bigSize, fc.nat(), (end, b) => {
      const begin = b % end;
      let at = begin;
      for (const { level, index } of compactRange(begin, end)) {
        assert.equal(index * 2 ** level, at, "contiguous and aligned");
        at += 2 ** level;
      }
      assert.equal(at, end);
    }),
  );
});

test("plans at 53-bit sizes read O(log n) hashes and match the verifier's proof lengths", () => {
  fc.assert(
    fc.property(bigSize, fc.nat(), (size, i) => {
      const index = i % size;
      const plan = planInclusionProof(index, size);
      assert.ok(plan.ids.length <= 2 * 53, `${plan.ids.length} reads`);
      assert.equal(plan.build(dummy(plan.ids.length)).length, inclusionProofLength(index, size));
      for (const id of plan.ids) assert.ok((id.index + 1) * 2 ** id.level <= size, "inside the tree");

      const size1 = 1 + (i % size);
      const cplan = planConsistencyProof(size1, size);
      assert.ok(cplan.ids.length <= 2 * 53);
      const want = size1 === size ? 0 : consistencyProofLength(size1, size);
      assert.equal(cplan.build(dummy(cplan.ids.length)).length, want);
      assert.ok(planRoot(size).ids.length <= 53);
    }),
    { numRuns: 500 },
  );
});

test("integration works at the top of the 53-bit range and stops there", () => {
  const size = MAX_TREE_SIZE - 1;
  const edge = { size, hashes: dummy(edgeIds(size).length) };
  const next = integrate(edge, [leafHash(new Uint8Array())]);
  assert.equal(next.edge.size, MAX_TREE_SIZE);
  assert.equal(next.edge.hashes.length, 53);
  assert.deepEqual(
    next.nodes.map(({ level, index }) => [level, index]),
    [[0, MAX_TREE_SIZE - 1]],
  );
  assert.throws(() => integrate(next.edge, [zero]), RangeError);
  assert.throws(() => integrate({ size: 3, hashes: [zero] }, []), RangeError, "edge of the wrong shape");
});

test("plans refuse impossible requests with coded errors", () => {
  const code = (c: string) => (err: unknown) => err instanceof MerkleProofError && err.code === c;
  assert.throws(() => planInclusionProof(5, 5), code("LOG_PROOF_INDEX_OUT_OF_RANGE"));
  assert.throws(() => planInclusionProof(-1, 5), code("LOG_PROOF_BAD_INPUT"));
  assert.throws(() => planConsistencyProof(6, 5), code("LOG_PROOF_INDEX_OUT_OF_RANGE"));
  assert.throws(() => planConsistencyProof(0, 5), code("LOG_PROOF_INDEX_OUT_OF_RANGE"));
  assert.throws(() => planRoot(2 ** 53), code("LOG_PROOF_BAD_INPUT"));
  assert.deepEqual(planConsistencyProof(0, 0).ids, []);
  assert.deepEqual(planConsistencyProof(4, 4).ids, []);
});
