/**
 * Section 1: inference latency, batch 1, per thread count, on every path, interleaved
 * round by round (the order of paths is shuffled each round so none always runs first or
 * always after the same one).
 */
import { closedFormFlops, flopsAt } from "../../src/model/cost.js";
import { progress } from "../lib/progress.js";
import type { ModelInputs, ModelName } from "../lib/inputs.js";
import { ratio, summarize, type Summary } from "../lib/stats.js";
import { openPaths, PATHS, type PathName, type PathSet } from "./paths.js";

export interface LatencyPlan {
  threads: number[];
  /** Timed passes per model (after warm-up). */
  passes: Record<ModelName, number>;
  warmup: number;
  /** GPT-2 generations (rounds) and cached steps per generation. */
  generations: number;
  steps: number;
  /**
   * Pause between two calls, so one path's spinning threads have gone idle before the next
   * starts (one thread: nothing spins; more: onnxruntime and OpenMP pools spin after work).
   */
  gapMs: number;
  gapMsMultiThread: number;
}

export interface PathResult {
  summary: Summary | null;
  errors: number;
  firstError: string | null;
}

export interface LatencyRow {
  model: string;
  /** "pass" (one forward pass) or "step" (one cached GPT-2 token). */
  kind: "pass" | "step";
  threads: number;
  flops: number | null;
  paths: Record<PathName, PathResult>;
  /** audited p50 / bare p50: the audit overhead (target ≤ 1.02). */
  auditOverhead: number | null;
  /** Median over rounds of audited / bare within the round (robust to load that varies). */
  auditOverheadPaired: number | null;
  engineOverhead: number | null;
  engineOverheadPaired: number | null;
  httpOverBare: number | null;
  torchOverBare: number | null;
  /** FLOPs / bare p50 / measured peak at this thread count. */
  fractionOfPeak: number | null;
}

