/**
 * Property tests: roots and proofs generated from stored hashes agree with a naive
 * RFC 6962 §2.1 implementation on random trees of up to 300 leaves appended in random
 * batches, verify, and stop verifying after any tampering.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { concatBytes, toHex, utf8 } from "../../../src/core/bytes.js";
import {
  KnownHashes,
  MerkleProofError,
  leafHash,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  readPlanSync,
  storedHashCount,
  verifyConsistency,
  verifyInclusion,
} from "../../../src/log/merkle/index.js";
import { MemoryTree } from "./memory-tree.js";
import { naiveConsistency, naiveMth, naivePath } from "./naive.js";

const hex = (xs: readonly Uint8Array[]): string[] => xs.map(toHex);

/** Leaves made unique by their position, so no two subtrees hash alike by accident. */
const leavesArb = fc
  .integer({ min: 1, max: 300 })
  .chain((n) => fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: n, maxLength: n }))
  .map((raw) => raw.map((b, i) => concatBytes(utf8(`${i}:`), b)));

/** Splits n leaves into random consecutive batches. */
const cutsArb = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 });

function build(leaves: readonly Uint8Array[], cuts: readonly number[]): MemoryTree {
  const tree = new MemoryTree();
  let at = 0;
  let c = 0;
  while (at < leaves.length) {
    const n = cuts[c++ % cuts.length] as number;
    tree.append(leaves.slice(at, at + n));
    at += n;
  }
  return tree;
}

/**
 * The left/right decisions RFC 9162's inclusion walk makes for (index, size). Two
 * (index, size) pairs with the same decisions fold a proof identically, so a root alone
 * cannot tell them apart; the signed checkpoint binds the size to the root.
 */
