/**
 * Verification of RFC 9162 inclusion and consistency proofs (§2.1.3.2 and §2.1.4.2),
 * written step for step after the RFC's algorithms.
 *
 * Everything passed in here is attacker-controlled: a receipt or a log server supplies
 * the index, the sizes and the proof. Each malformed input becomes a MerkleProofError
 * with a stable code, checked before any hashing: argument shapes, then hash lengths,
 * then ranges, then the exact proof length, and only then the hash chain.
 */
import { bytesEqual } from "../../core/bytes.js";
import { HASH_SIZE, nodeHash } from "./hash.js";
import { MerkleProofError } from "./errors.js";
import { isCount, isPow2 } from "./tree-math.js";

function checkCount(value: unknown, name: string): asserts value is number {
  if (!isCount(value)) {
    throw new MerkleProofError("LOG_PROOF_BAD_INPUT", `${name} must be an integer in [0, 2^53 - 1]`);
  }
}

function checkHash(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new MerkleProofError("LOG_PROOF_BAD_INPUT", `${name} must be a Uint8Array`);
  }
  if (value.length !== HASH_SIZE) {
    throw new MerkleProofError(
      "LOG_PROOF_BAD_HASH_LENGTH",
      `${name} is ${value.length} bytes; every hash is ${HASH_SIZE} bytes`,
    );
  }
}

function checkProof(proof: unknown): asserts proof is readonly Uint8Array[] {
  if (!Array.isArray(proof)) throw new MerkleProofError("LOG_PROOF_BAD_INPUT", "proof must be an array");
  proof.forEach((node, i) => checkHash(node, `proof[${i}]`));
}

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/**
 * Number of proof nodes RFC 9162 §2.1.3.2 consumes for (fn, sn) before sn reaches 0:
 * the same walk as the verifier, without hashing.
 */
function pathLength(fn: number, sn: number): number {
  let steps = 0;
  while (sn > 0) {
    // The verifier's "LSB(fn) set or fn = sn" branch shifts extra only when fn is even.
    if (fn === sn && !odd(fn)) {
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
    steps++;
  }
  return steps;
}

/** The number of nodes in the inclusion proof of leaf `index` in a tree of `treeSize` leaves (index < treeSize). */
export function inclusionProofLength(index: number, treeSize: number): number {
  return pathLength(index, treeSize - 1);
}

/** The number of nodes in the consistency proof from size1 to size2 (0 < size1 < size2). */
export function consistencyProofLength(size1: number, size2: number): number {
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // One seed node (omitted when size1 is a power of two: the verifier already holds it
  // as root1) plus one node per step of the walk.
  return (isPow2(size1) ? 0 : 1) + pathLength(fn, sn);
}

/**
 * Computes the root hash that an inclusion proof leads to (RFC 9162 §2.1.3.2, steps 1–4).
 * @throws {MerkleProofError} LOG_PROOF_BAD_INPUT, LOG_PROOF_BAD_HASH_LENGTH,
 *   LOG_PROOF_INDEX_OUT_OF_RANGE (index ≥ treeSize), LOG_PROOF_WRONG_LENGTH
 */
export function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkCount(index, "index");
  checkCount(treeSize, "treeSize");
  checkHash(leafHash, "leafHash");
  checkProof(proof);
  if (index >= treeSize) {
    throw new MerkleProofError(
      "LOG_PROOF_INDEX_OUT_OF_RANGE",
      `leaf index ${index} is not in a tree of size ${treeSize}`,
    );
  }
  const want = inclusionProofLength(index, treeSize);
  if (proof.length !== want) {
    throw new MerkleProofError(
      "LOG_PROOF_WRONG_LENGTH",
      `inclusion proof has ${proof.length} nodes; leaf ${index} of a tree of size ${treeSize} needs ${want}`,
    );
  }
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // The length check above guarantees the walk ended exactly at the root (sn = 0).
  return r;
}

/**
 * Checks that `leafHash` is the leaf at `index` of the tree of `treeSize` leaves whose
 * root hash is `root`.
 * @throws {MerkleProofError} as rootFromInclusionProof, and LOG_PROOF_INVALID when the
 *   proof leads to another root
 * @example verifyInclusion(2, 3, leafHash(leaf), [hashOfLeaves01], root3)
 */
export function verifyInclusion(
  index: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHash(root, "root");
  const computed = rootFromInclusionProof(index, treeSize, leafHash, proof);
  if (!bytesEqual(computed, root)) {
    throw new MerkleProofError(
      "LOG_PROOF_INVALID",
      `inclusion proof for leaf ${index} does not lead to the root of the tree of size ${treeSize}`,
    );
  }
}

/**
 * Checks that the tree of size2 with root2 extends the tree of size1 with root1
 * (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal roots. A proof from
 * the empty tree (size1 = 0 < size2) is refused: it would "verify" any root2 while
 * checking nothing, so a caller holding an empty checkpoint should compare its root to
 * EMPTY_ROOT instead.
 * @throws {MerkleProofError} LOG_PROOF_BAD_INPUT, LOG_PROOF_BAD_HASH_LENGTH,
 *   LOG_PROOF_INDEX_OUT_OF_RANGE (size1 > size2, or size1 = 0 < size2),
 *   LOG_PROOF_WRONG_LENGTH, LOG_PROOF_INVALID
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkCount(size1, "size1");
  checkCount(size2, "size2");
  checkHash(root1, "root1");
  checkHash(root2, "root2");
  checkProof(proof);
  if (size1 > size2) {
    throw new MerkleProofError(
      "LOG_PROOF_INDEX_OUT_OF_RANGE",
      `size1 ${size1} is larger than size2 ${size2}`,
    );
  }
  if (size1 === size2) {
    if (proof.length !== 0) {
      throw new MerkleProofError(
        "LOG_PROOF_WRONG_LENGTH",
        "a consistency proof between equal sizes is empty",
      );
    }
    if (!bytesEqual(root1, root2)) {
      throw new MerkleProofError("LOG_PROOF_INVALID", `two different roots for tree size ${size1}`);
    }
    return;
  }
  if (size1 === 0) {
    throw new MerkleProofError(
      "LOG_PROOF_INDEX_OUT_OF_RANGE",
      "a consistency proof from the empty tree proves nothing; compare root1 with EMPTY_ROOT",
    );
  }
  const want = consistencyProofLength(size1, size2);
  if (proof.length !== want) {
    throw new MerkleProofError(
      "LOG_PROOF_WRONG_LENGTH",
      `consistency proof has ${proof.length} nodes; sizes ${size1} → ${size2} need ${want}`,
    );
  }

  // Step 2: when size1 is a power of two the first subtree is root1 itself.
  const path = isPow2(size1) ? [root1, ...proof] : proof;
  // Steps 3–4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7 (sn = 0 is guaranteed by the length check).
  if (!bytesEqual(fr, root1)) {
    throw new MerkleProofError(
      "LOG_PROOF_INVALID",
      `consistency proof does not lead to root1 at size ${size1}`,
    );
  }
  if (!bytesEqual(sr, root2)) {
    throw new MerkleProofError(
      "LOG_PROOF_INVALID",
      `consistency proof does not lead to root2 at size ${size2}`,
    );
  }
}
