import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { utf8 } from "../../src/core/bytes.js";
import {
  KeyError,
  VerifierSet,
  encodeSigningKey,
  formatKeyId,
  generateSigningKey,
  isValidKeyName,
  parseSigningKey,
  parseVerifierKey,
  signerFromSeed,
} from "../../src/keys/index.js";
import { loadVector } from "./load-vector.js";

interface GoNote {
  peter: { name: string; keyHash: string; signingKey: string; verifierKey: string };
  enoch: { name: string; keyHash: string; verifierKey: string };
  badVerifierKeys: { key: string; why: string }[];
}

const go = loadVector<GoNote>("c2sp/go-note.json");

function assertKeyError(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof KeyError, message);
}

test("Go note vectors: PeterNeumann's private key gives its published verifier key and id", () => {
  const signer = parseSigningKey(go.peter.signingKey);
  assert.equal(signer.name, "PeterNeumann");
  assert.equal(signer.keyHash, 0xc74f20a3);
  assert.equal(signer.keyId, "PeterNeumann+c74f20a3");
  assert.equal(signer.verifierKey, go.peter.verifierKey);
  const verifier = parseVerifierKey(go.peter.verifierKey);
  assert.equal(verifier.keyHash, 0xc74f20a3);
  assert.equal(verifier.verifierKey, go.peter.verifierKey);
  assert.equal(encodeSigningKey(signer.name, seedOf(go.peter.signingKey)), go.peter.signingKey);
});

function seedOf(skey: string): Uint8Array {
  const b64 = skey.split("+").slice(4).join("+");
  return new Uint8Array(Buffer.from(b64, "base64")).subarray(1);
}

test("Go note vectors: EnochRoot's verifier key parses with id af0cfe78", () => {
  const v = parseVerifierKey(go.enoch.verifierKey);
  assert.equal(v.name, "EnochRoot");
  assert.equal(v.keyId, "EnochRoot+af0cfe78");
});

test("Go note vectors: the two bad verifier keys are refused with the right code", () => {
  assert.throws(() => parseVerifierKey(go.badVerifierKeys[0]!.key), { code: "KEY_MALFORMED" });
  assert.throws(() => parseVerifierKey(go.badVerifierKeys[1]!.key), { code: "KEY_ALGORITHM_UNSUPPORTED" });
});

test("Go TestNewVerifier manglings: every proper substring and every byte+1 is refused", () => {
  const b = utf8(go.peter.verifierKey);
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");
  for (let i = 0; i <= b.length; i++) {
    for (let j = i + 1; j <= b.length; j++) {
      if (i === 0 && j === b.length) continue;
      assertKeyError(() => parseVerifierKey(text(b.subarray(i, j))), `substring [${i}, ${j})`);
    }
  }
  for (let i = 0; i < b.length; i++) {
    const m = Uint8Array.from(b);
    m[i]!++;
    assertKeyError(() => parseVerifierKey(text(m)), `byte ${i} + 1`);
  }
});

test("Go TestNewSigner manglings: every proper substring and every byte+1 is refused", () => {
  const b = utf8(go.peter.signingKey);
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");
  for (let i = 0; i <= b.length; i++) {
    for (let j = i + 1; j <= b.length; j++) {
      if (i === 0 && j === b.length) continue;
      assertKeyError(() => parseSigningKey(text(b.subarray(i, j))), `substring [${i}, ${j})`);
    }
  }
  for (let i = 0; i < b.length; i++) {
    const m = Uint8Array.from(b);
    m[i]!++;
    assertKeyError(() => parseSigningKey(text(m)), `byte ${i} + 1`);
  }
});

test("key id mismatch is KEY_HASH_MISMATCH, also for private keys", () => {
  assert.throws(() => parseVerifierKey(go.peter.verifierKey.replace("c74f20a3", "c74f20a4")), {
    code: "KEY_HASH_MISMATCH",
  });
  assert.throws(() => parseSigningKey(go.peter.signingKey.replace("c74f20a3", "00000000")), {
    code: "KEY_HASH_MISMATCH",
  });
});

