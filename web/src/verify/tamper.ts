/**
 * The page's "tamper" switch: flips one bit of one part of a receipt so a user can watch
 * verification fail at the step that guards that part. It edits a deep copy of the
 * receipt JSON; the original is never touched.
 */
import { fromBase64, toBase64 } from "./bytes.js";
import { malformed } from "./errors.js";
import type { ReceiptStep } from "./receipt.js";

export const TAMPER_TARGETS = [
  "payload",
  "envelope-signature",
  "inclusion-proof",
  "checkpoint-root",
] as const;
export type TamperTarget = (typeof TAMPER_TARGETS)[number];

export const TAMPER_INFO: Record<TamperTarget, { label: string; failsAt: ReceiptStep }> = {
  payload: { label: "Flip a bit of the record payload", failsAt: "envelope-signature" },
  "envelope-signature": { label: "Flip a bit of the DSSE signature", failsAt: "envelope-signature" },
  "inclusion-proof": { label: "Flip a bit of the inclusion proof", failsAt: "inclusion" },
  "checkpoint-root": { label: "Flip a bit of the checkpoint's root hash", failsAt: "checkpoint-signature" },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function flipBase64(text: unknown, what: string): string {
  const bytes = fromBase64(text, what);
  if (bytes.length === 0) throw malformed(`${what} is empty: nothing to flip`);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  return toBase64(bytes);
}

/**
 * A copy of `receipt` with one bit of `target` flipped.
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED when the receipt lacks that part
 */
export function tamperReceipt(receipt: unknown, target: TamperTarget): unknown {
  const copy: unknown = structuredClone(receipt);
  const r = isObject(copy) && !("envelope" in copy) && isObject(copy.receipt) ? copy.receipt : copy;
  if (!isObject(r) || !isObject(r.envelope) || !isObject(r.log)) throw malformed("not a receipt");
  const { envelope, log } = r;
  switch (target) {
    case "payload":
      envelope.payload = flipBase64(envelope.payload, "payload");
      break;
    case "envelope-signature": {
      const sigs = envelope.signatures;
      if (!Array.isArray(sigs) || !isObject(sigs[0])) throw malformed("envelope has no signature");
      sigs[0].sig = flipBase64(sigs[0].sig, "signature");
      break;
    }
    case "inclusion-proof": {
      const proof = log.inclusion_proof;
      if (!Array.isArray(proof)) throw malformed("receipt has no inclusion proof");
      // A one-leaf tree has an empty proof: a stray hash is the tampering then.
      if (proof.length === 0) proof.push(toBase64(new Uint8Array(32)));
      else proof[0] = flipBase64(proof[0], "inclusion proof");
      break;
    }
    case "checkpoint-root": {
      if (typeof log.checkpoint !== "string") throw malformed("receipt has no checkpoint");
      const lines = log.checkpoint.split("\n");
      if (lines.length < 3) throw malformed("checkpoint has no root hash line");
      lines[2] = flipBase64(lines[2], "checkpoint root");
      log.checkpoint = lines.join("\n");
      break;
    }
  }
  return copy;
}
