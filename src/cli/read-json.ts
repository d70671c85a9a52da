import { readFileSync } from "node:fs";
import { parseStrictJson, type JsonValue } from "../core/canonical-json.js";
import { CliError } from "./errors.js";

/** Reads a JSON file strictly; "-" reads standard input. */
export function readJsonFile(path: string): JsonValue {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (cause) {
    throw new CliError("CLI_INPUT_FILE", `cannot read ${path}`, { cause });
  }
  try {
    return parseStrictJson(text);
  } catch (cause) {
    throw new CliError("CLI_INPUT_FILE", `${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}
