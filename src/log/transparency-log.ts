/**
 * The log service: group commit of appends, one signed checkpoint per commit, and the
 * reads a log serves (checkpoints, proofs, entries).
 *
 * Group commit: while one commit runs, appends queue up and all go into the next one; a
 * lone append commits at once, no timer. An append resolves only after its batch's
 * transaction is durable and a checkpoint for the new size is signed; if the commit
 * fails, every append of the batch rejects and none is acknowledged.
 *
 * The checkpoint signed after commit k is stored inside the transaction of commit k + 1
 * (or on its own once the queue is empty), so a busy log pays one fsync per batch. A
 * crash can lose that stored copy but never the tree it signs: the root is a function of
 * the durable leaves, and open() signs and stores a checkpoint for the head again.
 */
import { formatCheckpoint } from "./checkpoint.js";
import { LogError } from "./errors.js";
import { checkpointForHead, signFor } from "./log-checkpoint.js";
import { EMPTY_ROOT, KnownHashes, consistencyProof, inclusionProof } from "./merkle/index.js";
import type { LogEntry, LogStorage, SequenceResult, StoredCheckpoint } from "./storage/contract.js";
import { checkEntry } from "./storage/sequencer.js";

export interface AppendResult {
  index: number;
  treeSize: number;
  rootHash: Uint8Array;
  /** The signed checkpoint note for treeSize. */
  checkpoint: string;
  /** RFC 9162 inclusion proof of the leaf at `index` in the tree of `treeSize`. */
  inclusionProof: Uint8Array[];
}

export interface TransparencyLogOptions {
  storage: LogStorage;
  /** The checkpoint origin line: the log's identity. */
  origin: string;
  /** Signs a checkpoint body; returns the complete signed note. */
  signCheckpoint: (body: string) => string;
  /** At most this many entries per commit (default 1024). */
  maxBatchEntries?: number;
  /** At most about this many leaf + extra bytes per commit (default 64 MiB; one entry always fits). */
  maxBatchBytes?: number;
}

interface PendingAppend {
  readonly entry: LogEntry;
  readonly bytes: number;
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

const isStoreDispute = (err: unknown): boolean =>
  err instanceof LogError &&
  (err.code === "LOG_CHECKPOINT_CONFLICT" || err.code === "LOG_CHECKPOINT_MISMATCH");

export class TransparencyLog {
  private readonly queue: PendingAppend[] = [];
  private running: Promise<void> | null = null;
  private unsaved: StoredCheckpoint | null = null;
  private closing: Promise<void> | null = null;
  /** Set when the store disputes a checkpoint this log signed: fail closed from then on. */
  private fatal: LogError | null = null;

  private constructor(
    private readonly storage: LogStorage,
    private readonly origin: string,
    private readonly signer: (body: string) => string,
    private latest: StoredCheckpoint,
    private readonly maxBatchEntries: number,
    private readonly maxBatchBytes: number,
  ) {}

