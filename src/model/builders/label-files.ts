/**
 * The label lists that ship with the project (src/model/labels/), located both when running
 * from the sources and from the compiled package (dist/src/model/builders/), which does not
 * copy text files.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ModelError } from "../errors.js";

export type LabelList = "imagenet-1k";

/** File name a model's labels get in its version folder. */
export const LABELS_FILE = "labels.txt";

/**
 * The path of a shipped label list.
 * @throws ModelError MODEL_BUILD_INVALID when the list is missing from the installation.
 */
export function labelListPath(list: LabelList): string {
  const candidates = [
    new URL(`../labels/${list}.txt`, import.meta.url),
    new URL(`../../../../src/model/labels/${list}.txt`, import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new ModelError(
      "MODEL_BUILD_INVALID",
      `label list ${list} not found (looked in ${candidates.join(", ")})`,
    );
  }
  return found;
}
