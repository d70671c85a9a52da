/**
 * The embedded SQLite backend (better-sqlite3 12.x): WAL, synchronous=FULL.
 *
 * Writes run on a dedicated writer thread by default; reads (proofs, entries,
 * checkpoints) run on the caller's thread through a separate read-only connection. In
 * WAL mode that connection sees the last committed state and never waits for the
 * writer, and since the writer is on another thread the event loop never stalls on an
 * insert or an fsync either. Why and what it costs: docs/log.md, "Writer thread".
 */
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
  openReaderDatabase,
  openWriterDatabase,
  storageError,
  view,
  type SqliteDatabase,
  type SqliteOpenOptions,
} from "./sqlite-schema.js";
import { SqliteLogWriter } from "./sqlite-writer.js";
import { WorkerWriter, type WriterPort } from "./sqlite-worker-client.js";

export interface SqliteStorageOptions extends SqliteOpenOptions {
  /**
   * "thread" (default): writes on a worker thread, the event loop stays free.
   * "inline": writes block the calling thread; for one-shot tools and comparisons.
   */
  writer?: "thread" | "inline";
}

class InlineWriter implements WriterPort {
  constructor(private readonly writer: SqliteLogWriter) {}
  async sequence(request: SequenceRequest): Promise<SequenceResult> {
    return this.writer.sequence(request);
  }
  async saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    this.writer.saveCheckpoint(checkpoint);
  }
  async close(): Promise<void> {
    this.writer.close();
  }
}

interface CheckpointRow {
  size: number;
  root_hash: Uint8Array;
  note: string;
}

const toCheckpoint = (row: CheckpointRow): StoredCheckpoint => ({
  size: row.size,
  rootHash: view(row.root_hash),
  note: row.note,
});

class SqliteStorage implements LogStorage {
  readonly backend = "sqlite";
  private closed = false;
  private readonly stmt;

  constructor(
    private readonly path: string,
    private readonly reader: SqliteDatabase,
    private readonly writer: WriterPort,
  ) {
    this.stmt = {
      head: reader.prepare("SELECT size, root_hash FROM tree_head WHERE id = 1"),
      hash: reader.prepare("SELECT hash FROM hashes WHERE level = ? AND idx = ?").pluck(),
      entries: reader.prepare("SELECT leaf, extra FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx"),
      latest: reader.prepare("SELECT size, root_hash, note FROM checkpoints ORDER BY size DESC LIMIT 1"),
      at: reader.prepare("SELECT size, root_hash, note FROM checkpoints WHERE size = ?"),
      list: reader.prepare(
        "SELECT size, root_hash, note FROM checkpoints WHERE size >= ? ORDER BY size LIMIT ?",
      ),
      count: reader.prepare("SELECT count(*) FROM hashes").pluck(),
    };
  }

  private open(): void {
    if (this.closed) throw new LogError("LOG_CLOSED", `log store ${this.path} is closed`);
  }

  /** Runs a read on the reader connection, mapping backend errors to coded ones. */
  private read<T>(what: string, fn: () => T): Promise<T> {
    try {
      this.open();
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(storageError(err, what));
    }
  }

  sequence(request: SequenceRequest): Promise<SequenceResult> {
    try {
      this.open();
      // Checked here too: a malformed entry must fail before it is packed for the writer.
      request.entries.forEach((e, i) => checkEntry(e, `entries[${i}]`));
      if (request.checkpoint !== undefined) checkCheckpointShape(request.checkpoint);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.writer.sequence(request);
  }

  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    try {
      this.open();
      checkCheckpointShape(checkpoint);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.writer.saveCheckpoint(checkpoint);
  }

  treeHead(): Promise<TreeHead> {
    return this.read("reading the tree head", () => {
      const row = this.stmt.head.get() as { size: number; root_hash: Uint8Array } | undefined;
      if (row === undefined) throw new LogError("LOG_STORAGE_CORRUPT", "the tree_head row is missing");
      return { size: row.size, rootHash: view(row.root_hash) };
    });
  }

  readHashes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return this.read("reading hashes", () =>
      ids.map((id) => {
        const h = this.stmt.hash.get(id.level, id.index) as Uint8Array | undefined;
        if (h === undefined) {
          throw new LogError("LOG_STORAGE_CORRUPT", `stored hash (${id.level}, ${id.index}) is missing`);
        }
        return view(h);
      }),
    );
  }

  readEntries(start: number, count: number): Promise<LogEntry[]> {
    return this.read("reading entries", () => {
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0) {
        throw new RangeError("start and count must be non-negative integers");
      }
      const rows = this.stmt.entries.all(start, start + count) as { leaf: Uint8Array; extra: Uint8Array }[];
      return rows.map((r) => ({ leaf: view(r.leaf), extra: view(r.extra) }));
    });
  }

  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.read("reading the latest checkpoint", () => {
      const row = this.stmt.latest.get() as CheckpointRow | undefined;
      return row ? toCheckpoint(row) : null;
    });
  }

  checkpointAt(size: number): Promise<StoredCheckpoint | null> {
    return this.read("reading a checkpoint", () => {
      const row = this.stmt.at.get(size) as CheckpointRow | undefined;
      return row ? toCheckpoint(row) : null;
    });
  }

  listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.read("listing checkpoints", () =>
      (this.stmt.list.all(fromSize, limit) as CheckpointRow[]).map(toCheckpoint),
    );
  }

  countHashes(): Promise<number> {
    return this.read("counting hashes", () => this.stmt.count.get() as number);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Reader first: the writer, closing last, folds the WAL back into the database file.
    this.reader.close();
    await this.writer.close();
  }
}

/**
 * Opens (creating if needed) a SQLite log store at `path`.
 * @throws {LogError} LOG_STORAGE_OPEN_FAILED, LOG_STORAGE_SCHEMA_VERSION
 * @example const storage = await openSqliteStorage("data/log.sqlite");
 */
export async function openSqliteStorage(
  path: string,
  options: SqliteStorageOptions = {},
): Promise<LogStorage> {
  const { writer: mode = "thread", ...openOptions } = options;
  if (mode !== "thread" && mode !== "inline") throw new RangeError(`writer must be "thread" or "inline"`);
  // The writer opens first: it creates the schema, which the read-only connection needs.
  const writer: WriterPort =
    mode === "thread"
      ? await WorkerWriter.start(path, openOptions)
      : new InlineWriter(new SqliteLogWriter(openWriterDatabase(path, openOptions)));
  let reader: SqliteDatabase;
  try {
    reader = openReaderDatabase(path);
  } catch (err) {
    await writer.close();
    throw err;
  }
  return new SqliteStorage(path, reader, writer);
}
