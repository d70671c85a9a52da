/** RFC 6962 §2.1 hashing: the domain-separation prefixes, checked against SHA-256 computed directly. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { toHex } from "../../../src/core/bytes.js";
import { EMPTY_ROOT, leafHash, nodeHash } from "../../../src/log/merkle/index.js";

const sha = (...parts: Uint8Array[]): string => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
};

test("published values: the empty tree and the empty leaf", () => {
  assert.equal(toHex(EMPTY_ROOT), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // roots[0] of the reference tree (test/vectors/rfc6962/reference-tree.json): MTH({""}).
  assert.equal(
    toHex(leafHash(new Uint8Array())),
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  );
});

test("leafHash = SHA-256(0x00 ‖ leaf), nodeHash = SHA-256(0x01 ‖ left ‖ right), any lengths", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
      assert.equal(toHex(leafHash(a)), sha(Uint8Array.of(0), a));
      assert.equal(toHex(nodeHash(a, b)), sha(Uint8Array.of(1), a, b));
    }),
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      (a, b) => {
        const h = nodeHash(a, b);
        assert.equal(toHex(h), sha(Uint8Array.of(1), a, b));
        assert.equal(
          Object.getPrototypeOf(h),
          Uint8Array.prototype,
          "a plain Uint8Array, not a view on a shared buffer",
        );
        const before = toHex(h);
        nodeHash(b, a); // the scratch buffer is reused: an earlier result must not change
        assert.equal(toHex(h), before);
      },
    ),
  );
});
