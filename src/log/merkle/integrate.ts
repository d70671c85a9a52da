/**
 * Integration: appending leaf hashes to a tree known only by its right edge (the
 * hashes of the complete subtrees covering [0, size), largest first — a compact range).
 * Pure: the caller reads the edge from storage and writes back the hashes returned,
 * in one transaction. Each leaf yields its own hash plus, amortised, one interior node:
 * a leaf that completes a subtree of 2^k leaves yields k of them.
 */
import { HASH_SIZE, EMPTY_ROOT, nodeHash } from "./hash.js";
import { compactRange, isCount, type NodeId } from "./tree-math.js";

/** The right edge of a tree: hashes of compactRange(0, size), in that order. */
export interface CompactEdge {
  readonly size: number;
  readonly hashes: readonly Uint8Array[];
}

/** A hash to store at (level, index). */
export interface StoredHash extends NodeId {
  readonly hash: Uint8Array;
}

export interface Integration {
  /** The right edge after the new leaves. */
  readonly edge: CompactEdge;
  /** Every complete subtree the new leaves created, leaf hashes (level 0) included. */
  readonly nodes: StoredHash[];
  /** MTH of the new tree. */
  readonly rootHash: Uint8Array;
}

/** The node ids whose hashes form the right edge of a tree of `size` leaves. */
export function edgeIds(size: number): NodeId[] {
  return compactRange(0, size);
}

/**
 * The root hash of the tree an edge describes (EMPTY_ROOT for size 0).
 * @throws {RangeError} for an edge whose hash count does not match its size
 */
export function edgeRoot(edge: CompactEdge): Uint8Array {
  checkEdge(edge);
  if (edge.hashes.length === 0) return EMPTY_ROOT;
  let h = edge.hashes[edge.hashes.length - 1] as Uint8Array;
  for (let i = edge.hashes.length - 2; i >= 0; i--) h = nodeHash(edge.hashes[i] as Uint8Array, h);
  return h;
}

function checkEdge(edge: CompactEdge): void {
  if (!isCount(edge.size)) throw new RangeError("edge.size must be an integer in [0, 2^53 - 1]");
  const want = edgeIds(edge.size).length;
  if (edge.hashes.length !== want) {
    throw new RangeError(`an edge of size ${edge.size} has ${want} hashes, not ${edge.hashes.length}`);
  }
  for (const h of edge.hashes) {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE)
      throw new RangeError("edge hashes must be 32 bytes");
  }
}

/**
 * Appends leaf hashes to the tree described by `edge`.
 * @throws {RangeError} for a malformed edge, a leaf hash that is not 32 bytes, or a tree
 *   that would pass 2^53 − 1 leaves
 * @example integrate({ size: 0, hashes: [] }, [leafHash(a), leafHash(b)]).rootHash // MTH({a, b})
 */
export function integrate(edge: CompactEdge, leafHashes: readonly Uint8Array[]): Integration {
  checkEdge(edge);
  if (!isCount(edge.size + leafHashes.length)) throw new RangeError("the tree would pass 2^53 - 1 leaves");
  const stack: StoredHash[] = edgeIds(edge.size).map((id, i) => ({
    ...id,
    hash: edge.hashes[i] as Uint8Array,
  }));
  const nodes: StoredHash[] = [];
  let size = edge.size;
  for (const h of leafHashes) {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE)
      throw new RangeError("leaf hashes must be 32 bytes");
    let top: StoredHash = { level: 0, index: size, hash: h };
    nodes.push(top);
    size++;
    // Merge equal-level neighbours: each merge completes a subtree and stores its hash.
    while (stack.length > 0 && (stack[stack.length - 1] as StoredHash).level === top.level) {
      const left = stack.pop() as StoredHash;
      top = { level: top.level + 1, index: left.index / 2, hash: nodeHash(left.hash, top.hash) };
      nodes.push(top);
    }
    stack.push(top);
  }
  const next: CompactEdge = { size, hashes: stack.map((n) => n.hash) };
  return { edge: next, nodes, rootHash: edgeRoot(next) };
}
