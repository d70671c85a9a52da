/**
 * Proof generation over stored hashes (the log's side). Every proof node of RFC 6962 is
 * the hash of a subtree that is either complete — one stored hash (level, index) — or
 * the tree's ragged right edge [x, size), whose hash folds the O(log n) complete
 * subtrees covering it. So a root, an inclusion proof or a consistency proof for any
 * size up to the current one costs O(log n) hash reads and no recomputation.
 *
 * Generation is split in two so the same code serves synchronous and asynchronous
 * stores: a plan lists the node ids to read (in one batch), then builds the result from
 * the hashes read.
 */
import { HASH_SIZE, EMPTY_ROOT, nodeHash } from "./hash.js";
import { MerkleProofError } from "./errors.js";
import {
  bitLength,
  compactRange,
  isCount,
  pow2,
  shiftRight,
  trailingZeros,
  xor,
  type NodeId,
} from "./tree-math.js";

/** Reads stored hashes in the order asked, in one batch; may answer synchronously. */
export type HashReader = (ids: readonly NodeId[]) => Promise<readonly Uint8Array[]> | readonly Uint8Array[];
export type SyncHashReader = (ids: readonly NodeId[]) => readonly Uint8Array[];

/** The ids to read, and how to turn the hashes read into the result. */
export class HashPlan<T> {
  constructor(
    readonly ids: readonly NodeId[],
    private readonly finish: (hashes: readonly Uint8Array[]) => T,
  ) {}

  /**
   * Builds the result from the hashes of `ids`, in the same order.
   * @throws {RangeError} when the count differs from `ids`
   * @throws {MerkleProofError} LOG_PROOF_BAD_HASH_LENGTH when a hash is not 32 bytes
   */
  build(hashes: readonly Uint8Array[]): T {
    if (hashes.length !== this.ids.length) {
      throw new RangeError(`hash reader returned ${hashes.length} hashes for ${this.ids.length} ids`);
    }
    hashes.forEach((h, i) => {
      if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
        const id = this.ids[i] as NodeId;
        throw new MerkleProofError(
          "LOG_PROOF_BAD_HASH_LENGTH",
          `stored hash (${id.level}, ${id.index}) is not ${HASH_SIZE} bytes`,
        );
      }
    });
    return this.finish(hashes);
  }
}

/**
 * One proof element per group of ids: a group of one is a stored complete subtree; a
 * longer group is the compact range of an ephemeral right-edge subtree, largest piece
 * first, whose hash folds right to left as RFC 6962 §2.1 splits it.
 */
function planGroups(groups: readonly (readonly NodeId[])[]): HashPlan<Uint8Array[]> {
  return new HashPlan(groups.flat(), (hashes) => {
    const out: Uint8Array[] = [];
    let at = 0;
    for (const g of groups) {
      let h = hashes[at + g.length - 1] as Uint8Array;
      for (let i = at + g.length - 2; i >= at; i--) h = nodeHash(hashes[i] as Uint8Array, h);
      out.push(h);
      at += g.length;
    }
    return out;
  });
}

/**
 * The proof elements for node (level, index) in the tree of `size` leaves, the node
 * itself first (as transparency-dev/merkle's proof.nodes): the siblings up to the fork
 * where its path leaves the tree's right border, the ephemeral subtree right of the
 * fork if the tree is ragged there, then the complete subtrees left of the fork,
 * nearest first.
 */
function pathGroups(index: number, level: number, size: number): NodeId[][] {
  const inner = bitLength(xor(index, shiftRight(size, level))) - 1;
  const forkLevel = level + inner;
  const begin = shiftRight(index, inner) * pow2(forkLevel);
  const end = begin + pow2(forkLevel);
  const groups: NodeId[][] = [[{ level, index }]];
  let node = index;
  for (let l = level; l < forkLevel; l++) {
    groups.push([{ level: l, index: node % 2 === 0 ? node + 1 : node - 1 }]);
    node = Math.floor(node / 2);
  }
  if (end < size) groups.push(compactRange(end, size));
  const left = compactRange(0, begin);
  for (let i = left.length - 1; i >= 0; i--) groups.push([left[i] as NodeId]);
  return groups;
}

function checkCount(value: unknown, name: string): asserts value is number {
  if (!isCount(value)) {
    throw new MerkleProofError("LOG_PROOF_BAD_INPUT", `${name} must be an integer in [0, 2^53 - 1]`);
  }
}

