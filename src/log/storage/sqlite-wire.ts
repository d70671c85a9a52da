/**
 * What crosses the thread boundary between the log and its SQLite writer thread. Entries
 * and hashes travel packed in single transferable buffers: cloning thousands of small
 * Uint8Arrays (each possibly a view on a large pooled buffer) would copy far more.
 */
import type { StoredHash } from "../merkle/index.js";
import { LogError, type LogErrorCode } from "../errors.js";
import type { LogEntry, SequenceResult, StoredCheckpoint } from "./contract.js";

export interface PackedEntries {
  readonly data: Uint8Array;
  /** Per entry: leaf length, extra length. */
  readonly lengths: Float64Array;
}

export interface PackedHashes {
  readonly levels: Uint8Array;
  readonly indices: Float64Array;
  readonly hashes: Uint8Array;
}

export interface WireSequenceResult {
  readonly firstIndex: number;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly hashes: PackedHashes;
}

export type WorkerRequest =
  | { id: number; op: "sequence"; entries: PackedEntries; checkpoint?: StoredCheckpoint | undefined }
  | { id: number; op: "checkpoint"; checkpoint: StoredCheckpoint }
  | { id: number; op: "close" };

export type WorkerReply =
  | { id: number; ok: true; result?: WireSequenceResult; spare?: ArrayBuffer }
  | { id: number; ok: false; code: string; message: string };

export type WorkerStartup = { op: "ready" } | { op: "failed"; code: string; message: string };

/**
 * Packs entries into one buffer, reusing `spare` when it is large enough. Fresh memory is
 * mapped lazily and first-touch page faults cost more than the copy (several ms per MB
 * on a busy virtual machine), so the writer thread hands each buffer back for the next
 * batch.
 */
export function packEntries(entries: readonly LogEntry[], spare: ArrayBuffer | null = null): PackedEntries {
  let total = 0;
  for (const e of entries) total += e.leaf.length + e.extra.length;
  const buffer =
    spare !== null && spare.byteLength >= total ? spare : new ArrayBuffer(Math.max(total, 1 << 20));
  const data = new Uint8Array(buffer, 0, total);
  const lengths = new Float64Array(entries.length * 2);
  let at = 0;
  entries.forEach((e, i) => {
    data.set(e.leaf, at);
    at += e.leaf.length;
    data.set(e.extra, at);
    at += e.extra.length;
    lengths[2 * i] = e.leaf.length;
    lengths[2 * i + 1] = e.extra.length;
  });
  return { data, lengths };
}

export function unpackEntries(packed: PackedEntries): LogEntry[] {
  const out: LogEntry[] = [];
  let at = 0;
  for (let i = 0; i < packed.lengths.length; i += 2) {
    const leafEnd = at + (packed.lengths[i] as number);
    const extraEnd = leafEnd + (packed.lengths[i + 1] as number);
    out.push({ leaf: packed.data.subarray(at, leafEnd), extra: packed.data.subarray(leafEnd, extraEnd) });
    at = extraEnd;
  }
  return out;
}

export function packHashes(nodes: readonly StoredHash[]): PackedHashes {
  const levels = new Uint8Array(nodes.length);
  const indices = new Float64Array(nodes.length);
  const hashes = new Uint8Array(nodes.length * 32);
  nodes.forEach((n, i) => {
    levels[i] = n.level;
    indices[i] = n.index;
    hashes.set(n.hash, i * 32);
  });
  return { levels, indices, hashes };
}

export function unpackResult(wire: WireSequenceResult): SequenceResult {
  const { levels, indices, hashes } = wire.hashes;
  const nodes: StoredHash[] = [];
  for (let i = 0; i < levels.length; i++) {
    nodes.push({
      level: levels[i] as number,
      index: indices[i] as number,
      hash: hashes.subarray(i * 32, i * 32 + 32),
    });
  }
  return { firstIndex: wire.firstIndex, treeSize: wire.treeSize, rootHash: wire.rootHash, hashes: nodes };
}

const CODES = new Set<string>([
  "LOG_STORAGE_SCHEMA_VERSION",
  "LOG_STORAGE_OPEN_FAILED",
  "LOG_STORAGE_IO",
  "LOG_STORAGE_CORRUPT",
  "LOG_CLOSED",
  "LOG_CHECKPOINT_CONFLICT",
  "LOG_CHECKPOINT_MISMATCH",
  "LOG_SIZE_BEYOND_TREE",
  "LOG_ENTRY_INVALID",
  "LOG_COMMIT_FAILED",
  "LOG_SIGN_FAILED",
] satisfies LogErrorCode[]);

/** Turns an error into a reply field pair; any non-LogError becomes LOG_STORAGE_IO. */
export function encodeError(err: unknown): { code: string; message: string } {
  if (err instanceof LogError) return { code: err.code, message: err.message };
  return { code: "LOG_STORAGE_IO", message: err instanceof Error ? err.message : String(err) };
}

export function decodeError(code: string, message: string): LogError {
  return new LogError(CODES.has(code) ? (code as LogErrorCode) : "LOG_STORAGE_IO", message);
}
