/** An in-memory store of every complete subtree hash, filled by integrate(): the test double of a backend. */
import {
  integrate,
  leafHash,
  nodeKey,
  type CompactEdge,
  type NodeId,
  type StoredHash,
  edgeIds,
} from "../../../src/log/merkle/index.js";

export class MemoryTree {
  readonly hashes = new Map<string, Uint8Array>();
  edge: CompactEdge = { size: 0, hashes: [] };
  reads = 0;

  /** Appends leaves in one integration step; returns the nodes written. */
  append(leaves: readonly Uint8Array[]): StoredHash[] {
    const result = integrate(this.edge, leaves.map(leafHash));
    for (const n of result.nodes) this.hashes.set(nodeKey(n), n.hash);
    this.edge = result.edge;
    // The right edge must always be readable back from the stored hashes.
    edgeIds(this.edge.size).forEach((id, i) => {
      if (this.hashes.get(nodeKey(id)) !== this.edge.hashes[i]) throw new Error("edge not stored");
    });
    return result.nodes;
  }

  readonly read = (ids: readonly NodeId[]): Uint8Array[] => {
    this.reads += ids.length;
    return ids.map((id) => {
      const h = this.hashes.get(nodeKey(id));
      if (!h) throw new Error(`missing hash ${nodeKey(id)}`);
      return h;
    });
  };
}
