/**
 * The page's verifier against receipts made by the project's signing side (the DSSE
 * signer, the checkpoint signer, an RFC 6962 reference tree): a second implementation must
 * accept what the first produces, and reject every tampered variant at the right step.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { signerFromSeed } from "../../../src/keys/index.js";
import { signEnvelope } from "../../../src/record/dsse.js";
import { signCheckpoint } from "../../../src/log/checkpoint.js";
import { naiveConsistency, naiveMth, naivePath } from "../../log/merkle/naive.js";
import {
  TAMPER_INFO,
  TAMPER_TARGETS,
  tamperReceipt,
  TrustedKeys,
  verifyCheckpointConsistency,
  verifyGenerationChain,
  verifyReceipt,
  RECEIPT_STEPS,
} from "../../../web/src/verify/index.js";

const PAYLOAD_TYPE = "application/vnd.zeq-np.compute-record.v1+json";
const ORIGIN = "test.example/zeq-np";
const signer = signerFromSeed("test.example/zeq-np", new Uint8Array(32).fill(7));
const other = signerFromSeed("other.example/log", new Uint8Array(32).fill(9));
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

function recordPayload(i: number): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({ schema: "zeq-np/compute-record/v1", n: i, text: `entry ${i}` }),
  );
}

/** A log of `size` leaves and the receipt of leaf `index` against its checkpoint. */
function makeReceipt(index: number, size: number, logSigner = signer) {
  const leaves = Array.from({ length: size }, (_, i) => recordPayload(i));
  const envelope = signEnvelope(PAYLOAD_TYPE, leaves[index]!, signer);
  const checkpoint = signCheckpoint({ origin: ORIGIN, size, rootHash: naiveMth(leaves) }, [logSigner]);
  return {
    envelope,
    log: {
      origin: ORIGIN,
      index,
      tree_size: size,
      checkpoint,
      inclusion_proof: naivePath(index, leaves).map(b64),
    },
  };
}

const keysP = TrustedKeys.fromTexts([signer.verifierKey]);

test("receipts made by the signing side verify at every step, for every leaf of small trees", async () => {
  const keys = await keysP;
  for (const size of [1, 2, 3, 5, 8, 13]) {
    for (let index = 0; index < size; index++) {
      const report = await verifyReceipt(makeReceipt(index, size), keys);
      assert.equal(report.ok, true, `${index}/${size}: ${JSON.stringify(report.steps)}`);
      assert.deepEqual(
        report.steps.map((s) => s.status),
        RECEIPT_STEPS.map(() => "passed"),
      );
      assert.deepEqual(report.payloadJson, JSON.parse(new TextDecoder().decode(recordPayload(index))));
      assert.equal(report.envelopeSigner, signer.keyId);
    }
  }
});

test("a receipt as JSON text, or wrapped in a compute response, verifies too", async () => {
  const keys = await keysP;
  const receipt = makeReceipt(2, 6);
  assert.equal((await verifyReceipt(JSON.stringify(receipt), keys)).ok, true);
  assert.equal((await verifyReceipt({ latency_ms: 3, receipt }, keys)).ok, true);
});

test("each tamper target fails at the step that guards it, and only there", async () => {
  const keys = await keysP;
  for (const size of [1, 4, 7]) {
    const receipt = makeReceipt(size - 1, size);
    for (const target of TAMPER_TARGETS) {
      const report = await verifyReceipt(tamperReceipt(receipt, target), keys);
      assert.equal(report.ok, false, target);
      const failed = report.steps.filter((s) => s.status === "failed");
      assert.deepEqual(
        failed.map((s) => s.step),
        [TAMPER_INFO[target].failsAt],
        `${target} on ${size}`,
      );
      const at = RECEIPT_STEPS.indexOf(TAMPER_INFO[target].failsAt);
      assert.ok(report.steps.slice(0, at).every((s) => s.status === "passed"));
      assert.ok(report.steps.slice(at + 1).every((s) => s.status === "not-run"));
    }
    // The original is untouched by tampering.
    assert.equal((await verifyReceipt(receipt, keys)).ok, true);
  }
});

test("untrusted keys, wrong checkpoint size and malformed receipts fail with codes", async () => {
  const keys = await keysP;
  const receipt = makeReceipt(1, 3);
  const untrusted = await verifyReceipt(receipt, await TrustedKeys.fromTexts([other.verifierKey]));
  assert.equal(untrusted.steps[1]!.code, "WEB_VERIFY_CHECKPOINT_UNTRUSTED");

  const otherSize = makeReceipt(1, 3);
  otherSize.log.checkpoint = makeReceipt(1, 4).log.checkpoint;
  assert.equal((await verifyReceipt(otherSize, keys)).steps[1]!.code, "WEB_VERIFY_CHECKPOINT_MISMATCH");

  // The record signed by a key trusted for nothing: checkpoint passes, envelope fails.
  const logOnly = await TrustedKeys.fromTexts([other.verifierKey]);
  const signedByOther = makeReceipt(0, 2, other);
  const r = await verifyReceipt(signedByOther, logOnly);
  assert.deepEqual(
    r.steps.map((s) => s.status),
    ["passed", "passed", "failed", "not-run", "not-run"],
  );

  for (const bad of [
    null,
    "{",
    '{"envelope":{},"envelope":{}}',
    [],
    { envelope: receipt.envelope },
    { ...receipt, log: { ...receipt.log, index: 3 } },
    { ...receipt, log: { ...receipt.log, index: -1 } },
    { ...receipt, log: { ...receipt.log, inclusion_proof: ["AAAA"] } },
    { ...receipt, log: { ...receipt.log, inclusion_proof: "x" } },
    { ...receipt, envelope: { ...receipt.envelope, payload: "not base64!" } },
    { ...receipt, envelope: { ...receipt.envelope, signatures: [] } },
  ]) {
    const report = await verifyReceipt(bad, keys);
    assert.equal(report.ok, false, JSON.stringify(bad));
    assert.equal(report.steps[0]!.code, "WEB_VERIFY_MALFORMED", JSON.stringify(bad));
  }
});

