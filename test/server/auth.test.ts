/** API keys: digests only, roles, revocation, and the Authorization header forms. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ApiKeyRing, MIN_KEY_LENGTH, authenticate, generateApiKey, keyIdOf } from "../../src/server/auth.js";
import { ServerError } from "../../src/server/errors.js";

const INFERENCE = "inference-key-0123456789";
const ADMIN = "admin-key-0123456789abcdef";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServerError);
    return err.code;
  }
  assert.fail("expected a ServerError");
}

test("a key maps to its role; unknown, empty and malformed headers are refused with codes", () => {
  const ring = new ApiKeyRing({ apiKeys: [INFERENCE], adminKeys: [ADMIN] });
  assert.deepEqual(authenticate(ring, `Bearer ${INFERENCE}`), {
    role: "inference",
    keyId: keyIdOf(INFERENCE),
  });
  assert.equal(authenticate(ring, `Bearer ${ADMIN}`).role, "admin");
  assert.equal(
    codeOf(() => authenticate(ring, undefined)),
    "SERVER_AUTH_MISSING",
  );
  assert.equal(
    codeOf(() => authenticate(ring, "")),
    "SERVER_AUTH_MISSING",
  );
  assert.equal(
    codeOf(() => authenticate(ring, `Bearer ${INFERENCE}x`)),
    "SERVER_AUTH_INVALID",
  );
  assert.equal(
    codeOf(() => authenticate(ring, `bearer ${INFERENCE}`)),
    "SERVER_AUTH_INVALID",
  );
  assert.equal(
    codeOf(() => authenticate(ring, `Bearer  ${INFERENCE}`)),
    "SERVER_AUTH_INVALID",
  );
  assert.equal(
    codeOf(() => authenticate(ring, `Basic ${INFERENCE}`)),
    "SERVER_AUTH_INVALID",
  );
  assert.equal(
    codeOf(() => authenticate(ring, `Bearer ${"k".repeat(600)}`)),
    "SERVER_AUTH_INVALID",
  );
});

test("any key other than a stored one is refused (property)", () => {
  const ring = new ApiKeyRing({ apiKeys: [INFERENCE], adminKeys: [ADMIN] });
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 80 }), (key) => {
      fc.pre(key !== INFERENCE && key !== ADMIN);
      assert.equal(ring.lookup(key), null);
    }),
  );
});

test("keys are refused when short or not printable ASCII; the ring keeps no plaintext", () => {
  assert.throws(
    () => new ApiKeyRing({ apiKeys: ["x".repeat(MIN_KEY_LENGTH - 1)], adminKeys: [] }),
    RangeError,
  );
  assert.throws(
    () => new ApiKeyRing({ apiKeys: [`${"x".repeat(MIN_KEY_LENGTH)} y`], adminKeys: [] }),
    RangeError,
  );
  const ring = new ApiKeyRing({ apiKeys: [INFERENCE], adminKeys: [ADMIN] });
  const dump = JSON.stringify(ring) + JSON.stringify(ring.list());
  assert.ok(!dump.includes(INFERENCE) && !dump.includes(ADMIN));
});

test("issued keys work at once and revoked keys stop working", () => {
  const ring = new ApiKeyRing({ apiKeys: [], adminKeys: [ADMIN] });
  const key = generateApiKey();
  assert.match(key, /^zeq_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(generateApiKey(), key);
  const p = ring.add(key, "inference");
  assert.deepEqual(authenticate(ring, `Bearer ${key}`), p);
  assert.equal(ring.revoke(p.keyId), true);
  assert.equal(ring.revoke(p.keyId), false);
  assert.equal(
    codeOf(() => authenticate(ring, `Bearer ${key}`)),
    "SERVER_AUTH_INVALID",
  );
  assert.equal(authenticate(ring, `Bearer ${ADMIN}`).role, "admin");
});

test("adding a key again replaces its role instead of duplicating it", () => {
  const ring = new ApiKeyRing({ apiKeys: [INFERENCE], adminKeys: [] });
  ring.add(INFERENCE, "admin");
  assert.deepEqual(ring.list(), [{ role: "admin", keyId: keyIdOf(INFERENCE) }]);
});
