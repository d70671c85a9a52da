/**
 * Opening an instance: the signing key, the log store and its transparency log, the blob
 * store, the inference engine, the served models and the executor, from one data directory
 * and one or more model repositories. The server and the CLI's `infer` share this.
 *
 * Fail closed: no signing key (and not allowed to create one), a store of another schema
 * version, or a log whose checkpoints disagree with its tree refuse to open; a model whose
 * files changed is refused (not served) and reported.
 */
import { existsSync, mkdirSync } from "node:fs";
import { BlobStore } from "../blob/store.js";
import { createCommitter } from "../execute/commit.js";
import { ModelCatalog, type RefusedModel } from "../execute/catalog.js";
import { DefaultExecutor } from "../execute/executor.js";
import type { Executor } from "../execute/types.js";
import type { HashProgress } from "../model/integrity.js";
import { InferenceEngine, type EngineOptions } from "../inference/index.js";
import {
  VerifierSet,
  generateSigningKey,
  readSigningKeyFile,
  writeSigningKeyFile,
  type Signer,
} from "../keys/index.js";
import { signNote } from "../note/index.js";
import { openPostgresStorage } from "../log/storage/postgres.js";
import { openSqliteStorage } from "../log/storage/sqlite.js";
import type { LogStorage } from "../log/storage/contract.js";
import { TransparencyLog } from "../log/transparency-log.js";
import { dataPaths, defaultKeyName, type DataPaths } from "./paths.js";
import { InstanceError } from "./errors.js";

export interface InstanceOptions {
  dataDir: string;
  /** Model repositories, searched in order. */
  modelRoots: string[];
  /** Use this signing key file instead of `<data>/signing.key`. */
  signingKeyPath?: string;
  /**
   * Keep the log in PostgreSQL at this connection string (schema `zeq_np`), shared by
   * replicas, instead of `<data>/log.sqlite`.
   */
  logUrl?: string;
  /** Create the data directory and a signing key when missing (server start). Default false. */
  create?: boolean;
  /** Name of a key created on first start (also the log's origin). */
  keyName?: string;
  engine?: EngineOptions;
  /** Verifier keys, besides the instance's own, whose model cards are accepted. */
  trustedCardKeys?: string[];
  retainInputs?: boolean;
  /** Keep large outputs for replay across numeric environments (see ExecutorOptions). */
  retainOutputs?: boolean;
  maxBatch?: number;
  onHashProgress?: (model: string) => HashProgress;
  onRefusedModel?: (refused: RefusedModel) => void;
  /** Called once when a signing key was created, with its path. */
  onKeyCreated?: (path: string, signer: Signer) => void;
}

export interface Instance {
  paths: DataPaths;
  signer: Signer;
  /** The log's origin line: the signing key's name. */
  origin: string;
  storage: LogStorage;
  log: TransparencyLog;
  blobs: BlobStore;
  engine: InferenceEngine;
  catalog: ModelCatalog;
  executor: Executor;
  /** Drains work, commits, writes the final checkpoint, stops workers. */
  close(): Promise<void>;
}

/** Loads (or, when allowed, creates) the signing key. @throws KEY_* errors, INSTANCE_NO_SIGNING_KEY */
export function loadSigner(
  options: Pick<InstanceOptions, "dataDir" | "signingKeyPath" | "create" | "keyName" | "onKeyCreated">,
): Signer {
  const paths = dataPaths(options.dataDir);
  const keyPath = options.signingKeyPath ?? paths.signingKey;
  if (!existsSync(keyPath)) {
    if (!options.create || options.signingKeyPath) {
      throw new InstanceError(
        "INSTANCE_NO_SIGNING_KEY",
        `no signing key at ${keyPath}: create one with \`zeq-np keys generate --data ${options.dataDir}\``,
      );
    }
    mkdirSync(paths.root, { recursive: true, mode: 0o700 });
    writeSigningKeyFile(keyPath, generateSigningKey(options.keyName ?? defaultKeyName()));
    const signer = readSigningKeyFile(keyPath);
    options.onKeyCreated?.(keyPath, signer);
    return signer;
  }
  return readSigningKeyFile(keyPath);
}

/** Opens the log store: PostgreSQL when a URL is given, else `<data>/log.sqlite`. */
async function openStorage(
  paths: DataPaths,
  opts: { mustExist?: boolean; logUrl?: string },
): Promise<LogStorage> {
  if (opts.logUrl !== undefined) {
    return openPostgresStorage({ connectionString: opts.logUrl, mustExist: opts.mustExist === true });
  }
  if (opts.mustExist && !existsSync(paths.logDatabase)) {
    throw new InstanceError("INSTANCE_NO_LOG", `no log store at ${paths.logDatabase}`);
  }
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  return openSqliteStorage(paths.logDatabase);
}

/** Opens the log store and transparency log only (the `log` and `fsck` commands). */
export async function openLog(
  dataDir: string,
  signer: Signer,
  opts: { mustExist?: boolean; logUrl?: string } = {},
): Promise<{ storage: LogStorage; log: TransparencyLog }> {
  const storage = await openStorage(dataPaths(dataDir), opts);
  try {
    const log = await TransparencyLog.open({
      storage,
      origin: signer.name,
      signCheckpoint: (body) => signNote(body, [signer]),
    });
    return { storage, log };
  } catch (err) {
    await storage.close();
    throw err;
  }
}

export async function openInstance(options: InstanceOptions): Promise<Instance> {
  const paths = dataPaths(options.dataDir);
  const signer = loadSigner(options);
  const { storage, log } = await openLog(options.dataDir, signer, { logUrl: options.logUrl });
  // Retained inputs and outputs are replay material: no fsync per blob (docs/security.md).
  const blobs = new BlobStore(paths.blobs, { fsync: false });
  let engine: InferenceEngine | null = null;
  try {
    engine = await InferenceEngine.start(options.engine);
    const catalog = await ModelCatalog.open({
      roots: options.modelRoots,
      engine,
      cardVerifiers: new VerifierSet([signer.verifier, ...(options.trustedCardKeys ?? [])]),
      onHashProgress: options.onHashProgress,
      onRefused: options.onRefusedModel,
    });
    const executor = new DefaultExecutor({
      engine,
      catalog,
      committer: createCommitter(log, signer, signer.name),
      blobs,
      signerKeyId: signer.keyId,
      retainInputs: options.retainInputs,
      retainOutputs: options.retainOutputs,
      maxBatch: options.maxBatch,
    });
    const openedEngine = engine;
    let closing: Promise<void> | null = null;
    return {
      paths,
      signer,
      origin: signer.name,
      storage,
      log,
      blobs,
      engine: openedEngine,
      catalog,
      executor,
      close() {
        closing ??= (async () => {
          await executor.close();
          await openedEngine.close();
          await log.close(); // commits what is pending, signs the final checkpoint, closes the store
        })();
        return closing;
      },
    };
  } catch (err) {
    await engine?.close();
    await log.close();
    throw err;
  }
}
