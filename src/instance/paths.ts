/**
 * Where an instance keeps its state. One data directory holds everything a server or the
 * CLI writes: the signing key, the log database, the blob store and the generated API keys.
 */
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
