/**
 * A deliberately naive RFC 6962 §2.1 reference, written straight from the RFC's
 * recursive definitions (MTH, PATH, PROOF/SUBPROOF) over the full list of leaves.
 * Tests compare the real implementation against it.
 */
import { createHash } from "node:crypto";

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

export function naiveMth(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) return sha();
  if (n === 1) return sha(Uint8Array.of(0), leaves[0] as Uint8Array);
  const s = k(n);
  return sha(Uint8Array.of(1), naiveMth(leaves.slice(0, s)), naiveMth(leaves.slice(s)));
}

export function naivePath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  const n = leaves.length;
  if (n <= 1) return [];
  const s = k(n);
  if (m < s) return [...naivePath(m, leaves.slice(0, s)), naiveMth(leaves.slice(s))];
  return [...naivePath(m - s, leaves.slice(s)), naiveMth(leaves.slice(0, s))];
}

function subproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [naiveMth(leaves)];
  const s = k(n);
  if (m <= s) return [...subproof(m, leaves.slice(0, s), b), naiveMth(leaves.slice(s))];
  return [...subproof(m - s, leaves.slice(s), false), naiveMth(leaves.slice(0, s))];
}

export function naiveConsistency(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, leaves, true);
}
