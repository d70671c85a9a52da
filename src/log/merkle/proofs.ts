/**
 * Proof generation over stored hashes (the log's side). Every proof node of RFC 6962 is
 * the hash of a subtree that is either complete — one stored hash (level, index) — or
 * the tree's ragged right edge [x, size), whose hash folds the O(log n) complete
 * subtrees covering it. So a root, an inclusion proof or a consistency proof for any
 * size up to the current one costs O(log n) hash reads and no recomputation.
 *
 * Generation is split in two so the same code serves synchronous and asynchronous
 * stores: a plan lists the node ids to read (in one batch), then builds the result from
 * the hashes read.
 */
import { HASH_SIZE, EMPTY_ROOT, nodeHash } from "./hash.js";
import { MerkleProofError } from "./errors.js";
import { compactRange, isCount, largestPow2Below, type NodeId } from "./tree-math.js";

/** Reads stored hashes in the order asked, in one batch; may answer synchronously. */
export type HashReader = (ids: readonly NodeId[]) => Promise<readonly Uint8Array[]> | readonly Uint8Array[];
export type SyncHashReader = (ids: readonly NodeId[]) => readonly Uint8Array[];

/** A subtree [begin, end) whose Merkle tree hash is one element of a proof. */
interface Span {
  readonly begin: number;
  readonly end: number;
}

/** The ids to read, and how to turn the hashes read into the result. */
export class HashPlan<T> {
  constructor(
    readonly ids: readonly NodeId[],
    private readonly finish: (hashes: readonly Uint8Array[]) => T,
  ) {}

  /**
   * Builds the result from the hashes of `ids`, in the same order.
   * @throws {RangeError} when the count differs from `ids`
   * @throws {MerkleProofError} LOG_PROOF_BAD_HASH_LENGTH when a hash is not 32 bytes
   */
  build(hashes: readonly Uint8Array[]): T {
    if (hashes.length !== this.ids.length) {
      throw new RangeError(`hash reader returned ${hashes.length} hashes for ${this.ids.length} ids`);
    }
    hashes.forEach((h, i) => {
      if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
        const id = this.ids[i] as NodeId;
        throw new MerkleProofError(
          "LOG_PROOF_BAD_HASH_LENGTH",
          `stored hash (${id.level}, ${id.index}) is not ${HASH_SIZE} bytes`,
        );
      }
    });
    return this.finish(hashes);
  }
}

/** MTH of a span from the hashes of its compact range, largest subtree first (RFC 6962 §2.1). */
function foldRight(hashes: readonly Uint8Array[]): Uint8Array {
  let h = hashes[hashes.length - 1] as Uint8Array;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i] as Uint8Array, h);
  return h;
}

function spanIds(span: Span): NodeId[] {
  const ids = compactRange(span.begin, span.end);
  // RFC 6962 splits at the largest power of two, so a span's hash is a right fold of its
  // compact range only when the pieces shrink left to right; every span built below does.
  for (let i = 1; i < ids.length; i++) {
    if ((ids[i] as NodeId).level >= (ids[i - 1] as NodeId).level) {
      throw new Error(`internal: span [${span.begin}, ${span.end}) is not a right-edge subtree`);
    }
  }
  return ids;
}

function planSpans(spans: readonly Span[]): HashPlan<Uint8Array[]> {
  const groups = spans.map(spanIds);
  return new HashPlan(groups.flat(), (hashes) => {
    const out: Uint8Array[] = [];
    let at = 0;
    for (const g of groups) {
      out.push(foldRight(hashes.slice(at, at + g.length)));
      at += g.length;
    }
    return out;
  });
}

function checkCount(value: unknown, name: string): asserts value is number {
  if (!isCount(value)) {
    throw new MerkleProofError("LOG_PROOF_BAD_INPUT", `${name} must be an integer in [0, 2^53 - 1]`);
  }
}

/**
 * Plan for MTH(D[0:size]); the empty tree's root is EMPTY_ROOT and reads nothing.
 * @throws {MerkleProofError} LOG_PROOF_BAD_INPUT
 */
