/** Offline receipt verification: needs only trusted verifier keys. */
export {
  ReceiptVerificationError,
  VERIFICATION_STEPS,
  type VerificationStep,
  type VerifyErrorCode,
} from "./errors.js";
export { parseReceipt, type ParsedReceipt } from "./parse-receipt.js";
export { CheckpointCache, type VerifiedCheckpoint } from "./checkpoint-cache.js";
export {
  ReceiptVerifier,
  verifyReceipt,
  type ReceiptVerifierOptions,
  type VerifiedReceipt,
} from "./receipt.js";
