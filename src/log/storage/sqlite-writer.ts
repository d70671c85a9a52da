/**
 * The SQLite write side: the sequencing transaction and checkpoint writes, synchronous
 * (better-sqlite3). It runs either on a worker thread (the default, sqlite-worker.ts) or
 * inline on the caller's thread; both use this one class.
 */
import { edgeIds, planRoot, readPlanSync, type NodeId, type StoredHash } from "../merkle/index.js";
import { LogError } from "../errors.js";
import type { SequenceRequest, SequenceResult, StoredCheckpoint, TreeHead } from "./contract.js";
import { checkCheckpointShape, mustStoreCheckpoint, prepareBatch } from "./sequencer.js";
import { storageError, view, type SqliteDatabase } from "./sqlite-schema.js";

interface HeadRow {
  size: number;
  root_hash: Uint8Array;
}
interface CheckpointRow {
  size: number;
  root_hash: Uint8Array;
  note: string;
}

export class SqliteLogWriter {
  private readonly headStmt;
  private readonly hashStmt;
  private readonly insertLeaf;
  private readonly insertHash;
  private readonly updateHead;
  private readonly checkpointStmt;
  private readonly insertCheckpoint;
  private readonly sequenceTxn;
  private readonly checkpointTxn;

  constructor(private readonly db: SqliteDatabase) {
    this.headStmt = db.prepare("SELECT size, root_hash FROM tree_head WHERE id = 1");
    this.hashStmt = db.prepare("SELECT hash FROM hashes WHERE level = ? AND idx = ?").pluck();
    this.insertLeaf = db.prepare("INSERT INTO leaves (idx, leaf, extra) VALUES (?, ?, ?)");
    this.insertHash = db.prepare("INSERT INTO hashes (level, idx, hash) VALUES (?, ?, ?)");
    this.updateHead = db.prepare("UPDATE tree_head SET size = ?, root_hash = ? WHERE id = 1");
    this.checkpointStmt = db.prepare("SELECT size, root_hash, note FROM checkpoints WHERE size = ?");
    this.insertCheckpoint = db.prepare("INSERT INTO checkpoints (size, root_hash, note) VALUES (?, ?, ?)");
    this.sequenceTxn = db.transaction((request: SequenceRequest) => this.sequenceBody(request));
    this.checkpointTxn = db.transaction((checkpoint: StoredCheckpoint) =>
      this.storeCheckpoint(checkpoint, this.head()),
    );
  }

  private head(): TreeHead {
    const row = this.headStmt.get() as HeadRow | undefined;
    if (row === undefined) throw new LogError("LOG_STORAGE_CORRUPT", "the tree_head row is missing");
    return { size: row.size, rootHash: view(row.root_hash) };
  }

  private readonly readHashes = (ids: readonly NodeId[]): Uint8Array[] =>
    ids.map((id) => {
      const h = this.hashStmt.get(id.level, id.index) as Uint8Array | undefined;
      if (h === undefined) {
        throw new LogError("LOG_STORAGE_CORRUPT", `stored hash (${id.level}, ${id.index}) is missing`);
      }
      return view(h);
    });

  /** Stores a checkpoint inside the current transaction after checking it against the tree. */
  private storeCheckpoint(checkpoint: StoredCheckpoint, head: TreeHead): void {
    checkCheckpointShape(checkpoint);
    const row = this.checkpointStmt.get(checkpoint.size) as CheckpointRow | undefined;
    const existing = row ? { size: row.size, rootHash: view(row.root_hash), note: row.note } : null;
    let root: Uint8Array | null = null;
    if (checkpoint.size <= head.size) {
      root =
        checkpoint.size === head.size
          ? head.rootHash
          : readPlanSync(planRoot(checkpoint.size), this.readHashes);
    }
    if (mustStoreCheckpoint(checkpoint, head.size, root, existing)) {
      this.insertCheckpoint.run(checkpoint.size, checkpoint.rootHash, checkpoint.note);
    }
  }

  private sequenceBody(request: SequenceRequest): SequenceResult {
    const head = this.head();
    const batch = prepareBatch(head, this.readHashes(edgeIds(head.size)), request.entries);
    request.entries.forEach((e, i) => this.insertLeaf.run(batch.firstIndex + i, e.leaf, e.extra));
    for (const n of batch.nodes) this.insertHash.run(n.level, n.index, n.hash);
    if (batch.treeSize !== head.size) this.updateHead.run(batch.treeSize, batch.rootHash);
    if (request.checkpoint !== undefined) {
      this.storeCheckpoint(request.checkpoint, { size: batch.treeSize, rootHash: batch.rootHash });
    }
    const hashes: StoredHash[] = batch.edge.concat(batch.nodes);
    return { firstIndex: batch.firstIndex, treeSize: batch.treeSize, rootHash: batch.rootHash, hashes };
  }

  /**
   * The sequencing transaction: BEGIN IMMEDIATE takes SQLite's write lock (other
   * processes wait up to the busy timeout), and COMMIT returns once the WAL is fsynced.
   * @throws {LogError} see LogStorage.sequence
   */
  sequence(request: SequenceRequest): SequenceResult {
    try {
      return this.sequenceTxn.immediate(request);
    } catch (cause) {
      throw storageError(cause, "sequencing failed");
    }
  }

  /** @throws {LogError} see LogStorage.saveCheckpoint */
  saveCheckpoint(checkpoint: StoredCheckpoint): void {
    try {
      this.checkpointTxn.immediate(checkpoint);
    } catch (cause) {
      throw storageError(cause, "saving the checkpoint failed");
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
