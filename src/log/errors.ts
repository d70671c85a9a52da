/**
 * Errors of the transparency log service and its storage. Proof errors live with the
 * pure Merkle code (merkle/errors.ts) so a verifier needs nothing from here.
 */
import { ZeqError } from "../core/errors.js";

export type LogErrorCode =
  /** The store was written with another schema version: refuse to open rather than guess. */
  | "LOG_STORAGE_SCHEMA_VERSION"
  /** The store could not be opened or created (path, permissions, not a log store). */
  | "LOG_STORAGE_OPEN_FAILED"
  /** A read or write of the backend failed (I/O, lock timeout, writer thread gone). */
  | "LOG_STORAGE_IO"
  /** The store contradicts itself: a hash or entry that must exist is missing, a head is malformed. */
  | "LOG_STORAGE_CORRUPT"
  /** The storage or the log was used after close(). */
  | "LOG_CLOSED"
  /** A checkpoint for this size with another root is already stored: the log never signs two. */
  | "LOG_CHECKPOINT_CONFLICT"
  /** A checkpoint's root is not the tree's root at its size, or its size is beyond the tree. */
  | "LOG_CHECKPOINT_MISMATCH"
  /** An index or size beyond the committed tree was asked for. */
  | "LOG_SIZE_BEYOND_TREE"
  /** An appended entry is not { leaf: Uint8Array, extra: Uint8Array } within the size limits. */
  | "LOG_ENTRY_INVALID"
  /** The batch's transaction failed: none of its appends is acknowledged. */
  | "LOG_COMMIT_FAILED"
  /** The checkpoint for a committed batch could not be signed: its appends are not acknowledged. */
  | "LOG_SIGN_FAILED";

export class LogError extends ZeqError<LogErrorCode> {}
