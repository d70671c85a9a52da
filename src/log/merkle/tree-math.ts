/**
 * Addressing of the tree's complete subtrees. The node (level, index) is the perfect
 * subtree over leaves [index·2^level, (index+1)·2^level): level 0 holds the leaf hashes.
 * This is the layout of the Go checksum database's stored hashes and of Tessera's tiles.
 *
 * Tree sizes go up to 2^53 − 1, beyond the 32 bits of JavaScript's bitwise operators,
 * so all arithmetic here is done with division and multiplication on exact integers.
 */

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Largest tree size or leaf index the log handles exactly (2^53 − 1). */
export const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

/** 2^level as an exact number (level ≤ 53). */
export function pow2(level: number): number {
  return 2 ** level;
}

/** True for a safe integer ≥ 0: the only values accepted as sizes and indices. */
export function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** The largest power of two strictly below n (n ≥ 2): the split point k of RFC 6962 §2.1. */
export function largestPow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Number of trailing zero bits of n (n ≥ 1). */
export function trailingZeros(n: number): number {
  let z = 0;
  while (n % 2 === 0) {
    n /= 2;
    z++;
  }
  return z;
}

/** True if n is 2^k for some k ≥ 0. */
export function isPow2(n: number): boolean {
  return n >= 1 && n === pow2(trailingZeros(n));
}

/**
 * The minimal list of complete subtrees covering leaves [begin, end), left to right
 * (a "compact range"). For begin = 0 these are the tree's right edge: one node per set
 * bit of `end`, largest first.
 */
export function compactRange(begin: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  while (begin < end) {
    let level = 0;
    while (begin % pow2(level + 1) === 0 && begin + pow2(level + 1) <= end) level++;
    ids.push({ level, index: begin / pow2(level) });
    begin += pow2(level);
  }
  return ids;
}

/** Total number of stored hashes in a tree of `size` leaves: Σ_level ⌊size / 2^level⌋. */
export function storedHashCount(size: number): number {
  let total = 0;
  for (let level = 0; pow2(level) <= size; level++) total += Math.floor(size / pow2(level));
  return total;
}

/** A stable map key for a node id. */
export function nodeKey(id: NodeId): string {
  return `${id.level}/${id.index}`;
}
