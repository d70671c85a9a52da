/**
 * A transparency log in a temporary directory, opened the way an instance opens its own
 * (SQLite with its writer thread, WAL, synchronous=FULL; checkpoints signed as notes),
 * with a fresh signing key.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCommitter, type Committer } from "../../src/execute/commit.js";
import { generateSigningKey, parseSigningKey, type Signer } from "../../src/keys/index.js";
import type { LogStorage } from "../../src/log/storage/contract.js";
import { openSqliteStorage, type SqliteStorageOptions } from "../../src/log/storage/sqlite.js";
import { TransparencyLog } from "../../src/log/transparency-log.js";
import { signNote } from "../../src/note/index.js";

export const BENCH_LOG_ORIGIN = "bench.zeq-np.local/log";

export interface BenchLog {
  dir: string;
  path: string;
  signer: Signer;
  storage: LogStorage;
  log: TransparencyLog;
  committer: Committer;
  close(): Promise<void>;
}

export function benchSigner(): Signer {
  return parseSigningKey(generateSigningKey(BENCH_LOG_ORIGIN));
}

/** Opens the log of the SQLite file at `path` (created when missing). */
export async function openBenchLogAt(
  path: string,
  signer: Signer,
  options: SqliteStorageOptions = {},
): Promise<Omit<BenchLog, "dir">> {
  const storage = await openSqliteStorage(path, options);
  const log = await TransparencyLog.open({
    storage,
    origin: signer.name,
    signCheckpoint: (body) => signNote(body, [signer]),
  });
  return {
    path,
    signer,
    storage,
    log,
    committer: createCommitter(log, signer, signer.name),
    close: () => log.close(),
  };
}

/** A new log in a new temporary directory, removed on close. */
export async function openBenchLog(prefix: string): Promise<BenchLog> {
  const dir = mkdtempSync(join(tmpdir(), `zeq-bench-${prefix}-`));
  const opened = await openBenchLogAt(join(dir, "log.sqlite"), benchSigner());
  return {
    ...opened,
    dir,
    close: async () => {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
