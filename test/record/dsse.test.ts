import { test } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import fc from "fast-check";
import { fromBase64, fromUtf8, toBase64, utf8 } from "../../src/core/bytes.js";
import { VerifierSet, signerFromSeed } from "../../src/keys/index.js";
import {
  DsseError,
  MAX_ENVELOPE_SIGNATURES,
  pae,
  signEnvelope,
  verifyEnvelope,
  type DsseEnvelope,
} from "../../src/record/dsse.js";
import { loadVector } from "../keys/load-vector.js";

interface DsseVector {
  payloadType: string;
  payloadUtf8: string;
  pae: string;
  ecdsaP256: { x: string; y: string; d: string };
  envelope: DsseEnvelope;
}

const vec = loadVector<DsseVector>("dsse/pae.json");
const signer = signerFromSeed("zeq.example/records", new Uint8Array(32).fill(5));
const trusted = new VerifierSet([signer.verifier]);
const TYPE = "application/vnd.zeq-np.test+json";

function b64url32(decimal: string): string {
  return Buffer.from(BigInt(decimal).toString(16).padStart(64, "0"), "hex").toString("base64url");
}

test("DSSE spec vector: PAE bytes are exactly the published string", () => {
  assert.equal(fromUtf8(pae(vec.payloadType, utf8(vec.payloadUtf8))), vec.pae);
});

test("DSSE spec vector: the published P-256 signature verifies over our PAE (and not over a changed one)", () => {
  const { x, y } = vec.ecdsaP256;
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: b64url32(x), y: b64url32(y) },
    format: "jwk",
  });
  const sig = fromBase64(vec.envelope.signatures[0]!.sig);
  const payload = fromBase64(vec.envelope.payload);
  assert.equal(fromUtf8(payload), vec.payloadUtf8);
  const ok = (msg: Uint8Array) => cryptoVerify("sha256", msg, { key, dsaEncoding: "ieee-p1363" }, sig);
  assert.equal(ok(pae(vec.envelope.payloadType, payload)), true);
  assert.equal(ok(pae(vec.envelope.payloadType, utf8("hello world!"))), false);
  assert.equal(ok(pae("http://example.com/HelloWorlD", payload)), false);
});

test("PAE counts bytes, not characters, and has no leading zeros", () => {
  assert.equal(fromUtf8(pae("é", utf8("ü"))), "DSSEv1 2 é 2 ü");
  assert.equal(fromUtf8(pae("", new Uint8Array())), "DSSEv1 0  0 ");
  assert.equal(pae("t", new Uint8Array(1000)).length, "DSSEv1 1 t 1000 ".length + 1000);
});

test("signEnvelope: shape, keyid, and verifyEnvelope returns the exact payload", () => {
  const payload = utf8('{"a":1}');
  const env = signEnvelope(TYPE, payload, signer);
  assert.deepEqual(Object.keys(env).sort(), ["payload", "payloadType", "signatures"]);
  assert.equal(env.signatures[0]!.keyid, signer.keyId);
  const verified = verifyEnvelope(env, trusted, { payloadType: TYPE });
  assert.deepEqual(verified.payload, payload);
  assert.equal(verified.keyid, signer.keyId);
  assert.equal(verifyEnvelope(JSON.stringify(env), trusted).payloadType, TYPE);
});

test("payload type mismatch is DSSE_PAYLOAD_TYPE; untrusted key is DSSE_SIGNATURE_INVALID", () => {
  const env = signEnvelope(TYPE, utf8("x"), signer);
  assert.throws(() => verifyEnvelope(env, trusted, { payloadType: "other" }), { code: "DSSE_PAYLOAD_TYPE" });
  const stranger = signerFromSeed("zeq.example/records", new Uint8Array(32).fill(6));
  assert.throws(() => verifyEnvelope(signEnvelope(TYPE, utf8("x"), stranger), trusted), {
    code: "DSSE_SIGNATURE_INVALID",
  });
});

test("keyid is only a hint: missing or unknown keyid still finds the trusted key", () => {
  const env = signEnvelope(TYPE, utf8("x"), signer);
  const noKeyid = { ...env, signatures: [{ sig: env.signatures[0]!.sig }] };
  assert.equal(verifyEnvelope(noKeyid, trusted).keyid, signer.keyId);
  const wrongKeyid = { ...env, signatures: [{ keyid: "nobody+00000000", sig: env.signatures[0]!.sig }] };
  assert.equal(verifyEnvelope(wrongKeyid, trusted).keyid, signer.keyId);
});

