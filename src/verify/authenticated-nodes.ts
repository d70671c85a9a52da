/**
 * The tree nodes of one verified checkpoint that are already proven, so that receipts
 * sharing the checkpoint do not each re-hash the whole audit path.
 *
 * Every node of a tree of fixed size is the hash of a fixed leaf range [lo, hi). A node is
 * stored only after a proof through it reached the checkpoint's trusted root, and always
 * together with its sibling and all its ancestors' siblings (the invariant). A later proof
 * then hashes up from its leaf only until it meets a stored node: its hash must equal the
 * stored one and every remaining proof entry must equal the stored sibling. The result is
 * exactly that of a full verification (short of a SHA-256 collision), at the cost of a few
 * byte comparisons instead of log2(size) hashes.
 */
import { bytesEqual } from "../core/bytes.js";
import { MerkleProofError } from "../log/merkle/errors.js";
import { nodeHash } from "../log/merkle/hash.js";
import { largestPow2Below } from "../log/merkle/tree-math.js";

type NodeKey = number | string;

/** One merge on the path, bottom-up: the node holding the leaf, and its sibling. */
interface Step {
  childKey: NodeKey;
  siblingKey: NodeKey;
  siblingOnRight: boolean;
}

/** A node is the range [lo, hi); numbers are cheaper keys while lo·2^26 + hi stays exact. */
const NUMERIC_KEY_LIMIT = 2 ** 26;
const numericKey = (lo: number, hi: number): NodeKey => lo * NUMERIC_KEY_LIMIT + hi;
const stringKey = (lo: number, hi: number): NodeKey => `${lo}:${hi}`;

/** The audit path's shape for leaf `index` of a tree of `size` leaves, leaf level first. */
function pathShape(index: number, size: number): Step[] {
  const key = size < NUMERIC_KEY_LIMIT ? numericKey : stringKey;
  const steps: Step[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const mid = lo + largestPow2Below(hi - lo);
    if (index < mid) {
      steps.push({ childKey: key(lo, mid), siblingKey: key(mid, hi), siblingOnRight: true });
      hi = mid;
    } else {
      steps.push({ childKey: key(mid, hi), siblingKey: key(lo, mid), siblingOnRight: false });
      lo = mid;
    }
  }
  return steps.reverse();
}

export class AuthenticatedNodes {
  private readonly nodes = new Map<NodeKey, Uint8Array>();

  /**
   * @param size tree size of the checkpoint (≥ 1 for any inclusion to exist)
   * @param root its trusted root hash
   * @param capacity most nodes kept; past it, proofs are still checked but not remembered
   */
  constructor(
    readonly size: number,
    private readonly root: Uint8Array,
    readonly capacity = 1 << 15,
  ) {}

  get storedNodes(): number {
    return this.nodes.size;
  }

  /**
   * Checks that `leafHash` is leaf `index` of this checkpoint's tree, as verifyInclusion
   * does, and remembers the proven nodes.
   * @throws {MerkleProofError} LOG_PROOF_INDEX_OUT_OF_RANGE, LOG_PROOF_WRONG_LENGTH, LOG_PROOF_INVALID
   */
  verifyInclusion(index: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): void {
    if (!(index >= 0 && index < this.size)) {
      throw new MerkleProofError(
        "LOG_PROOF_INDEX_OUT_OF_RANGE",
        `leaf ${index} is not in a tree of ${this.size}`,
      );
    }
    const steps = pathShape(index, this.size);
    if (proof.length !== steps.length) {
      throw new MerkleProofError(
        "LOG_PROOF_WRONG_LENGTH",
        `inclusion proof for leaf ${index} of ${this.size} needs ${steps.length} hashes, has ${proof.length}`,
      );
    }
    const computed: Uint8Array[] = [];
    let h = leafHash;
    let met = steps.length; // index of the first step whose child node was already proven
    for (let j = 0; j < steps.length; j++) {
      const known = this.nodes.get(steps[j]!.childKey);
      if (known !== undefined) {
        if (!bytesEqual(known, h) || !this.siblingsMatch(steps, proof, j)) throw this.invalid(index);
        met = j;
        break;
      }
      computed.push(h);
      h = steps[j]!.siblingOnRight ? nodeHash(h, proof[j]!) : nodeHash(proof[j]!, h);
    }
    if (met === steps.length && !bytesEqual(h, this.root)) throw this.invalid(index);
    this.remember(steps, proof, computed, met);
  }

  private siblingsMatch(steps: Step[], proof: readonly Uint8Array[], from: number): boolean {
    for (let m = from; m < steps.length; m++) {
      const sibling = this.nodes.get(steps[m]!.siblingKey);
      if (sibling === undefined || !bytesEqual(sibling, proof[m]!)) return false;
    }
    return true;
  }

  /** Stores the newly proven path below `met` with its siblings, all or nothing. */
  private remember(steps: Step[], proof: readonly Uint8Array[], computed: Uint8Array[], met: number): void {
    if (this.nodes.size + 2 * met > this.capacity) return;
    for (let j = 0; j < met; j++) {
      this.nodes.set(steps[j]!.childKey, Uint8Array.from(computed[j]!));
      this.nodes.set(steps[j]!.siblingKey, Uint8Array.from(proof[j]!));
    }
  }

  private invalid(index: number): MerkleProofError {
    return new MerkleProofError(
      "LOG_PROOF_INVALID",
      `inclusion proof for leaf ${index} does not lead to the root of the tree of size ${this.size}`,
    );
  }
}
