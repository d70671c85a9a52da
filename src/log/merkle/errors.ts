/**
 * Errors of Merkle proof checking and generation. Proofs come from outside (a receipt,
 * a log server), so every malformed or wrong proof becomes one of these codes.
 */
import { ZeqError } from "../../core/errors.js";

export type MerkleProofErrorCode =
  /** An index or size is not a safe non-negative integer, or a proof is not an array of byte strings. */
  | "LOG_PROOF_BAD_INPUT"
  /** index ≥ tree size, size1 > size2, or a consistency proof from the empty tree. */
  | "LOG_PROOF_INDEX_OUT_OF_RANGE"
  /** A leaf hash, root hash or proof node is not exactly 32 bytes. */
  | "LOG_PROOF_BAD_HASH_LENGTH"
  /** The proof has more or fewer nodes than the index and sizes call for. */
  | "LOG_PROOF_WRONG_LENGTH"
  /** The proof is well formed but does not lead to the given root hash(es). */
  | "LOG_PROOF_INVALID";

export class MerkleProofError extends ZeqError<MerkleProofErrorCode> {}