/**
 * Plan for MTH(D[0:size]); the empty tree's root is EMPTY_ROOT and reads nothing.
 * @throws {MerkleProofError} LOG_PROOF_BAD_INPUT
 */
export function planRoot(size: number): HashPlan<Uint8Array> {
  checkCount(size, "size");
  if (size === 0) return new HashPlan([], () => EMPTY_ROOT);
  const inner = planGroups([compactRange(0, size)]);
  return new HashPlan(inner.ids, (hashes) => inner.build(hashes)[0] as Uint8Array);
}

/**
 * Plan for PATH(index, D[0:size]) of RFC 6962 §2.1.1 (RFC 9162 §2.1.3.1), deepest node first.
 * @throws {MerkleProofError} LOG_PROOF_BAD_INPUT, LOG_PROOF_INDEX_OUT_OF_RANGE
 */
export function planInclusionProof(index: number, size: number): HashPlan<Uint8Array[]> {
  return planGroups(inclusionGroups(index, size));
}

/**
 * The node ids of each element of PATH(index, D[0:size]): one id for a stored complete
 * subtree, several (largest first) for the ephemeral right-edge subtree they fold into.
 * @throws {MerkleProofError} LOG_PROOF_BAD_INPUT, LOG_PROOF_INDEX_OUT_OF_RANGE
 */
export function inclusionGroups(index: number, size: number): NodeId[][] {
  checkCount(index, "index");
  checkCount(size, "size");
  if (index >= size) {
    throw new MerkleProofError(
      "LOG_PROOF_INDEX_OUT_OF_RANGE",
      `leaf index ${index} is not in a tree of size ${size}`,
    );
  }
  return pathGroups(index, 0, size).slice(1);
}

/**
 * Plan for PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true) of RFC 6962 §2.1.2
 * (RFC 9162 §2.1.4.1), computed directly from node ids rather than by the recursion.
 * Equal sizes give an empty proof; a proof from the empty tree is refused, as the
 * verifier refuses it.
 * @throws {MerkleProofError} LOG_PROOF_BAD_INPUT, LOG_PROOF_INDEX_OUT_OF_RANGE
 */
export function planConsistencyProof(size1: number, size2: number): HashPlan<Uint8Array[]> {
  checkCount(size1, "size1");
  checkCount(size2, "size2");
  if (size1 > size2) {
    throw new MerkleProofError(
      "LOG_PROOF_INDEX_OUT_OF_RANGE",
      `size1 ${size1} is larger than size2 ${size2}`,
    );
  }
  if (size1 === size2) return new HashPlan([], () => []);
  if (size1 === 0) {
    throw new MerkleProofError(
      "LOG_PROOF_INDEX_OUT_OF_RANGE",
      "there is no consistency proof from the empty tree",
    );
  }
  // The largest complete subtree ending at size1, proven into the tree of size2. When
  // size1 is a power of two that subtree is the old root, which the verifier holds.
  const level = trailingZeros(size1);
  const index = shiftRight(size1 - 1, level);
  const groups = pathGroups(index, level, size2);
  return planGroups(index === 0 ? groups.slice(1) : groups);
}

/** Runs a plan against a synchronous reader. */
export function readPlanSync<T>(plan: HashPlan<T>, read: SyncHashReader): T {
  return plan.build(plan.ids.length === 0 ? [] : read(plan.ids));
}

/** Runs a plan against a reader, reading all its hashes in one batch. */
export async function readPlan<T>(plan: HashPlan<T>, read: HashReader): Promise<T> {
  return plan.build(plan.ids.length === 0 ? [] : await read(plan.ids));
}

/** MTH(D[0:size]) from stored hashes. @throws as {@link planRoot} and the reader */
export async function rootAt(size: number, read: HashReader): Promise<Uint8Array> {
  return await readPlan(planRoot(size), read);
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves. @throws as {@link planInclusionProof} and the reader */
export async function inclusionProof(index: number, size: number, read: HashReader): Promise<Uint8Array[]> {
  return await readPlan(planInclusionProof(index, size), read);
}

/** The consistency proof from size1 to size2. @throws as {@link planConsistencyProof} and the reader */
export async function consistencyProof(
  size1: number,
  size2: number,
  read: HashReader,
): Promise<Uint8Array[]> {
  return await readPlan(planConsistencyProof(size1, size2), read);
}