test("several signatures: one trusted valid signature suffices, in any position", () => {
  const other = signerFromSeed("other", new Uint8Array(32).fill(8));
  const env = signEnvelope(TYPE, utf8("x"), signer);
  const foreign = signEnvelope(TYPE, utf8("x"), other).signatures[0]!;
  const env2 = { ...env, signatures: [foreign, env.signatures[0]!] };
  assert.equal(verifyEnvelope(env2, trusted).keyid, signer.keyId);
});

test("URL-safe base64 is accepted (DSSE allows it); mixed alphabets and bad padding are not", () => {
  const payload = new Uint8Array([0xfb, 0xff, 0xfe, 0x3e]); // encodes with '+' and '/'
  const env = signEnvelope(TYPE, payload, signer);
  assert.match(env.payload, /[+/]/);
  const url = { ...env, payload: env.payload.replace(/\+/g, "-").replace(/\//g, "_") };
  assert.deepEqual(verifyEnvelope(url, trusted).payload, payload);
  const mixed = { ...env, payload: env.payload.replace("+", "-") };
  if (mixed.payload.includes("/"))
    assert.throws(() => verifyEnvelope(mixed, trusted), { code: "DSSE_MALFORMED" });
  const unpadded = { ...env, payload: env.payload.replace(/=+$/, "") };
  assert.throws(() => verifyEnvelope(unpadded, trusted), { code: "DSSE_MALFORMED" });
});

test("malformed envelopes are DSSE_MALFORMED, never a TypeError", () => {
  const env = signEnvelope(TYPE, utf8("x"), signer);
  const sig = env.signatures[0]!;
  const bad: unknown[] = [
    null,
    42,
    "not json",
    '{"payload":"eA==","payload":"eA==","payloadType":"t","signatures":[]}',
    [],
    {},
    { ...env, payload: 1 },
    { ...env, payload: "e A==" },
    { ...env, payloadType: 1 },
    { ...env, payloadType: "\ud800" },
    { ...env, signatures: [] },
    { ...env, signatures: {} },
    { ...env, signatures: [null] },
    { ...env, signatures: [{ keyid: 1, sig: sig.sig }] },
    { ...env, signatures: [{ keyid: sig.keyid }] },
    { ...env, signatures: Array.from({ length: MAX_ENVELOPE_SIGNATURES + 1 }, () => sig) },
  ];
  for (const b of bad) {
    assert.throws(
      () => verifyEnvelope(b, trusted),
      (e: unknown) => e instanceof DsseError && e.code === "DSSE_MALFORMED",
      JSON.stringify(b),
    );
  }
});

test("signEnvelope refuses an empty or ill-formed payload type", () => {
  assert.throws(() => signEnvelope("", utf8("x"), signer), { code: "DSSE_INVALID_ARGUMENT" });
  assert.throws(() => signEnvelope("\udc00", utf8("x"), signer), { code: "DSSE_INVALID_ARGUMENT" });
});

test("property: round trip for any payload; any single bit flip of payload, type or signature fails", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(7), (payload, pos, bit) => {
      const env = signEnvelope(TYPE, payload, signer);
      assert.deepEqual(verifyEnvelope(env, trusted).payload, payload);
      // payload
      if (payload.length > 0) {
        const p = Uint8Array.from(payload);
        p[pos % p.length]! ^= 1 << bit;
        assert.throws(() => verifyEnvelope({ ...env, payload: toBase64(p) }, trusted), DsseError);
      }
      // signature
      const s = fromBase64(env.signatures[0]!.sig);
      s[pos % 64]! ^= 1 << bit;
      assert.throws(
        () => verifyEnvelope({ ...env, signatures: [{ ...env.signatures[0]!, sig: toBase64(s) }] }, trusted),
        DsseError,
      );
      // payload type
      const t = utf8(TYPE);
      t[pos % t.length]! ^= 1 << (bit % 7); // stay ASCII
      assert.throws(() => verifyEnvelope({ ...env, payloadType: fromUtf8(t) }, trusted), DsseError);
    }),
    { numRuns: 200 },
  );
});