export interface LatencyResult {
  rows: LatencyRow[];
  torch: { version: string | null; blas: string[]; skipped: string | null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Collector {
  /** Per path, per round: the samples of that round (a generation has several). */
  private readonly rounds = new Map<PathName, Map<number, number[]>>(PATHS.map((p) => [p, new Map()]));
  private readonly errors = new Map<PathName, { count: number; first: string | null }>(
    PATHS.map((p) => [p, { count: 0, first: null }]),
  );

  async time(path: PathName, round: number, fn: () => Promise<number | number[]>): Promise<void> {
    try {
      const v = await fn();
      this.rounds.get(path)!.set(round, Array.isArray(v) ? v : [v]);
    } catch (err) {
      const e = this.errors.get(path)!;
      e.count++;
      e.first ??= (err as Error).message.slice(0, 300);
    }
  }

  /**
   * Median over rounds of (mean of `a` in the round) / (mean of `b` in the round): paired
   * by round, so load that comes and goes during the run weighs on both sides alike.
   */
  pairedRatio(a: PathName, b: PathName): number | null {
    const ra = this.rounds.get(a)!;
    const rb = this.rounds.get(b)!;
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const ratios: number[] = [];
    for (const [round, va] of ra) {
      const vb = rb.get(round);
      if (vb !== undefined && mean(vb) > 0) ratios.push(mean(va) / mean(vb));
    }
    return ratios.length > 0 ? summarize(ratios).p50 : null;
  }

  result(): Record<PathName, PathResult> {
    return Object.fromEntries(
      PATHS.map((p) => {
        const s = [...this.rounds.get(p)!.values()].flat();
        const e = this.errors.get(p)!;
        return [p, { summary: s.length > 0 ? summarize(s) : null, errors: e.count, firstError: e.first }];
      }),
    ) as Record<PathName, PathResult>;
  }
}

/** A seeded shuffle per round: no path always follows the same one (whose threads may still spin). */
function shuffled<T>(items: readonly T[], round: number): T[] {
  const out = [...items];
  let x = (round + 1) * 2654435761;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x ^ (x >>> 15), 2246822519) + 3266489917) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function row(
  model: string,
  kind: "pass" | "step",
  threads: number,
  flops: number | null,
  c: Collector,
  peak: number | null,
): LatencyRow {
  const paths = c.result();
  const p50 = (p: PathName) => paths[p].summary?.p50 ?? null;
  const bare = p50("bare");
  return {
    model,
    kind,
    threads,
    flops,
    paths,
    auditOverhead: ratio(p50("audited"), bare),
    auditOverheadPaired: c.pairedRatio("audited", "bare"),
    engineOverhead: ratio(p50("engine"), bare),
    engineOverheadPaired: c.pairedRatio("engine", "bare"),
    httpOverBare: ratio(p50("http"), bare),
    torchOverBare: ratio(p50("torch"), bare),
    fractionOfPeak: flops !== null && bare !== null && peak ? flops / (bare / 1000) / peak : null,
  };
}

/** Sets each row's fraction of peak from the final peak measurements (FLOP/s by thread count). */
export function applyPeaks(rows: LatencyRow[], peaks: ReadonlyMap<number, number>): void {
  for (const r of rows) {
    const bare = r.paths.bare.summary?.p50 ?? null;
    const peak = peaks.get(r.threads);
    r.fractionOfPeak = r.flops !== null && bare !== null && peak ? r.flops / (bare / 1000) / peak : null;
  }
}

/** FLOPs of one pass of the timed input, and of the k-th cached step for GPT-2 (mean over the steps). */
function flopsOf(input: ModelInputs, steps: number): { pass: number | null; step: number | null } {
  const formula = closedFormFlops(input.meta.architecture as never);
  if (formula === null) return { pass: null, step: null };
  const pass = flopsAt(formula, input.inputSize);
  const dec = formula.decoder_with_past?.coefficients;
  if (input.name !== "gpt2" || !dec) return { pass, step: null };
  const { linear = 0, per_new_per_total = 0 } = dec;
  let total = 0;
  for (let k = 0; k < steps; k++) total += linear + per_new_per_total * (input.inputSize + k + 1);
  return { pass, step: total / steps };
}

async function measureThreads(
  set: PathSet,
  inputs: Record<ModelName, ModelInputs>,
  plan: LatencyPlan,
  peak: number | null,
): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  const paths = PATHS.filter((p) => p !== "torch" || set.torch !== null);
  const names = Object.keys(inputs) as ModelName[];
  const totalCalls =
    names.reduce((s, n) => s + (plan.passes[n] + plan.warmup) * paths.length, 0) +
    (inputs.gpt2 ? (plan.generations + (plan.warmup > 0 ? 1 : 0)) * paths.length : 0);
  const bar = progress(`latency, ${set.threads} thread(s)`);
  let done = 0;
  const gap = set.threads > 1 ? plan.gapMsMultiThread : plan.gapMs;
  const tick = (label: string) => bar.update(++done, totalCalls, label);
  try {
    for (const model of names) {
      const c = new Collector();
      const flops = flopsOf(inputs[model], plan.steps);
      for (let round = 0; round < plan.warmup + plan.passes[model]; round++) {
        await set.prepare(model, await inputs[model].variant(round));
        for (const path of shuffled(paths, round)) {
          if (round < plan.warmup) await set.pass(path, model).catch(() => undefined);
          else await c.time(path, round, () => set.pass(path, model));
          tick(`${model} ${path}`);
          await sleep(gap);
        }
      }
      rows.push(row(model, "pass", set.threads, flops.pass, c, peak));
      if (model === "gpt2") {
        const g = new Collector();
        const warm = plan.warmup > 0 ? 1 : 0;
        for (let round = 0; round < warm + plan.generations; round++) {
          await set.prepare("gpt2", await inputs.gpt2.variant(10_000 + round));
          for (const path of shuffled(paths, round)) {
            if (round < warm) await set.generate(path, plan.steps).catch(() => undefined);
            else await g.time(path, round, async () => (await set.generate(path, plan.steps)).stepMs);
            tick(`gpt2 generation ${path}`);
            await sleep(gap);
          }
        }
        rows.push(row("gpt2", "step", set.threads, flops.step, g, peak));
      }
    }
  } finally {
    bar.stop();
  }
  return rows;
}

/**
 * Runs section 1 for every thread count of the plan.
 * @param peaks measured peak FLOP/s by thread count (section 2), for "fraction of peak"
 */
export async function runLatency(
  repoRoot: string,
  modelsDir: string,
  inputs: Record<ModelName, ModelInputs>,
  plan: LatencyPlan,
  peaks: Map<number, number>,
  withTorch: boolean,
): Promise<LatencyResult> {
  const rows: LatencyRow[] = [];
  const torch: LatencyResult["torch"] = { version: null, blas: [], skipped: null };
  for (const threads of plan.threads) {
    process.stderr.write(`latency: opening every path with ${threads} thread(s)…\n`);
    const set = await openPaths({
      repoRoot,
      modelsDir,
      threads,
      inputs,
      withTorch,
      onLoaded: (what) => process.stderr.write(`  loaded ${what}\n`),
    });
    try {
      if (set.torch) {
        torch.version = set.torch.torch;
        torch.blas = set.torch.environment.blas ?? [];
      } else {
        torch.skipped = set.torchSkipped;
        const why = `SKIPPED: PyTorch column (${set.torchSkipped})`;
        console.warn(why);
      }
      rows.push(...(await measureThreads(set, inputs, plan, peaks.get(threads) ?? null)));
    } finally {
      await set.close();
    }
  }
  return { rows, torch };
}
