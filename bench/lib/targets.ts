/**
 * The performance targets of the design brief (§6), each checked against a run's numbers:
 * met, missed, or not measured in this run. A missed target is reported, never hidden.
 */
import type { BreakdownRow } from "../latency/breakdown.js";
import type { LatencyResult, LatencyRow } from "../latency/run-latency.js";
import type { ThroughputResult } from "../log/throughput.js";
import type { ScalePoint } from "../log/scale.js";
import type { VerifyRateResult } from "../log/verify-rate.js";
import type { OverloadResult } from "../overload/overload.js";
import type { MemoryChildReport } from "../memory/child.js";

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

export interface RunNumbers {
  latency: LatencyResult | null;
  breakdown: BreakdownRow[] | null;
  throughput: ThroughputResult[] | null;
  scale: ScalePoint[] | null;
  verify: VerifyRateResult | null;
  overload: OverloadResult | null;
  memory: MemoryChildReport[] | null;
}

const x = (v: number | null | undefined): string =>
  v === null || v === undefined ? "n/a" : `${v.toFixed(3)}×`;

function worst<T>(items: readonly T[], value: (t: T) => number | null): { item: T; value: number } | null {
  let best: { item: T; value: number } | null = null;
  for (const i of items) {
    const v = value(i);
    if (v !== null && (best === null || v > best.value)) best = { item: i, value: v };
  }
  return best;
}

/** The models the audit-overhead target names (a full pass of each). */
const AUDIT_TARGET_MODELS = ["resnet50", "bert-base-uncased"];

/**
 * The least audit overhead this machine allows for a row: (bare p50 + the floor of
 * breakdown.ts) ÷ bare p50. The floor's digest time is one thread's, as the spec's digest is.
 */
function floorRatio(row: LatencyRow, breakdown: readonly BreakdownRow[]): number | null {
  const b = breakdown.find((r) => r.model === row.model && r.kind === row.kind);
  const bare = row.paths.bare.summary?.p50;
  return b && bare ? (bare + b.floorMs) / bare : null;
}

function latencyTargets(latency: LatencyResult, breakdown: readonly BreakdownRow[]): TargetCheck[] {
  const rows = latency.rows;
  const label = (r: (typeof rows)[number]) => `${r.model} ${r.kind}, ${r.threads} thr`;
  const named = rows.filter((r) => r.kind === "pass" && AUDIT_TARGET_MODELS.includes(r.model));
  const audit = worst(named, (r) => r.auditOverheadPaired ?? r.auditOverhead);
  const floor = worst(named, (r) => floorRatio(r, breakdown));
  const anyAudit = worst(rows, (r) => r.auditOverheadPaired ?? r.auditOverhead);
  const engine = worst(rows, (r) => r.engineOverheadPaired ?? r.engineOverhead);
  const torchRows = rows.filter((r) => r.paths.torch.summary && r.paths.audited.summary);
  const slowest = worst(torchRows, (r) => r.paths.audited.summary!.p50 / r.paths.torch.summary!.p50);
  return [
    {
      target:
        "audit overhead ≤ 1.02× bare session.run, resnet50 and bert-base-uncased (p50, paired by round)",
      measured: audit ? `worst ${x(audit.value)} (${label(audit.item)})` : "n/a",
      met: audit ? audit.value <= 1.02 : null,
    },
    {
      target: "the same, at the floor of this machine: output SHA-256 + one fdatasync after a pass",
      measured: floor
        ? `worst floor ${x(floor.value)} (${label(floor.item)}); any model: audited worst ${x(anyAudit?.value)} (${anyAudit ? label(anyAudit.item) : "n/a"})`
        : "n/a (no breakdown in this run)",
      met: floor ? floor.value <= 1.02 : null,
    },
    {
      target: "inference engine no slower than onnxruntime-node defaults (≤ 1.02× p50, paired by round)",
      measured: engine ? `worst ${x(engine.value)} (${label(engine.item)})` : "n/a",
      met: engine ? engine.value <= 1.02 : null,
    },
    {
      target: "audited call faster than PyTorch eager, same weights and threads",
      measured: slowest
        ? `worst audited/torch ${x(slowest.value)} (${label(slowest.item)})`
        : `n/a (${latency.torch.skipped ?? "no torch rows"})`,
      met: slowest ? slowest.value < 1 : null,
    },
  ];
}

