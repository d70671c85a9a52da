/**
 * The model repository on disk: `<root>/<name>/<version>/` holding model.onnx, its
 * external data and model.json. Names come from requests, so every name and version is
 * validated before it touches a path (no traversal, no absolute paths).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ModelError } from "./errors.js";
import {
  MODEL_NAME_PATTERN,
  MODEL_VERSION_PATTERN,
  parseModelMetadata,
  type ModelMetadata,
} from "./metadata.js";

export const METADATA_FILE = "model.json";

/**
 * Checks a model name: lower-case [a-z0-9._-], starting with a letter or digit, no "..",
 * at most 128 characters.
 * @throws ModelError MODEL_NAME_INVALID otherwise (including any path separator).
 * @example validateModelName("bert-base-uncased"); // ok
 */
export function validateModelName(name: unknown): string {
  if (typeof name !== "string" || !MODEL_NAME_PATTERN.test(name) || name.includes("..")) {
    throw new ModelError(
      "MODEL_NAME_INVALID",
      `invalid model name ${JSON.stringify(String(name)).slice(0, 140)}: use lower-case letters, digits, ".", "_" and "-"`,
    );
  }
  return name;
}

/**
 * Checks a version: a positive decimal integer without leading zeros ("1", "12").
 * @throws ModelError MODEL_VERSION_INVALID otherwise.
 */
export function validateModelVersion(version: unknown): string {
  if (typeof version !== "string" || !MODEL_VERSION_PATTERN.test(version)) {
    throw new ModelError(
      "MODEL_VERSION_INVALID",
      `invalid model version ${JSON.stringify(String(version)).slice(0, 40)}`,
    );
  }
  return version;
}

/**
 * The folder of a model version; the highest version when `version` is omitted.
 * @throws ModelError MODEL_NAME_INVALID, MODEL_VERSION_INVALID, or MODEL_NOT_FOUND when the
 *   model or version does not exist.
 */
export async function resolveModelDir(root: string, name: string, version?: string): Promise<string> {
  validateModelName(name);
  if (version !== undefined) validateModelVersion(version);
  const modelDir = join(resolve(root), name);
  const versions = await listVersions(modelDir);
  if (versions.length === 0) throw new ModelError("MODEL_NOT_FOUND", `no model named ${name}`);
  const chosen = version ?? (versions[versions.length - 1] as string);
  if (!versions.includes(chosen))
    throw new ModelError("MODEL_NOT_FOUND", `model ${name} has no version ${chosen}`);
  return join(modelDir, chosen);
}

/** Models under `root` with their versions (ascending), sorted by name; invalid entries are ignored. */
export async function listModels(root: string): Promise<Array<{ name: string; versions: string[] }>> {
  const entries = await readdir(resolve(root), { withFileTypes: true }).catch(() => []);
  const out: Array<{ name: string; versions: string[] }> = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !MODEL_NAME_PATTERN.test(entry.name) || entry.name.includes("..")) continue;
    const versions = await listVersions(join(resolve(root), entry.name));
    if (versions.length > 0) out.push({ name: entry.name, versions });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Reads and validates `<dir>/model.json`, and checks it names the folder it sits in
 * (`<name>/<version>`), so a model copied under another name is refused.
 * @throws ModelError MODEL_NOT_FOUND (no folder or no model.json), MODEL_METADATA_INVALID.
 */
export async function loadModelMetadata(dir: string): Promise<ModelMetadata> {
  let text: string;
  try {
    text = await readFile(join(dir, METADATA_FILE), "utf8");
  } catch (err) {
    throw new ModelError("MODEL_NOT_FOUND", `no ${METADATA_FILE} in ${dir}`, { cause: err });
  }
  const meta = parseModelMetadata(text);
  const folderVersion = basename(resolve(dir));
  const folderName = basename(dirname(resolve(dir)));
  if (meta.version !== folderVersion || meta.name !== folderName) {
    throw new ModelError(
      "MODEL_METADATA_INVALID",
      `${METADATA_FILE} describes ${meta.name}/${meta.version} but sits in ${folderName}/${folderVersion}`,
    );
  }
  return meta;
}

async function listVersions(modelDir: string): Promise<string[]> {
  const entries = await readdir(modelDir, { withFileTypes: true }).catch(() => []);
  const versions: string[] = [];
  for (const entry of entries) {
    if (!MODEL_VERSION_PATTERN.test(entry.name)) continue;
    const isDir =
      entry.isDirectory() ||
      (entry.isSymbolicLink() &&
        (await stat(join(modelDir, entry.name)).catch(() => undefined))?.isDirectory());
    if (isDir) versions.push(entry.name);
  }
  return versions.sort((a, b) => Number(a) - Number(b));
}
