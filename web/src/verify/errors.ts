/**
 * Coded errors of the page's own verifier. Every failure of a verification step over
 * untrusted input (a receipt, a checkpoint, a proof, a pasted key) is one of these, never
 * an uncaught TypeError or SyntaxError, so the page can say which step failed and why.
 */
import { ZeqError } from "../../../src/core/errors.js";

export type WebVerifyErrorCode =
  /** The input is not the shape the format requires (JSON, base64, note lines, sizes). */
  | "WEB_VERIFY_MALFORMED"
  /** A verifier key text is malformed, of an unknown algorithm, or its key id does not match. */
  | "WEB_VERIFY_KEY_INVALID"
  /** This browser's WebCrypto has no Ed25519. */
  | "WEB_VERIFY_UNSUPPORTED"
  /** No trusted key signed the checkpoint. */
  | "WEB_VERIFY_CHECKPOINT_UNTRUSTED"
  /** A trusted key's signature on the checkpoint does not verify. */
  | "WEB_VERIFY_CHECKPOINT_SIGNATURE_INVALID"
  /** The checkpoint is for another log or tree size than the receipt states. */
  | "WEB_VERIFY_CHECKPOINT_MISMATCH"
  /** No signature of the DSSE envelope verifies with a trusted key. */
  | "WEB_VERIFY_ENVELOPE_SIGNATURE_INVALID"
  /** The inclusion proof does not lead from the leaf to the checkpoint's root. */
  | "WEB_VERIFY_INCLUSION_FAILED"
  /** The consistency proof does not connect the two checkpoints' roots. */
  | "WEB_VERIFY_CONSISTENCY_FAILED";

export class WebVerifyError extends ZeqError<WebVerifyErrorCode> {}

/** Shorthand for the most common error: input of the wrong shape. */
export function malformed(why: string): WebVerifyError {
  return new WebVerifyError("WEB_VERIFY_MALFORMED", why);
}
