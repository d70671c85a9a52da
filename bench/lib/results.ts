/** The shape of a run's JSON (bench/results/<mode>.json); the markdown is rendered from it. */
import type { BreakdownRow } from "../latency/breakdown.js";
import type { LatencyResult } from "../latency/run-latency.js";
import type { CommitParts } from "../log/commit-parts.js";
import type { ScalePoint } from "../log/scale.js";
import type { ThroughputResult } from "../log/throughput.js";
import type { VerifyRateResult } from "../log/verify-rate.js";
import type { MemoryChildReport } from "../memory/child.js";
import type { OverloadResult } from "../overload/overload.js";
import type { PeakResult } from "../peak/matmul-peak.js";
import type { LoadSummary, MachineInfo } from "./machine.js";
import type { TargetCheck } from "./targets.js";

export interface BenchResults {
  format: "zeq-np/bench/v1";
  mode: "quick" | "full";
  machine: MachineInfo;
  load: LoadSummary;
  seconds: number;
  sections: string[];
  targets: TargetCheck[];
  /** Best of the two measurements per thread count. */
  peak: PeakResult[] | null;
  /** Both measurements (start and end of the run). */
  peakRuns: PeakResult[];
  latency: LatencyResult | null;
  breakdown: BreakdownRow[] | null;
  log: {
    throughput: ThroughputResult[] | null;
    parts: CommitParts[] | null;
    scale: ScalePoint[] | null;
    verify: VerifyRateResult | null;
  } | null;
  overload: OverloadResult | null;
  overloadSkipped: string | null;
  memory: MemoryChildReport[] | null;
  /** Sections that failed, with the error: the run goes on without them. */
  failures: Array<{ section: string; error: string }>;
}
