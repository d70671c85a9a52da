/** The log's storage contract and its embedded backend. */
export {
  LOG_SCHEMA_VERSION,
  type LogEntry,
  type LogStorage,
  type SequenceRequest,
  type SequenceResult,
  type StoredCheckpoint,
  type TreeHead,
} from "./contract.js";
export {
  MAX_ENTRY_PART_BYTES,
  checkEntry,
  checkCheckpointShape,
  mustStoreCheckpoint,
  prepareBatch,
} from "./sequencer.js";
export { openSqliteStorage, type SqliteStorageOptions } from "./sqlite.js";
