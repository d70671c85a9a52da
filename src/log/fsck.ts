/**
 * fsck: re-verifies a whole log store from its leaves. Every leaf hash and every
 * interior hash is recomputed (streaming, by integrating the leaves in chunks) and
 * compared with the stored one; the head must be the recomputed root; every stored
 * checkpoint must open, name its own row's size and root, carry the recomputed root at
 * its size, and be consistent with the checkpoint before it (a proof generated from the
 * store and checked by the verifier). Nothing is repaired: the report lists problems.
 */
import { bytesEqual, toHex } from "../core/bytes.js";
import {
  EMPTY_ROOT,
  consistencyProof,
  edgeRoot,
  integrate,
  leafHash,
  storedHashCount,
  verifyConsistency,
  type CompactEdge,
  type NodeId,
  type StoredHash,
} from "./merkle/index.js";
import type { LogStorage, StoredCheckpoint } from "./storage/contract.js";

export type FsckProblemKind =
  | "ENTRY_MISSING"
  | "EXTRA_ENTRIES"
  | "HASH_MISSING"
  | "HASH_MISMATCH"
  | "HASH_COUNT_MISMATCH"
  | "HEAD_MISMATCH"
  | "CHECKPOINT_UNREADABLE"
  | "CHECKPOINT_ROW_MISMATCH"
  | "CHECKPOINT_ROOT_MISMATCH"
  | "CHECKPOINT_BEYOND_TREE"
  | "CHECKPOINT_INCONSISTENT";

export interface FsckProblem {
  kind: FsckProblemKind;
  message: string;
}

export interface FsckReport {
  ok: boolean;
  treeSize: number;
  leavesChecked: number;
  hashesChecked: number;
  checkpointsChecked: number;
  problems: FsckProblem[];
  /** True when more problems were found than `maxProblems`. */
  truncated: boolean;
}

export interface FsckOptions {
  /** Leaves read per step (default 4096). */
  chunk?: number;
  /** Problems kept in the report (default 100). */
  maxProblems?: number;
}

/** Opens a stored checkpoint note (verifying its signature) and returns what it claims. */
export type OpenCheckpoint = (note: string) => { size: number; rootHash: Uint8Array };

