/**
 * The part of the transparency log the server reads: the latest signed checkpoint, proofs
 * and entries. The HTTP layer depends on these four reads only, not on a storage backend.
 */
import type { TransparencyLog } from "../log/transparency-log.js";

export type LogView = Pick<
  TransparencyLog,
  "latestCheckpoint" | "inclusionProof" | "consistencyProof" | "entry"
>;