test("key id hex may be upper case on input, is lower case on output", () => {
  const v = parseVerifierKey(go.peter.verifierKey.replace("c74f20a3", "C74F20A3"));
  assert.equal(v.verifierKey, go.peter.verifierKey);
});

test("key names: C2SP rules (non-empty, no Unicode space, no '+')", () => {
  for (const ok of ["a", "log.example/zeq-np", "sum.golang.org", "é"])
    assert.equal(isValidKeyName(ok), true, ok);
  for (const bad of ["", "a b", "a+b", "a\tb", "a\u00a0b", "a\u3000b", "a\u2028b", "\ud800"]) {
    assert.equal(isValidKeyName(bad), false, JSON.stringify(bad));
  }
  assert.throws(() => generateSigningKey("a b"), { code: "KEY_NAME_INVALID" });
  assert.throws(() => signerFromSeed("a+b", new Uint8Array(32)), { code: "KEY_NAME_INVALID" });
});

test("generateSigningKey: round trip through text, sign and verify; fresh keys differ", () => {
  const text = generateSigningKey("log.example/zeq");
  assert.match(text, /^PRIVATE\+KEY\+log\.example\/zeq\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
  const signer = parseSigningKey(text);
  const verifier = parseVerifierKey(signer.verifierKey);
  const msg = utf8("hi");
  const sig = signer.sign(msg);
  assert.equal(verifier.verify(msg, sig), true);
  assert.equal(verifier.verify(utf8("ho"), sig), false);
  assert.notEqual(generateSigningKey("log.example/zeq"), text);
});

test("property: any seed and valid name round-trip through private and verifier key texts", () => {
  const nameArb = fc.stringMatching(/^[A-Za-z0-9./_-]{1,20}$/);
  fc.assert(
    fc.property(nameArb, fc.uint8Array({ minLength: 32, maxLength: 32 }), (name, seed) => {
      const signer = parseSigningKey(encodeSigningKey(name, seed));
      const verifier = parseVerifierKey(signer.verifierKey);
      assert.equal(verifier.keyId, signer.keyId);
      assert.equal(signer.keyId, formatKeyId(name, signer.keyHash));
      assert.deepEqual(verifier.publicKey, signer.publicKey);
    }),
    { numRuns: 100 },
  );
});

test("VerifierSet: lookup by (name, id) and by keyId; near misses are unknown", () => {
  const set = new VerifierSet([go.peter.verifierKey, go.enoch.verifierKey, go.enoch.verifierKey]);
  assert.equal(set.size, 2);
  assert.equal(set.get("PeterNeumann", 0xc74f20a3)?.keyId, "PeterNeumann+c74f20a3");
  assert.equal(set.get("PeterNeumann", 0xc74f20a4), undefined);
  assert.equal(set.get("PeterNeuman", 0xc74f20a3), undefined);
  assert.equal(set.getByKeyId("EnochRoot+af0cfe78")?.name, "EnochRoot");
  assert.equal(set.getByKeyId("EnochRoot+AF0CFE78"), undefined);
});

test("VerifierSet: two different keys with one name and id are KEY_AMBIGUOUS", () => {
  const real = parseVerifierKey(go.peter.verifierKey);
  const impostor = { ...real, verifierKey: real.verifierKey + "x", verify: () => true };
  assert.throws(() => new VerifierSet([real, impostor]), { code: "KEY_AMBIGUOUS" });
});

test("VerifierSet.fromText: one key per line, comments and blank lines ignored", () => {
  const set = VerifierSet.fromText(`# log keys\n${go.peter.verifierKey}\n\n  ${go.enoch.verifierKey}  \n`);
  assert.equal(set.size, 2);
  assert.throws(() => VerifierSet.fromText("garbage"), { code: "KEY_MALFORMED" });
});
