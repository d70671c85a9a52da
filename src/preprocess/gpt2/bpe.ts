/**
 * Byte-pair merging: repeatedly take the adjacent pair of symbols whose merge has the lowest
 * rank (the earliest line of vocab.bpe) and join all its occurrences, left to right, until no
 * adjacent pair has a merge. These are exactly the steps of openai/gpt-2 encoder.py.
 *
 * Symbols are token ids. The reference rescans the word after every step, which is
 * quadratic in its length, and a piece of text with no spaces can be a megabyte long. Here
 * symbols form a linked list, and each pair that appears is filed under its rank (a bucket
 * per rank, and a min-heap of the ranks that have a bucket), so each step visits only the
 * places where its pair may be; a position whose pair has changed since is skipped.
 */

import type { MergeTable } from "./merge-table.js";

/**
 * Merges `ids` (initially one per byte) with `table`; returns the ids of the merged tokens.
 *
 * @example bpeMerge(idsOf("H", "e", "l", "l", "o"), table) // [15496] ("Hello")
 */
export function bpeMerge(ids: readonly number[], table: MergeTable): number[] {
  const n = ids.length;
  if (n < 2) return ids.slice();
  const sym = Int32Array.from(ids);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  // Slot in the merge table of the pair starting at `left`, -1 when it has no merge.
  const slotAt = (left: number): number => {
    const right = next[left] as number;
    return right < 0 ? -1 : table.find(sym[left] as number, sym[right] as number);
  };
  const buckets = new Map<number, number[]>();
  const ranks = new MinHeap();
  const offer = (left: number): void => {
    const slot = slotAt(left);
    if (slot < 0) return;
    const rank = table.rankAt(slot);
    const bucket = buckets.get(rank);
    if (bucket) bucket.push(left);
    else {
      buckets.set(rank, [left]);
      ranks.push(rank);
    }
  };
  for (let i = 0; i + 1 < n; i++) offer(i);

  while (ranks.size > 0) {
    const rank = ranks.pop();
    const bucket = buckets.get(rank);
    if (bucket === undefined) continue;
    buckets.delete(rank);
    // Left to right, as the reference scans: with a pair like ("a", "a") in "aaa" the
    // leftmost occurrence wins and the overlapping one is skipped.
    const positions = Int32Array.from(bucket).sort();
    for (const left of positions) {
      // A removed symbol is marked by -1; a pair that changed since it was filed has
      // another rank (one rank, one pair).
      if (sym[left] === -1) continue;
      const slot = slotAt(left);
      if (slot < 0 || table.rankAt(slot) !== rank) continue;
      const right = next[left] as number;
      sym[left] = table.mergedAt(slot);
      sym[right] = -1;
      const after = next[right] as number;
      next[left] = after;
      if (after >= 0) prev[after] = left;
      // New pairs never have this rank (they contain the new symbol), so they wait for
      // a later step, as in the reference.
      if ((prev[left] as number) >= 0) offer(prev[left] as number);
      offer(left);
    }
  }

  const out: number[] = [];
  for (let i = 0; i >= 0; i = next[i] as number) out.push(sym[i] as number);
  return out;
}
/** A binary min-heap of non-negative numbers. */
class MinHeap {
  private items = new Float64Array(64);
  private length = 0;

  get size(): number {
    return this.length;
  }

  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Float64Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const a = this.items;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as number) <= value) break;
      a[i] = a[parent] as number;
      i = parent;
    }
    a[i] = value;
  }

  pop(): number {
    const a = this.items;
    const top = a[0] as number;
    const last = a[--this.length] as number;
    const size = this.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && (a[r] as number) < (a[l] as number) ? r : l;
      if ((a[c] as number) >= last) break;
      a[i] = a[c] as number;
      i = c;
    }
    if (size > 0) a[i] = last;
    return top;
  }
}
