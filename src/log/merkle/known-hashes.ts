/**
 * Proofs from a known set of hashes, without a store: after a commit, the hashes the
 * sequencing transaction read and wrote are enough for the inclusion proof of every
 * leaf of the batch (docs/log.md, "Sequencing").
 */
import { nodeHash } from "./hash.js";
import { inclusionGroups } from "./proofs.js";
import type { StoredHash } from "./integrate.js";
import type { NodeId } from "./tree-math.js";

/** A synchronous hash lookup over a list of stored hashes (one map per level: numeric keys). */
export class KnownHashes {
  private readonly levels: Map<number, Uint8Array>[] = [];
  /**
   * Folded right-edge subtrees. All proofs of one batch share a tree size, so they share
   * the few ragged subtrees of its right edge: each is folded once, not once per proof.
   */
  private readonly folds = new Map<string, Uint8Array>();

  constructor(hashes: Iterable<StoredHash>) {
    for (const h of hashes) {
      let level = this.levels[h.level];
      if (level === undefined) this.levels[h.level] = level = new Map();
      level.set(h.index, h.hash);
    }
  }

  /**
   * The hash of one node.
   * @throws {RangeError} when it is not known
   */
  get(id: NodeId): Uint8Array {
    const h = this.levels[id.level]?.get(id.index);
    if (h === undefined) throw new RangeError(`hash (${id.level}, ${id.index}) is not known`);
    return h;
  }

  private fold(group: readonly NodeId[]): Uint8Array {
    if (group.length === 1) return this.get(group[0] as NodeId);
    const first = group[0] as NodeId;
    const last = group[group.length - 1] as NodeId;
    const key = `${first.level}/${first.index}-${last.level}/${last.index}`;
    let h = this.folds.get(key);
    if (h === undefined) {
      h = this.get(last);
      for (let i = group.length - 2; i >= 0; i--) h = nodeHash(this.get(group[i] as NodeId), h);
      this.folds.set(key, h);
    }
    return h;
  }

  /**
   * The inclusion proof of leaf `index` in the tree of `treeSize` leaves.
   * @throws {RangeError} when a hash is not known; {MerkleProofError} for an index beyond the size
   */
  inclusionProof(index: number, treeSize: number): Uint8Array[] {
    return inclusionGroups(index, treeSize).map((g) => this.fold(g));
  }
}