function walk(fn: number, sn: number): string {
  let out = "";
  while (sn > 0) {
    if (fn % 2 === 1 || fn === sn) {
      out += "L";
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else out += "R";
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return out;
}

const isProofError = (err: unknown): boolean => err instanceof MerkleProofError;

test("stored hashes: every batch split stores the same hashes, Σ⌊n/2^l⌋ of them", () => {
  fc.assert(
    fc.property(leavesArb, cutsArb, (leaves, cuts) => {
      const a = build(leaves, cuts);
      const b = build(leaves, [1]);
      assert.equal(a.hashes.size, storedHashCount(leaves.length));
      assert.deepEqual([...a.hashes.entries()].sort(), [...b.hashes.entries()].sort());
      assert.equal(toHex(readPlanSync(planRoot(leaves.length), a.read)), toHex(naiveMth(leaves)));
    }),
    { numRuns: 60 },
  );
});

test("roots at every size equal the naive MTH", () => {
  fc.assert(
    fc.property(leavesArb, cutsArb, (leaves, cuts) => {
      const tree = build(leaves, cuts);
      for (let size = 0; size <= leaves.length; size++) {
        assert.equal(toHex(readPlanSync(planRoot(size), tree.read)), toHex(naiveMth(leaves.slice(0, size))));
      }
    }),
    { numRuns: 12 },
  );
});

test("inclusion proofs equal the naive PATH, verify, and fail after tampering", () => {
  fc.assert(
    fc.property(leavesArb, cutsArb, fc.nat(), fc.nat(), fc.nat(), (leaves, cuts, a, b, r) => {
      const tree = build(leaves, cuts);
      const size = 1 + (a % leaves.length);
      const index = b % size;
      const prefix = leaves.slice(0, size);
      const root = naiveMth(prefix);
      const lh = leafHash(leaves[index] as Uint8Array);
      const proof = readPlanSync(planInclusionProof(index, size), tree.read);
      assert.deepEqual(hex(proof), hex(naivePath(index, prefix)));
      // The in-memory path the log uses right after a commit (folds cached across proofs).
      const known = new KnownHashes(
        [...tree.hashes].map(([k, hash]) => {
          const [level, idx] = k.split("/").map(Number) as [number, number];
          return { level, index: idx, hash };
        }),
      );
      const n = leaves.length;
      for (const i of [index, b % n, n - 1 - (b % n)]) {
        assert.deepEqual(
          hex(known.inclusionProof(i, n)),
          hex(naivePath(i, leaves)),
          `known PATH(${i}, ${n})`,
        );
      }
      verifyInclusion(index, size, lh, proof, root);

      if (proof.length > 0) {
        const at = r % proof.length;
        const bit = 1 << (r % 8);
        const flipped = proof.map((p, i) =>
          i === at ? p.map((x, k) => (k === (r >> 3) % 32 ? x ^ bit : x)) : p,
        );
        assert.throws(() => verifyInclusion(index, size, lh, flipped, root), isProofError, "flipped bit");
        assert.throws(
          () => verifyInclusion(index, size, lh, proof.slice(1), root),
          isProofError,
          "missing node",
        );
      }
      assert.throws(
        () => verifyInclusion(index, size, lh, [...proof, root], root),
        isProofError,
        "extra node",
      );
      assert.throws(
        () => verifyInclusion(index, size, lh, [root, ...proof], root),
        isProofError,
        "extra node first",
      );
      const otherLeaf = leafHash(utf8("not in the tree"));
      assert.throws(() => verifyInclusion(index, size, otherLeaf, proof, root), isProofError, "wrong leaf");
      for (let j = 0; j < Math.min(size + 2, 40); j++) {
        if (j === index) continue;
        // With unique leaves, a proof never fits another index of the same tree.
        assert.throws(() => verifyInclusion(j, size, lh, proof, root), isProofError, `wrong index ${j}`);
      }
      for (const n of [size - 1, size + 1, size * 2, Math.floor(size / 2), size + 7]) {
        if (n === size || walk(index, Math.max(n, 1) - 1) === walk(index, size - 1)) continue;
        assert.throws(() => verifyInclusion(index, n, lh, proof, root), isProofError, `wrong size ${n}`);
      }
    }),
    { numRuns: 150 },
  );
});

test("consistency proofs equal the naive PROOF, verify, and fail after tampering", () => {
  fc.assert(
    fc.property(leavesArb, cutsArb, fc.nat(), fc.nat(), fc.nat(), (leaves, cuts, a, b, r) => {
      const tree = build(leaves, cuts);
      const size2 = 1 + (a % leaves.length);
      const size1 = 1 + (b % size2);
      const root1 = naiveMth(leaves.slice(0, size1));
      const root2 = naiveMth(leaves.slice(0, size2));
      const proof = readPlanSync(planConsistencyProof(size1, size2), tree.read);
      assert.deepEqual(hex(proof), hex(naiveConsistency(size1, leaves.slice(0, size2))));
      verifyConsistency(size1, size2, proof, root1, root2);
      if (size1 === size2) return;

      const at = r % proof.length;
      const flipped = proof.map((p, i) =>
        i === at ? p.map((x, k) => (k === (r >> 3) % 32 ? x ^ (1 << (r % 8)) : x)) : p,
      );
      assert.throws(
        () => verifyConsistency(size1, size2, flipped, root1, root2),
        isProofError,
        "flipped bit",
      );
      assert.throws(
        () => verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2),
        isProofError,
        "missing",
      );
      assert.throws(
        () => verifyConsistency(size1, size2, [...proof, root2], root1, root2),
        isProofError,
        "extra",
      );
      assert.throws(
        () => verifyConsistency(size1, size2, proof, root2, root1),
        isProofError,
        "swapped roots",
      );
      for (let s = 1; s <= size2; s++) {
        if (s === size1) continue;
        // Another old size with the same proof: root1 is the MTH of size1 leaves only.
        assert.throws(
          () => verifyConsistency(s, size2, proof, root1, root2),
          isProofError,
          `wrong size1 ${s}`,
        );
      }
    }),
    { numRuns: 150 },
  );
});
