/**
 * The server's API keys. From the environment (ZEQ_API_KEY, comma-separated, for inference;
 * ZEQ_ADMIN_KEY for management) when set; otherwise generated on first start and kept in
 * the data directory (mode 0600): `api-keys.json` holds both lists, and `inference.key`
 * the first inference key alone so `export ZEQ_DEMO_KEY=$(cat data/inference.key)` works.
 * Keys issued or revoked through the admin API are written back to the file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateApiKey, keyIdOf } from "../server/auth.js";
import type { ApiKeyEvent } from "../server/options.js";
import { dataPaths } from "./paths.js";

export interface ApiKeys {
  apiKeys: string[];
  adminKeys: string[];
  /** Where keys are kept, or null when they come from the environment. */
  file: string | null;
  /** True when this call generated them. */
  created: boolean;
}

interface KeyFile {
  inference: string[];
  admin: string[];
}

function fromEnv(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
}

function writeKeyFile(path: string, keys: KeyFile): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  writeFileSync(join(path, "..", "inference.key"), `${keys.inference[0] ?? ""}\n`, { mode: 0o600 });
}

export function loadApiKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env): ApiKeys {
  const envApi = fromEnv(env.ZEQ_API_KEY);
  const envAdmin = fromEnv(env.ZEQ_ADMIN_KEY);
  const path = dataPaths(dataDir).apiKeys;
  let stored: KeyFile | null = null;
  let created = false;
  if (envApi.length === 0 || envAdmin.length === 0) {
    if (existsSync(path)) {
      stored = JSON.parse(readFileSync(path, "utf8")) as KeyFile;
    } else {
      stored = { inference: [generateApiKey()], admin: [generateApiKey()] };
      writeKeyFile(path, stored);
      created = true;
    }
  }
  return {
    apiKeys: envApi.length > 0 ? envApi : stored!.inference,
    adminKeys: envAdmin.length > 0 ? envAdmin : stored!.admin,
    file: stored ? path : null,
    created,
  };
}

/** Keeps the key file in step with keys issued or revoked through the admin API. */
export function persistApiKeyEvents(keys: ApiKeys): (event: ApiKeyEvent) => void {
  return (event) => {
    if (!keys.file) return;
    const stored = JSON.parse(readFileSync(keys.file, "utf8")) as KeyFile;
    if (event.action === "issued") {
      (event.role === "admin" ? stored.admin : stored.inference).push(event.key);
    } else {
      stored.inference = stored.inference.filter((k) => keyIdOf(k) !== event.keyId);
      stored.admin = stored.admin.filter((k) => keyIdOf(k) !== event.keyId);
    }
    writeKeyFile(keys.file, stored);
  };
}
