/**
 * RFC 6962 / RFC 9162 Merkle tree math: hashing, proof verification, proof generation
 * over stored hashes, and integration. Pure: no storage, no I/O, importable by an
 * auditor's verifier on its own.
 */
export { HASH_SIZE, EMPTY_ROOT, leafHash, nodeHash } from "./hash.js";
export { MerkleProofError, type MerkleProofErrorCode } from "./errors.js";
export { type NodeId, MAX_TREE_SIZE, compactRange, storedHashCount, nodeKey, isCount } from "./tree-math.js";
export {
  verifyInclusion,
  verifyConsistency,
  rootFromInclusionProof,
  inclusionProofLength,
  consistencyProofLength,
} from "./verify.js";
export {
  type HashReader,
  type SyncHashReader,
  HashPlan,
  planRoot,
  planInclusionProof,
  planConsistencyProof,
  readPlan,
  readPlanSync,
  rootAt,
  inclusionProof,
  consistencyProof,
} from "./proofs.js";
export {
  type CompactEdge,
  type StoredHash,
  type Integration,
  edgeIds,
  edgeRoot,
  integrate,
} from "./integrate.js";
export { KnownHashes } from "./known-hashes.js";
