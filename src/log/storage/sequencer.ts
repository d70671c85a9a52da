/**
 * The backend-neutral body of the sequencing transaction. A backend opens its
 * transaction, reads the head and right edge, calls these pure functions, writes what
 * they return and commits; so every backend integrates and checks exactly alike.
 */
import { bytesEqual } from "../../core/bytes.js";
import { edgeIds, edgeRoot, integrate, isCount, leafHash, type StoredHash } from "../merkle/index.js";
import { LogError } from "../errors.js";
import type { LogEntry, StoredCheckpoint, TreeHead } from "./contract.js";

/** Largest leaf or extra accepted (a record with its logits is far smaller). */
export const MAX_ENTRY_PART_BYTES = 64 * 1024 * 1024;

/**
 * Checks an entry's shape before it reaches a transaction.
 * @throws {LogError} LOG_ENTRY_INVALID
 */
export function checkEntry(entry: unknown, where = "entry"): asserts entry is LogEntry {
  if (typeof entry !== "object" || entry === null) {
    throw new LogError("LOG_ENTRY_INVALID", `${where} must be { leaf, extra }`);
  }
  const { leaf, extra } = entry as Partial<LogEntry>;
  for (const [name, part] of [
    ["leaf", leaf],
    ["extra", extra],
  ] as const) {
    if (!(part instanceof Uint8Array))
      throw new LogError("LOG_ENTRY_INVALID", `${where}.${name} must be a Uint8Array`);
    if (part.length > MAX_ENTRY_PART_BYTES) {
      throw new LogError(
        "LOG_ENTRY_INVALID",
        `${where}.${name} is larger than ${MAX_ENTRY_PART_BYTES} bytes`,
      );
    }
  }
}

export interface PreparedBatch {
  readonly firstIndex: number;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  /** Hashes to insert: every complete subtree the batch created, leaves included. */
  readonly nodes: StoredHash[];
  /** The right edge read (not to be written again) — returned to the caller for proofs. */
  readonly edge: StoredHash[];
}

/**
 * Integrates a batch onto the stored head. The head's root is re-derived from the edge
 * first, so a store whose head and hashes disagree is never extended.
 * @throws {LogError} LOG_STORAGE_CORRUPT, LOG_ENTRY_INVALID
 */
export function prepareBatch(
  head: TreeHead,
  edgeHashes: readonly Uint8Array[],
  entries: readonly LogEntry[],
): PreparedBatch {
  if (!isCount(head.size))
    throw new LogError("LOG_STORAGE_CORRUPT", `stored tree size ${String(head.size)} is invalid`);
  const ids = edgeIds(head.size);
  let rootHash: Uint8Array;
  try {
    rootHash = edgeRoot({ size: head.size, hashes: edgeHashes });
  } catch (cause) {
    throw new LogError("LOG_STORAGE_CORRUPT", `the right edge of the stored tree is malformed`, { cause });
  }
  if (!bytesEqual(rootHash, head.rootHash)) {
    throw new LogError(
      "LOG_STORAGE_CORRUPT",
      `stored root of size ${head.size} does not match the stored hashes`,
    );
  }
  entries.forEach((e, i) => checkEntry(e, `entries[${i}]`));
  const edge = ids.map((id, i) => ({ ...id, hash: edgeHashes[i] as Uint8Array }));
  if (entries.length === 0) return { firstIndex: head.size, treeSize: head.size, rootHash, nodes: [], edge };
  const result = integrate(
    { size: head.size, hashes: edgeHashes },
    entries.map((e) => leafHash(e.leaf)),
  );
  return {
    firstIndex: head.size,
    treeSize: result.edge.size,
    rootHash: result.rootHash,
    nodes: result.nodes,
    edge,
  };
}

/**
 * Decides whether a checkpoint may be stored: its root must be the tree's root at its
 * size (`rootAtSize`, computed by the backend inside the transaction), and no other root
 * may be stored for that size. Returns false when the same root is already stored.
 * @throws {LogError} LOG_CHECKPOINT_MISMATCH, LOG_CHECKPOINT_CONFLICT
 */
export function mustStoreCheckpoint(
  checkpoint: StoredCheckpoint,
  treeSize: number,
  rootAtSize: Uint8Array | null,
  existing: StoredCheckpoint | null,
): boolean {
  if (checkpoint.size > treeSize || rootAtSize === null) {
    throw new LogError(
      "LOG_CHECKPOINT_MISMATCH",
      `checkpoint size ${checkpoint.size} is beyond the tree (${treeSize})`,
    );
  }
  if (existing !== null && !bytesEqual(existing.rootHash, checkpoint.rootHash)) {
    throw new LogError(
      "LOG_CHECKPOINT_CONFLICT",
      `a checkpoint with another root is already stored for size ${checkpoint.size}`,
    );
  }
  if (!bytesEqual(rootAtSize, checkpoint.rootHash)) {
    throw new LogError(
      "LOG_CHECKPOINT_MISMATCH",
      `checkpoint root is not the tree's root at size ${checkpoint.size}`,
    );
  }
  return existing === null;
}

/**
 * Checks a checkpoint's fields before it reaches a transaction.
 * @throws {LogError} LOG_CHECKPOINT_MISMATCH
 */
export function checkCheckpointShape(checkpoint: unknown): asserts checkpoint is StoredCheckpoint {
  const c = checkpoint as Partial<StoredCheckpoint> | null;
  if (
    typeof c !== "object" ||
    c === null ||
    !isCount(c.size) ||
    !(c.rootHash instanceof Uint8Array) ||
    c.rootHash.length !== 32 ||
    typeof c.note !== "string" ||
    c.note === ""
  ) {
    throw new LogError("LOG_CHECKPOINT_MISMATCH", "a checkpoint is { size, rootHash (32 bytes), note }");
  }
}
