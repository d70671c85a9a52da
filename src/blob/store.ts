/**
 * A content-addressed blob store on the local file system: retained inputs and large
 * outputs, addressed by the SHA-256 of their bytes (`blobs/ab/abcdef…`).
 *
 * A blob is written to a temporary file and renamed into place, so a reader never sees half
 * a blob. With `fsync` (the default) the file and its directory are synced before `put`
 * resolves, so a blob named by an acknowledged record survives a crash. Without it (the
 * executor's choice for retained replay material, where an fsync per call would dominate
 * the audited call's cost) a crash can lose a recent blob: that record's replay then reports
 * BLOB_NOT_FOUND; the record and the log are unaffected. Reads re-hash the bytes, so a
 * corrupted or truncated blob is reported, never replayed.
 */
import { mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { sha256Hex } from "../core/hash.js";
import { BlobError } from "./errors.js";

const DIGEST = /^[0-9a-f]{64}$/;

export interface RetentionPolicy {
  /** Delete blobs older than this many milliseconds (by modification time). */
  maxAgeMs?: number;
  /** Keep the store under this many bytes, deleting oldest first. */
  maxBytes?: number;
}

export interface BlobStoreOptions {
  /** Sync each blob and its directory before put() resolves. Default true. */
  fsync?: boolean;
}

export class BlobStore {
  private readonly fsync: boolean;

  constructor(
    readonly root: string,
    options: BlobStoreOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
  }

  private pathOf(digest: string): string {
    if (!DIGEST.test(digest))
      throw new BlobError("BLOB_DIGEST_INVALID", `${digest} is not a SHA-256 hex digest`);
    return join(this.root, digest.slice(0, 2), digest);
  }

  /**
   * Stores bytes durably and returns their SHA-256 (hex). Storing the same bytes twice is a no-op.
   * @throws {BlobError} BLOB_IO
   */
  async put(bytes: Uint8Array): Promise<string> {
    const digest = sha256Hex(bytes);
    const path = this.pathOf(digest);
    const dir = join(this.root, digest.slice(0, 2));
    try {
      await stat(path);
      return digest;
    } catch {
      // not there yet
    }
    try {
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.${digest}.${randomBytes(6).toString("hex")}.tmp`);
      const fh = await open(tmp, "wx", 0o600);
      try {
        await fh.writeFile(bytes);
        if (this.fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      if (this.fsync) {
        const dh = await open(dir, "r");
        try {
          await dh.sync();
        } finally {
          await dh.close();
        }
      }
    } catch (cause) {
      throw new BlobError("BLOB_IO", `cannot store blob ${digest} under ${this.root}`, { cause });
    }
    return digest;
  }

  /**
   * Reads a blob and checks its digest.
   * @throws {BlobError} BLOB_NOT_FOUND (never stored, or removed by retention), BLOB_CORRUPT
   */
  async get(digest: string): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(this.pathOf(digest)));
    } catch (cause) {
      if (cause instanceof BlobError) throw cause;
      throw new BlobError(
        "BLOB_NOT_FOUND",
        `blob ${digest} is not in ${this.root} (never kept, or past retention)`,
        {
          cause,
        },
      );
    }
    if (sha256Hex(bytes) !== digest) {
      throw new BlobError("BLOB_CORRUPT", `blob ${digest} in ${this.root} does not hash to its name`);
    }
    return bytes;
  }

  /** Applies a retention policy; returns how many blobs were removed. */
  async prune(policy: RetentionPolicy, nowMs: number = Date.now()): Promise<number> {
    const entries: { path: string; size: number; mtimeMs: number }[] = [];
    let shards: string[];
    try {
      shards = await readdir(this.root);
    } catch {
      return 0;
    }
    for (const shard of shards) {
      for (const name of await readdir(join(this.root, shard)).catch(() => [] as string[])) {
        if (!DIGEST.test(name)) continue;
        const path = join(this.root, shard, name);
        const s = await stat(path);
        entries.push({ path, size: s.size, mtimeMs: s.mtimeMs });
      }
    }
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = entries.reduce((n, e) => n + e.size, 0);
    let removed = 0;
    for (const e of entries) {
      const tooOld = policy.maxAgeMs !== undefined && nowMs - e.mtimeMs > policy.maxAgeMs;
      const tooBig = policy.maxBytes !== undefined && total > policy.maxBytes;
      if (!tooOld && !tooBig) continue;
      await rm(e.path, { force: true });
      total -= e.size;
      removed++;
    }
    return removed;
  }
}
