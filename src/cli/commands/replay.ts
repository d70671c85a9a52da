/**
 * `zeq-np replay RECEIPT.json`: re-run the recorded forward pass and compare. Exit 0 when it
 * reproduces, 1 when it does not (the failing step is named), 2 usage.
 */
import type { Command } from "commander";
import { globalsOf } from "../globals.js";
import { BlobStore } from "../../blob/store.js";
import { dataPaths, DEFAULT_MODELS_DIR } from "../../instance/paths.js";
import { REPLAY_STEPS, ReplayError, replayReceipt } from "../../replay/replay.js";
import { EXIT_INVALID } from "../exit.js";
import { printJson, printLine } from "../output.js";
import { readJsonFile } from "../read-json.js";
import { collect, trustedKeys } from "../vkeys.js";
import { CliError } from "../errors.js";

export function registerReplayCommand(program: Command): void {
  program
    .command("replay")
    .description("re-run the forward pass of a receipt and compare (exit 0 reproduced, 1 not, 2 usage)")
    .argument("<receipt>", "receipt JSON file (a list replays each)")
    .option("--vkey <key>", "trusted verifier key (repeatable)", collect)
    .option("--vkey-file <file>", "file with one verifier key per line (repeatable)", collect)
    .option("--models <dir>", "model repository (repeatable)", collect)
    .option("--tolerance <x>", "relative tolerance when the numeric environment differs", "1e-3")
    .action(
      async (
        file: string,
        opts: { vkey?: string[]; vkeyFile?: string[]; models?: string[]; tolerance: string },
        cmd: Command,
      ) => {
        const g = globalsOf(cmd);
        const tolerance = Number(opts.tolerance);
        if (!Number.isFinite(tolerance) || tolerance < 0)
          throw new CliError("CLI_USAGE", "--tolerance must be a non-negative number");
        const verifiers = trustedKeys({ ...opts, data: g.data });
        const json = readJsonFile(file);
        const receipts = Array.isArray(json) ? json : [json];
        const blobs = new BlobStore(dataPaths(g.data).blobs);
        const modelRoots = opts.models ?? [DEFAULT_MODELS_DIR];
        const reports = [];
        for (const receipt of receipts) {
          try {
            const report = await replayReceipt(receipt, { verifiers, modelRoots, blobs, tolerance });
            reports.push({
              reproduced: true,
              mode: report.mode,
              outputs: report.outputs,
              record_id: report.record.record_id,
            });
            if (!g.json) {
              for (const s of report.steps) printLine(`ok    ${s}`);
              for (const o of report.outputs) {
                printLine(
                  `      ${o.name}: ${o.bitExact ? "bit-identical" : `relative max delta ${o.relativeMaxDelta?.toExponential(3)}`}`,
                );
              }
              printLine(`reproduced (${report.mode}) record ${report.record.record_id}`);
            }
          } catch (err) {
            if (!(err instanceof ReplayError)) throw err;
            reports.push({ reproduced: false, failed_step: err.step, code: err.code, message: err.message });
            if (!g.json) {
              for (const s of REPLAY_STEPS.slice(0, REPLAY_STEPS.indexOf(err.step))) printLine(`ok    ${s}`);
              printLine(`FAIL  ${err.message} [${err.code}]`);
              printLine("not reproduced");
            }
            process.exitCode = EXIT_INVALID;
          }
        }
        if (g.json) printJson(reports.length === 1 ? reports[0] : reports);
      },
    );
}