export function planRoot(size: number): HashPlan<Uint8Array> {
  checkCount(size, "size");
  if (size === 0) return new HashPlan([], () => EMPTY_ROOT);
  const inner = planSpans([{ begin: 0, end: size }]);
  return new HashPlan(inner.ids, (hashes) => inner.build(hashes)[0] as Uint8Array);
}

/**
 * Plan for PATH(index, D[0:size]) of RFC 6962 §2.1.1, deepest node first.
 * @throws {MerkleProofError} LOG_PROOF_BAD_INPUT, LOG_PROOF_INDEX_OUT_OF_RANGE
 */
export function planInclusionProof(index: number, size: number): HashPlan<Uint8Array[]> {
  checkCount(index, "index");
  checkCount(size, "size");
  if (index >= size) {
    throw new MerkleProofError(
      "LOG_PROOF_INDEX_OUT_OF_RANGE",
      `leaf index ${index} is not in a tree of size ${size}`,
    );
  }
  const spans: Span[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = largestPow2Below(hi - lo);
    if (index < lo + k) {
      spans.push({ begin: lo + k, end: hi });
      hi = lo + k;
    } else {
      spans.push({ begin: lo, end: lo + k });
      lo += k;
    }
  }
  return planSpans(spans.reverse());
}

/**
 * Plan for PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true) of RFC 6962 §2.1.2.
 * Equal sizes give an empty proof; a proof from the empty tree is refused, as the
 * verifier refuses it.
 * @throws {MerkleProofError} LOG_PROOF_BAD_INPUT, LOG_PROOF_INDEX_OUT_OF_RANGE
 */
export function planConsistencyProof(size1: number, size2: number): HashPlan<Uint8Array[]> {
  checkCount(size1, "size1");
  checkCount(size2, "size2");
  if (size1 > size2) {
    throw new MerkleProofError(
      "LOG_PROOF_INDEX_OUT_OF_RANGE",
      `size1 ${size1} is larger than size2 ${size2}`,
    );
  }
  if (size1 === size2) return new HashPlan([], () => []);
  if (size1 === 0) {
    throw new MerkleProofError(
      "LOG_PROOF_INDEX_OUT_OF_RANGE",
      "there is no consistency proof from the empty tree",
    );
  }
  const spans: Span[] = [];
  let lo = 0;
  let hi = size2;
  let whole = true; // the RFC's b: true while D[lo:hi] starts at leaf 0 of the old tree
  for (;;) {
    if (size1 === hi) {
      if (!whole) spans.push({ begin: lo, end: hi });
      break;
    }
    const k = largestPow2Below(hi - lo);
    if (size1 - lo <= k) {
      spans.push({ begin: lo + k, end: hi });
      hi = lo + k;
    } else {
      spans.push({ begin: lo, end: lo + k });
      lo += k;
      whole = false;
    }
  }
  return planSpans(spans.reverse());
}

/** Runs a plan against a synchronous reader. */
export function readPlanSync<T>(plan: HashPlan<T>, read: SyncHashReader): T {
  return plan.build(plan.ids.length === 0 ? [] : read(plan.ids));
}

/** Runs a plan against a reader, reading all its hashes in one batch. */
export async function readPlan<T>(plan: HashPlan<T>, read: HashReader): Promise<T> {
  return plan.build(plan.ids.length === 0 ? [] : await read(plan.ids));
}

/** MTH(D[0:size]) from stored hashes. @throws as {@link planRoot} and the reader */
export async function rootAt(size: number, read: HashReader): Promise<Uint8Array> {
  return await readPlan(planRoot(size), read);
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves. @throws as {@link planInclusionProof} and the reader */
export async function inclusionProof(index: number, size: number, read: HashReader): Promise<Uint8Array[]> {
  return await readPlan(planInclusionProof(index, size), read);
}

/** The consistency proof from size1 to size2. @throws as {@link planConsistencyProof} and the reader */
export async function consistencyProof(
  size1: number,
  size2: number,
  read: HashReader,
): Promise<Uint8Array[]> {
  return await readPlan(planConsistencyProof(size1, size2), read);
}
