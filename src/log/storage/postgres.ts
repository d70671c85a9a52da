/**
 * The PostgreSQL backend (pg 8.x): one log shared by several server replicas. Writes are
 * transactions serialised by a row lock on the head (postgres-writer.ts); reads go through
 * the pool and see the last committed state, which is all they need since everything
 * stored is append-only. Layout, write lock and durability: docs/log.md.
 */
import pg from "pg";
import type { NodeId } from "../merkle/index.js";
import { LogError } from "../errors.js";
import type {
  LogEntry,
  LogStorage,
  SequenceRequest,
  SequenceResult,
  StoredCheckpoint,
  TreeHead,
} from "./contract.js";
import { checkCheckpointShape, checkEntry } from "./sequencer.js";
import {
  describeTarget,
  initializeStore,
  selectHashes,
  selectHead,
  storageError,
  tablesOf,
  toCheckpoint,
  toCount,
  view,
  type CheckpointRow,
  type Tables,
} from "./postgres-schema.js";
import { PostgresLogWriter } from "./postgres-writer.js";

export interface PostgresStorageOptions {
  /** e.g. postgres://user@host:5432/db (a libpq-style connection string, as pg takes it). */
  connectionString: string;
  /** The PostgreSQL schema holding the log's tables (default "zeq_np"); created when missing. */
  schema?: string;
  /** Refuse to create the schema and tables when they do not exist (tools such as fsck). */
  mustExist?: boolean;
  /** Connections in the pool (default 4); a sequencing transaction holds one while it runs. */
  poolSize?: number;
  /** How long a writer waits for another replica's write lock, in ms (default 30,000). */
  lockTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 10_000;

class PostgresStorage implements LogStorage {
  readonly backend = "postgres";
  private closing: Promise<void> | null = null;
  /** Operations in flight: close() lets them finish (a pool that is ending hands out no connection). */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly t: Tables,
    private readonly target: string,
    private readonly writer: PostgresLogWriter,
  ) {}

  private checkOpen(): void {
    if (this.closing !== null) throw new LogError("LOG_CLOSED", `log store ${this.target} is closed`);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    const settled = (): void => void this.inflight.delete(work);
    work.then(settled, settled);
    return work;
  }

  /** Runs a read on the pool, mapping backend errors to coded ones. */
  private async read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.checkOpen();
    try {
      return await this.track(fn());
    } catch (err) {
      throw storageError(err, what, this.target);
    }
  }

  async sequence(request: SequenceRequest): Promise<SequenceResult> {
    this.checkOpen();
    // Checked before a connection is taken: a malformed entry never starts a transaction.
    request.entries.forEach((e, i) => checkEntry(e, `entries[${i}]`));
    if (request.checkpoint !== undefined) checkCheckpointShape(request.checkpoint);
    return this.track(this.writer.sequence(request));
  }

  async saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    this.checkOpen();
    checkCheckpointShape(checkpoint);
    return this.track(this.writer.saveCheckpoint(checkpoint));
  }

  treeHead(): Promise<TreeHead> {
    return this.read("reading the tree head", () => selectHead(this.pool, this.t));
  }

  readHashes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return this.read("reading hashes", () => selectHashes(this.pool, this.t, ids));
  }

  readEntries(start: number, count: number): Promise<LogEntry[]> {
    return this.read("reading entries", async () => {
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0) {
        throw new RangeError("start and count must be non-negative integers");
      }
      const res = await this.pool.query<{ leaf: Buffer; extra: Buffer }>(
        `SELECT leaf, extra FROM ${this.t.leaves} WHERE idx >= $1 AND idx < $2 ORDER BY idx`,
        [start, start + count],
      );
      return res.rows.map((r) => ({ leaf: view(r.leaf), extra: view(r.extra) }));
    });
  }

  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.read("reading the latest checkpoint", async () => {
      const res = await this.pool.query<CheckpointRow>(
        `SELECT size, root_hash, note FROM ${this.t.checkpoints} ORDER BY size DESC LIMIT 1`,
      );
      return res.rows[0] === undefined ? null : toCheckpoint(res.rows[0]);
    });
  }

  checkpointAt(size: number): Promise<StoredCheckpoint | null> {
    return this.read("reading a checkpoint", async () => {
      // A size that cannot be stored matches nothing (a bigint parameter would refuse it).
      if (!Number.isSafeInteger(size) || size < 0) return null;
      const res = await this.pool.query<CheckpointRow>(
        `SELECT size, root_hash, note FROM ${this.t.checkpoints} WHERE size = $1`,
        [size],
      );
      return res.rows[0] === undefined ? null : toCheckpoint(res.rows[0]);
    });
  }

  listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.read("listing checkpoints", async () => {
      const res = await this.pool.query<CheckpointRow>(
        `SELECT size, root_hash, note FROM ${this.t.checkpoints} WHERE size >= $1 ORDER BY size LIMIT $2`,
        [fromSize, limit],
      );
      return res.rows.map(toCheckpoint);
    });
  }

  countHashes(): Promise<number> {
    return this.read("counting hashes", async () => {
      const res = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.t.hashes}`);
      return toCount(res.rows[0]?.n, "hash count");
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.inflight]);
      await this.pool.end();
    })();
    return this.closing;
  }
}

/**
 * Opens (creating if needed) a PostgreSQL log store: the tables in `schema` of the
 * database named by the connection string.
 * @throws {LogError} LOG_STORAGE_OPEN_FAILED (unreachable, not a log store, missing with
 *   mustExist, synchronous_commit = off), LOG_STORAGE_SCHEMA_VERSION
 * @example const storage = await openPostgresStorage({ connectionString: "postgres://zeq@db/zeq" });
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<LogStorage> {
  const {
    connectionString,
    schema = "zeq_np",
    mustExist = false,
    poolSize = 4,
    lockTimeoutMs = 30_000,
  } = options;
  if (typeof connectionString !== "string" || connectionString === "") {
    throw new RangeError("connectionString must be a non-empty string");
  }
  const t = tablesOf(schema);
  if (!Number.isSafeInteger(poolSize) || poolSize < 1)
    throw new RangeError("poolSize must be an integer ≥ 1");
  if (!Number.isSafeInteger(lockTimeoutMs) || lockTimeoutMs < 1) {
    throw new RangeError("lockTimeoutMs must be an integer ≥ 1");
  }
  const target = describeTarget(connectionString, schema);
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: "zeq-np log",
  });
  // An idle connection the server drops makes the pool emit 'error', which would crash the
  // process unheard; the pool has already discarded it and the next query reconnects.
  pool.on("error", () => undefined);
  try {
    await initializeStore(pool, { schema, mustExist, target });
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return new PostgresStorage(pool, t, target, new PostgresLogWriter(pool, t, target, lockTimeoutMs));
}
