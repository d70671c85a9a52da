/**
 * Proofs from a known set of hashes, without a store: after a commit, the hashes the
 * sequencing transaction read and wrote are enough for the inclusion proof of every
 * leaf of the batch (docs/log.md, "Sequencing").
 */
import { planInclusionProof, readPlanSync } from "./proofs.js";
import type { StoredHash } from "./integrate.js";
import type { NodeId } from "./tree-math.js";

/** A synchronous hash lookup over a list of stored hashes (one map per level: numeric keys). */
export class KnownHashes {
  private readonly levels: Map<number, Uint8Array>[] = [];

  constructor(hashes: Iterable<StoredHash>) {
    for (const h of hashes) {
      let level = this.levels[h.level];
      if (level === undefined) this.levels[h.level] = level = new Map();
      level.set(h.index, h.hash);
    }
  }

  get(id: NodeId): Uint8Array | undefined {
    return this.levels[id.level]?.get(id.index);
  }

  /**
   * Reads ids in order.
   * @throws {RangeError} naming the first id that is not known
   */
  readonly read = (ids: readonly NodeId[]): Uint8Array[] =>
    ids.map((id) => {
      const h = this.get(id);
      if (h === undefined) throw new RangeError(`hash (${id.level}, ${id.index}) is not known`);
      return h;
    });

  /** The inclusion proof of leaf `index` in the tree of `treeSize` leaves. @throws {RangeError} when a hash is missing */
  inclusionProof(index: number, treeSize: number): Uint8Array[] {
    return readPlanSync(planInclusionProof(index, treeSize), this.read);
  }
}
