/** Shared test helpers: a real Ed25519 checkpoint signer, temp stores, a storage wrapper that fails on demand. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signerFromSeed, VerifierSet } from "../../src/keys/index.js";
import { signNote } from "../../src/note/index.js";
import { openCheckpoint } from "../../src/log/checkpoint.js";
import type {
  LogStorage,
  SequenceRequest,
  SequenceResult,
  StoredCheckpoint,
} from "../../src/log/storage/contract.js";
import { openSqliteStorage, type SqliteStorageOptions } from "../../src/log/storage/sqlite.js";

export const ORIGIN = "log.test.example/zeq-np";
export const signer = signerFromSeed("log.test.example", new Uint8Array(32).fill(7));
export const verifiers = new VerifierSet([signer.verifier]);

export const signCheckpoint = (body: string): string => signNote(body, [signer]);

/** Verifies a checkpoint note and returns what it signs. */
export function openNote(note: string): { size: number; rootHash: Uint8Array } {
  return openCheckpoint(note, verifiers, ORIGIN).checkpoint;
}

export interface TempStore {
  path: string;
  open(options?: SqliteStorageOptions): Promise<LogStorage>;
  remove(): void;
}

export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), "zeq-log-"));
  const path = join(dir, "log.sqlite");
  return {
    path,
    open: (options = { writer: "inline" }) => openSqliteStorage(path, options),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Wraps a storage: records batch sizes, and fails chosen calls. */
export class WrappedStorage implements LogStorage {
  readonly backend = "wrapped";
  readonly batchSizes: number[] = [];
  failSequence: ((request: SequenceRequest) => Error | null) | null = null;
  failSave: ((checkpoint: StoredCheckpoint) => Error | null) | null = null;
  fakeLatest: StoredCheckpoint | null = null;

  constructor(readonly inner: LogStorage) {}

  async sequence(request: SequenceRequest): Promise<SequenceResult> {
    this.batchSizes.push(request.entries.length);
    const err = this.failSequence?.(request);
    if (err) throw err;
    return this.inner.sequence(request);
  }
  async saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    const err = this.failSave?.(checkpoint);
    if (err) throw err;
    return this.inner.saveCheckpoint(checkpoint);
  }
  treeHead = () => this.inner.treeHead();
  readHashes = (ids: Parameters<LogStorage["readHashes"]>[0]) => this.inner.readHashes(ids);
  readEntries = (start: number, count: number) => this.inner.readEntries(start, count);
  latestCheckpoint = async () => this.fakeLatest ?? this.inner.latestCheckpoint();
  checkpointAt = (size: number) => this.inner.checkpointAt(size);
  listCheckpoints = (from: number, limit: number) => this.inner.listCheckpoints(from, limit);
  countHashes = () => this.inner.countHashes();
  close = () => this.inner.close();
}
