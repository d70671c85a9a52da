/**
 * The conformance suite every LogStorage backend must pass. Backend-neutral: a backend
 * supplies a harness that opens its store (the same store on every call) and can set
 * the stored schema version; everything else goes through the LogStorage contract.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { toHex, utf8 } from "../../../src/core/bytes.js";
import { isZeqError } from "../../../src/core/errors.js";
import {
  EMPTY_ROOT,
  consistencyProof,
  inclusionProof,
  KnownHashes,
  storedHashCount,
  verifyConsistency,
  verifyInclusion,
  leafHash,
  type NodeId,
} from "../../../src/log/merkle/index.js";
import type { LogEntry, LogStorage, StoredCheckpoint } from "../../../src/log/storage/contract.js";
import { naiveConsistency, naiveMth, naivePath } from "../merkle/naive.js";

export interface StorageHarness {
  /** Opens the store under test; every call opens the same underlying store. */
  open(): Promise<LogStorage>;
  /** Rewrites the stored schema version (backend-specific) to test the version check. */
  setSchemaVersion(version: number): Promise<void>;
  /** Removes the store. */
  destroy(): Promise<void>;
}

/** Entries with binary leaves (every byte value) and extras, some empty. */
export function makeEntries(from: number, count: number): LogEntry[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const leaf = Uint8Array.from({ length: 1 + (i % 37) }, (_, j) => (i * 31 + j * 7) % 256);
    return { leaf, extra: i % 3 === 0 ? new Uint8Array() : utf8(`{"envelope":${i}}`) };
  });
}

const code = (c: string) => (err: unknown) => isZeqError(err, c);
const leavesOf = (entries: readonly LogEntry[]): Uint8Array[] => entries.map((e) => e.leaf);

function note(size: number, root: Uint8Array, tag = ""): string {
  return `test-log\n${size}\n${Buffer.from(root).toString("base64")}\n\n— test ${tag}sig\n`;
}

