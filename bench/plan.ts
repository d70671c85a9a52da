/**
 * How much each section measures, for the full run (target: under ~25 minutes on a
 * loaded 2-core machine) and the quick smoke run (every code path, tiny counts).
 */
import type { LatencyPlan } from "./latency/run-latency.js";
import type { ScalePlan } from "./log/scale.js";
import type { OverloadPlan } from "./overload/overload.js";
import type { ModelName } from "./lib/inputs.js";

export interface BenchPlan {
  peak: { n: number; runs: number };
  latency: LatencyPlan;
  /** Repeats of the audited call's part-by-part timing (fresh inputs each). */
  breakdownRepeats: number;
  throughput: { writers: number[]; seconds: number; resnetWriters: number[] };
  parts: { records: number; syncs: number };
  verify: { receipts: number; windows: number; windowMs: number };
  scale: ScalePlan;
  overload: OverloadPlan;
  memory: ModelName[];
}

export const FULL: BenchPlan = {
  peak: { n: 2048, runs: 12 },
  latency: {
    threads: [1, 2],
    passes: { resnet50: 50, "bert-base-uncased": 25, gpt2: 25 },
    warmup: 3,
    generations: 6,
    steps: 8,
    gapMs: 5,
    gapMsMultiThread: 50,
  },
  breakdownRepeats: 5,
  throughput: { writers: [1, 8, 64, 1024], seconds: 5, resnetWriters: [64] },
  parts: { records: 3000, syncs: 200 },
  verify: { receipts: 4000, windows: 10, windowMs: 300 },
  scale: { sizes: [10_000, 1_000_000, 10_000_000], batch: 50_000, appends: 100, proofs: 500 },
  overload: {
    levels: [1, 2, 3],
    seconds: 15,
    capacitySeconds: 8,
    capacityFractions: [0.8, 0.65, 0.5, 0.4, 0.3],
    trialSeconds: 10,
    timeoutMs: 60_000,
    fallbackBudgetMs: 2000,
  },
  memory: ["resnet50", "bert-base-uncased", "gpt2"],
};

export const QUICK: BenchPlan = {
  peak: { n: 2048, runs: 3 },
  latency: {
    threads: [1],
    passes: { resnet50: 2, "bert-base-uncased": 2, gpt2: 2 },
    warmup: 1,
    generations: 1,
    steps: 3,
    gapMs: 5,
    gapMsMultiThread: 50,
  },
  breakdownRepeats: 2,
  throughput: { writers: [1, 8, 64], seconds: 1, resnetWriters: [8] },
  parts: { records: 300, syncs: 20 },
  verify: { receipts: 300, windows: 3, windowMs: 100 },
  scale: { sizes: [1_000, 10_000], batch: 5_000, appends: 5, proofs: 50 },
  overload: {
    levels: [1, 2, 3],
    seconds: 2,
    capacitySeconds: 2,
    capacityFractions: [0.5],
    trialSeconds: 2,
    timeoutMs: 30_000,
    fallbackBudgetMs: 2000,
  },
  memory: ["resnet50"],
};
