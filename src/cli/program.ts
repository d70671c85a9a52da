/** The zeq-np command tree. Each command group lives in its own file under commands/. */
import { Command } from "commander";
import { DEFAULT_DATA_DIR } from "../instance/paths.js";
import { registerKeysCommands } from "./commands/keys.js";
import { registerVerifyCommand } from "./commands/verify.js";
import { registerLogCommands } from "./commands/log.js";
import { registerInferCommand } from "./commands/infer.js";
import { registerReplayCommand } from "./commands/replay.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerModelsCommands } from "./commands/models.js";
import { addCommonOptions } from "./globals.js";

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
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerKeysCommands(program);
  registerInferCommand(program);
  registerVerifyCommand(program);
  registerReplayCommand(program);
  registerLogCommands(program);
  registerModelsCommands(program);
  addCommonOptions(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}