function logTargets(n: RunNumbers): TargetCheck[] {
  const out: TargetCheck[] = [];
  if (n.throughput) {
    const best = n.throughput.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    out.push({
      target: "≥ 20,000 durable signed records/s with group commit (2 cores)",
      measured: `best ${Math.round(best.perSecond).toLocaleString("en")}/s (${best.writers} writers, ${best.shape} records)`,
      met: best.perSecond >= 20_000,
    });
  }
  if (n.scale && n.scale.length >= 2) {
    const first = n.scale[0]!;
    const last = n.scale[n.scale.length - 1]!;
    const logRatio = Math.log2(last.size) / Math.log2(first.size);
    const growth = (a: number, b: number) => b / a;
    const tree = growth(first.treeWorkUs.p50, last.treeWorkUs.p50);
    const incl = growth(first.inclusionUs.p50, last.inclusionUs.p50);
    const app = growth(first.appendMs.p50, last.appendMs.p50);
    out.push({
      target: `appends and proofs O(log n): p50 growth from ${first.size.toLocaleString("en")} to ${last.size.toLocaleString("en")} leaves within 2 × log₂ ratio (${(2 * logRatio).toFixed(2)})`,
      measured: `tree work ${x(tree)}, append ${x(app)}, inclusion proof ${x(incl)}`,
      met: Math.max(tree, incl, app) <= 2 * logRatio,
    });
  }
  if (n.verify) {
    out.push({
      target: "receipt verification ≥ 0.9× raw Ed25519 verify rate (one core)",
      measured: `${x(n.verify.ratio)} (${Math.round(n.verify.receiptsPerSecond)}/s vs ${Math.round(n.verify.rawVerifiesPerSecond)}/s)`,
      met: n.verify.ratio >= 0.9,
    });
  }
  return out;
}

function overloadTargets(o: OverloadResult): TargetCheck[] {
  const top = o.levels[o.levels.length - 1];
  if (!top) return [];
  const others = Object.entries(top.otherStatuses).map(([s, c]) => `${c}× ${s}`);
  const retry = top.rejected503 === top.rejectedWithRetryAfter;
  const first = o.levels[0]!;
  const firstOthers = first.sent - first.accepted;
  return [
    {
      target: `at the measured capacity (${o.capacityPerSecond.toFixed(1)}/s), p99 within the CS43 budget with zero errors`,
      measured: `server-side p99 ${first.acceptedServerMs?.p99.toFixed(1) ?? "n/a"} ms; ${firstOthers} of ${first.sent} not answered 200`,
      met: first.serverP99WithinBudget === true && firstOthers === 0,
    },
    {
      target: `under ${top.level}× overload, accepted p99 within the CS43 budget (${o.budgetMs?.toFixed(1) ?? "n/a"} ms)`,
      measured: `server-side p99 ${top.acceptedServerMs?.p99.toFixed(1) ?? "n/a"} ms, client-side p99 ${top.acceptedMs?.p99.toFixed(1) ?? "n/a"} ms`,
      met: top.serverP99WithinBudget,
    },
    {
      target: `under ${top.level}× overload, the rest get a fast 503 with Retry-After, nothing else`,
      measured: `${top.rejected503} × 503 (p50 ${top.rejectedMs?.p50.toFixed(1) ?? "n/a"} ms, ${retry ? "all" : "not all"} with Retry-After)${others.length ? `; also ${others.join(", ")}` : ""}`,
      met: retry && others.length === 0,
    },
    {
      target: "after overload: one record per acknowledged element, fsck clean",
      measured: `${o.audit.acknowledgedFound}/${o.audit.acknowledged} found, fsck ${o.audit.fsckOk ? "clean" : "PROBLEMS"}, refused with a record: ${o.audit.recordsOfRefused}`,
      met: o.audit.ok,
    },
  ];
}

export function checkTargets(n: RunNumbers): TargetCheck[] {
  const out: TargetCheck[] = [];
  if (n.latency) out.push(...latencyTargets(n.latency, n.breakdown ?? []));
  out.push(...logTargets(n));
  if (n.overload) out.push(...overloadTargets(n.overload));
  if (n.memory && n.memory.length > 0) {
    const failed = n.memory.filter((m) => m.cs44Held === false).map((m) => m.model);
    out.push({
      target: "CS44: each model's run peak within its memory budget",
      measured: failed.length
        ? `over budget: ${failed.join(", ")}`
        : `held for ${n.memory.map((m) => m.model).join(", ")}`,
      met: n.memory.every((m) => m.cs44Held !== null) ? failed.length === 0 : null,
    });
  }
  return out;
}
