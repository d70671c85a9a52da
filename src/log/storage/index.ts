/** The log's storage contract and its backends: SQLite (embedded) and PostgreSQL (shared by replicas). */
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
export { openPostgresStorage, type PostgresStorageOptions } from "./postgres.js";
