/**
 * The storage contract of the transparency log. One contract, several backends (SQLite
 * embedded; PostgreSQL shared by several server replicas), one conformance suite
 * (test/log/storage/conformance.ts).
 *
 * Shape: several writers may share one store; sequencing is the store's job. `sequence`
 * runs as ONE atomic, durable transaction under the store's write lock: read the
 * current size and right edge, integrate the new leaves (merkle/integrate.ts, pure),
 * write leaves + new hashes + new head, and optionally a checkpoint signed earlier.
 * When the promise resolves the transaction is durable; when it rejects nothing of it
 * was written. Everything stored is append-only: leaves, hashes and checkpoints are
 * never updated or deleted, so reads need no snapshot beyond the committed head.
 */
import type { NodeId, StoredHash } from "../merkle/index.js";

/** Schema version every backend writes and checks at open. */
export const LOG_SCHEMA_VERSION = 1;

export interface LogEntry {
  /** The exact leaf bytes (a record's canonical payload): what the tree hashes. */
  readonly leaf: Uint8Array;
  /** Kept beside the leaf (the DSSE envelope JSON), never hashed. */
  readonly extra: Uint8Array;
}

export interface TreeHead {
  readonly size: number;
  readonly rootHash: Uint8Array;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The complete signed note. */
  readonly note: string;
}

export interface SequenceRequest {
  readonly entries: readonly LogEntry[];
  /** A checkpoint signed after an earlier commit, stored in this same transaction. */
  readonly checkpoint?: StoredCheckpoint | undefined;
}

export interface SequenceResult {
  /** Index of entries[0]; the batch holds [firstIndex, treeSize). */
  readonly firstIndex: number;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  /**
   * The right edge read before integration and every hash written: all an inclusion
   * proof of a new leaf in the new tree can need (see docs/log.md), so the log answers
   * the batch's proofs without reading the store again.
   */
  readonly hashes: readonly StoredHash[];
}

export interface LogStorage {
  /** A short name of the backend, e.g. "sqlite". */
  readonly backend: string;

  /**
   * Appends entries (possibly none) and stores `checkpoint` if given, atomically and
   * durably, under the store's write lock.
   * @throws {LogError} LOG_CHECKPOINT_CONFLICT, LOG_CHECKPOINT_MISMATCH, LOG_STORAGE_IO,
   *   LOG_STORAGE_CORRUPT, LOG_ENTRY_INVALID, LOG_CLOSED — and then nothing was written
   */
  sequence(request: SequenceRequest): Promise<SequenceResult>;

  /**
   * Stores a checkpoint durably. Storing the same root again for a size is a no-op (the
   * first note is kept); another root for a stored size is refused, and so is a root that
   * is not the tree's root at that size.
   * @throws {LogError} LOG_CHECKPOINT_CONFLICT, LOG_CHECKPOINT_MISMATCH, LOG_STORAGE_IO, LOG_CLOSED
   */
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;

  /** The committed size and root. @throws {LogError} LOG_STORAGE_IO, LOG_CLOSED */
  treeHead(): Promise<TreeHead>;

  /**
   * Stored hashes by (level, index), in the order asked.
   * @throws {LogError} LOG_STORAGE_CORRUPT naming the first missing node, LOG_STORAGE_IO, LOG_CLOSED
   */
  readHashes(ids: readonly NodeId[]): Promise<Uint8Array[]>;

  /** Entries [start, start + count) that exist, in order (fewer at the end of the log). */
  readEntries(start: number, count: number): Promise<LogEntry[]>;

  /** The stored checkpoint of the largest size, or null. */
  latestCheckpoint(): Promise<StoredCheckpoint | null>;

  /** The stored checkpoint for exactly `size`, or null. */
  checkpointAt(size: number): Promise<StoredCheckpoint | null>;

  /** Up to `limit` stored checkpoints with size ≥ fromSize, by increasing size. */
  listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]>;

  /** How many hashes are stored (fsck compares it with the count the size implies). */
  countHashes(): Promise<number>;

  /** Finishes pending writes and releases the store. Idempotent. */
  close(): Promise<void>;
}