  /**
   * Opens the log on a store: checks the latest stored checkpoint against the tree and,
   * when the tree has grown past it (or none exists), signs and stores one for the head.
   * @throws {LogError} LOG_STORAGE_CORRUPT when a stored checkpoint contradicts the tree,
   *   LOG_SIGN_FAILED, and the storage's errors
   */
  static async open(options: TransparencyLogOptions): Promise<TransparencyLog> {
    const {
      storage,
      origin,
      signCheckpoint,
      maxBatchEntries = 1024,
      maxBatchBytes = 64 * 1024 * 1024,
    } = options;
    if (typeof signCheckpoint !== "function") throw new TypeError("signCheckpoint must be a function");
    for (const [name, value] of [
      ["maxBatchEntries", maxBatchEntries],
      ["maxBatchBytes", maxBatchBytes],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1`);
    }
    // A bad origin fails here, not at the first append (CheckpointError LOG_CHECKPOINT_INVALID_ARGUMENT).
    formatCheckpoint({ origin, size: 0, rootHash: EMPTY_ROOT });
    const latest = await checkpointForHead(storage, origin, signCheckpoint);
    return new TransparencyLog(storage, origin, signCheckpoint, latest, maxBatchEntries, maxBatchBytes);
  }

  private sign(size: number, rootHash: Uint8Array): StoredCheckpoint {
    return signFor(this.origin, this.signer, size, rootHash);
  }

  /**
   * Appends an entry; resolves once it is durable, with its index, the signed checkpoint
   * of the batch and its inclusion proof.
   * @throws {LogError} LOG_ENTRY_INVALID, LOG_CLOSED, LOG_COMMIT_FAILED, LOG_SIGN_FAILED
   */
  append(entry: LogEntry): Promise<AppendResult> {
    try {
      if (this.closing !== null) throw new LogError("LOG_CLOSED", "the log is closed");
      if (this.fatal !== null) throw this.fatal;
      checkEntry(entry);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      const { leaf, extra } = entry;
      this.queue.push({ entry: { leaf, extra }, bytes: leaf.length + extra.length, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.running === null) this.running = this.drain();
  }

  /** Commits until the queue is empty, then stores the last checkpoint if still unsaved. */
  private async drain(): Promise<void> {
    try {
      for (;;) {
        if (this.queue.length > 0) {
          const batch = this.takeBatch();
          try {
            await this.commit(batch);
          } catch (err) {
            // Only a bug gets here; settling twice is a no-op, so no append is left hanging.
            for (const p of batch) p.reject(err);
          }
        } else if (this.unsaved !== null && this.fatal === null) {
          if (!(await this.flushCheckpoint())) break;
        } else {
          break;
        }
      }
    } finally {
      // No await between the last emptiness check and here: a later append starts a new drain.
      this.running = null;
    }
  }

  private takeBatch(): PendingAppend[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < this.maxBatchEntries) {
      const b = (this.queue[n] as PendingAppend).bytes;
      if (n > 0 && bytes + b > this.maxBatchBytes) break;
      bytes += b;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async commit(batch: PendingAppend[]): Promise<void> {
    if (this.fatal !== null) {
      for (const p of batch) p.reject(this.fatal);
      return;
    }
    const carried = this.unsaved ?? undefined;
    let result: SequenceResult;
    try {
      result = await this.storage.sequence({ entries: batch.map((p) => p.entry), checkpoint: carried });
    } catch (cause) {
      if (isStoreDispute(cause)) this.fatal = cause as LogError;
      const why = cause instanceof Error ? cause.message : String(cause);
      const message = `the commit failed and nothing of it was acknowledged: ${why}`;
      const err = new LogError("LOG_COMMIT_FAILED", message, { cause });
      for (const p of batch) p.reject(err);
      return;
    }
    if (carried !== undefined && this.unsaved === carried) this.unsaved = null;

    let checkpoint: StoredCheckpoint;
    try {
      checkpoint = this.sign(result.treeSize, result.rootHash);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    if (checkpoint.size >= this.latest.size) this.latest = checkpoint;
    this.unsaved = checkpoint;

    const known = new KnownHashes(result.hashes);
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as PendingAppend;
      const index = result.firstIndex + i;
      const done = (proof: Uint8Array[]): void =>
        p.resolve({
          index,
          treeSize: result.treeSize,
          rootHash: result.rootHash,
          checkpoint: checkpoint.note,
          inclusionProof: proof,
        });
      try {
        done(known.inclusionProof(index, result.treeSize));
      } catch {
        // A backend that returned fewer hashes than the contract asks: read them instead.
        inclusionProof(index, result.treeSize, (ids) => this.storage.readHashes(ids)).then(done, p.reject);
      }
    }
  }

  /** Stores the unsaved checkpoint on its own; false when that failed (retried with the next commit). */
  private async flushCheckpoint(): Promise<boolean> {
    const checkpoint = this.unsaved as StoredCheckpoint;
    try {
      await this.storage.saveCheckpoint(checkpoint);
      if (this.unsaved === checkpoint) this.unsaved = null;
      return true;
    } catch (err) {
      if (isStoreDispute(err)) this.fatal = err as LogError;
      return false;
    }
  }

  /** The committed size: this log's latest checkpoint, or the store's head when asked beyond it. */
  private async committedSize(atLeast: number): Promise<number> {
    if (atLeast <= this.latest.size) return this.latest.size;
    return Math.max(this.latest.size, (await this.storage.treeHead()).size);
  }

  private async checkWithin(size: number, what: string): Promise<void> {
    const committed = await this.committedSize(size);
    if (size > committed) {
      throw new LogError(
        "LOG_SIZE_BEYOND_TREE",
        `${what} ${size} is beyond the committed tree (size ${committed})`,
      );
    }
  }

  /** The newest signed checkpoint, this log's or (with other writers) the store's. */
  async latestCheckpoint(): Promise<{ size: number; rootHash: Uint8Array; note: string }> {
    const stored = await this.storage.latestCheckpoint();
    const best = stored !== null && stored.size > this.latest.size ? stored : this.latest;
    return { size: best.size, rootHash: best.rootHash, note: best.note };
  }

  /**
   * The inclusion proof of leaf `index` in the tree of `treeSize` leaves.
   * @throws {LogError} LOG_SIZE_BEYOND_TREE; {MerkleProofError} LOG_PROOF_INDEX_OUT_OF_RANGE, LOG_PROOF_BAD_INPUT
   */
  async inclusionProof(index: number, treeSize: number): Promise<Uint8Array[]> {
    await this.checkWithin(treeSize, "tree size");
    return inclusionProof(index, treeSize, (ids) => this.storage.readHashes(ids));
  }

  /**
   * The consistency proof between two sizes (empty for equal sizes).
   * @throws {LogError} LOG_SIZE_BEYOND_TREE; {MerkleProofError} LOG_PROOF_INDEX_OUT_OF_RANGE (from > to,
   *   or from = 0 < to: there is no proof from the empty tree), LOG_PROOF_BAD_INPUT
   */
  async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    await this.checkWithin(to, "tree size");
    return consistencyProof(from, to, (ids) => this.storage.readHashes(ids));
  }

  /**
   * The entry at `index`: its leaf bytes and extra bytes.
   * @throws {LogError} LOG_SIZE_BEYOND_TREE, LOG_STORAGE_CORRUPT
   */
  async entry(index: number): Promise<LogEntry> {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new LogError("LOG_SIZE_BEYOND_TREE", "index must be an integer ≥ 0");
    }
    await this.checkWithin(index + 1, "entry index + 1");
    const [found] = await this.storage.readEntries(index, 1);
    if (found === undefined) throw new LogError("LOG_STORAGE_CORRUPT", `entry ${index} is missing`);
    return found;
  }

  /**
   * Stops taking appends, commits every queued one, stores a checkpoint for the final
   * size and closes the store. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.running !== null) await this.running;
      try {
        if (this.fatal === null) {
          const head = await this.storage.treeHead();
          if (head.size > this.latest.size) {
            this.latest = this.sign(head.size, head.rootHash);
            this.unsaved = this.latest;
          }
          if (this.unsaved !== null) await this.storage.saveCheckpoint(this.unsaved);
          this.unsaved = null;
        }
      } finally {
        await this.storage.close();
      }
    })();
    return this.closing;
  }
}
