/**
 * `npm run bench` (full, ~20 minutes) and `npm run bench:quick` (smoke run, ~3 minutes):
 * every number measured in this one run, side by side with what a user would pick instead
 * and with the machine's measured peak, then written as JSON and markdown:
 *
 *   bench/results/<full|quick>.json and .md (the README holds the table of a full run)
 *
 * Options: --quick, --only <sections>, --skip <sections> (comma-separated among peak,
 * latency, throughput, verify, scale, overload, memory), --no-torch, --out <dir>.
 * Timed numbers never gate anything: a missed target is reported, and the exit status is
 * non-zero only when a section could not run at all.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { measureBreakdown } from "./latency/breakdown.js";
import { applyPeaks, runLatency } from "./latency/run-latency.js";
import { MODEL_NAMES, loadModelInputs, type ModelInputs, type ModelName } from "./lib/inputs.js";
import { LoadSampler, machineInfo } from "./lib/machine.js";
import { renderMarkdown } from "./lib/report.js";
import type { BenchResults } from "./lib/results.js";
import { checkTargets } from "./lib/targets.js";
import { measureCommitParts } from "./log/commit-parts.js";
import { measureScale } from "./log/scale.js";
import { measureThroughput } from "./log/throughput.js";
import { measureVerifyRate } from "./log/verify-rate.js";
import { measureMemory } from "./memory/memory.js";
import { runOverload } from "./overload/overload.js";
import { bestPeak, measurePeak } from "./peak/matmul-peak.js";
import { FULL, QUICK } from "./plan.js";

const SECTIONS = ["peak", "latency", "throughput", "verify", "scale", "overload", "memory"] as const;
type Section = (typeof SECTIONS)[number];

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function sectionList(value: string | undefined, fallback: readonly Section[]): Section[] {
  if (value === undefined) return [...fallback];
  const names = value.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!(SECTIONS as readonly string[]).includes(n))
      throw new Error(`unknown section ${n}; sections: ${SECTIONS.join(", ")}`);
  }
  return names as Section[];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      skip: { type: "string" },
      "no-torch": { type: "boolean", default: false },
      out: { type: "string" },
      models: { type: "string" },
    },
  });
  const mode = values.quick ? "quick" : "full";
  const plan = values.quick ? QUICK : FULL;
  const skip = new Set(sectionList(values.skip, []));
  const sections = sectionList(values.only, SECTIONS).filter((s) => !skip.has(s));
  const modelsDir = resolve(values.models ?? join(REPO, "models"));
  const outDir = resolve(values.out ?? join(REPO, "bench", "results"));
  const started = performance.now();
  const load = new LoadSampler();
  const results: BenchResults = {
    format: "zeq-np/bench/v1",
    mode,
    machine: machineInfo(),
    load: load.summary(),
    seconds: 0,
    sections,
    targets: [],
    peak: null,
    peakRuns: [],
    latency: null,
    breakdown: null,
    log: null,
    overload: null,
    overloadSkipped: null,
    memory: null,
    failures: [],
  };
  const say = (line: string) => process.stderr.write(`\n== ${line}\n`);
  const attempt = async (section: Section, fn: () => Promise<void>) => {
    if (!sections.includes(section)) return;
    say(`${section} (load average ${load.summary().max.toFixed(1)} max so far)`);
    try {
      await fn();
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      results.failures.push({ section, error });
      console.error(`section ${section} FAILED: ${error}`);
    }
  };

  let inputs: Record<ModelName, ModelInputs> | null = null;
  const needInputs = sections.some((s) => s === "latency" || s === "overload");
  if (needInputs) {
    inputs = {} as Record<ModelName, ModelInputs>;
    for (const name of MODEL_NAMES) inputs[name] = await loadModelInputs(modelsDir, name);
  }
  const log: NonNullable<BenchResults["log"]> = { throughput: null, parts: null, scale: null, verify: null };

  const measurePeaks = async () => {
    const out = [];
    for (const t of plan.latency.threads) out.push(await measurePeak(t, plan.peak.n, plan.peak.runs));
    return out;
  };
  await attempt("peak", async () => {
    results.peak = await measurePeaks();
  });
  await attempt("latency", async () => {
    const peaks = new Map((results.peak ?? []).map((p) => [p.threads, p.peakFlops]));
    results.latency = await runLatency(REPO, modelsDir, inputs!, plan.latency, peaks, !values["no-torch"]);
    results.machine.torch = results.latency.torch.version;
    results.machine.blas = results.latency.torch.blas;
    process.stderr.write("  breaking the audited call down…\n");
    results.breakdown = await measureBreakdown(Object.values(inputs!), plan.breakdownRepeats);
  });
  await attempt("throughput", async () => {
    log.throughput = [];
    const runs = [
      ...plan.throughput.writers.map((w) => [w, "bert"] as const),
      ...plan.throughput.resnetWriters.map((w) => [w, "resnet"] as const),
    ];
    for (const [w, shape] of runs) {
      process.stderr.write(`  ${w} writers, ${shape} records…\n`);
      log.throughput.push(await measureThroughput(w, plan.throughput.seconds, shape));
    }
    log.parts = (["bert", "resnet"] as const).map((s) =>
      measureCommitParts(s, plan.parts.records, plan.parts.syncs),
    );
  });
  await attempt("verify", async () => {
    log.verify = await measureVerifyRate(plan.verify.receipts, plan.verify.windows, plan.verify.windowMs);
  });
  await attempt("scale", async () => {
    log.scale = await measureScale(plan.scale);
  });
  if (sections.some((s) => s === "throughput" || s === "verify" || s === "scale")) results.log = log;
  await attempt("overload", async () => {
    results.overload = await runOverload(REPO, modelsDir, inputs!.resnet50, plan.overload);
  });
  await attempt("memory", async () => {
    results.memory = [];
    for (const m of plan.memory) results.memory.push(await measureMemory(REPO, modelsDir, m));
  });

  if (results.peak !== null) {
    // Measured again at the end: the machine is shared, and the better of two is nearer the truth.
    say("peak, measured again");
    const again = await measurePeaks();
    results.peakRuns = [...results.peak, ...again];
    results.peak = results.peak.map((p, i) => bestPeak(p, again[i]!));
    if (results.latency)
      applyPeaks(results.latency.rows, new Map(results.peak.map((p) => [p.threads, p.peakFlops])));
  }
  results.load = load.stop();
  results.seconds = (performance.now() - started) / 1000;
  results.targets = checkTargets({
    latency: results.latency,
    breakdown: results.breakdown,
    throughput: log.throughput,
    scale: log.scale,
    verify: log.verify,
    overload: results.overload,
    memory: results.memory,
  });
  const markdown = renderMarkdown(results);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${mode}.json`), JSON.stringify(results, null, 1) + "\n");
  writeFileSync(join(outDir, `${mode}.md`), markdown + "\n");
  process.stdout.write("\n" + markdown + "\n");
  process.stderr.write(`\nwritten: ${join(outDir, `${mode}.json`)} and ${mode}.md\n`);
  for (const f of results.failures) process.stderr.write(`FAILED section ${f.section}\n`);
  return results.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
