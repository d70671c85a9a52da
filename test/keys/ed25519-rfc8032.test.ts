import { test } from "node:test";
import assert from "node:assert/strict";
import { fromHex, toHex } from "../../src/core/bytes.js";
import { signerFromSeed, verifierFromPublicKey } from "../../src/keys/index.js";
import { loadVector } from "./load-vector.js";

interface Rfc8032 {
  vectors: { name: string; secretKey: string; publicKey: string; message: string; signature: string }[];
}

const { vectors } = loadVector<Rfc8032>("rfc8032/ed25519.json");

test("RFC 8032 §7.1 vectors: five of them, TEST 1024 has 1023 bytes", () => {
  assert.deepEqual(
    vectors.map((v) => v.name),
    ["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"],
  );
  assert.equal(fromHex(vectors[3]!.message).length, 1023);
});

for (const v of vectors) {
  test(`RFC 8032 ${v.name}: seed gives the public key and the exact signature`, () => {
    const signer = signerFromSeed("rfc8032", fromHex(v.secretKey));
    assert.equal(toHex(signer.publicKey), v.publicKey, "public key derived from the seed");
    const message = fromHex(v.message);
    assert.equal(toHex(signer.sign(message)), v.signature, "deterministic signature");
  });

  test(`RFC 8032 ${v.name}: verifies, and fails on any tampering`, () => {
    const verifier = verifierFromPublicKey("rfc8032", fromHex(v.publicKey));
    const message = fromHex(v.message);
    const signature = fromHex(v.signature);
    assert.equal(verifier.verify(message, signature), true);
    const badSig = Uint8Array.from(signature);
    badSig[0]! ^= 0x01;
    assert.equal(verifier.verify(message, badSig), false, "flipped signature bit");
    const badMsg = Uint8Array.from([...message, 0]);
    assert.equal(verifier.verify(badMsg, signature), false, "extended message");
    assert.equal(verifier.verify(message, signature.subarray(0, 63)), false, "short signature");
  });
}

test("RFC 8032: S ≥ L (non-canonical, malleated signature) is rejected", () => {
  // TEST 1's signature with L added to S: the same point equation, a different encoding.
  const v = vectors[0]!;
  const sig = fromHex(v.signature);
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
  let malleated = s + L;
  const out = Uint8Array.from(sig);
  for (let i = 0; i < 32; i++) {
    out[32 + i] = Number(malleated & 0xffn);
    malleated >>= 8n;
  }
  const verifier = verifierFromPublicKey("rfc8032", fromHex(v.publicKey));
  assert.equal(verifier.verify(fromHex(v.message), out), false);
});
