/**
 * RFC 6962 §2.1 / RFC 9162 §2.1.1 hashing: the only two hash shapes of the log.
 * The 0x00 / 0x01 prefixes keep a leaf from ever being read as an interior node
 * (second-preimage resistance of the tree).
 */
import { createHash } from "node:crypto";

/** Length in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/**
 * The hash of a leaf: SHA-256(0x00 ‖ leaf).
 * @example leafHash(new Uint8Array()) // 6e340b9c…: the hash of the empty leaf
 */
export function leafHash(leaf: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(LEAF_PREFIX).update(leaf).digest());
}

/** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest());
}

/** MTH({}) = SHA-256(""), the root hash of the empty tree (e3b0c442…). */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(createHash("sha256").digest());
