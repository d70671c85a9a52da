#!/usr/bin/env node
/** Entry point of the `zeq-np` command. */
import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { isZeqError } from "../core/errors.js";
import { createProgram } from "./program.js";
import { EXIT_INVALID, EXIT_USAGE } from "./exit.js";
import { printError } from "./output.js";

function packageVersion(): string {
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { version: string }).version;
    } catch {
      // try the next layout (source tree vs dist/)
    }
  }
  return "0.0.0";
}

async function main(argv: string[]): Promise<number> {
  const program = createProgram(packageVersion());
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isZeqError(err)) {
      printError(`${err.message} [${err.code}]`);
      return err.code.startsWith("VERIFY_") ? EXIT_INVALID : EXIT_USAGE;
    }
    printError(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return EXIT_USAGE;
  }
}

process.exitCode = await main(process.argv);
