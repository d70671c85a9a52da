/** `zeq-np keys generate|show`: the instance's Ed25519 signing key and its verifier key. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { globalsOf } from "../globals.js";
import {
  generateSigningKey,
  parseSigningKey,
  readSigningKeyFile,
  writeSigningKeyFile,
} from "../../keys/index.js";
import { dataPaths, defaultKeyName } from "../../instance/paths.js";
import { printJson, printLine } from "../output.js";

export function registerKeysCommands(program: Command): void {
  const keys = program.command("keys").description("manage the signing key and show the verifier key");

  keys
    .command("generate")
    .description("write a new Ed25519 signing key (mode 0600; never overwrites)")
    .option("--name <name>", "key name, also the log origin", defaultKeyName())
    .option("--out <file>", "key file (default: <data>/signing.key)")
    .action((opts: { name: string; out?: string }, cmd: Command) => {
      const global = globalsOf(cmd);
      const path = opts.out ?? dataPaths(global.data).signingKey;
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const text = generateSigningKey(opts.name);
      writeSigningKeyFile(path, text);
      const signer = parseSigningKey(text);
      if (global.json) printJson({ key_file: path, key_id: signer.keyId, vkey: signer.verifierKey });
      else {
        printLine(`wrote ${path}`);
        printLine(signer.verifierKey);
      }
    });

  keys
    .command("show")
    .description("print the verifier key (note vkey form) of a signing key")
    .option("--key <file>", "key file (default: <data>/signing.key)")
    .action((opts: { key?: string }, cmd: Command) => {
      const global = globalsOf(cmd);
      const signer = readSigningKeyFile(opts.key ?? dataPaths(global.data).signingKey);
      if (global.json) printJson({ key_id: signer.keyId, vkey: signer.verifierKey });
      else printLine(signer.verifierKey);
    });
}
