/**
 * The PostgreSQL layout of the log (docs/log.md): the five tables of the SQLite store, in
 * a schema of their own, created once; and what every connection must satisfy — this
 * schema version, and commits that are durable when they return.
 */
import pg from "pg";
import { EMPTY_ROOT, type NodeId } from "../merkle/index.js";
import { LogError } from "../errors.js";
import { LOG_SCHEMA_VERSION, type StoredCheckpoint, type TreeHead } from "./contract.js";

/** Lower-case identifiers only: the name is spliced into SQL, so nothing needing escapes gets in. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Fully qualified table names of one store. */
export interface Tables {
  readonly meta: string;
  readonly head: string;
  readonly leaves: string;
  readonly hashes: string;
  readonly checkpoints: string;
}

export function tablesOf(schema: string): Tables {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`schema must match ${String(SCHEMA_NAME)} (a plain lower-case identifier)`);
  }
  const q = `"${schema}"`;
  return {
    meta: `${q}.log_meta`,
    head: `${q}.tree_head`,
    leaves: `${q}.leaves`,
    hashes: `${q}.hashes`,
    checkpoints: `${q}.checkpoints`,
  };
}

const ddl = (t: Tables): string => `
CREATE TABLE ${t.meta} (
  key   text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE ${t.head} (
  id        int PRIMARY KEY CHECK (id = 1),
  size      bigint NOT NULL CHECK (size >= 0),
  root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32)
);
CREATE TABLE ${t.leaves} (
  idx   bigint PRIMARY KEY CHECK (idx >= 0),
  leaf  bytea NOT NULL,
  extra bytea NOT NULL
);
CREATE TABLE ${t.hashes} (
  level int NOT NULL CHECK (level >= 0),
  idx   bigint NOT NULL CHECK (idx >= 0),
  hash  bytea NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, idx)
);
CREATE TABLE ${t.checkpoints} (
  size      bigint PRIMARY KEY CHECK (size >= 0),
  root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
  note      text NOT NULL
);`;

/**
 * Names the server and database for messages, never the password: the connection string
 * is parsed the way pg parses it, so environment defaults (PGHOST…) show as used.
 */
export function describeTarget(connectionString: string, schema?: string): string {
  const within = schema === undefined ? "" : ` schema ${schema}`;
  try {
    const c = new pg.Client({ connectionString });
    return `postgres://${c.user ?? ""}@${c.host}:${c.port}/${c.database ?? ""}${within}`;
  } catch {
    return `the PostgreSQL database of the connection string${within}`;
  }
}

/** pg returns bigint columns as strings: take them only when exact as JS numbers. */
export function toCount(value: unknown, what: string): number {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new LogError("LOG_STORAGE_CORRUPT", `${what} ${String(value)} is not a size this log can address`);
  }
  return n;
}

