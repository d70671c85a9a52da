/**
 * RFC 6962 / RFC 9162 Merkle tree verification: leaf and node hashes, inclusion proofs
 * (RFC 9162 §2.1.3.2) and consistency proofs (§2.1.4.2), written from the RFC's
 * algorithms. Sizes and indexes are numbers up to 2^53 - 1, so halving uses division, not
 * 32-bit shifts.
 */
import { bytesEqual, type Bytes } from "./bytes.js";
import { sha256 } from "./crypto.js";
import { WebVerifyError } from "./errors.js";

export const HASH_SIZE = 32;

/** SHA-256(0x00 ‖ leaf). */
export function leafHash(leaf: Uint8Array): Promise<Bytes> {
  return sha256(Uint8Array.of(0x00), leaf);
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Bytes> {
  return sha256(Uint8Array.of(0x01), left, right);
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

function isPowerOfTwo(n: number): boolean {
  while (n > 1) {
    if (isOdd(n)) return false;
    n = half(n);
  }
  return n === 1;
}

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

function checkHashes(what: string, hashes: readonly Uint8Array[], code: WebVerifyError["code"]): void {
  hashes.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new WebVerifyError(code, `${what}[${i}] is not a 32-byte hash`);
    }
  });
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1–4).
 * @throws {WebVerifyError} WEB_VERIFY_INCLUSION_FAILED when the proof cannot fit the tree
 */
export async function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<Bytes> {
  const fail = (why: string) => new WebVerifyError("WEB_VERIFY_INCLUSION_FAILED", why);
  if (!isCount(index) || !isCount(size) || index >= size)
    throw fail("leaf index must be below the tree size");
  checkHashes("inclusion proof", [leaf, ...proof], "WEB_VERIFY_INCLUSION_FAILED");
  let fn = index;
  let sn = size - 1;
  let r: Bytes = new Uint8Array(leaf);
  for (const p of proof) {
    if (sn === 0) throw fail("inclusion proof is longer than the tree is deep");
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      // Past a right edge: climb to where this subtree is a right child (or the top).
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw fail("inclusion proof is shorter than the path to the root");
  return r;
}

/**
 * Checks that `leaf` is at `index` in the tree of `size` leaves whose root is `root`.
 * @throws {WebVerifyError} WEB_VERIFY_INCLUSION_FAILED
 */
export async function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<void> {
  const computed = await rootFromInclusionProof(index, size, leaf, proof);
  if (root.length !== HASH_SIZE || !bytesEqual(computed, root)) {
    throw new WebVerifyError(
      "WEB_VERIFY_INCLUSION_FAILED",
      "inclusion proof does not lead to the checkpoint's root",
    );
  }
}

/**
 * Checks that the tree of `size1` leaves with root `root1` is a prefix of the tree of
 * `size2` leaves with root `root2` (RFC 9162 §2.1.4.2).
 * @throws {WebVerifyError} WEB_VERIFY_CONSISTENCY_FAILED
 */
export async function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<void> {
  const fail = (why: string) => new WebVerifyError("WEB_VERIFY_CONSISTENCY_FAILED", why);
  if (!isCount(size1) || !isCount(size2) || size1 > size2)
    throw fail("the first tree must not be larger than the second");
  checkHashes("consistency proof", [root1, root2, ...proof], "WEB_VERIFY_CONSISTENCY_FAILED");
  if (size1 === size2) {
    if (proof.length !== 0) throw fail("trees of equal size need an empty proof");
    if (!bytesEqual(root1, root2)) throw fail("two different roots for one tree size");
    return;
  }
  if (size1 === 0) {
    // Every tree extends the empty tree.
    if (proof.length !== 0) throw fail("a proof from the empty tree must be empty");
    return;
  }
  if (proof.length === 0) throw fail("consistency proof is empty");
  // When size1 is a power of two, its root is a node of the second tree: the proof omits it.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Bytes = new Uint8Array(path[0]!);
  let sr: Bytes = new Uint8Array(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) throw fail("consistency proof is longer than needed");
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      // Past a right edge: climb to where this subtree is a right child (or the top).
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw fail("consistency proof is shorter than needed");
  if (!bytesEqual(fr, root1)) throw fail("consistency proof does not lead to the first root");
  if (!bytesEqual(sr, root2)) throw fail("consistency proof does not lead to the second root");
}
