/**
 * Checkpoints already verified, keyed by their exact signed-note text. Many receipts share
 * one checkpoint, so its signature is checked once; a later receipt with byte-identical
 * note text needs no second signature check, and reuses the tree nodes earlier receipts
 * proved (see AuthenticatedNodes). Failures are never cached. Bounded, with the least
 * recently used entry evicted first.
 */
import type { Checkpoint } from "../log/checkpoint.js";
import type { AuthenticatedNodes } from "./authenticated-nodes.js";

export interface VerifiedCheckpoint {
  checkpoint: Checkpoint;
  /** `name+hexkeyid` of the trusted keys that signed it. */
  signers: string[];
  /** Tree nodes already proven under this checkpoint (only for cached checkpoints). */
  nodes?: AuthenticatedNodes;
}

export class CheckpointCache {
  private readonly entries = new Map<string, VerifiedCheckpoint>();

  /**
   * @param capacity checkpoints remembered (0: none)
   * @param nodeCapacity proven tree nodes remembered per checkpoint (about 100 bytes each)
   * @throws {RangeError} for a negative or non-integer capacity
   */
  constructor(
    readonly capacity = 16,
    readonly nodeCapacity = 1 << 15,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError("capacity must be >= 0");
    if (!Number.isSafeInteger(nodeCapacity) || nodeCapacity < 0)
      throw new RangeError("nodeCapacity must be >= 0");
  }

  get(note: string): VerifiedCheckpoint | undefined {
    const hit = this.entries.get(note);
    if (hit !== undefined) {
      this.entries.delete(note);
      this.entries.set(note, hit);
    }
    return hit;
  }

  set(note: string, verified: VerifiedCheckpoint): void {
    if (this.capacity === 0) return;
    this.entries.delete(note);
    this.entries.set(note, verified);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
