/**
 * Addressing of the tree's complete subtrees. The node (level, index) is the perfect
 * subtree over leaves [index·2^level, (index+1)·2^level): level 0 holds the leaf hashes.
 * This is the layout of the Go checksum database's stored hashes and of Tessera's tiles.
 *
 * Tree sizes go up to 2^53 − 1, beyond the 32 bits of JavaScript's bitwise operators, so
 * the bit helpers here split a number into exact 32-bit halves (division by powers of
 * two is exact in IEEE 754) and never use a bitwise operator on the whole value.
 */

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Largest tree size or leaf index the log handles exactly (2^53 − 1). */
export const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

const TWO_32 = 2 ** 32;

/** 2^level as an exact number (level ≤ 53). */
export function pow2(level: number): number {
  return 2 ** level;
}

/** True for a safe integer ≥ 0: the only values accepted as sizes and indices. */
export function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** Number of bits needed to write n (0 for 0): ⌊log2 n⌋ + 1, exactly. */
export function bitLength(n: number): number {
  const hi = Math.floor(n / TWO_32);
  return hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(n >>> 0);
}

/** Number of trailing zero bits of n (n ≥ 1). */
export function trailingZeros(n: number): number {
  const lo = n >>> 0;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Math.floor(n / TWO_32) >>> 0;
  return 32 + (31 - Math.clz32(hi & -hi));
}

/** a XOR b for safe non-negative integers. */
export function xor(a: number, b: number): number {
  const hi = (Math.floor(a / TWO_32) ^ Math.floor(b / TWO_32)) >>> 0;
  const lo = ((a >>> 0) ^ (b >>> 0)) >>> 0;
  return hi * TWO_32 + lo;
}

/** ⌊n / 2^k⌋. */
export function shiftRight(n: number, k: number): number {
  return Math.floor(n / pow2(k));
}

/** True if n is 2^k for some k ≥ 0. */
export function isPow2(n: number): boolean {
  return n >= 1 && n === pow2(trailingZeros(n));
}

/** The largest power of two strictly below n (n ≥ 2): the split point k of RFC 6962 §2.1. */
export function largestPow2Below(n: number): number {
  return pow2(bitLength(n - 1) - 1);
}

/**
 * The minimal list of complete subtrees covering leaves [begin, end), left to right
 * (a "compact range"). For begin = 0 these are the tree's right edge: one node per set
 * bit of `end`, largest first.
 */
export function compactRange(begin: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  while (begin < end) {
    // The largest aligned subtree starting at `begin` that still ends by `end`.
    const fit = bitLength(end - begin) - 1;
    const level = begin === 0 ? fit : Math.min(trailingZeros(begin), fit);
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
