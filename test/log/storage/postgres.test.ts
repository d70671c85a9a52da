/**
 * The PostgreSQL backend: the conformance suite (pool of four and pool of one), what only
 * PostgreSQL has (schemas that are not log stores, unreachable servers, the row lock and
 * its timeout, exact bigint sizes, rollback of a statement failing mid-transaction,
 * commits that would not be durable), and two TransparencyLog replicas sharing one log.
 *
 * Needs a PostgreSQL server where the tests may create schemas and roles
 * (ZEQ_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test); without one every
 * test here is skipped with a loud SKIPPED.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { toHex, utf8 } from "../../../src/core/bytes.js";
import { isZeqError } from "../../../src/core/errors.js";
import { fsck } from "../../../src/log/fsck.js";
import { leafHash, storedHashCount, verifyInclusion } from "../../../src/log/merkle/index.js";
import type { LogStorage } from "../../../src/log/storage/contract.js";
import { openPostgresStorage } from "../../../src/log/storage/postgres.js";
import { TransparencyLog, type AppendResult } from "../../../src/log/transparency-log.js";
import { ORIGIN, openNote, signCheckpoint } from "../helpers.js";
import { naiveMth } from "../merkle/naive.js";
import { makeEntries, runStorageConformance } from "./conformance.js";
import {
  PG_URL,
  admin,
  dropSchema,
  endAdmin,
  freshSchema,
  pgHarness,
  skipLoudly,
  unavailable,
} from "./postgres-harness.js";

const code = (c: string) => (err: unknown) => isZeqError(err, c);

async function schemaExists(schema: string): Promise<boolean> {
  const res = await admin().query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", [schema]);
  return res.rowCount === 1;
}

function backendTests(): void {
  test("postgres: schemas that are not log stores, absent stores and bad names are refused", async () => {
    const other = freshSchema();
    const absent = freshSchema();
    try {
      await admin().query(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".users (name text)`);
      await assert.rejects(
        openPostgresStorage({ connectionString: PG_URL, schema: other }),
        code("LOG_STORAGE_OPEN_FAILED"),
      );
      await assert.rejects(
        openPostgresStorage({ connectionString: PG_URL, schema: absent, mustExist: true }),
        code("LOG_STORAGE_OPEN_FAILED"),
      );
      assert.equal(await schemaExists(absent), false, "mustExist creates nothing");
      await assert.rejects(openPostgresStorage({ connectionString: PG_URL, schema: 'x"; DROP' }), RangeError);
      await assert.rejects(openPostgresStorage({ connectionString: PG_URL, schema: "Upper" }), RangeError);

      const created = await openPostgresStorage({ connectionString: PG_URL, schema: absent });
      await created.close();
      const existing = await openPostgresStorage({
        connectionString: PG_URL,
        schema: absent,
        mustExist: true,
      });
      assert.equal(existing.backend, "postgres");
      assert.equal((await existing.treeHead()).size, 0);
      await existing.close();
    } finally {
      await dropSchema(other);
      await dropSchema(absent);
    }
  });

  test("postgres: an unreachable server is LOG_STORAGE_OPEN_FAILED, naming the host, never the password", async () => {
    const err = await openPostgresStorage({
      connectionString: "postgres://zeq:s3cret-pw@127.0.0.1:1/logdb",
    }).then(
      () => assert.fail("opened a store on a closed port"),
      (e: unknown) => e,
    );
    assert.ok(isZeqError(err, "LOG_STORAGE_OPEN_FAILED"), String(err));
    // The message is what an operator acts on; a password in it would end up in logs.
    const message = (err as Error).message;
    assert.match(message, /127\.0\.0\.1:1\/logdb/);
    assert.doesNotMatch(message, /s3cret-pw/);
  });

  test("postgres: a writer waits for the write lock, and gives up after the lock timeout", async () => {
    const h = pgHarness();
    const impatient = await h.open({ lockTimeoutMs: 300 });
    const holder = await admin().connect();
    let patient: LogStorage | null = null;
    try {
      const r2 = await impatient.sequence({ entries: makeEntries(0, 2) });
      await holder.query("BEGIN");
      await holder.query(`SELECT size FROM "${h.schema}".tree_head WHERE id = 1 FOR UPDATE`);
      await assert.rejects(impatient.sequence({ entries: makeEntries(2, 1) }), code("LOG_STORAGE_IO"));
      const c2 = { size: 2, rootHash: r2.rootHash, note: "test-log\n2\n…\n" };
      await assert.rejects(impatient.saveCheckpoint(c2), code("LOG_STORAGE_IO"));

      patient = await h.open({ lockTimeoutMs: 20_000 });
      let settled = false;
      const waiting = patient.sequence({ entries: makeEntries(2, 1) }).finally(() => (settled = true));
      await delay(400);
      assert.equal(settled, false, "the writer waits while another transaction holds the lock");
      await holder.query("ROLLBACK");
      const r3 = await waiting;
      assert.deepEqual([r3.firstIndex, r3.treeSize], [2, 3]);
      assert.equal(toHex(r3.rootHash), toHex(naiveMth(makeEntries(0, 3).map((e) => e.leaf))));
    } finally {
      // Destroyed, not returned: a connection left inside a transaction would block the DROP.
      holder.release(true);
      await patient?.close();
      await impatient.close();
      await h.destroy();
    }
  });

  test("postgres: a statement failing mid-transaction rolls the whole batch back", async () => {
    const h = pgHarness();
    const s = await h.open();
    try {
      await s.sequence({ entries: makeEntries(0, 3) });
      // Leaves 3 and 4 complete node (2, 0): the hash INSERT fails after the leaf INSERT ran.
      await admin().query(
        `ALTER TABLE "${h.schema}".hashes ADD CONSTRAINT no_level_2 CHECK (level < 2) NOT VALID`,
      );
      await assert.rejects(s.sequence({ entries: makeEntries(3, 2) }), code("LOG_STORAGE_IO"));
      assert.equal((await s.treeHead()).size, 3);
      assert.deepEqual(await s.readEntries(3, 10), []);
      assert.equal(await s.countHashes(), storedHashCount(3));

      await admin().query(`ALTER TABLE "${h.schema}".hashes DROP CONSTRAINT no_level_2`);
      const r = await s.sequence({ entries: makeEntries(3, 2) });
      assert.deepEqual([r.firstIndex, r.treeSize], [3, 5]);
      assert.equal(toHex(r.rootHash), toHex(naiveMth(makeEntries(0, 5).map((e) => e.leaf))));
    } finally {
      await s.close();
      await h.destroy();
    }
  });

  test("postgres: a size beyond 2^53 − 1 or a missing head is corruption, never a rounded number", async () => {
    const h = pgHarness();
    const s = await h.open();
    try {
      await s.sequence({ entries: makeEntries(0, 3) });
      await admin().query(`UPDATE "${h.schema}".tree_head SET size = 9007199254740993`);
      await assert.rejects(s.treeHead(), code("LOG_STORAGE_CORRUPT"));
      await assert.rejects(s.sequence({ entries: makeEntries(3, 1) }), code("LOG_STORAGE_CORRUPT"));
      assert.deepEqual(await s.readEntries(3, 10), [], "the refused sequence wrote nothing");
      await admin().query(`DELETE FROM "${h.schema}".tree_head`);
      await assert.rejects(s.treeHead(), code("LOG_STORAGE_CORRUPT"));
      await assert.rejects(s.sequence({ entries: makeEntries(3, 1) }), code("LOG_STORAGE_CORRUPT"));
    } finally {
      await s.close();
      await h.destroy();
    }
  });

  test("postgres: commits that would not be durable are refused, at open and at every commit", async () => {
    // A role of its own: ALTER ROLE … SET synchronous_commit = off then reaches only the
    // sessions of this test, and a leftover role would be harmless.
    const role = `zeq_test_role_${randomBytes(4).toString("hex")}`;
    const schema = freshSchema();
    const db = (await admin().query<{ db: string }>("SELECT current_database() AS db")).rows[0]!.db;
    const url = new URL(PG_URL);
    url.username = role;
    url.password = "";
    await admin().query(`CREATE ROLE "${role}" LOGIN`);
    let s: LogStorage | null = null;
    try {
      await admin().query(`GRANT CREATE ON DATABASE "${db}" TO "${role}"`);
      s = await openPostgresStorage({ connectionString: url.href, schema, poolSize: 1 });
      await s.sequence({ entries: makeEntries(0, 1) });

      await admin().query(`ALTER ROLE "${role}" SET synchronous_commit = off`);
      // The setting reaches new sessions: end the pool's one, so the next commit opens one.
      await admin().query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [
        role,
      ]);
      for (let i = 0; i < 100; i++) {
        const left = await admin().query("SELECT 1 FROM pg_stat_activity WHERE usename = $1", [role]);
        if (left.rowCount === 0) break;
        await delay(50);
      }
      // The first commit may meet the terminated connection; the second has a new one.
      await assert.rejects(s.sequence({ entries: makeEntries(1, 1) }), code("LOG_STORAGE_IO"));
      await assert.rejects(s.sequence({ entries: makeEntries(1, 1) }), code("LOG_STORAGE_IO"));
      await assert.rejects(
        openPostgresStorage({ connectionString: url.href, schema }),
        code("LOG_STORAGE_OPEN_FAILED"),
      );
      assert.equal((await s.treeHead()).size, 1, "nothing was written without durability");
    } finally {
      await s?.close();
      await dropSchema(schema);
      await admin().query(`REVOKE CREATE ON DATABASE "${db}" FROM "${role}"`);
      await admin().query(`DROP ROLE "${role}"`);
    }
  });
}

function replicaTest(): void {
  test("postgres: two replicas share one log", async () => {
    const h = pgHarness();
    // Opened together: both find the schema missing, the advisory lock lets one create it.
    const [storageA, storageB] = await Promise.all([h.open(), h.open()]);
    const logs: TransparencyLog[] = [];
    try {
      for (const storage of [storageA, storageB]) {
        logs.push(
          await TransparencyLog.open({ storage, origin: ORIGIN, signCheckpoint, maxBatchEntries: 16 }),
        );
      }
      const [a, b] = logs as [TransparencyLog, TransparencyLog];
      const entries = Array.from({ length: 400 }, (_, i) => ({
        leaf: utf8(`{"record":${i},"replica":"${i % 2 ? "b" : "a"}"}`),
        extra: utf8(`{"envelope":${i}}`),
      }));
      const results: AppendResult[] = await Promise.all(entries.map((e, i) => (i % 2 ? b : a).append(e)));

      assert.deepEqual(
        results.map((r) => r.index).sort((x, y) => x - y),
        entries.map((_, i) => i),
        "indices are exactly 0..399, each once",
      );
      results.forEach((r, i) => {
        const cp = openNote(r.checkpoint);
        assert.equal(cp.size, r.treeSize, `append ${i}: the checkpoint signs its tree size`);
        assert.equal(toHex(cp.rootHash), toHex(r.rootHash), `append ${i}: the checkpoint signs its root`);
        verifyInclusion(r.index, r.treeSize, leafHash(entries[i]!.leaf), r.inclusionProof, cp.rootHash);
      });
      // The replicas' commits alternate under the lock; one running all of its commits
      // before the other began would not have tested sharing at all.
      const commits = [...new Map(results.map((r, i) => [r.treeSize, i % 2])).entries()].sort(
        (x, y) => x[0] - y[0],
      );
      const switches = commits.filter((c, k) => k > 0 && c[1] !== commits[k - 1]![1]).length;
      assert.ok(switches >= 2, `commits of the two replicas interleave (${switches} switches)`);

      await a.close();
      await b.close();

      const s = await h.open();
      try {
        const head = await s.treeHead();
        assert.equal(head.size, 400);
        const back = await s.readEntries(0, 401);
        assert.equal(back.length, 400);
        results.forEach((r, i) => {
          assert.equal(toHex(back[r.index]!.leaf), toHex(entries[i]!.leaf), `leaf at ${r.index}`);
          assert.equal(toHex(back[r.index]!.extra), toHex(entries[i]!.extra), `extra at ${r.index}`);
        });
        assert.equal(toHex(head.rootHash), toHex(naiveMth(back.map((e) => e.leaf))));
        // Each commit's checkpoint, signed by the replica that made it, is stored.
        for (const r of results) assert.equal((await s.checkpointAt(r.treeSize))?.note, r.checkpoint);
        const report = await fsck(s, openNote);
        assert.deepEqual(report.problems, []);
        assert.equal(report.ok, true);
        assert.equal(report.treeSize, 400);
        assert.ok(report.checkpointsChecked >= commits.length + 1, "the empty tree's and every commit's");
      } finally {
        await s.close();
      }
    } finally {
      for (const log of logs) await log.close();
      await storageA.close();
      await storageB.close();
      await h.destroy();
    }
  });
}

const why = await unavailable();
if (why !== undefined) {
  test("postgres backend", (t) => skipLoudly(t, why));
} else {
  after(endAdmin);
  runStorageConformance("postgres", async () => pgHarness());
  runStorageConformance("postgres (pool of one)", async () => pgHarness({ poolSize: 1 }));
  backendTests();
  replicaTest();
}
