/**
 * The SQLite layout of the log (see docs/log.md): a schema-version row, the head (size
 * and root), the leaves with their extra bytes, every complete-subtree hash addressed
 * (level, idx), and the signed checkpoints kept apart from tree state.
 */
import Database from "better-sqlite3";
import { EMPTY_ROOT } from "../merkle/index.js";
import { LogError } from "../errors.js";
import { LOG_SCHEMA_VERSION } from "./contract.js";

export type SqliteDatabase = Database.Database;

const PAGE_SIZE = 8192;
const WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024;

const SCHEMA = `
CREATE TABLE log_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
CREATE TABLE tree_head (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  size      INTEGER NOT NULL CHECK (size >= 0),
  root_hash BLOB NOT NULL CHECK (length(root_hash) = 32)
) STRICT;
CREATE TABLE leaves (
  idx   INTEGER PRIMARY KEY,
  leaf  BLOB NOT NULL,
  extra BLOB NOT NULL
) STRICT;
CREATE TABLE hashes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;
CREATE TABLE checkpoints (
  size      INTEGER PRIMARY KEY,
  root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
  note      TEXT NOT NULL
) STRICT;
`;

export interface SqliteOpenOptions {
  /** Refuse to create a new store when the file does not exist (tools such as fsck). */
  mustExist?: boolean;
  /** How long a writer waits for another process's write lock, in ms. */
  busyTimeoutMs?: number;
}

function openFailed(path: string, cause: unknown): LogError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new LogError("LOG_STORAGE_OPEN_FAILED", `cannot open log store ${path}: ${why}`, { cause });
}

/** Reads the schema version row; throws unless it is ours. */
function checkVersion(db: SqliteDatabase, path: string): void {
  const row = db.prepare("SELECT value FROM log_meta WHERE key = 'schema_version'").get() as
    { value: string } | undefined;
  if (row === undefined) throw openFailed(path, new Error("no schema_version row"));
  if (row.value !== String(LOG_SCHEMA_VERSION)) {
    throw new LogError(
      "LOG_STORAGE_SCHEMA_VERSION",
      `log store ${path} has schema version ${row.value}; this build reads version ${LOG_SCHEMA_VERSION} only`,
    );
  }
}

/**
 * Opens (creating if allowed) the store for writing: WAL, synchronous=FULL, schema and
 * version row created in one transaction, or the version checked.
 * @throws {LogError} LOG_STORAGE_OPEN_FAILED, LOG_STORAGE_SCHEMA_VERSION
 */
export function openWriterDatabase(path: string, options: SqliteOpenOptions = {}): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    db = new Database(path, {
      fileMustExist: options.mustExist ?? false,
      timeout: options.busyTimeoutMs ?? 5000,
    });
  } catch (cause) {
    throw openFailed(path, cause);
  }
  try {
    // A new store gets 8 KiB pages: an entry (record plus envelope, a few KB) then rarely
    // spills into overflow pages. Settable only before the first table and WAL mode.
    const isNew = db.prepare("SELECT count(*) FROM sqlite_master").pluck().get() === 0;
    if (isNew) db.pragma(`page_size = ${PAGE_SIZE}`);
    // WAL: readers never block the writer nor wait for it. FULL: the WAL is fsynced at
    // every commit, so a commit that returned survives power loss.
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new Error(`journal_mode is ${String(mode)}, not wal`);
    db.pragma("synchronous = FULL");
    // Fold the WAL back into the database every ~64 MiB rather than every 4 MiB (the
    // default): each fold copies pages and fsyncs the database file, and at the default a
    // busy log folds after nearly every batch (measured: ~1.5x the commit throughput).
    db.pragma(
      `wal_autocheckpoint = ${Math.round(WAL_CHECKPOINT_BYTES / Number(db.pragma("page_size", { simple: true })))}`,
    );
    db.transaction(() => {
      const hasMeta = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_meta'")
        .get();
      if (hasMeta === undefined) {
        const other = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").get() as
          { name: string } | undefined;
        if (other !== undefined) throw new Error(`not a log store (has table ${other.name})`);
        db.exec(SCHEMA);
        db.prepare("INSERT INTO log_meta (key, value) VALUES ('schema_version', ?)").run(
          String(LOG_SCHEMA_VERSION),
        );
        db.prepare("INSERT INTO tree_head (id, size, root_hash) VALUES (1, 0, ?)").run(EMPTY_ROOT);
      }
      checkVersion(db, path);
    }).immediate();
    return db;
  } catch (cause) {
    db.close();
    throw cause instanceof LogError ? cause : openFailed(path, cause);
  }
}

/**
 * Opens a read-only connection to an existing store and checks its version.
 * @throws {LogError} LOG_STORAGE_OPEN_FAILED, LOG_STORAGE_SCHEMA_VERSION
 */
export function openReaderDatabase(path: string): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw openFailed(path, cause);
  }
  try {
    checkVersion(db, path);
    return db;
  } catch (cause) {
    db.close();
    throw cause instanceof LogError ? cause : openFailed(path, cause);
  }
}

/** A zero-copy Uint8Array view of a Buffer read from SQLite (tests compare plain Uint8Arrays). */
export function view(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Maps a backend error to LOG_STORAGE_IO / LOG_STORAGE_CORRUPT, leaving LogErrors as they are. */
export function storageError(cause: unknown, what: string): LogError {
  if (cause instanceof LogError) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  const why = cause instanceof Error ? cause.message : String(cause);
  if (typeof code === "string" && (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB")) {
    return new LogError("LOG_STORAGE_CORRUPT", `${what}: ${why}`, { cause });
  }
  return new LogError("LOG_STORAGE_IO", `${what}: ${why}`, { cause });
}
