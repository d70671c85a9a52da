/**
 * One model's memory, alone in a process (so the process peak is this model's): the engine
 * loads it as the server's catalog does (GPT-2 with its decoder with past), runs the timed
 * input once with CS44, and reports resident memory at each stage and the run's peak
 * growth against the CS44 budget. Prints one JSON line. Started by bench/memory/memory.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { budgetsOf } from "../../src/execute/catalog.js";
import { InferenceEngine } from "../../src/inference/index.js";
import { loadModelInputs, type ModelName } from "../lib/inputs.js";

function status(field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

export interface MemoryChildReport {
  model: string;
  weightsBytes: number;
  baselineRssBytes: number;
  loadedRssBytes: number;
  peakRssBytes: number;
  sessionsResidentBytes: number;
  runPeakBytes: number;
  runMethod: string;
  runExclusive: boolean;
  cs44BudgetBytes: number | null;
  cs44Held: boolean | null;
}

async function main(): Promise<void> {
  const { modelsDir, model } = JSON.parse(process.argv[2] ?? "{}") as { modelsDir: string; model: ModelName };
  const input = await loadModelInputs(modelsDir, model);
  const engine = await InferenceEngine.start({ workers: 1 });
  try {
    const baselineRssBytes = status("VmRSS");
    const budgets = budgetsOf(input.meta);
    const main = await engine.load("model", join(input.dir, "model.onnx"), { budgets });
    let resident = main.residentBytes ?? 0;
    let runId = "model";
    if (input.meta.decoder_with_past) {
      const dec = await engine.load("decoder", input.onnxPath, { budgets });
      resident += dec.residentBytes ?? 0;
      runId = "decoder";
    }
    const loadedRssBytes = status("VmRSS");
    const feeds = Object.fromEntries(
      input.feeds.map((f) => [f.name, { dtype: f.dtype, dims: f.shape, data: f.data }]),
    );
    const r = await engine.run(runId, feeds, { operators: ["KO42", "CS44"], inputSize: input.inputSize });
    const report: MemoryChildReport = {
      model,
      weightsBytes: input.meta.files.reduce((s, f) => s + f.bytes, 0),
      baselineRssBytes,
      loadedRssBytes,
      peakRssBytes: status("VmHWM"),
      sessionsResidentBytes: resident,
      runPeakBytes: r.memory.peakBytes,
      runMethod: r.memory.method,
      runExclusive: r.memory.exclusive,
      cs44BudgetBytes: r.memory.budgetBytes,
      cs44Held: r.memory.held,
    };
    process.stdout.write(JSON.stringify(report) + "\n");
  } finally {
    await engine.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
