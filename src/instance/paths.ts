/**
 * Where an instance keeps its state. One data directory holds everything a server or the
 * CLI writes: the signing key, the log database, the blob store and the generated API keys.
 */
import { hostname } from "node:os";
import { join, resolve } from "node:path";

export interface DataPaths {
  root: string;
  signingKey: string;
  logDatabase: string;
  blobs: string;
  apiKeys: string;
}

export const DEFAULT_DATA_DIR = "./data";
export const DEFAULT_MODELS_DIR = "./models";

export function dataPaths(dir: string = DEFAULT_DATA_DIR): DataPaths {
  const root = resolve(dir);
  return {
    root,
    signingKey: join(root, "signing.key"),
    logDatabase: join(root, "log.sqlite"),
    blobs: join(root, "blobs"),
    apiKeys: join(root, "api-keys.json"),
  };
}

/** The default signing key name, which is also the log's origin line: unique per host. */
export function defaultKeyName(): string {
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, "-") || "localhost";
  return `${host}/zeq-np`;
}
