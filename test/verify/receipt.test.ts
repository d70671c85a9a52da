import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { fromBase64, fromHex, toBase64, toHex } from "../../src/core/bytes.js";
import { sha256 } from "../../src/core/hash.js";
import { VerifierSet, signerFromSeed, type Verifier } from "../../src/keys/index.js";
import { signNote } from "../../src/note/index.js";
import { signEnvelope } from "../../src/record/dsse.js";
import type { Receipt } from "../../src/record/receipt.js";
import {
  ReceiptVerificationError,
  ReceiptVerifier,
  VERIFICATION_STEPS,
  verifyReceipt,
  type VerificationStep,
} from "../../src/verify/index.js";
import { ORIGIN, PAYLOAD_TYPE, buildReceipts, cloneReceipt, mth, path } from "./helpers/receipts.js";

function failsAt(fn: () => unknown, step: VerificationStep, code?: string, message?: string): void {
  assert.throws(
    fn,
    (e: unknown) => {
      if (!(e instanceof ReceiptVerificationError)) return false;
      assert.equal(e.step, step, `${message ?? ""} step (code ${e.code})`);
      if (code !== undefined) assert.equal(e.code, code, `${message ?? ""} code`);
      return true;
    },
    message,
  );
}

test("helper self-check: MTH and PATH reproduce the RFC 6962 reference tree", () => {
  const ref = JSON.parse(
    readFileSync(new URL("../vectors/rfc6962/reference-tree.json", import.meta.url), "utf8"),
  ) as {
    leaves: string[];
    roots: string[];
    inclusion: { leafIndex: number; treeSize: number; proof: string[] }[];
  };
  const hashes = ref.leaves.map((l) => sha256(Uint8Array.of(0), fromHex(l)));
  ref.roots.forEach((root, i) => assert.equal(toHex(mth(hashes.slice(0, i + 1))), root));
  for (const v of ref.inclusion) {
    assert.deepEqual(
      path(v.leafIndex, hashes.slice(0, v.treeSize)).map(toHex),
      v.proof,
      `${v.leafIndex}/${v.treeSize}`,
    );
  }
});

test("valid receipts verify for many tree sizes, passing every step in order", () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17]) {
    const fx = buildReceipts(n);
    const verifier = new ReceiptVerifier(fx.verifiers, { expectedOrigin: ORIGIN, payloadType: PAYLOAD_TYPE });
    fx.receipts.forEach((r, i) => {
      const out = verifier.verify(r);
      assert.deepEqual(out.steps, [...VERIFICATION_STEPS]);
      assert.deepEqual(out.payload, fx.payloads[i]);
      assert.equal(out.index, i);
      assert.equal(out.treeSize, n);
      assert.equal(out.keyid, fx.recordSigner.keyId);
      assert.deepEqual(out.checkpointSigners, [fx.logSigner.keyId]);
      assert.deepEqual(out.checkpoint.rootHash, fx.rootHash);
      assert.deepEqual(out.leafHash, sha256(Uint8Array.of(0), fx.payloads[i]!));
    });
  }
});

test("a receipt as JSON text verifies the same; extra fields are ignored", () => {
  const fx = buildReceipts(5);
  const withExtra = {
    ...cloneReceipt(fx.receipts[3]!),
    note: "x",
    log: { ...fx.receipts[3]!.log, extra: 1 },
  };
  assert.equal(verifyReceipt(JSON.stringify(withExtra), fx.verifiers).index, 3);
});

