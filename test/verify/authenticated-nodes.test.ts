import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { utf8 } from "../../src/core/bytes.js";
import { sha256 } from "../../src/core/hash.js";
import { MerkleProofError } from "../../src/log/merkle/errors.js";
import { verifyInclusion } from "../../src/log/merkle/verify.js";
import { AuthenticatedNodes } from "../../src/verify/authenticated-nodes.js";
import { mth, path } from "./helpers/receipts.js";

const leafHashes = (n: number) =>
  Array.from({ length: n }, (_, i) => sha256(Uint8Array.of(0), utf8(`leaf ${i}`)));

function outcome(fn: () => void): string {
  try {
    fn();
    return "ok";
  } catch (e) {
    assert.ok(e instanceof MerkleProofError, String(e));
    return e.code === "LOG_PROOF_WRONG_LENGTH" ? "wrong-length" : "fail";
  }
}

test("every leaf of trees of size 1..40 verifies, in any order, sharing proven nodes", () => {
  for (let n = 1; n <= 40; n++) {
    const hashes = leafHashes(n);
    const nodes = new AuthenticatedNodes(n, mth(hashes));
    const order = [...hashes.keys()].sort((a, b) => ((a * 7919) % n) - ((b * 7919) % n));
    for (const i of order) nodes.verifyInclusion(i, hashes[i]!, path(i, hashes));
    for (const i of order) nodes.verifyInclusion(i, hashes[i]!, path(i, hashes));
    // Each node of the tree is stored at most once: fewer than 2n of them.
    assert.ok(nodes.storedNodes < 2 * n, `n=${n}: ${nodes.storedNodes} nodes`);
  }
});

test("a wrong leaf, index, root or proof fails even when the path's nodes are known", () => {
  const n = 13;
  const hashes = leafHashes(n);
  const root = mth(hashes);
  const nodes = new AuthenticatedNodes(n, root);
  for (let i = 0; i < n; i++) nodes.verifyInclusion(i, hashes[i]!, path(i, hashes));
  assert.throws(() => nodes.verifyInclusion(4, hashes[5]!, path(4, hashes)), { code: "LOG_PROOF_INVALID" });
  assert.throws(
    () => nodes.verifyInclusion(5, hashes[4]!, path(4, hashes)),
    (e: unknown) => e instanceof MerkleProofError,
  );
  const p = path(4, hashes);
  p[p.length - 1] = sha256(utf8("forged top sibling"));
  assert.throws(() => nodes.verifyInclusion(4, hashes[4]!, p), { code: "LOG_PROOF_INVALID" });
  assert.throws(() => nodes.verifyInclusion(4, hashes[4]!, path(4, hashes).slice(1)), {
    code: "LOG_PROOF_WRONG_LENGTH",
  });
  assert.throws(() => nodes.verifyInclusion(13, hashes[4]!, []), { code: "LOG_PROOF_INDEX_OUT_OF_RANGE" });
  const otherRoot = new AuthenticatedNodes(n, sha256(utf8("another root")));
  assert.throws(() => otherRoot.verifyInclusion(4, hashes[4]!, path(4, hashes)), {
    code: "LOG_PROOF_INVALID",
  });
});

test("capacity 0 still verifies, remembering nothing", () => {
  const hashes = leafHashes(9);
  const nodes = new AuthenticatedNodes(9, mth(hashes), 0);
  for (let i = 0; i < 9; i++) nodes.verifyInclusion(i, hashes[i]!, path(i, hashes));
  assert.equal(nodes.storedNodes, 0);
  assert.throws(() => nodes.verifyInclusion(2, hashes[3]!, path(2, hashes)), { code: "LOG_PROOF_INVALID" });
});

test("property: after any warm-up, the verdict equals the full verifyInclusion's on tampered input", () => {
  const cases = fc.integer({ min: 1, max: 33 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      warm: fc.array(fc.nat(n - 1), { maxLength: 12 }),
      index: fc.nat(n - 1),
      claimedIndex: fc.oneof(fc.nat(n - 1), fc.constant(-1)),
      tamper: fc.constantFrom("none", "leaf", "proof", "drop", "extra"),
      at: fc.nat(),
      bit: fc.nat(7),
    }),
  );
  const trees = new Map<number, { hashes: Uint8Array[]; root: Uint8Array }>();
  fc.assert(
    fc.property(cases, ({ n, warm, index, claimedIndex, tamper, at, bit }) => {
      let tree = trees.get(n);
      if (tree === undefined) {
        const hashes = leafHashes(n);
        trees.set(n, (tree = { hashes, root: mth(hashes) }));
      }
      const { hashes, root } = tree;
      const nodes = new AuthenticatedNodes(n, root);
      for (const w of warm) nodes.verifyInclusion(w, hashes[w]!, path(w, hashes));
      const leaf = Uint8Array.from(hashes[index]!);
      const proof = path(index, hashes).map((h) => Uint8Array.from(h));
      if (tamper === "leaf") leaf[at % 32]! ^= 1 << bit;
      if (tamper === "proof" && proof.length > 0) proof[at % proof.length]![(at >>> 3) % 32]! ^= 1 << bit;
      if (tamper === "drop") proof.pop();
      if (tamper === "extra") proof.push(Uint8Array.from(root));
      const i = claimedIndex < 0 ? index : claimedIndex;
      const expected = outcome(() => verifyInclusion(i, n, leaf, proof, root));
      assert.equal(
        outcome(() => nodes.verifyInclusion(i, leaf, proof)),
        expected,
      );
      // And the verdict does not poison later genuine proofs.
      for (const w of warm) nodes.verifyInclusion(w, hashes[w]!, path(w, hashes));
    }),
    { numRuns: 500 },
  );
});