/** A plain Uint8Array view of a Buffer read from pg (tests compare plain Uint8Arrays). */
export function view(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export interface CheckpointRow {
  size: string;
  root_hash: Buffer;
  note: string;
}

export const toCheckpoint = (row: CheckpointRow): StoredCheckpoint => ({
  size: toCount(row.size, "checkpoint size"),
  rootHash: view(row.root_hash),
  note: row.note,
});

/** Anything that runs a query: the pool (reads) or the connection of a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

const isNodeId = (id: NodeId): boolean =>
  Number.isInteger(id.level) &&
  id.level >= 0 &&
  id.level < 64 &&
  Number.isSafeInteger(id.index) &&
  id.index >= 0;

/**
 * The committed head; `forUpdate` takes the log's write lock on it (inside a transaction).
 * @throws {LogError} LOG_STORAGE_CORRUPT when the head row is missing or its size is not a count
 */
export async function selectHead(db: Queryable, t: Tables, forUpdate = false): Promise<TreeHead> {
  const res = await db.query<{ size: string; root_hash: Buffer }>(
    `SELECT size, root_hash FROM ${t.head} WHERE id = 1${forUpdate ? " FOR UPDATE" : ""}`,
  );
  const row = res.rows[0];
  if (row === undefined) throw new LogError("LOG_STORAGE_CORRUPT", "the tree_head row is missing");
  return { size: toCount(row.size, "stored tree size"), rootHash: view(row.root_hash) };
}

/**
 * Stored hashes by (level, index), in the order asked, in one query.
 * @throws {LogError} LOG_STORAGE_CORRUPT naming the first missing node
 */
export async function selectHashes(db: Queryable, t: Tables, ids: readonly NodeId[]): Promise<Uint8Array[]> {
  if (ids.length === 0) return [];
  // An id that cannot exist is looked up as (-1, -1): missing, like any other absent node.
  const valid = ids.map(isNodeId);
  const res = await db.query<{ hash: Buffer | null }>(
    `SELECT h.hash FROM unnest($1::int[], $2::bigint[]) WITH ORDINALITY AS q(level, idx, ord)
       LEFT JOIN ${t.hashes} h ON h.level = q.level AND h.idx = q.idx
      ORDER BY q.ord`,
    [ids.map((id, i) => (valid[i] ? id.level : -1)), ids.map((id, i) => (valid[i] ? id.index : -1))],
  );
  return ids.map((id, i) => {
    const h = res.rows[i]?.hash;
    if (h === null || h === undefined) {
      throw new LogError("LOG_STORAGE_CORRUPT", `stored hash (${id.level}, ${id.index}) is missing`);
    }
    return view(h);
  });
}

const HINTS: Record<string, string> = {
  "55P03": " (another writer held the log's write lock longer than the lock timeout)",
  "57P01": " (the server terminated the connection)",
  "25P03": " (the server ended a transaction that stayed idle too long)",
  ECONNREFUSED: " (is PostgreSQL running and listening there?)",
  ENOTFOUND: " (the host name does not resolve)",
  "28P01": " (check the user and password)",
  "3D000": " (the database does not exist; create it first)",
};

/** Maps a pg or network error to LOG_STORAGE_IO / LOG_STORAGE_CORRUPT, leaving LogErrors as they are. */
export function storageError(cause: unknown, what: string, target: string): LogError {
  if (cause instanceof LogError) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  const why = cause instanceof Error ? cause.message : String(cause);
  const hint = typeof code === "string" ? (HINTS[code] ?? "") : "";
  const message = `${what} on ${target}: ${why}${hint}`;
  // Class XX (internal error): XX001 data_corrupted, XX002 index_corrupted.
  if (code === "XX001" || code === "XX002") return new LogError("LOG_STORAGE_CORRUPT", message, { cause });
  return new LogError("LOG_STORAGE_IO", message, { cause });
}

function openFailed(target: string, cause: unknown): LogError {
  if (cause instanceof LogError && cause.code !== "LOG_STORAGE_IO") return cause;
  const why = cause instanceof Error ? cause.message : String(cause);
  const code = (cause as { code?: unknown } | null)?.code;
  const hint = typeof code === "string" ? (HINTS[code] ?? "") : "";
  return new LogError("LOG_STORAGE_OPEN_FAILED", `cannot open log store ${target}: ${why}${hint}`, { cause });
}

/**
 * Only `off` lets COMMIT return before the commit record is flushed; `local`,
 * `remote_write`, `remote_apply` and `on` all flush it locally first.
 * @throws {LogError} with `code` when commits would not be durable
 */
export function checkDurable(
  setting: unknown,
  target: string,
  code: "LOG_STORAGE_OPEN_FAILED" | "LOG_STORAGE_IO",
): void {
  if (setting === "off") {
    throw new LogError(
      code,
      `${target} runs with synchronous_commit = off: COMMIT would return before the log's records are ` +
        `durable, and the log never acknowledges a record it could lose; set synchronous_commit = on ` +
        `for this database or role (or drop the override from the connection string)`,
    );
  }
}

export interface InitOptions {
  readonly schema: string;
  readonly mustExist: boolean;
  readonly target: string;
}

/**
 * Creates the schema and tables when they are missing (unless mustExist), under an
 * advisory lock so replicas starting together create them once; then checks the schema
 * version and that commits are durable.
 * @throws {LogError} LOG_STORAGE_OPEN_FAILED, LOG_STORAGE_SCHEMA_VERSION
 */
export async function initializeStore(pool: pg.Pool, options: InitOptions): Promise<void> {
  const { schema, mustExist, target } = options;
  const t = tablesOf(schema);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (cause) {
    throw openFailed(target, cause);
  }
  let broken: Error | undefined;
  try {
    const sync = await client.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
    checkDurable(sync.rows[0]?.synchronous_commit, target, "LOG_STORAGE_OPEN_FAILED");
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`zeq-np log store ${schema}`]);
    // Plain catalog queries, not to_regclass: they read this statement's snapshot, so a
    // replica that waited on the lock sees the tables the first one just created.
    const ns = await client.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", [schema]);
    const tables = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        ORDER BY c.relname`,
      [schema],
    );
    const names = tables.rows.map((r) => r.relname);
    if (!names.includes("log_meta")) {
      if (mustExist) throw new Error(`there is no log store in schema ${schema}`);
      if (names.length > 0) throw new Error(`not a log store (schema ${schema} has table ${names[0]})`);
      // Only when missing: CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database.
      if (ns.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
      await client.query(ddl(t));
      await client.query(`INSERT INTO ${t.meta} (key, value) VALUES ('schema_version', $1)`, [
        String(LOG_SCHEMA_VERSION),
      ]);
      await client.query(`INSERT INTO ${t.head} (id, size, root_hash) VALUES (1, 0, $1)`, [
        Buffer.from(EMPTY_ROOT),
      ]);
    }
    const version = await client.query<{ value: string }>(
      `SELECT value FROM ${t.meta} WHERE key = 'schema_version'`,
    );
    const value = version.rows[0]?.value;
    if (value === undefined) throw new Error("no schema_version row");
    if (value !== String(LOG_SCHEMA_VERSION)) {
      throw new LogError(
        "LOG_STORAGE_SCHEMA_VERSION",
        `log store ${target} has schema version ${value}; this build reads version ${LOG_SCHEMA_VERSION} only`,
      );
    }
    await client.query("COMMIT");
  } catch (cause) {
    await client.query("ROLLBACK").catch((err: Error) => (broken = err));
    throw openFailed(target, cause);
  } finally {
    client.release(broken);
  }
}
