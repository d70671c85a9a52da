/**
 * Model names and versions from URLs and bodies are attacker-controlled. They are checked
 * against the repository's own patterns before anything looks them up, so "../x",
 * "%2e%2e" (decoded by the router to "..") or "a/b" are a 400 and never reach a path.
 * The lookup itself goes through the executor's in-memory table: the server reads no file.
 */
import type { Executor, ModelSummary } from "../execute/types.js";
import { ModelError } from "../model/errors.js";
import { MODEL_NAME_PATTERN, MODEL_VERSION_PATTERN } from "../model/metadata.js";

/**
 * @throws {ModelError} MODEL_NAME_INVALID, MODEL_VERSION_INVALID, MODEL_NOT_FOUND
 */
export function findModel(executor: Executor, name: string, version?: string): ModelSummary {
  if (!MODEL_NAME_PATTERN.test(name)) {
    throw new ModelError(
      "MODEL_NAME_INVALID",
      `${JSON.stringify(name.slice(0, 140))} is not a model name (lower-case letters, digits, ".", "_", "-"; starting with a letter or digit)`,
    );
  }
  if (version !== undefined && !MODEL_VERSION_PATTERN.test(version)) {
    throw new ModelError(
      "MODEL_VERSION_INVALID",
      `${JSON.stringify(version.slice(0, 20))} is not a model version (a positive integer)`,
    );
  }
  return executor.model(name, version);
}

/** Every version of a model that the executor serves, newest last. */
export function versionsOf(executor: Executor, name: string): string[] {
  return executor
    .models()
    .filter((m) => m.name === name)
    .map((m) => m.version)
    .sort((a, b) => Number(a) - Number(b));
}
