import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readdirSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { BlobStore } from "../../src/blob/store.js";
import { BlobError } from "../../src/blob/errors.js";
import { decodeTensorBundle, encodeTensorBundle } from "../../src/blob/tensor-bundle.js";
import { sha256Hex } from "../../src/core/hash.js";

const isBlobError = (code: string) => (e: unknown) => e instanceof BlobError && e.code === code;

test("blobs are stored under their SHA-256 and read back checked", async () => {
  const store = new BlobStore(mkdtempSync(join(tmpdir(), "zeq-blobs-")));
  const bytes = new TextEncoder().encode("The quick brown fox");
  const digest = await store.put(bytes);
  assert.equal(digest, sha256Hex(bytes));
  assert.equal(await store.put(bytes), digest, "idempotent");
  assert.deepEqual(await store.get(digest), bytes);
  await assert.rejects(store.get("0".repeat(64)), isBlobError("BLOB_NOT_FOUND"));
  await assert.rejects(store.get("../etc/passwd"), isBlobError("BLOB_DIGEST_INVALID"));
  // Corruption on disk is detected, not replayed.
  writeFileSync(join(store.root, digest.slice(0, 2), digest), "tampered");
  await assert.rejects(store.get(digest), isBlobError("BLOB_CORRUPT"));
});

test("retention removes the oldest blobs first", async () => {
  const root = mkdtempSync(join(tmpdir(), "zeq-blobs-"));
  const store = new BlobStore(root);
  const a = await store.put(new Uint8Array(100).fill(1));
  const b = await store.put(new Uint8Array(100).fill(2));
  const old = new Date(Date.now() - 10 * 86400_000);
  utimesSync(join(root, a.slice(0, 2), a), old, old);
  assert.equal(await store.prune({ maxAgeMs: 86400_000 }), 1);
  await assert.rejects(store.get(a), isBlobError("BLOB_NOT_FOUND"));
  assert.equal((await store.get(b)).length, 100);
  assert.equal(await store.prune({ maxBytes: 50 }), 1);
  assert.equal(readdirSync(join(root, b.slice(0, 2))).length, 0);
});

test("tensor bundles round-trip and refuse malformed bytes", () => {
  const tensors = [
    {
      name: "input_ids",
      dtype: "int64" as const,
      shape: [1, 3],
      data: new BigInt64Array([101n, 1996n, 102n]),
    },
    { name: "pixel_values", dtype: "float32" as const, shape: [2], data: new Float32Array([0.5, -1]) },
  ];
  const bundle = encodeTensorBundle(tensors);
  assert.deepEqual(decodeTensorBundle(bundle), tensors);
  for (const bad of [
    new Uint8Array(),
    bundle.subarray(0, bundle.length - 1),
    new TextEncoder().encode("{}\n"),
  ]) {
    assert.throws(() => decodeTensorBundle(bad), isBlobError("BLOB_BUNDLE_MALFORMED"));
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
      try {
        decodeTensorBundle(junk);
      } catch (e) {
        assert.ok(e instanceof BlobError, String(e));
      }
    }),
  );
});
