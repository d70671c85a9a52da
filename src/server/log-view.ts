/**
 * The part of the transparency log the server reads: the latest signed checkpoint, proofs
 * and entries. Declared here as the server's port so the HTTP layer depends on no storage
 * backend.
 */
export interface LogView {
  latestCheckpoint(): Promise<{ size: number; note: string }>;
  inclusionProof(index: number, treeSize: number): Promise<Uint8Array[]>;
  consistencyProof(fromSize: number, toSize: number): Promise<Uint8Array[]>;
  entry(index: number): Promise<{ leaf: Uint8Array; extra: Uint8Array | null }>;
}