test("targeted tampering fails at the right step with the right code", () => {
  const fx = buildReceipts(6);
  const base = fx.receipts[2]!;
  const mutate = (f: (r: Receipt) => void): Receipt => {
    const r = cloneReceipt(base);
    f(r);
    return r;
  };
  const v = (r: unknown, opts = {}) => verifyReceipt(r, fx.verifiers, opts);

  const payload = fromBase64(base.envelope.payload);
  payload[0]! ^= 1;
  failsAt(
    () => v(mutate((r) => (r.envelope.payload = toBase64(payload)))),
    "envelope-signature",
    "VERIFY_ENVELOPE_SIGNATURE_INVALID",
  );
  const sig = fromBase64(base.envelope.signatures[0]!.sig);
  sig[10]! ^= 0x80;
  failsAt(
    () => v(mutate((r) => (r.envelope.signatures[0]!.sig = toBase64(sig)))),
    "envelope-signature",
    "VERIFY_ENVELOPE_SIGNATURE_INVALID",
  );
  failsAt(() => v(base, { payloadType: "other/type" }), "envelope-signature", "VERIFY_PAYLOAD_TYPE");

  // A genuine envelope of another record, at this record's index: signatures fine, proof not.
  failsAt(
    () => v(mutate((r) => (r.envelope = fx.receipts[3]!.envelope))),
    "inclusion",
    "VERIFY_INCLUSION_FAILED",
  );
  failsAt(() => v(mutate((r) => (r.log.index = 3))), "inclusion", "VERIFY_INCLUSION_FAILED");
  const proof0 = fromBase64(base.log.inclusion_proof[0]!);
  proof0[31]! ^= 1;
  failsAt(
    () => v(mutate((r) => (r.log.inclusion_proof[0] = toBase64(proof0)))),
    "inclusion",
    "VERIFY_INCLUSION_FAILED",
  );
  failsAt(() => v(mutate((r) => r.log.inclusion_proof.pop())), "inclusion", "VERIFY_INCLUSION_FAILED");
  failsAt(
    () => v(mutate((r) => r.log.inclusion_proof.push(r.log.inclusion_proof[0]!))),
    "inclusion",
    "VERIFY_INCLUSION_FAILED",
  );

  failsAt(
    () => v(mutate((r) => (r.log.tree_size = 7))),
    "checkpoint-signature",
    "VERIFY_CHECKPOINT_SIZE_MISMATCH",
  );
  failsAt(
    () => v(mutate((r) => (r.log.origin = "log.example/other"))),
    "checkpoint-signature",
    "VERIFY_CHECKPOINT_ORIGIN_MISMATCH",
  );
  failsAt(
    () => v(base, { expectedOrigin: "log.example/other" }),
    "checkpoint-signature",
    "VERIFY_CHECKPOINT_ORIGIN_MISMATCH",
  );
  failsAt(
    () => v(mutate((r) => (r.log.checkpoint = r.log.checkpoint.replace("\n6\n", "\n5\n")))),
    "checkpoint-signature",
    "VERIFY_CHECKPOINT_SIGNATURE_INVALID",
  );
  failsAt(
    () => v(mutate((r) => (r.log.checkpoint = r.log.checkpoint.replace("\n\n", "\n")))),
    "checkpoint-signature",
    "VERIFY_CHECKPOINT_MALFORMED",
  );
  const onlyRecordKey = new VerifierSet([fx.recordSigner.verifier]);
  failsAt(() => verifyReceipt(base, onlyRecordKey), "checkpoint-signature", "VERIFY_CHECKPOINT_UNTRUSTED");
  const onlyLogKey = new VerifierSet([fx.logSigner.verifier]);
  failsAt(() => verifyReceipt(base, onlyLogKey), "envelope-signature", "VERIFY_ENVELOPE_SIGNATURE_INVALID");
});

test("a validly signed note that is not a checkpoint is VERIFY_CHECKPOINT_MALFORMED", () => {
  const fx = buildReceipts(2);
  const r = cloneReceipt(fx.receipts[0]!);
  // The size line has a leading zero: the signature is fine, the checkpoint is not.
  r.log.checkpoint = signNote(`${ORIGIN}\n02\n${toBase64(fx.rootHash)}\n`, [fx.logSigner]);
  failsAt(() => verifyReceipt(r, fx.verifiers), "checkpoint-signature", "VERIFY_CHECKPOINT_MALFORMED");
});

