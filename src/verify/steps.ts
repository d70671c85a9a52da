/**
 * The checking steps of receipt verification after `parse`, one function each. Each
 * either returns what it established or throws a ReceiptVerificationError naming itself.
 */
import { isZeqError } from "../core/errors.js";
import { formatKeyId } from "../keys/key-id.js";
import type { VerifierSet } from "../keys/verifier-set.js";
import { openCheckpoint } from "../log/checkpoint.js";
import { leafHash } from "../log/merkle/hash.js";
import { verifyInclusion } from "../log/merkle/verify.js";
import { verifyParsedEnvelope, type VerifiedEnvelope } from "../record/dsse.js";
import { AuthenticatedNodes } from "./authenticated-nodes.js";
import type { CheckpointCache, VerifiedCheckpoint } from "./checkpoint-cache.js";
import { ReceiptVerificationError, type VerifyErrorCode } from "./errors.js";
import type { ParsedReceipt } from "./parse-receipt.js";

const CHECKPOINT_CODES: Record<string, VerifyErrorCode> = {
  NOTE_MALFORMED: "VERIFY_CHECKPOINT_MALFORMED",
  LOG_CHECKPOINT_MALFORMED: "VERIFY_CHECKPOINT_MALFORMED",
  NOTE_UNVERIFIED_KEY: "VERIFY_CHECKPOINT_UNTRUSTED",
  NOTE_BAD_SIGNATURE: "VERIFY_CHECKPOINT_SIGNATURE_INVALID",
};

function openTrustedCheckpoint(note: string, verifiers: VerifierSet): VerifiedCheckpoint {
  try {
    const opened = openCheckpoint(note, verifiers);
    const signers = opened.signatures.filter((s) => s.verified).map((s) => formatKeyId(s.name, s.keyHash));
    return { checkpoint: opened.checkpoint, signers };
  } catch (cause) {
    const code = isZeqError(cause) ? CHECKPOINT_CODES[cause.code] : undefined;
    if (code === undefined) throw cause;
    throw new ReceiptVerificationError("checkpoint-signature", code, (cause as Error).message, { cause });
  }
}

/**
 * `checkpoint-signature`: the checkpoint is signed by a trusted log key (checked once per
 * distinct note text when a cache is given), is for the receipt's log, and is for the
 * receipt's tree size.
 * @throws {ReceiptVerificationError} VERIFY_CHECKPOINT_*
 */
export function checkCheckpointSignature(
  receipt: ParsedReceipt,
  verifiers: VerifierSet,
  cache: CheckpointCache | undefined,
  expectedOrigin: string | undefined,
): VerifiedCheckpoint {
  let verified = cache?.get(receipt.checkpoint);
  if (verified === undefined) {
    verified = openTrustedCheckpoint(receipt.checkpoint, verifiers);
    if (cache !== undefined && cache.capacity > 0) {
      const { size, rootHash } = verified.checkpoint;
      verified.nodes = new AuthenticatedNodes(size, rootHash, cache.nodeCapacity);
      cache.set(receipt.checkpoint, verified);
    }
  }
  const { origin, size } = verified.checkpoint;
  if (origin !== receipt.origin || (expectedOrigin !== undefined && origin !== expectedOrigin)) {
    throw new ReceiptVerificationError(
      "checkpoint-signature",
      "VERIFY_CHECKPOINT_ORIGIN_MISMATCH",
      `checkpoint origin ${JSON.stringify(origin)} is not the receipt's log ${JSON.stringify(expectedOrigin ?? receipt.origin)}`,
    );
  }
  if (size !== receipt.treeSize) {
    throw new ReceiptVerificationError(
      "checkpoint-signature",
      "VERIFY_CHECKPOINT_SIZE_MISMATCH",
      `checkpoint is for tree size ${size}, the receipt for ${receipt.treeSize}`,
    );
  }
  return verified;
}

/**
 * `envelope-signature`: a trusted key signed the DSSE envelope (of the required type).
 * @throws {ReceiptVerificationError} VERIFY_ENVELOPE_SIGNATURE_INVALID, VERIFY_PAYLOAD_TYPE
 */
export function checkEnvelopeSignature(
  receipt: ParsedReceipt,
  verifiers: VerifierSet,
  payloadType: string | undefined,
): VerifiedEnvelope {
  try {
    return verifyParsedEnvelope(
      receipt.envelope,
      verifiers,
      payloadType === undefined ? {} : { payloadType },
    );
  } catch (cause) {
    if (!isZeqError(cause)) throw cause;
    const code =
      cause.code === "DSSE_PAYLOAD_TYPE" ? "VERIFY_PAYLOAD_TYPE" : "VERIFY_ENVELOPE_SIGNATURE_INVALID";
    throw new ReceiptVerificationError("envelope-signature", code, cause.message, { cause });
  }
}

/** `leaf-hash`: the leaf is the exact payload bytes; its hash is SHA-256(0x00 ‖ payload). */
export function computeLeafHash(payload: Uint8Array): Uint8Array {
  return leafHash(payload);
}

/**
 * `inclusion`: the audit path leads from the leaf hash at `index` to the checkpoint's root
 * (through already proven nodes when the checkpoint is cached).
 * @throws {ReceiptVerificationError} VERIFY_INCLUSION_FAILED
 */
export function checkInclusion(receipt: ParsedReceipt, leaf: Uint8Array, verified: VerifiedCheckpoint): void {
  try {
    if (verified.nodes !== undefined) {
      verified.nodes.verifyInclusion(receipt.index, leaf, receipt.inclusionProof);
    } else {
      const { treeSize, index, inclusionProof } = receipt;
      verifyInclusion(index, treeSize, leaf, inclusionProof, verified.checkpoint.rootHash);
    }
  } catch (cause) {
    // Every input here came from the receipt: any failure means "not proven".
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new ReceiptVerificationError("inclusion", "VERIFY_INCLUSION_FAILED", why, { cause });
  }
}
