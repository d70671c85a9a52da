/**
 * Offline receipt verification, as a linear pipeline of named steps:
 *
 *   parse → checkpoint-signature → envelope-signature → leaf-hash → inclusion
 *
 * Each step throws a ReceiptVerificationError carrying its `step` and `code`; success
 * returns what was established and the steps passed. Needs only the trusted verifier keys:
 * this module imports no runtime, storage, server or CLI code.
 */
import type { VerifierSet } from "../keys/verifier-set.js";
import type { Checkpoint } from "../log/checkpoint.js";
import { CheckpointCache } from "./checkpoint-cache.js";
import { VERIFICATION_STEPS, type VerificationStep } from "./errors.js";
import { parseReceipt } from "./parse-receipt.js";
import {
  checkCheckpointSignature,
  checkEnvelopeSignature,
  checkInclusion,
  computeLeafHash,
} from "./steps.js";

export interface ReceiptVerifierOptions {
  /** Keys trusted to sign checkpoints; defaults to the keys trusted for records. */
  checkpointVerifiers?: VerifierSet;
  /** When given, the receipt must be from this log. */
  expectedOrigin?: string;
  /** When given, the envelope must carry this DSSE payloadType. */
  payloadType?: string;
  /** Verified checkpoints remembered (by exact note text); 0 disables the cache. Default 16. */
  checkpointCacheSize?: number;
  /** Proven tree nodes remembered per cached checkpoint (~100 bytes each). Default 32768. */
  nodeCacheSize?: number;
}

export interface VerifiedReceipt {
  /** The steps that passed, in order (all of them). */
  steps: VerificationStep[];
  payloadType: string;
  /** The exact signed payload bytes (the log leaf). */
  payload: Uint8Array;
  /** `name+hexkeyid` of the key whose envelope signature verified. */
  keyid: string;
  leafHash: Uint8Array;
  origin: string;
  index: number;
  treeSize: number;
  checkpoint: Checkpoint;
  /** `name+hexkeyid` of the trusted keys that signed the checkpoint. */
  checkpointSigners: string[];
}

/**
 * Verifies receipts against a fixed set of trusted keys, remembering verified checkpoints
 * so that receipts sharing one cost one signature check each.
 */
export class ReceiptVerifier {
  private readonly cache: CheckpointCache;
  private readonly checkpointVerifiers: VerifierSet;

  constructor(
    private readonly verifiers: VerifierSet,
    private readonly options: ReceiptVerifierOptions = {},
  ) {
    this.cache = new CheckpointCache(options.checkpointCacheSize ?? 16, options.nodeCacheSize ?? 1 << 15);
    this.checkpointVerifiers = options.checkpointVerifiers ?? verifiers;
  }

  /**
   * @param receipt the receipt object or its JSON text (attacker-controlled)
   * @throws {ReceiptVerificationError} with the failing step and its code
   */
  verify(receipt: unknown): VerifiedReceipt {
    const parsed = parseReceipt(receipt);
    const verified = checkCheckpointSignature(
      parsed,
      this.checkpointVerifiers,
      this.cache,
      this.options.expectedOrigin,
    );
    const envelope = checkEnvelopeSignature(parsed, this.verifiers, this.options.payloadType);
    const leafHash = computeLeafHash(envelope.payload);
    checkInclusion(parsed, leafHash, verified);
    return {
      steps: [...VERIFICATION_STEPS],
      payloadType: envelope.payloadType,
      payload: envelope.payload,
      keyid: envelope.keyid,
      leafHash,
      origin: parsed.origin,
      index: parsed.index,
      treeSize: parsed.treeSize,
      checkpoint: verified.checkpoint,
      checkpointSigners: verified.signers,
    };
  }
}

/**
 * Verifies one receipt (no cache is kept between calls; use ReceiptVerifier for many).
 * @throws {ReceiptVerificationError} with the failing step and its code
 * @example verifyReceipt(JSON.parse(text), new VerifierSet([vkey])).payload
 */
export function verifyReceipt(
  receipt: unknown,
  verifiers: VerifierSet,
  options: Omit<ReceiptVerifierOptions, "checkpointCacheSize" | "nodeCacheSize"> = {},
): VerifiedReceipt {
  return new ReceiptVerifier(verifiers, { ...options, checkpointCacheSize: 0 }).verify(receipt);
}