test("malformed receipts fail at parse with VERIFY_RECEIPT_MALFORMED, never a TypeError", () => {
  const fx = buildReceipts(3);
  const good = fx.receipts[1]!;
  const bad: unknown[] = [
    undefined,
    null,
    "",
    "{",
    "[]",
    '{"envelope":{},"log":{},"log":{}}',
    7,
    {},
    { envelope: good.envelope },
    { log: good.log },
    { ...good, log: null },
    { ...good, envelope: "x" },
    { ...good, envelope: { ...good.envelope, signatures: [] } },
    { ...good, log: { ...good.log, origin: "" } },
    { ...good, log: { ...good.log, origin: 5 } },
    { ...good, log: { ...good.log, index: -1 } },
    { ...good, log: { ...good.log, index: 1.5 } },
    { ...good, log: { ...good.log, index: "1" } },
    { ...good, log: { ...good.log, index: 3 } },
    { ...good, log: { ...good.log, tree_size: 2 ** 53 } },
    { ...good, log: { ...good.log, checkpoint: 1 } },
    { ...good, log: { ...good.log, inclusion_proof: "x" } },
    { ...good, log: { ...good.log, inclusion_proof: [1] } },
    { ...good, log: { ...good.log, inclusion_proof: ["AAAA"] } },
    { ...good, log: { ...good.log, inclusion_proof: Array(65).fill(good.log.inclusion_proof[0]) } },
  ];
  for (const b of bad)
    failsAt(
      () => verifyReceipt(b, fx.verifiers),
      "parse",
      "VERIFY_RECEIPT_MALFORMED",
      String(JSON.stringify(b)),
    );
});

type Field = "payload" | "signature" | "checkpoint" | "proof" | "index" | "size";

test("property: any single bit flip in payload, signature, checkpoint, proof, index or size fails at its step", () => {
  const fixtures = new Map<number, ReturnType<typeof buildReceipts>>();
  const fixture = (n: number) => {
    let fx = fixtures.get(n);
    if (fx === undefined) fixtures.set(n, (fx = buildReceipts(n)));
    return fx;
  };
  const cachedVerifiers = new Map<number, ReceiptVerifier>();
  const cachedVerifier = (n: number) => {
    let v = cachedVerifiers.get(n);
    if (v === undefined) cachedVerifiers.set(n, (v = new ReceiptVerifier(fixture(n).verifiers)));
    return v;
  };
  const fieldArb = fc.constantFrom<Field>("payload", "signature", "checkpoint", "proof", "index", "size");
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 24 }),
      fc.nat(),
      fieldArb,
      fc.nat(),
      fc.nat(15),
      (n, i, field, pos, bit) => {
        const fx = fixture(n);
        const r = cloneReceipt(fx.receipts[i % n]!);
        let step: VerificationStep;
        switch (field) {
          case "payload": {
            const p = fromBase64(r.envelope.payload);
            p[pos % p.length]! ^= 1 << (bit % 8);
            r.envelope.payload = toBase64(p);
            step = "envelope-signature";
            break;
          }
          case "signature": {
            const s = fromBase64(r.envelope.signatures[0]!.sig);
            s[pos % s.length]! ^= 1 << (bit % 8);
            r.envelope.signatures[0]!.sig = toBase64(s);
            step = "envelope-signature";
            break;
          }
          case "checkpoint": {
            const c = r.log.checkpoint;
            const k = pos % c.length;
            r.log.checkpoint =
              c.slice(0, k) + String.fromCharCode(c.charCodeAt(k) ^ (1 << bit)) + c.slice(k + 1);
            step = "checkpoint-signature";
            break;
          }
          case "proof": {
            if (r.log.inclusion_proof.length === 0) return;
            const j = pos % r.log.inclusion_proof.length;
            const h = fromBase64(r.log.inclusion_proof[j]!);
            h[(pos >>> 5) % 32]! ^= 1 << (bit % 8);
            r.log.inclusion_proof[j] = toBase64(h);
            step = "inclusion";
            break;
          }
          case "index":
            r.log.index ^= 1 << bit;
            step = r.log.index >= r.log.tree_size ? "parse" : "inclusion";
            break;
          case "size":
            r.log.tree_size ^= 1 << bit;
            step = r.log.index >= r.log.tree_size ? "parse" : "checkpoint-signature";
            break;
        }
        const label = `${field} n=${n} pos=${pos} bit=${bit}`;
        failsAt(() => verifyReceipt(r, fx.verifiers), step, undefined, label);
        // The same through a long-lived verifier whose caches earlier genuine receipts warmed.
        const cached = cachedVerifier(n);
        cached.verify(fx.receipts[(i + 1) % n]!);
        failsAt(() => cached.verify(r), step, undefined, `${label} (cached)`);
      },
    ),
    { numRuns: 400 },
  );
});

