/**
 * The SQLite backend: the conformance suite with the writer on its thread and inline,
 * plus what only SQLite has (files that are not log stores, WAL on disk).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isZeqError } from "../../../src/core/errors.js";
import { openSqliteStorage } from "../../../src/log/storage/sqlite.js";
import { runStorageConformance, type StorageHarness } from "./conformance.js";

function harness(writer: "thread" | "inline"): () => Promise<StorageHarness> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "zeq-log-sqlite-"));
    const path = join(dir, "log.sqlite");
    return {
      open: () => openSqliteStorage(path, { writer }),
      async setSchemaVersion(version) {
        const db = new Database(path);
        db.prepare("UPDATE log_meta SET value = ? WHERE key = 'schema_version'").run(String(version));
        db.close();
      },
      async destroy() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

runStorageConformance("sqlite (writer thread)", harness("thread"));
runStorageConformance("sqlite (inline writer)", harness("inline"));

const code = (c: string) => (err: unknown) => isZeqError(err, c);

test("sqlite: files that are not log stores are refused with a coded error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zeq-log-sqlite-"));
  try {
    const garbage = join(dir, "garbage.sqlite");
    writeFileSync(garbage, "this is not a database, just text long enough to look like a header........");
    await assert.rejects(openSqliteStorage(garbage), code("LOG_STORAGE_OPEN_FAILED"));
    await assert.rejects(openSqliteStorage(garbage, { writer: "inline" }), code("LOG_STORAGE_OPEN_FAILED"));

    const other = join(dir, "other.sqlite");
    const db = new Database(other);
    db.exec("CREATE TABLE users (name TEXT)");
    db.close();
    await assert.rejects(openSqliteStorage(other), code("LOG_STORAGE_OPEN_FAILED"));

    await assert.rejects(
      openSqliteStorage(join(dir, "absent.sqlite"), { mustExist: true }),
      code("LOG_STORAGE_OPEN_FAILED"),
    );
    await assert.rejects(
      openSqliteStorage(join(dir, "no", "such", "dir.sqlite")),
      code("LOG_STORAGE_OPEN_FAILED"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sqlite: the store is in WAL mode, 8 KiB pages, with the schema version row", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zeq-log-sqlite-"));
  try {
    const path = join(dir, "log.sqlite");
    const s = await openSqliteStorage(path);
    await s.close();
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("page_size", { simple: true }), 8192);
    assert.equal(db.prepare("SELECT value FROM log_meta WHERE key = 'schema_version'").pluck().get(), "1");
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
