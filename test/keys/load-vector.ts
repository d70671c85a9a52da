/** Loads a JSON test vector file from test/vectors by its path there. */
import { readFileSync } from "node:fs";

export function loadVector<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${relative}`, import.meta.url), "utf8")) as T;
}
