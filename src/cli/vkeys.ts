/**
 * Which verifier keys a command trusts: those given with --vkey / --vkey-file, else the
 * verifier of the data directory's own signing key (an operator checking their own log).
 */
import { existsSync, readFileSync } from "node:fs";
import { VerifierSet, readSigningKeyFile } from "../keys/index.js";
import { dataPaths } from "../instance/paths.js";
import { CliError } from "./errors.js";

export interface VkeyOptions {
  vkey?: string[];
  vkeyFile?: string[];
  data: string;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function trustedKeys(opts: VkeyOptions): VerifierSet {
  const texts = [...(opts.vkey ?? [])];
  for (const file of opts.vkeyFile ?? []) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (cause) {
      throw new CliError("CLI_INPUT_FILE", `cannot read verifier key file ${file}`, { cause });
    }
    texts.push(
      ...text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "" && !l.startsWith("#")),
    );
  }
  if (texts.length > 0) return new VerifierSet(texts);
  const keyPath = dataPaths(opts.data).signingKey;
  if (existsSync(keyPath)) return new VerifierSet([readSigningKeyFile(keyPath).verifier]);
  throw new CliError(
    "CLI_USAGE",
    "no verifier key: pass --vkey 'name+hexid+base64key' (from GET /api/keys or `zeq-np keys show`)",
  );
}
