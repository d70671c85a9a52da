/**
 * Section 3c: receipts verified per second on one core against the raw Ed25519 verify rate
 * of the same machine. The receipts are real: records committed to a log, then receipts for
 * each against the log's latest checkpoint (what an auditor holds when checking a day of
 * records). A receipt costs one envelope signature check plus hashing; the checkpoint's
 * signature is checked once and cached. The raw rate verifies the very same signed
 * messages (the DSSE PAE bytes) with node:crypto and a ready KeyObject.
 *
 * The two loops alternate in short windows so the machine's other load weighs on both.
 */
import { verify } from "node:crypto";
import { fromBase64 } from "../../src/core/bytes.js";
import { publicKeyFromRaw } from "../../src/keys/ed25519.js";
import { VerifierSet } from "../../src/keys/index.js";
import { pae } from "../../src/record/dsse.js";
import { buildReceipt, type Receipt } from "../../src/record/receipt.js";
import { ReceiptVerifier } from "../../src/verify/index.js";
import { openBenchLog } from "./bench-log.js";
import { freshRecord, recordTemplate } from "./record-template.js";

export interface VerifyRateResult {
  receipts: number;
  /** Receipts verified per second (objects, as parsed from storage). */
  receiptsPerSecond: number;
  /** Receipts verified per second from their JSON text (the parse included). */
  receiptTextsPerSecond: number;
  rawVerifiesPerSecond: number;
  /** receiptsPerSecond / rawVerifiesPerSecond (target ≥ 0.9). */
  ratio: number;
  textRatio: number;
  windows: number;
}

export async function makeReceipts(
  count: number,
): Promise<{ receipts: Receipt[]; vkey: string; publicKey: Uint8Array }> {
  const bench = await openBenchLog("verify");
  try {
    const template = recordTemplate("bert", bench.signer.keyId);
    const committed = [];
    for (let i = 0; i < count; i += 256) {
      const n = Math.min(256, count - i);
      committed.push(
        ...(await Promise.all(
          Array.from({ length: n }, () => bench.committer.commit(freshRecord(template))),
        )),
      );
    }
    const head = await bench.log.latestCheckpoint();
    const receipts: Receipt[] = [];
    for (const c of committed) {
      const index = c.receipt.log.index;
      receipts.push(
        buildReceipt({
          envelope: c.envelope,
          origin: bench.signer.name,
          index,
          treeSize: head.size,
          checkpoint: head.note,
          inclusionProof: await bench.log.inclusionProof(index, head.size),
        }),
      );
    }
    return { receipts, vkey: bench.signer.verifierKey, publicKey: bench.signer.publicKey };
  } finally {
    await bench.close();
  }
}

/** Runs `fn(i)` for `ms` milliseconds; returns calls made. */
function window(ms: number, fn: (i: number) => void, offset: number): number {
  const end = performance.now() + ms;
  let i = 0;
  while (performance.now() < end) {
    for (let k = 0; k < 16; k++) fn(offset + i++);
  }
  return i;
}

/** @throws when a receipt does not verify (that would be a bug, not a slow path) */
export async function measureVerifyRate(
  count: number,
  windows: number,
  windowMs: number,
): Promise<VerifyRateResult> {
  const { receipts, vkey, publicKey } = await makeReceipts(count);
  const texts = receipts.map((r) => JSON.stringify(r));
  const verifier = new ReceiptVerifier(new VerifierSet([vkey]));
  const key = publicKeyFromRaw(publicKey);
  const messages = receipts.map((r) => pae(r.envelope.payloadType, fromBase64(r.envelope.payload)));
  const signatures = receipts.map((r) => fromBase64(r.envelope.signatures[0]!.sig));
  const n = receipts.length;
  for (const r of receipts) verifier.verify(r); // warm: JIT, the checkpoint and node caches
  const raw = (i: number) => {
    if (!verify(null, messages[i % n]!, key, signatures[i % n]!)) throw new Error("raw verify failed");
  };
  const totals = { receipt: 0, text: 0, raw: 0 };
  for (let w = 0; w < windows; w++) {
    totals.raw += window(windowMs, raw, w * 997);
    totals.receipt += window(windowMs, (i) => verifier.verify(receipts[i % n]), w * 991);
    totals.text += window(windowMs, (i) => verifier.verify(texts[i % n]), w * 983);
  }
  const seconds = (windows * windowMs) / 1000;
  const rawRate = totals.raw / seconds;
  return {
    receipts: n,
    receiptsPerSecond: totals.receipt / seconds,
    receiptTextsPerSecond: totals.text / seconds,
    rawVerifiesPerSecond: rawRate,
    ratio: totals.receipt / seconds / rawRate,
    textRatio: totals.text / seconds / rawRate,
    windows,
  };
}
