/** The zeq-np command tree. Each command group lives in its own file under commands/. */
import { Command } from "commander";
import { DEFAULT_DATA_DIR } from "../instance/paths.js";
import { registerKeysCommands } from "./commands/keys.js";

export function createProgram(version: string): Command {
  const program = new Command("zeq-np")
    .description(
      "Zeq Neural Processor: auditable inference with signed compute records in a transparency log",
    )
    .version(version)
    .option(
      "--data <dir>",
      "data directory (signing key, log, blobs)",
      process.env.ZEQ_DATA ?? DEFAULT_DATA_DIR,
    )
    .option("--json", "machine-readable output")
    .showHelpAfterError()
    .exitOverride();
  registerKeysCommands(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}