function countingVerifier(inner: Verifier, counter: { calls: number }): Verifier {
  return {
    ...inner,
    verify: (m, s) => {
      counter.calls++;
      return inner.verify(m, s);
    },
  };
}

test("ReceiptVerifier checks a shared checkpoint's signature once; verifyReceipt every time", () => {
  const fx = buildReceipts(20);
  const counter = { calls: 0 };
  const logKeys = new VerifierSet([countingVerifier(fx.logSigner.verifier, counter)]);
  const cached = new ReceiptVerifier(fx.verifiers, { checkpointVerifiers: logKeys });
  for (const r of fx.receipts) cached.verify(r);
  assert.equal(counter.calls, 1);
  counter.calls = 0;
  for (const r of fx.receipts) verifyReceipt(r, fx.verifiers, { checkpointVerifiers: logKeys });
  assert.equal(counter.calls, 20);
});

test("the cache never skips the receipt's own checks, nor accepts an altered checkpoint", () => {
  const fx = buildReceipts(4);
  const verifier = new ReceiptVerifier(fx.verifiers);
  verifier.verify(fx.receipts[0]!);
  const wrongSize = cloneReceipt(fx.receipts[1]!);
  wrongSize.log.tree_size = 5;
  failsAt(() => verifier.verify(wrongSize), "checkpoint-signature", "VERIFY_CHECKPOINT_SIZE_MISMATCH");
  const wrongOrigin = cloneReceipt(fx.receipts[1]!);
  wrongOrigin.log.origin = "other";
  failsAt(() => verifier.verify(wrongOrigin), "checkpoint-signature", "VERIFY_CHECKPOINT_ORIGIN_MISMATCH");
  const altered = cloneReceipt(fx.receipts[1]!);
  altered.log.checkpoint = altered.log.checkpoint.replace("\n4\n", "\n3\n");
  failsAt(() => verifier.verify(altered), "checkpoint-signature", "VERIFY_CHECKPOINT_SIGNATURE_INVALID");
  assert.equal(verifier.verify(fx.receipts[3]!).index, 3);
});

test("a checkpoint cached under one set of trusted keys is not trusted by another verifier", () => {
  const fx = buildReceipts(3);
  new ReceiptVerifier(fx.verifiers).verify(fx.receipts[0]!);
  const other = new ReceiptVerifier(new VerifierSet([fx.recordSigner.verifier]));
  failsAt(() => other.verify(fx.receipts[0]!), "checkpoint-signature", "VERIFY_CHECKPOINT_UNTRUSTED");
});

test("key rotation: receipts signed with the old record key verify while it stays trusted", () => {
  const oldKey = signerFromSeed("records.example/zeq-np-test", new Uint8Array(32).fill(0x31));
  const newKey = signerFromSeed("records.example/zeq-np-test", new Uint8Array(32).fill(0x32));
  const fxOld = buildReceipts(3, { recordSigner: oldKey });
  const keys = new VerifierSet([fxOld.logSigner.verifier, oldKey.verifier, newKey.verifier]);
  assert.equal(verifyReceipt(fxOld.receipts[2]!, keys).keyid, oldKey.keyId);
  const withoutOld = new VerifierSet([fxOld.logSigner.verifier, newKey.verifier]);
  failsAt(() => verifyReceipt(fxOld.receipts[2]!, withoutOld), "envelope-signature");
});

test("an envelope signed by the log key is accepted only if the log key is trusted for records", () => {
  const fx = buildReceipts(1);
  const r = cloneReceipt(fx.receipts[0]!);
  r.envelope = signEnvelope(PAYLOAD_TYPE, fx.payloads[0]!, fx.logSigner);
  const logOnly = new VerifierSet([fx.logSigner.verifier]);
  const recordOnly = new VerifierSet([fx.recordSigner.verifier]);
  failsAt(
    () => verifyReceipt(r, recordOnly, { checkpointVerifiers: logOnly }),
    "envelope-signature",
    "VERIFY_ENVELOPE_SIGNATURE_INVALID",
  );
});