class Problems {
  readonly list: FsckProblem[] = [];
  truncated = false;
  constructor(private readonly max: number) {}
  add(kind: FsckProblemKind, message: string): void {
    if (this.list.length < this.max) this.list.push({ kind, message });
    else this.truncated = true;
  }
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Reads hashes one batch at a time, falling back to one by one to name each missing node. */
async function readStored(storage: LogStorage, ids: readonly NodeId[]): Promise<(Uint8Array | null)[]> {
  try {
    return await storage.readHashes(ids);
  } catch {
    const out: (Uint8Array | null)[] = [];
    for (const id of ids)
      out.push(
        await storage.readHashes([id]).then(
          ([h]) => h ?? null,
          () => null,
        ),
      );
    return out;
  }
}

/**
 * Checks a whole store.
 * @param openCheckpoint verifies a checkpoint note's signature and parses it; may throw
 */
export async function fsck(
  storage: LogStorage,
  openCheckpoint: OpenCheckpoint,
  options: FsckOptions = {},
): Promise<FsckReport> {
  const chunk = options.chunk ?? 4096;
  const problems = new Problems(options.maxProblems ?? 100);
  const head = await storage.treeHead();
  let edge: CompactEdge = { size: 0, hashes: [] };
  let hashesChecked = 0;
  let checkpointsChecked = 0;
  const roots = new Map<number, Uint8Array>([[0, EMPTY_ROOT]]);

  // Checkpoint sizes split the walk so the root at each of them is recomputed.
  const checkpoints: StoredCheckpoint[] = [];
  for (let from = 0; ;) {
    const page = await storage.listCheckpoints(from, 1000);
    checkpoints.push(...page);
    if (page.length < 1000) break;
    from = (page[page.length - 1] as StoredCheckpoint).size + 1;
  }
  const stops = [...new Set(checkpoints.map((c) => c.size).filter((s) => s > 0 && s <= head.size))].sort(
    (a, b) => a - b,
  );

  let stop = 0;
  while (edge.size < head.size) {
    while (stop < stops.length && (stops[stop] as number) <= edge.size) stop++;
    const end = Math.min(edge.size + chunk, head.size, stops[stop] ?? Infinity);
    const entries = await storage.readEntries(edge.size, end - edge.size);
    if (entries.length !== end - edge.size) {
      problems.add("ENTRY_MISSING", `entries [${edge.size}, ${end}) returned ${entries.length} entries`);
      break;
    }
    const step = integrate(
      edge,
      entries.map((e) => leafHash(e.leaf)),
    );
    const stored = await readStored(storage, step.nodes);
    step.nodes.forEach((n: StoredHash, i) => {
      const h = stored[i];
      if (h === null || h === undefined)
        problems.add("HASH_MISSING", `hash (${n.level}, ${n.index}) is missing`);
      else if (!bytesEqual(h, n.hash)) {
        problems.add(
          "HASH_MISMATCH",
          `hash (${n.level}, ${n.index}) is ${toHex(h)}, recomputed ${toHex(n.hash)}`,
        );
      }
    });
    hashesChecked += step.nodes.length;
    edge = step.edge;
    if (end === stops[stop]) roots.set(end, step.rootHash);
  }

  const size = edge.size;
  if (size === head.size && !bytesEqual(edgeRoot(edge), head.rootHash)) {
    problems.add("HEAD_MISMATCH", `stored root of size ${head.size} is not the root of the stored leaves`);
  }
  if ((await storage.readEntries(head.size, 1)).length > 0) {
    problems.add("EXTRA_ENTRIES", `entries exist beyond the tree size ${head.size}`);
  }
  const count = await storage.countHashes();
  if (count !== storedHashCount(head.size)) {
    problems.add(
      "HASH_COUNT_MISMATCH",
      `${count} hashes stored; a tree of ${head.size} has ${storedHashCount(head.size)}`,
    );
  }

  // Each checkpoint on its own, then each against the one before it.
  let previous: { size: number; rootHash: Uint8Array } | null = null;
  for (const row of checkpoints) {
    checkpointsChecked++;
    let claimed: { size: number; rootHash: Uint8Array };
    try {
      claimed = openCheckpoint(row.note);
    } catch (err) {
      problems.add("CHECKPOINT_UNREADABLE", `checkpoint ${row.size}: ${describe(err)}`);
      continue;
    }
    if (claimed.size !== row.size || !bytesEqual(claimed.rootHash, row.rootHash)) {
      problems.add("CHECKPOINT_ROW_MISMATCH", `checkpoint ${row.size}: the note says size ${claimed.size}`);
      continue;
    }
    if (row.size > head.size) {
      problems.add("CHECKPOINT_BEYOND_TREE", `checkpoint ${row.size} is beyond the tree size ${head.size}`);
      continue;
    }
    const root = roots.get(row.size);
    if (root !== undefined && !bytesEqual(root, row.rootHash)) {
      problems.add(
        "CHECKPOINT_ROOT_MISMATCH",
        `checkpoint ${row.size} does not sign the root of the stored leaves`,
      );
      continue;
    }
    if (previous !== null && previous.size > 0) {
      try {
        const proof = await consistencyProof(previous.size, row.size, (ids) => storage.readHashes(ids));
        verifyConsistency(previous.size, row.size, proof, previous.rootHash, row.rootHash);
      } catch (err) {
        problems.add(
          "CHECKPOINT_INCONSISTENT",
          `checkpoints ${previous.size} → ${row.size}: ${describe(err)}`,
        );
      }
    }
    previous = claimed;
  }

  return {
    ok: problems.list.length === 0,
    treeSize: head.size,
    leavesChecked: size,
    hashesChecked,
    checkpointsChecked,
    problems: problems.list,
    truncated: problems.truncated,
  };
}
