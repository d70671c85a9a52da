/**
 * The log service: group commit, one signed checkpoint per commit, proofs that verify
 * against those checkpoints, all-or-nothing batches, close and reopen.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { toHex, utf8 } from "../../src/core/bytes.js";
import { isZeqError } from "../../src/core/errors.js";
import { LogError } from "../../src/log/errors.js";
import { EMPTY_ROOT, leafHash, verifyConsistency, verifyInclusion } from "../../src/log/merkle/index.js";
import { TransparencyLog, type AppendResult } from "../../src/log/transparency-log.js";
import { naiveMth } from "./merkle/naive.js";
import { ORIGIN, WrappedStorage, openNote, signCheckpoint, tempStore } from "./helpers.js";

const code = (c: string) => (err: unknown) => isZeqError(err, c);
const entry = (i: number) => ({ leaf: utf8(`{"record":${i}}`), extra: utf8(`{"envelope":${i}}`) });

/** Checks a result the way a receipt verifier would: checkpoint signature, then inclusion. */
function checkResult(r: AppendResult, leaf: Uint8Array): void {
  const cp = openNote(r.checkpoint);
  assert.equal(cp.size, r.treeSize);
  assert.equal(toHex(cp.rootHash), toHex(r.rootHash));
  verifyInclusion(r.index, r.treeSize, leafHash(leaf), r.inclusionProof, cp.rootHash);
}

test("a new log signs and stores a checkpoint for the empty tree", async () => {
  const store = tempStore();
  try {
    const storage = await store.open();
    const log = await TransparencyLog.open({ storage, origin: ORIGIN, signCheckpoint });
    const cp = await log.latestCheckpoint();
    assert.equal(cp.size, 0);
    assert.equal(toHex(cp.rootHash), toHex(EMPTY_ROOT));
    assert.equal(toHex(openNote(cp.note).rootHash), toHex(EMPTY_ROOT));
    assert.equal((await storage.checkpointAt(0))?.note, cp.note);
    await log.close();
  } finally {
    store.remove();
  }
});

test("group commit: a lone append commits at once, the rest share the next commits", async () => {
  const store = tempStore();
  try {
    const storage = new WrappedStorage(await store.open());
    const log = await TransparencyLog.open({ storage, origin: ORIGIN, signCheckpoint, maxBatchEntries: 50 });
    const entries = Array.from({ length: 200 }, (_, i) => entry(i));
    const results = await Promise.all(entries.map((e) => log.append(e)));
    // The first append found an idle log and committed alone; the others queued meanwhile.
    assert.deepEqual(storage.batchSizes, [1, 50, 50, 50, 49]);
    assert.deepEqual(
      results.map((r) => r.index),
      entries.map((_, i) => i),
    );
    const byCheckpoint = new Map<string, number[]>();
    results.forEach((r, i) => {
      checkResult(r, entries[i]!.leaf);
      byCheckpoint.set(r.checkpoint, [...(byCheckpoint.get(r.checkpoint) ?? []), r.index]);
    });
    // One checkpoint per commit, shared by every append of that commit.
    assert.deepEqual(
      [...byCheckpoint.values()].map((ix) => ix.length),
      [1, 50, 50, 50, 49],
    );
    assert.equal(toHex(results[199]!.rootHash), toHex(naiveMth(entries.map((e) => e.leaf))));

    const lone = await log.append(entry(200));
    assert.equal(lone.index, 200);
    assert.equal(storage.batchSizes.at(-1), 1);
    await log.close();

    // Every commit's checkpoint was stored: carried by the next commit or saved when idle.
    const reopened = await store.open();
    const sizes = (await reopened.listCheckpoints(0, 100)).map((c) => c.size);
    assert.deepEqual(sizes, [0, 1, 51, 101, 151, 200, 201]);
    await reopened.close();
  } finally {
    store.remove();
  }
});

test("proofs, entries and checkpoints the log serves verify against each other", async () => {
  const store = tempStore();
  try {
    const log = await TransparencyLog.open({ storage: await store.open(), origin: ORIGIN, signCheckpoint });
    const first = await Promise.all([0, 1, 2, 3, 4].map((i) => log.append(entry(i))));
    const old = openNote(first[4]!.checkpoint);
    const more = await Promise.all([5, 6, 7, 8, 9, 10, 11].map((i) => log.append(entry(i))));
    const latest = await log.latestCheckpoint();
    assert.equal(latest.size, 12);
    assert.equal(latest.note, more[6]!.checkpoint);

    verifyConsistency(
      old.size,
      latest.size,
      await log.consistencyProof(old.size, latest.size),
      old.rootHash,
      latest.rootHash,
    );
    for (let i = 0; i < 12; i++) {
      verifyInclusion(i, 12, leafHash(entry(i).leaf), await log.inclusionProof(i, 12), latest.rootHash);
      const e = await log.entry(i);
      assert.deepEqual([toHex(e.leaf), toHex(e.extra)], [toHex(entry(i).leaf), toHex(entry(i).extra)]);
    }
    await assert.rejects(log.inclusionProof(0, 13), code("LOG_SIZE_BEYOND_TREE"));
    await assert.rejects(log.inclusionProof(12, 12), code("LOG_PROOF_INDEX_OUT_OF_RANGE"));
    await assert.rejects(log.consistencyProof(3, 13), code("LOG_SIZE_BEYOND_TREE"));
    await assert.rejects(log.consistencyProof(0, 5), code("LOG_PROOF_INDEX_OUT_OF_RANGE"));
    await assert.rejects(log.entry(12), code("LOG_SIZE_BEYOND_TREE"));
    await assert.rejects(log.entry(-1), code("LOG_SIZE_BEYOND_TREE"));
    await log.close();
  } finally {
    store.remove();
  }
});

