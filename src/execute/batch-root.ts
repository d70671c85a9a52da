/**
 * The Merkle root that ties the records of one batch together: RFC 6962's MTH over the
 * element records' payload bytes, in position order. A caller holding the batch's receipts
 * recomputes it without the log.
 */
import { leafHash, nodeHash, EMPTY_ROOT } from "../log/merkle/hash.js";

export function merkleTreeHash(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  let level = leaves.map((l) => leafHash(l));
  // RFC 6962 splits at the largest power of two below n; building bottom-up and carrying an
  // odd node up unchanged yields the same tree.
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}
