/**
 * The BPE merge table as an open-addressing hash table over pairs of token ids: (left, right)
 * → (rank, merged id). A JavaScript Map keyed by left * 2^16 + right would work, but such keys
 * exceed V8's small-integer range and every lookup would hash a heap number; this table
 * lookup is a few typed-array reads, and BPE does one per adjacent pair per step.
 */

export class MergeTable {
  private readonly mask: number;
  private readonly lefts: Int32Array;
  private readonly rights: Int32Array;
  private readonly ranks: Int32Array;
  private readonly merged: Int32Array;
  private count = 0;

  /** A table with room for `capacity` merges (kept under half full). */
  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.mask = size - 1;
    this.lefts = new Int32Array(size).fill(-1);
    this.rights = new Int32Array(size);
    this.ranks = new Int32Array(size);
    this.merged = new Int32Array(size);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Files the merge of (left, right) into `mergedId` at `rank`.
   *
   * @throws {RangeError} when the pair is already in the table or the table is full.
   */
  set(left: number, right: number, rank: number, mergedId: number): void {
    if (this.count * 2 >= this.mask + 1) throw new RangeError("merge table is full");
    let i = this.slot(left, right);
    while (this.lefts[i] !== -1) {
      if (this.lefts[i] === left && this.rights[i] === right)
        throw new RangeError(`duplicate merge ${left} ${right}`);
      i = (i + 1) & this.mask;
    }
    this.lefts[i] = left;
    this.rights[i] = right;
    this.ranks[i] = rank;
    this.merged[i] = mergedId;
    this.count++;
  }

  /** Slot index of (left, right), or -1 when the pair has no merge. */
  find(left: number, right: number): number {
    let i = this.slot(left, right);
    for (;;) {
      const l = this.lefts[i] as number;
      if (l === -1) return -1;
      if (l === left && this.rights[i] === right) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** Rank of the merge in slot `i` (from find). */
  rankAt(i: number): number {
    return this.ranks[i] as number;
  }

  /** Merged token id of the merge in slot `i` (from find). */
  mergedAt(i: number): number {
    return this.merged[i] as number;
  }

  private slot(left: number, right: number): number {
    return ((Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 0x632be5ab, 0x85ebca77)) >>> 7) & this.mask;
  }
}
