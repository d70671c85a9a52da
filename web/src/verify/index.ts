/**
 * The page's own verifier: a second, independent implementation of the receipt checks
 * (C2SP signed notes and checkpoints, DSSE, RFC 6962/9162 proofs) on the browser's
 * WebCrypto. It imports nothing of the server's verification code.
 */
export { WebVerifyError, type WebVerifyErrorCode } from "./errors.js";
export { fromBase64, toBase64, toHex, fromUtf8, utf8 } from "./bytes.js";
export { sha256 } from "./crypto.js";
export { parseVerifierKey, TrustedKeys, type TrustedKey } from "./keys.js";
export { openNote, type OpenedNote } from "./note.js";
export { openCheckpoint, parseCheckpoint, type Checkpoint, type VerifiedCheckpoint } from "./checkpoint.js";
export { pae, parseEnvelope, verifyEnvelope } from "./dsse.js";
export { leafHash, nodeHash, verifyInclusion, verifyConsistency, rootFromInclusionProof } from "./merkle.js";
export { parseReceipt, parseJsonStrict, type ParsedReceipt } from "./parse-receipt.js";
export {
  verifyReceipt,
  RECEIPT_STEPS,
  STEP_TITLES,
  type ReceiptReport,
  type ReceiptStep,
  type StepOutcome,
} from "./receipt.js";
export { tamperReceipt, TAMPER_TARGETS, TAMPER_INFO, type TamperTarget } from "./tamper.js";
export { verifyGenerationChain, type ChainReport } from "./chain.js";
export { verifyCheckpointConsistency, parseProofHashes, type ConsistencyReport } from "./consistency.js";
