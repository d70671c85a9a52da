/**
 * The receipt a caller keeps for a record: the DSSE envelope, where the record sits in the
 * log, the signed checkpoint it was proven against, and the RFC 6962 inclusion proof.
 * With a trusted verifier key it is checkable offline by src/verify. Field names are fixed:
 *
 *   {"envelope": <DSSE>, "log": {"origin", "index", "tree_size", "checkpoint",
 *    "inclusion_proof": ["<base64 32-byte hash>", ...]}}
 *
 * Readers ignore fields they do not know, so later versions may add some.
 */
import { toBase64 } from "../core/bytes.js";
import type { DsseEnvelope } from "./dsse.js";

export interface ReceiptLog {
  /** The log's origin; equals the checkpoint's first line. */
  origin: string;
  /** 0-based leaf index of the record. */
  index: number;
  /** Size of the tree the proof and the checkpoint are for. */
  tree_size: number;
  /** The signed checkpoint note (C2SP tlog-checkpoint) of that tree. */
  checkpoint: string;
  /** RFC 6962 audit path, leaf-side sibling first, each base64 of 32 bytes. */
  inclusion_proof: string[];
}

export interface Receipt {
  envelope: DsseEnvelope;
  log: ReceiptLog;
}

export interface ReceiptParts {
  envelope: DsseEnvelope;
  origin: string;
  index: number;
  treeSize: number;
  checkpoint: string;
  inclusionProof: readonly Uint8Array[];
}

/**
 * Assembles a receipt (no verification: the verifier checks it; the log builds it from
 * values it just wrote).
 * @throws {RangeError} when index/treeSize are not safe integers with index < treeSize
 */
export function buildReceipt(parts: ReceiptParts): Receipt {
  const { envelope, origin, index, treeSize, checkpoint, inclusionProof } = parts;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) {
    throw new RangeError("receipt index must be a safe integer in [0, treeSize)");
  }
  return {
    envelope,
    log: {
      origin,
      index,
      tree_size: treeSize,
      checkpoint,
      inclusion_proof: inclusionProof.map((h) => toBase64(h)),
    },
  };
}
