/**
 * The PostgreSQL write side: the sequencing transaction and checkpoint writes. The row
 * lock on tree_head (SELECT … FOR UPDATE) is the log's write lock: every writer of every
 * replica takes it first, so transactions extend the tree one after another and each one
 * reads the head the previous one committed.
 */
import type pg from "pg";
import { edgeIds, rootAt } from "../merkle/index.js";
import type { LogEntry, SequenceRequest, SequenceResult, StoredCheckpoint, TreeHead } from "./contract.js";
import { checkCheckpointShape, mustStoreCheckpoint, prepareBatch } from "./sequencer.js";
import {
  checkDurable,
  selectHashes,
  selectHead,
  storageError,
  toCheckpoint,
  type CheckpointRow,
  type Tables,
} from "./postgres-schema.js";

/**
 * Rows and bytes per INSERT: a 1024-entry batch is one statement per table, and no
 * statement nears PostgreSQL's 65,535 bind parameters (3 per row) or 1 GB message limit.
 */
const MAX_ROWS = 4096;
const MAX_BYTES = 32 * 1024 * 1024;

type Cell = number | Uint8Array;

/** Multi-row INSERTs; byte strings travel as binary parameters (no hex text doubling). */
async function insertRows(
  c: pg.PoolClient,
  into: string,
  types: readonly string[],
  rows: readonly (readonly Cell[])[],
): Promise<void> {
  for (let start = 0; start < rows.length;) {
    const values: Cell[] = [];
    const tuples: string[] = [];
    let bytes = 0;
    let end = start;
    while (end < rows.length && end - start < MAX_ROWS) {
      const row = rows[end] as readonly Cell[];
      const size = row.reduce<number>((n, v) => n + (typeof v === "number" ? 8 : v.length), 0);
      if (end > start && bytes + size > MAX_BYTES) break;
      bytes += size;
      tuples.push(`(${types.map((type, k) => `$${values.length + k + 1}::${type}`).join(", ")})`);
      values.push(...row);
      end++;
    }
    await c.query(`INSERT INTO ${into} VALUES ${tuples.join(", ")}`, values);
    start = end;
  }
}

export class PostgresLogWriter {
  private readonly begin: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly t: Tables,
    private readonly target: string,
    lockTimeoutMs: number,
  ) {
    const ms = Math.round(lockTimeoutMs);
    // READ COMMITTED explicitly: under REPEATABLE READ (a server default some set) the row
    // lock taken after another writer's commit fails instead of reading the new head.
    // The idle timeout frees the lock when a replica stalls mid-transaction (paused,
    // partitioned): the server ends that transaction, which acknowledged nothing, rather
    // than every other replica waiting on it. SHOW: a durability check at every commit,
    // since the setting can change after open. All in one round trip.
    this.begin =
      `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = ${ms}; ` +
      `SET LOCAL idle_in_transaction_session_timeout = ${ms}; SHOW synchronous_commit`;
  }

  /** Runs `body` in one transaction; resolves only after COMMIT returned. */
  private async transaction<T>(what: string, body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (cause) {
      throw storageError(cause, what, this.target);
    }
    // A connection lost between two queries emits 'error' on the client, which would
    // crash the process without a listener; the next query fails and reports it.
    const ignore = (): void => undefined;
    client.on("error", ignore);
    let broken: Error | undefined;
    try {
      const begun = (await client.query(this.begin)) as unknown as pg.QueryResult | pg.QueryResult[];
      const show = Array.isArray(begun) ? begun[begun.length - 1] : begun;
      checkDurable(show?.rows[0]?.synchronous_commit, this.target, "LOG_STORAGE_IO");
      const result = await body(client);
      const done = await client.query("COMMIT");
      // COMMIT of a transaction the server has aborted answers ROLLBACK, not an error.
      if (done.command !== "COMMIT") throw new Error(`the server rolled the transaction back`);
      return result;
    } catch (cause) {
      await client.query("ROLLBACK").catch((err: Error) => {
        broken = err;
      });
      throw storageError(cause, what, this.target);
    } finally {
      client.removeListener("error", ignore);
      // A connection that could not roll back is closed, not handed to the next caller.
      client.release(broken);
    }
  }

  private lockHead(c: pg.PoolClient): Promise<TreeHead> {
    return selectHead(c, this.t, true);
  }

  /** Stores a checkpoint inside the current transaction after checking it against the tree. */
  private async storeCheckpoint(
    c: pg.PoolClient,
    checkpoint: StoredCheckpoint,
    head: TreeHead,
  ): Promise<void> {
    checkCheckpointShape(checkpoint);
    const res = await c.query<CheckpointRow>(
      `SELECT size, root_hash, note FROM ${this.t.checkpoints} WHERE size = $1`,
      [checkpoint.size],
    );
    const existing = res.rows[0] === undefined ? null : toCheckpoint(res.rows[0]);
    let root: Uint8Array | null = null;
    if (checkpoint.size <= head.size) {
      root =
        checkpoint.size === head.size
          ? head.rootHash
          : await rootAt(checkpoint.size, (ids) => selectHashes(c, this.t, ids));
    }
    if (mustStoreCheckpoint(checkpoint, head.size, root, existing)) {
      await c.query(`INSERT INTO ${this.t.checkpoints} (size, root_hash, note) VALUES ($1, $2, $3)`, [
        checkpoint.size,
        checkpoint.rootHash,
        checkpoint.note,
      ]);
    }
  }

  /** @throws {LogError} see LogStorage.sequence */
  sequence(request: SequenceRequest): Promise<SequenceResult> {
    return this.transaction("sequencing failed", async (c) => {
      const head = await this.lockHead(c);
      const edge = await selectHashes(c, this.t, edgeIds(head.size));
      const batch = prepareBatch(head, edge, request.entries);
      await insertRows(
        c,
        `${this.t.leaves} (idx, leaf, extra)`,
        ["bigint", "bytea", "bytea"],
        request.entries.map((e: LogEntry, i) => [batch.firstIndex + i, e.leaf, e.extra]),
      );
      await insertRows(
        c,
        `${this.t.hashes} (level, idx, hash)`,
        ["int", "bigint", "bytea"],
        batch.nodes.map((n) => [n.level, n.index, n.hash]),
      );
      if (batch.treeSize !== head.size) {
        await c.query(`UPDATE ${this.t.head} SET size = $1, root_hash = $2 WHERE id = 1`, [
          batch.treeSize,
          batch.rootHash,
        ]);
      }
      if (request.checkpoint !== undefined) {
        await this.storeCheckpoint(c, request.checkpoint, { size: batch.treeSize, rootHash: batch.rootHash });
      }
      const { firstIndex, treeSize, rootHash } = batch;
      return { firstIndex, treeSize, rootHash, hashes: batch.edge.concat(batch.nodes) };
    });
  }

  /**
   * Under the write lock too: two replicas saving the same size at once must meet the
   * stored row, not both insert one.
   * @throws {LogError} see LogStorage.saveCheckpoint
   */
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    return this.transaction("saving the checkpoint failed", async (c) =>
      this.storeCheckpoint(c, checkpoint, await this.lockHead(c)),
    );
  }
}
