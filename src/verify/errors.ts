/** Errors of offline receipt verification: each names the pipeline step that failed. */
import { ZeqError } from "../core/errors.js";

/** The steps of receipt verification, in the order they run. */
export const VERIFICATION_STEPS = [
  "parse",
  "checkpoint-signature",
  "envelope-signature",
  "leaf-hash",
  "inclusion",
] as const;

export type VerificationStep = (typeof VERIFICATION_STEPS)[number];

export type VerifyErrorCode =
  /** parse: the receipt is not the documented JSON shape (or its envelope is not DSSE). */
  | "VERIFY_RECEIPT_MALFORMED"
  /** checkpoint-signature: the checkpoint is not a well-formed signed checkpoint note. */
  | "VERIFY_CHECKPOINT_MALFORMED"
  /** checkpoint-signature: no trusted log key signed the checkpoint. */
  | "VERIFY_CHECKPOINT_UNTRUSTED"
  /** checkpoint-signature: a trusted log key's signature on the checkpoint is invalid. */
  | "VERIFY_CHECKPOINT_SIGNATURE_INVALID"
  /** checkpoint-signature: checkpoint origin differs from the receipt's (or the expected) origin. */
  | "VERIFY_CHECKPOINT_ORIGIN_MISMATCH"
  /** checkpoint-signature: checkpoint tree size differs from the receipt's tree_size. */
  | "VERIFY_CHECKPOINT_SIZE_MISMATCH"
  /** envelope-signature: no envelope signature verifies with a trusted key. */
  | "VERIFY_ENVELOPE_SIGNATURE_INVALID"
  /** envelope-signature: the envelope carries another payload type than required. */
  | "VERIFY_PAYLOAD_TYPE"
  /** inclusion: the proof does not lead from the leaf to the checkpoint's root. */
  | "VERIFY_INCLUSION_FAILED";

export class ReceiptVerificationError extends ZeqError<VerifyErrorCode> {
  readonly step: VerificationStep;

  constructor(step: VerificationStep, code: VerifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, `${step}: ${message}`, options);
    this.step = step;
  }
}
