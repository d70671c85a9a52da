/**
 * The transparency log: RFC 6962 Merkle math (./merkle, importable alone by verifiers),
 * storage backends, the group-committing log service, checkpoints and fsck.
 */
export { LogError, type LogErrorCode } from "./errors.js";
export * from "./merkle/index.js";
export * from "./storage/index.js";
export { TransparencyLog, type AppendResult, type TransparencyLogOptions } from "./transparency-log.js";
export {
  fsck,
  type FsckOptions,
  type FsckProblem,
  type FsckProblemKind,
  type FsckReport,
  type OpenCheckpoint,
} from "./fsck.js";
export {
  CheckpointError,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type CheckpointErrorCode,
  type OpenedCheckpoint,
} from "./checkpoint.js";
