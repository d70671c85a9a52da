/**
 * The log in PostgreSQL instead of <data>/log.sqlite: `openLog` with a URL,
 * `zeq-np serve` with --log-url or ZEQ_LOG_URL, and the readers (`zeq-np log`, `fsck`) with
 * the same flag. Each test runs in a database of its own,
 * dropped at the end. Needs PostgreSQL (ZEQ_TEST_PG_URL, a postgres:// URL); prints a loud
 * SKIPPED without it.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex, utf8 } from "../../src/core/bytes.js";
import { isZeqError } from "../../src/core/errors.js";
import { openLog } from "../../src/instance/open.js";
import { signer } from "../log/helpers.js";
import { FIXTURE_MODELS } from "../execute/instance-fixture.js";
import { PG_URL, admin, endAdmin, skipLoudly, unavailable } from "../log/storage/postgres-harness.js";

const MAIN = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");
const code = (c: string) => (err: unknown) => isZeqError(err, c);

/** A fresh database and its URL; drop() removes it. */
async function freshDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `zeq_test_${randomBytes(6).toString("hex")}`;
  await admin().query(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    drop: async () => void (await admin().query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

async function inDatabase<T>(url: string, sql: string): Promise<T[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Runs `zeq-np serve` until it answers over HTTP, then SIGTERM; returns its output and
 * exit code. Answering means the start-up code, signal handlers included, has run.
 */
function serveOnce(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, "serve", ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let asked = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString("utf8");
      const url = /verifier key at (http:\/\/\S+)\/api\/keys/.exec(out)?.[1];
      if (url === undefined || asked) return;
      asked = true;
      fetch(`${url}/v2/health/live`).then(
        () => child.kill("SIGTERM"),
        (err: unknown) => {
          child.kill("SIGKILL");
          reject(err as Error);
        },
      );
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, out: signal === null ? out : `${out}\n(ended by ${signal})` });
    });
  });
}

function serveArgs(dataDir: string): string[] {
  return [
    "--data",
    dataDir,
    "--port",
    "0",
    "--models",
    FIXTURE_MODELS,
    "--no-build",
    "--no-compile",
    "--workers",
    "1",
    "--log-level",
    "warn",
  ];
}

/** Runs a zeq-np command to its end. */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tests(): void {
  test("openLog with a URL keeps the log in PostgreSQL, shared by every instance given it", async () => {
    const db = await freshDatabase();
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), "zeq-log-url-")));
    try {
      await assert.rejects(
        openLog(dirs[0]!, signer, { logUrl: db.url, mustExist: true }),
        code("LOG_STORAGE_OPEN_FAILED"),
      );
      const first = await openLog(dirs[0]!, signer, { logUrl: db.url });
      assert.equal(first.storage.backend, "postgres");
      const leaf = utf8('{"record":"via url"}');
      const appended = await first.log.append({ leaf, extra: utf8("{}") });
      await first.log.close();
      assert.equal(existsSync(join(dirs[0]!, "log.sqlite")), false, "no SQLite store was made");

      // Another data directory, the same URL: the same log.
      const second = await openLog(dirs[1]!, signer, { logUrl: db.url, mustExist: true });
      try {
        assert.equal((await second.log.latestCheckpoint()).size, appended.treeSize);
        assert.equal(toHex((await second.log.entry(appended.index)).leaf), toHex(leaf));
      } finally {
        await second.log.close();
      }
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await db.drop();
    }
  });

  test("zeq-np log and fsck read the PostgreSQL log of --log-url or ZEQ_LOG_URL; fsck finds a changed leaf", async () => {
    const db = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), "zeq-log-url-"));
    try {
      const opened = await openLog(dir, signer, { logUrl: db.url });
      for (let i = 0; i < 5; i++) await opened.log.append({ leaf: utf8(`{"n":${i}}`), extra: utf8("{}") });
      const head = await opened.log.latestCheckpoint();
      await opened.log.close();
      const env = { ...process.env };
      delete env.ZEQ_LOG_URL;
      const vkey = ["--vkey", signer.verifierKey];

      const clean = cli(["--data", dir, "--json", "fsck", "--log-url", db.url, ...vkey], env);
      assert.equal(clean.status, 0, clean.stderr);
      const report = JSON.parse(clean.stdout) as {
        ok: boolean;
        treeSize: number;
        checkpointsChecked: number;
      };
      assert.equal(report.ok, true);
      assert.equal(report.treeSize, 5);
      assert.ok(report.checkpointsChecked >= 1);

      const checkpoint = cli(["--data", dir, "log", "checkpoint"], { ...env, ZEQ_LOG_URL: db.url });
      assert.equal(checkpoint.status, 0, checkpoint.stderr);
      assert.equal(checkpoint.stdout, head.note);
      const proof = cli(["--data", dir, "log", "prove", "--index", "3", "--log-url", db.url], env);
      assert.equal(proof.status, 0, proof.stderr);
      const proved = JSON.parse(proof.stdout) as { tree_size: number; inclusion_proof: string[] };
      assert.equal(proved.tree_size, 5);
      assert.equal(proved.inclusion_proof.length, 3);
      assert.equal(existsSync(join(dir, "log.sqlite")), false, "no SQLite store was made");

      await inDatabase(
        db.url,
        `UPDATE zeq_np.leaves SET leaf = convert_to('{"n":99}', 'UTF8') WHERE idx = 2`,
      );
      const tampered = cli(["--data", dir, "fsck", "--log-url", db.url, ...vkey], env);
      assert.equal(tampered.status, 1, tampered.stdout + tampered.stderr);
      assert.match(tampered.stdout, /^PROBLEMS: 5 leaves/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  test("zeq-np serve takes the log URL from --log-url or ZEQ_LOG_URL", async () => {
    const db = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), "zeq-log-url-"));
    try {
      const env = { ...process.env };
      delete env.ZEQ_LOG_URL;
      const byFlag = await serveOnce([...serveArgs(dir), "--log-url", db.url], env);
      assert.equal(byFlag.status, 0, byFlag.out);
      assert.match(byFlag.out, /log origin .* \(postgres\)/);
      const byEnv = await serveOnce(serveArgs(dir), { ...env, ZEQ_LOG_URL: db.url });
      assert.equal(byEnv.status, 0, byEnv.out);
      assert.match(byEnv.out, /log origin .* \(postgres\)/);
      assert.equal(existsSync(join(dir, "log.sqlite")), false, "no SQLite store was made");
      // The first start signed the empty tree's checkpoint; the second found it stored.
      const rows = await inDatabase<{ size: string }>(db.url, "SELECT size FROM zeq_np.checkpoints");
      assert.deepEqual(
        rows.map((r) => r.size),
        ["0"],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
}

const why = await unavailable();
if (why !== undefined) {
  test("log URL", (t) => skipLoudly(t, why));
} else {
  after(endAdmin);
  tests();
}
