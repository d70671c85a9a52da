/**
 * Validation of external-data locations. A location comes from the model file, which may
 * be attacker-supplied: it must name a file inside the model's own folder.
 */
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { ModelError } from "../errors.js";

/**
 * Checks that `location` is a plain relative path that stays inside the model folder.
 * @throws ModelError MODEL_ONNX_EXTERNAL_DATA_INVALID for absolute paths, "..", backslashes,
 *   NUL bytes or an empty location.
 */
export function checkExternalLocation(location: string, tensorName: string): void {
  const unsafe =
    location.length === 0 ||
    location.includes("\0") ||
    location.includes("\\") ||
    isAbsolute(location) ||
    /^[A-Za-z]:/.test(location) ||
    location.split("/").some((segment) => segment === ".." || segment === "");
  if (unsafe) {
    throw new ModelError(
      "MODEL_ONNX_EXTERNAL_DATA_INVALID",
      `initializer ${tensorName}: external data location ${JSON.stringify(location)} is not a relative path inside the model folder`,
    );
  }
}

/**
 * The absolute path of an external-data file, given the path of the ONNX file naming it.
 * @throws ModelError MODEL_ONNX_EXTERNAL_DATA_INVALID if the result would leave the folder.
 */
export function resolveExternalLocation(modelDir: string, location: string, tensorName: string): string {
  checkExternalLocation(location, tensorName);
  const full = resolve(join(modelDir, location));
  const rel = relative(resolve(modelDir), full);
  if (rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new ModelError(
      "MODEL_ONNX_EXTERNAL_DATA_INVALID",
      `initializer ${tensorName}: external data location escapes the model folder`,
    );
  }
  return full;
}