test("property: flipping any bit of payload, signature, proof or checkpoint is detected", async () => {
  const keys = await keysP;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }).chain((size) => fc.tuple(fc.constant(size), fc.nat({ max: size - 1 }))),
      fc.constantFrom("payload", "sig", "proof", "checkpoint"),
      fc.nat(),
      fc.integer({ min: 0, max: 7 }),
      async ([size, index], part, at, bit) => {
        const receipt = makeReceipt(index, size);
        const flip = (text: string) => {
          const bytes = Buffer.from(text, "base64");
          bytes[at % bytes.length]! ^= 1 << bit;
          return bytes.toString("base64");
        };
        if (part === "payload") receipt.envelope.payload = flip(receipt.envelope.payload);
        if (part === "sig") receipt.envelope.signatures[0]!.sig = flip(receipt.envelope.signatures[0]!.sig);
        if (part === "proof") {
          if (receipt.log.inclusion_proof.length === 0) return;
          const i = at % receipt.log.inclusion_proof.length;
          receipt.log.inclusion_proof[i] = flip(receipt.log.inclusion_proof[i]!);
        }
        if (part === "checkpoint") {
          const chars = [...receipt.log.checkpoint];
          const i = at % chars.length;
          chars[i] = chars[i] === "A" ? "B" : "A";
          receipt.log.checkpoint = chars.join("");
        }
        assert.equal((await verifyReceipt(receipt, keys)).ok, false);
      },
    ),
    { numRuns: 150 },
  );
});

test("property: consistency between any two checkpoints of one growing log verifies; a wrong root does not", async () => {
  const keys = await keysP;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
      async ([m, n]) => {
        const leaves = Array.from({ length: n }, (_, i) => recordPayload(i));
        const older = signCheckpoint({ origin: ORIGIN, size: m, rootHash: naiveMth(leaves.slice(0, m)) }, [
          signer,
        ]);
        const newer = signCheckpoint({ origin: ORIGIN, size: n, rootHash: naiveMth(leaves) }, [signer]);
        const proof = m === n ? [] : naiveConsistency(m, leaves).map(b64);
        const good = await verifyCheckpointConsistency(older, newer, proof, keys);
        assert.equal(good.ok, true, good.detail);
        const forked = leaves.map((l, i) => (i === m - 1 ? recordPayload(1000) : l));
        const forkedNewer = signCheckpoint({ origin: ORIGIN, size: n, rootHash: naiveMth(forked) }, [signer]);
        const bad = await verifyCheckpointConsistency(older, forkedNewer, proof, keys);
        assert.equal(bad.ok, false);
        assert.equal(bad.code, "WEB_VERIFY_CONSISTENCY_FAILED");
      },
    ),
    { numRuns: 100 },
  );
});

test("a generation chain verifies when every step names the previous payload, and not when reordered", async () => {
  const keys = await keysP;
  const { createHash } = await import("node:crypto");
  const payloads: Uint8Array[] = [];
  let previous: string | null = null;
  for (let i = 0; i < 4; i++) {
    const p = new TextEncoder().encode(JSON.stringify({ step: i, previous_record_sha256: previous }));
    payloads.push(p);
    previous = createHash("sha256").update(p).digest("hex");
  }
  const root = naiveMth(payloads);
  const checkpoint = signCheckpoint({ origin: ORIGIN, size: payloads.length, rootHash: root }, [signer]);
  const receipts = payloads.map((p, index) => ({
    envelope: signEnvelope(PAYLOAD_TYPE, p, signer),
    log: {
      origin: ORIGIN,
      index,
      tree_size: payloads.length,
      checkpoint,
      inclusion_proof: naivePath(index, payloads).map(b64),
    },
  }));
  const good = await verifyGenerationChain(receipts, keys);
  assert.equal(good.ok, true, good.detail);
  assert.equal(good.verified, 4);

  const swapped = [receipts[0], receipts[2], receipts[1], receipts[3]];
  const bad = await verifyGenerationChain(swapped, keys);
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.failure, { index: 1, step: "chain" });

  const tampered = [...receipts];
  tampered[2] = tamperReceipt(receipts[2], "inclusion-proof") as (typeof receipts)[number];
  const broken = await verifyGenerationChain(tampered, keys);
  assert.deepEqual(broken.failure, { index: 2, step: "inclusion" });
});
