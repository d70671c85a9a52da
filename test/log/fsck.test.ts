/**
 * fsck on a clean store, then on copies of it with one kind of damage each: every kind
 * must be found and named.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import Database from "better-sqlite3";
import { utf8 } from "../../src/core/bytes.js";
import { fsck, type FsckProblemKind } from "../../src/log/fsck.js";
import { formatCheckpoint } from "../../src/log/checkpoint.js";
import { TransparencyLog } from "../../src/log/transparency-log.js";
import { ORIGIN, openNote, signCheckpoint, tempStore, type TempStore } from "./helpers.js";

async function buildCleanStore(): Promise<TempStore> {
  const store = tempStore();
  const log = await TransparencyLog.open({ storage: await store.open(), origin: ORIGIN, signCheckpoint });
  for (const batch of [3, 1, 17, 6, 40]) {
    const start = (await log.latestCheckpoint()).size;
    await Promise.all(
      Array.from({ length: batch }, (_, k) =>
        log.append({ leaf: utf8(`leaf ${start + k}`), extra: utf8(`x${k}`) }),
      ),
    );
  }
  await log.close();
  return store;
}

async function damagedCopy(
  clean: TempStore,
  damage: (db: Database.Database) => void,
): Promise<FsckProblemKind[]> {
  const copy = tempStore();
  try {
    copyFileSync(clean.path, copy.path);
    const db = new Database(copy.path);
    damage(db);
    db.close();
    const storage = await copy.open();
    const report = await fsck(storage, openNote, { chunk: 5 });
    await storage.close();
    assert.equal(report.ok, false);
    return [...new Set(report.problems.map((p) => p.kind))].sort();
  } finally {
    copy.remove();
  }
}

test("fsck: a clean store passes, with every leaf, hash and checkpoint checked", async () => {
  const clean = await buildCleanStore();
  try {
    const storage = await clean.open();
    const report = await fsck(storage, openNote, { chunk: 7 });
    await storage.close();
    assert.deepEqual(report.problems, []);
    assert.equal(report.ok, true);
    assert.equal(report.treeSize, 67);
    assert.equal(report.leavesChecked, 67);
    assert.equal(report.hashesChecked, 67 + 33 + 16 + 8 + 4 + 2 + 1);
    assert.ok(report.checkpointsChecked >= 6, `${report.checkpointsChecked} checkpoints`);
  } finally {
    clean.remove();
  }
});

test("fsck: each kind of damage is found", async () => {
  const clean = await buildCleanStore();
  try {
    const bad = new Uint8Array(32).fill(0xee);
    const cases: [string, (db: Database.Database) => void, FsckProblemKind[]][] = [
      [
        "a leaf's bytes",
        (db) => db.prepare("UPDATE leaves SET leaf = ? WHERE idx = 20").run(utf8("evil")),
        // The leaf no longer hashes to what was signed: every later root and checkpoint differs.
        ["CHECKPOINT_ROOT_MISMATCH", "HASH_MISMATCH", "HEAD_MISMATCH"],
      ],
      [
        "an interior hash",
        (db) => db.prepare("UPDATE hashes SET hash = ? WHERE level = 3 AND idx = 1").run(bad),
        // Proofs between checkpoints are built from stored hashes, so they break too.
        ["CHECKPOINT_INCONSISTENT", "HASH_MISMATCH"],
      ],
      [
        "a missing hash",
        (db) => db.prepare("DELETE FROM hashes WHERE level = 2 AND idx = 4").run(),
        ["CHECKPOINT_INCONSISTENT", "HASH_COUNT_MISMATCH", "HASH_MISSING"],
      ],
      ["a missing leaf", (db) => db.prepare("DELETE FROM leaves WHERE idx = 30").run(), ["ENTRY_MISSING"]],
      [
        "an extra leaf",
        (db) => db.prepare("INSERT INTO leaves VALUES (67, ?, ?)").run(utf8("x"), utf8("y")),
        ["EXTRA_ENTRIES"],
      ],
      [
        "the head's root",
        (db) => db.prepare("UPDATE tree_head SET root_hash = ?").run(bad),
        ["HEAD_MISMATCH"],
      ],
      [
        "a checkpoint row's root",
        (db) => db.prepare("UPDATE checkpoints SET root_hash = ? WHERE size = 21").run(bad),
        ["CHECKPOINT_ROW_MISMATCH"],
      ],
      [
        "a checkpoint's signature",
        (db) => db.prepare("UPDATE checkpoints SET note = replace(note, '— ', '— x') WHERE size = 21").run(),
        ["CHECKPOINT_UNREADABLE"],
      ],
      [
        "a validly signed checkpoint of another root",
        (db) => {
          const note = signCheckpoint(formatCheckpoint({ origin: ORIGIN, size: 10, rootHash: bad }));
          db.prepare("INSERT INTO checkpoints VALUES (10, ?, ?)").run(bad, note);
        },
        ["CHECKPOINT_ROOT_MISMATCH"],
      ],
      [
        "a checkpoint beyond the tree",
        (db) => {
          const note = signCheckpoint(formatCheckpoint({ origin: ORIGIN, size: 99, rootHash: bad }));
          db.prepare("INSERT INTO checkpoints VALUES (99, ?, ?)").run(bad, note);
        },
        ["CHECKPOINT_BEYOND_TREE"],
      ],
    ];
    for (const [what, damage, want] of cases) {
      assert.deepEqual(await damagedCopy(clean, damage), want, what);
      console.log("ok case", what);
    }
  } finally {
    clean.remove();
  }
});