async function withStore<T>(harness: StorageHarness, fn: (s: LogStorage) => Promise<T>): Promise<T> {
  const s = await harness.open();
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/**
 * Registers the suite's tests for one backend.
 * @param makeHarness called once per test: a fresh, empty store each time
 */
export function runStorageConformance(name: string, makeHarness: () => Promise<StorageHarness>): void {
  const each = (title: string, fn: (h: StorageHarness) => Promise<void>): void => {
    test(`${name}: ${title}`, async () => {
      const h = await makeHarness();
      try {
        await fn(h);
      } finally {
        await h.destroy();
      }
    });
  };

  each("a new store is empty, with the empty tree's root", (h) =>
    withStore(h, async (s) => {
      const head = await s.treeHead();
      assert.equal(head.size, 0);
      assert.equal(toHex(head.rootHash), toHex(EMPTY_ROOT));
      assert.equal(await s.latestCheckpoint(), null);
      assert.equal(await s.countHashes(), 0);
      assert.deepEqual(await s.readEntries(0, 10), []);
      const none = await s.sequence({ entries: [] });
      assert.deepEqual([none.firstIndex, none.treeSize], [0, 0]);
    }),
  );

  each("sequence appends batches: indices, roots, entries byte for byte, hash count", (h) =>
    withStore(h, async (s) => {
      const all: LogEntry[] = [];
      for (const n of [1, 2, 5, 1, 13, 8, 3]) {
        const batch = makeEntries(all.length, n);
        const r = await s.sequence({ entries: batch });
        assert.equal(r.firstIndex, all.length);
        all.push(...batch);
        assert.equal(r.treeSize, all.length);
        assert.equal(toHex(r.rootHash), toHex(naiveMth(leavesOf(all))), `root at ${all.length}`);
        const head = await s.treeHead();
        assert.deepEqual([head.size, toHex(head.rootHash)], [r.treeSize, toHex(r.rootHash)]);
      }
      const back = await s.readEntries(0, all.length + 5);
      assert.equal(back.length, all.length);
      back.forEach((e, i) => {
        assert.deepEqual(new Uint8Array(e.leaf), all[i]?.leaf, `leaf ${i}`);
        assert.deepEqual(new Uint8Array(e.extra), all[i]?.extra, `extra ${i}`);
      });
      assert.deepEqual(
        (await s.readEntries(5, 2)).map((e) => toHex(e.leaf)),
        [5, 6].map((i) => toHex(all[i]!.leaf)),
      );
      assert.equal(await s.countHashes(), storedHashCount(all.length));
    }),
  );

  each("a sequence result carries every hash the batch's inclusion proofs need", (h) =>
    withStore(h, async (s) => {
      const all: LogEntry[] = [];
      for (const n of [3, 1, 6, 11, 2]) {
        const batch = makeEntries(all.length, n);
        const r = await s.sequence({ entries: batch });
        all.push(...batch);
        const known = new KnownHashes(r.hashes);
        for (let i = r.firstIndex; i < r.treeSize; i++) {
          const proof = known.inclusionProof(i, r.treeSize);
          assert.deepEqual(
            proof.map(toHex),
            naivePath(i, leavesOf(all)).map(toHex),
            `PATH(${i}, ${r.treeSize})`,
          );
          verifyInclusion(i, r.treeSize, leafHash(all[i]!.leaf), proof, r.rootHash);
        }
      }
    }),
  );

  each("proofs from stored hashes, for every earlier size, match RFC 6962", (h) =>
    withStore(h, async (s) => {
      const all = makeEntries(0, 21);
      await s.sequence({ entries: all.slice(0, 9) });
      await s.sequence({ entries: all.slice(9) });
      const read = (ids: readonly NodeId[]): Promise<Uint8Array[]> => s.readHashes(ids);
      const leaves = leavesOf(all);
      for (let size = 1; size <= all.length; size++) {
        const root = naiveMth(leaves.slice(0, size));
        for (let i = 0; i < size; i++) {
          const proof = await inclusionProof(i, size, read);
          assert.deepEqual(
            proof.map(toHex),
            naivePath(i, leaves.slice(0, size)).map(toHex),
            `PATH(${i}, ${size})`,
          );
          verifyInclusion(i, size, leafHash(leaves[i]!), proof, root);
        }
        for (let from = 1; from <= size; from++) {
          const proof = await consistencyProof(from, size, read);
          assert.deepEqual(proof.map(toHex), naiveConsistency(from, leaves.slice(0, size)).map(toHex));
          verifyConsistency(from, size, proof, naiveMth(leaves.slice(0, from)), root);
        }
      }
      await assert.rejects(s.readHashes([{ level: 0, index: 21 }]), code("LOG_STORAGE_CORRUPT"));
      await assert.rejects(s.readHashes([{ level: 5, index: 0 }]), code("LOG_STORAGE_CORRUPT"));
    }),
  );

  each("checkpoints: stored apart, never two roots for one size", (h) =>
    withStore(h, async (s) => {
      const r5 = await s.sequence({ entries: makeEntries(0, 5) });
      const r9 = await s.sequence({ entries: makeEntries(5, 4) });
      const c5: StoredCheckpoint = { size: 5, rootHash: r5.rootHash, note: note(5, r5.rootHash, "a") };
      await s.saveCheckpoint(c5);
      await s.saveCheckpoint({ ...c5, note: note(5, r5.rootHash, "b") }); // same root: kept, no error
      assert.equal((await s.checkpointAt(5))?.note, c5.note, "the first note is kept");

      const other = r9.rootHash;
      await assert.rejects(
        s.saveCheckpoint({ size: 5, rootHash: other, note: note(5, other) }),
        code("LOG_CHECKPOINT_CONFLICT"),
      );
      await assert.rejects(
        s.saveCheckpoint({ size: 7, rootHash: other, note: note(7, other) }),
        code("LOG_CHECKPOINT_MISMATCH"),
      );
      await assert.rejects(
        s.saveCheckpoint({ size: 10, rootHash: other, note: note(10, other) }),
        code("LOG_CHECKPOINT_MISMATCH"),
      );
      await assert.rejects(
        s.saveCheckpoint({ size: 9, rootHash: new Uint8Array(3), note: "x" }),
        code("LOG_CHECKPOINT_MISMATCH"),
      );

      const c0 = { size: 0, rootHash: EMPTY_ROOT, note: note(0, EMPTY_ROOT) };
      await s.saveCheckpoint(c0);
      const c9 = { size: 9, rootHash: r9.rootHash, note: note(9, r9.rootHash) };
      await s.saveCheckpoint(c9);
      assert.equal((await s.latestCheckpoint())?.size, 9);
      assert.equal(toHex((await s.latestCheckpoint())!.rootHash), toHex(r9.rootHash));
      assert.equal(await s.checkpointAt(7), null);
      assert.deepEqual(
        (await s.listCheckpoints(0, 10)).map((c) => c.size),
        [0, 5, 9],
      );
      assert.deepEqual(
        (await s.listCheckpoints(1, 1)).map((c) => c.size),
        [5],
      );
      assert.deepEqual(
        (await s.listCheckpoints(6, 10)).map((c) => c.note),
        [c9.note],
      );
    }),
  );

  each("a checkpoint rides in a sequence atomically: a refused one writes no entries either", (h) =>
    withStore(h, async (s) => {
      const r3 = await s.sequence({ entries: makeEntries(0, 3) });
      const c3 = { size: 3, rootHash: r3.rootHash, note: note(3, r3.rootHash) };
      const r5 = await s.sequence({ entries: makeEntries(3, 2), checkpoint: c3 });
      assert.equal((await s.checkpointAt(3))?.note, c3.note);

      const wrong = { size: 3, rootHash: r5.rootHash, note: note(3, r5.rootHash) };
      await assert.rejects(
        s.sequence({ entries: makeEntries(5, 4), checkpoint: wrong }),
        code("LOG_CHECKPOINT_CONFLICT"),
      );
      const head = await s.treeHead();
      assert.equal(head.size, 5, "the refused transaction wrote nothing");
      assert.equal(await s.countHashes(), storedHashCount(5));
      assert.deepEqual(await s.readEntries(5, 10), []);

      // A checkpoint for the size the same transaction creates is accepted.
      const r7root = naiveMth(leavesOf(makeEntries(0, 7)));
      await s.sequence({
        entries: makeEntries(5, 2),
        checkpoint: { size: 7, rootHash: r7root, note: note(7, r7root) },
      });
      assert.equal((await s.latestCheckpoint())?.size, 7);
    }),
  );

  each("malformed entries are refused and nothing is written", (h) =>
    withStore(h, async (s) => {
      await s.sequence({ entries: makeEntries(0, 2) });
      const bad = [...makeEntries(2, 2), { leaf: "text", extra: new Uint8Array() } as unknown as LogEntry];
      await assert.rejects(s.sequence({ entries: bad }), code("LOG_ENTRY_INVALID"));
      await assert.rejects(
        s.sequence({ entries: [{ leaf: new Uint8Array() } as LogEntry] }),
        code("LOG_ENTRY_INVALID"),
      );
      assert.equal((await s.treeHead()).size, 2);
    }),
  );

  each("reopen: everything committed is there; a closed store refuses work", async (h) => {
    const s1 = await h.open();
    const entries = makeEntries(0, 12);
    const r = await s1.sequence({ entries });
    await s1.saveCheckpoint({ size: 12, rootHash: r.rootHash, note: note(12, r.rootHash) });
    await s1.close();
    await s1.close(); // idempotent
    await assert.rejects(s1.treeHead(), code("LOG_CLOSED"));
    await assert.rejects(s1.sequence({ entries }), code("LOG_CLOSED"));

    await withStore(h, async (s2) => {
      const head = await s2.treeHead();
      assert.deepEqual([head.size, toHex(head.rootHash)], [12, toHex(r.rootHash)]);
      const back = await s2.readEntries(0, 12);
      assert.deepEqual(
        back.map((e) => toHex(e.leaf)),
        entries.map((e) => toHex(e.leaf)),
      );
      assert.equal((await s2.latestCheckpoint())?.size, 12);
      const more = await s2.sequence({ entries: makeEntries(12, 3) });
      assert.equal(toHex(more.rootHash), toHex(naiveMth(leavesOf(makeEntries(0, 15)))));
    });
  });

  each("a store of another schema version refuses to open", async (h) => {
    await withStore(h, async (s) => void (await s.sequence({ entries: makeEntries(0, 1) })));
    await h.setSchemaVersion(999);
    await assert.rejects(h.open(), code("LOG_STORAGE_SCHEMA_VERSION"));
    await h.setSchemaVersion(1);
    await withStore(h, async (s) => assert.equal((await s.treeHead()).size, 1));
  });

  each("several writers on one store: the write lock sequences every batch once", async (h) => {
    const a = await h.open();
    const b = await h.open();
    try {
      const batches = Array.from({ length: 16 }, (_, k) => makeEntries(1000 * k, 1 + (k % 5)));
      const results = await Promise.all(
        batches.map((batch, k) => (k % 2 ? a : b).sequence({ entries: batch })),
      );
      const total = batches.reduce((n, x) => n + x.length, 0);
      const starts = results.map((r) => r.firstIndex).sort((x, y) => x - y);
      let next = 0;
      for (const st of starts) {
        const k = results.findIndex((r) => r.firstIndex === st);
        assert.equal(st, next, "batches are contiguous and disjoint");
        next += batches[k]!.length;
        const back = await a.readEntries(st, batches[k]!.length);
        assert.deepEqual(
          back.map((e) => toHex(e.leaf)),
          batches[k]!.map((e) => toHex(e.leaf)),
        );
      }
      const head = await b.treeHead();
      assert.equal(head.size, total);
      const leaves = leavesOf(await a.readEntries(0, total));
      assert.equal(toHex(head.rootHash), toHex(naiveMth(leaves)));
      assert.equal(await a.countHashes(), storedHashCount(total));
    } finally {
      await a.close();
      await b.close();
    }
  });
}