test("a failed commit rejects every append of its batch and acknowledges none", async () => {
  const store = tempStore();
  try {
    const storage = new WrappedStorage(await store.open());
    const log = await TransparencyLog.open({ storage, origin: ORIGIN, signCheckpoint });
    await log.append(entry(0));
    storage.failSequence = () => new LogError("LOG_STORAGE_IO", "disk on fire");
    const settled = await Promise.allSettled([1, 2, 3].map((i) => log.append(entry(i))));
    for (const s of settled) {
      assert.equal(s.status, "rejected");
      assert.ok(code("LOG_COMMIT_FAILED")((s as PromiseRejectedResult).reason));
    }
    storage.failSequence = null;
    const next = await log.append(entry(4));
    assert.equal(next.index, 1, "nothing of the failed batch entered the tree");
    checkResult(next, entry(4).leaf);
    await log.close();
  } finally {
    store.remove();
  }
});

test("appends with a malformed entry reject alone; a failing signer acknowledges nothing", async () => {
  const store = tempStore();
  try {
    let fail = false;
    const signing = (body: string): string => {
      if (fail) throw new Error("hardware key unplugged");
      return signCheckpoint(body);
    };
    const log = await TransparencyLog.open({
      storage: await store.open(),
      origin: ORIGIN,
      signCheckpoint: signing,
    });
    await assert.rejects(log.append({ leaf: "x" } as never), code("LOG_ENTRY_INVALID"));
    await assert.rejects(log.append(null as never), code("LOG_ENTRY_INVALID"));
    fail = true;
    await assert.rejects(log.append(entry(0)), code("LOG_SIGN_FAILED"));
    fail = false;
    const ok = await log.append(entry(1));
    checkResult(ok, entry(1).leaf);
    await log.close();
  } finally {
    store.remove();
  }
  const other = tempStore();
  try {
    const storage = await other.open();
    await assert.rejects(
      TransparencyLog.open({ storage, origin: "two\nlines", signCheckpoint }),
      code("LOG_CHECKPOINT_INVALID_ARGUMENT"),
    );
    await storage.close();
  } finally {
    other.remove();
  }
});

test("close drains queued appends and leaves a checkpoint for the final size; reopen continues", async () => {
  const store = tempStore();
  try {
    const log = await TransparencyLog.open({
      storage: await store.open({ writer: "thread" }),
      origin: ORIGIN,
      signCheckpoint,
    });
    const pending = [0, 1, 2, 3, 4, 5, 6].map((i) => log.append(entry(i)));
    const closed = log.close();
    await assert.rejects(log.append(entry(99)), code("LOG_CLOSED"));
    const results = await Promise.all(pending);
    await closed;
    await log.close(); // idempotent
    results.forEach((r, i) => checkResult(r, entry(i).leaf));

    const storage = await store.open();
    assert.equal((await storage.latestCheckpoint())?.size, 7);
    const again = await TransparencyLog.open({ storage, origin: ORIGIN, signCheckpoint });
    const r = await again.append(entry(7));
    assert.equal(r.index, 7);
    const old = openNote(results[6]!.checkpoint);
    verifyConsistency(7, 8, await again.consistencyProof(7, 8), old.rootHash, r.rootHash);
    await again.close();
  } finally {
    store.remove();
  }
});

test("fails closed: a stored checkpoint that contradicts the tree, or a disputed one", async () => {
  const store = tempStore();
  try {
    const inner = await store.open();
    const log = await TransparencyLog.open({ storage: inner, origin: ORIGIN, signCheckpoint });
    await log.append(entry(0));
    await log.append(entry(1));
    await log.close();

    const storage = new WrappedStorage(await store.open());
    storage.fakeLatest = { size: 1, rootHash: EMPTY_ROOT, note: "forged\n" };
    await assert.rejects(
      TransparencyLog.open({ storage, origin: ORIGIN, signCheckpoint }),
      code("LOG_STORAGE_CORRUPT"),
    );
    storage.fakeLatest = { size: 9, rootHash: EMPTY_ROOT, note: "forged\n" };
    await assert.rejects(
      TransparencyLog.open({ storage, origin: ORIGIN, signCheckpoint }),
      code("LOG_STORAGE_CORRUPT"),
    );
    storage.fakeLatest = null;

    const disputed = await TransparencyLog.open({ storage, origin: ORIGIN, signCheckpoint });
    storage.failSequence = (req) =>
      req.checkpoint ? new LogError("LOG_CHECKPOINT_CONFLICT", "another root is stored for this size") : null;
    storage.failSave = () => new LogError("LOG_CHECKPOINT_CONFLICT", "another root is stored for this size");
    await disputed.append(entry(2)); // commits; its checkpoint cannot be stored
    // The dispute surfaces with the next write (carried checkpoint or idle flush)...
    await assert.rejects(
      disputed.append(entry(3)),
      (e) => code("LOG_COMMIT_FAILED")(e) || code("LOG_CHECKPOINT_CONFLICT")(e),
    );
    // ...and from then on the log refuses to append.
    await assert.rejects(disputed.append(entry(4)), code("LOG_CHECKPOINT_CONFLICT"));
    await disputed.close();
  } finally {
    store.remove();
  }
});
