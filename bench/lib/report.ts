/**
 * The markdown tables of a run (printed at the end and written beside the JSON).
 */
import type { LatencyRow } from "../latency/run-latency.js";
import { PATHS } from "../latency/paths.js";
import type { BenchResults } from "./results.js";
import type { Summary } from "./stats.js";

function num(v: number | null | undefined, digits?: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "n/a";
  if (digits !== undefined) return v.toFixed(digits);
  const a = Math.abs(v);
  return v.toFixed(a < 1 ? 3 : a < 10 ? 2 : a < 100 ? 1 : 0);
}

const pp = (s: Summary | null | undefined): string => (s ? `${num(s.p50)} / ${num(s.p99)}` : "n/a");
const times = (v: number | null | undefined): string =>
  v === null || v === undefined ? "n/a" : `${num(v, 3)}×`;
const rate = (v: number): string => Math.round(v).toLocaleString("en");

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function latencyInput(r: LatencyRow): string {
  if (r.model === "resnet50") return "224×224 image";
  if (r.model === "bert-base-uncased") return "128 tokens";
  return r.kind === "pass" ? "64-token prompt" : "1 token, KV cache";
}

function latencySection(res: BenchResults): string[] {
  const l = res.latency;
  if (!l) return [];
  const rows = l.rows.map((r) => [
    r.model,
    latencyInput(r),
    String(r.threads),
    ...PATHS.map((p) => pp(r.paths[p].summary) + (r.paths[p].errors ? ` (${r.paths[p].errors} err)` : "")),
    `${times(r.auditOverhead)} / ${times(r.auditOverheadPaired)}`,
    times(r.torchOverBare),
    num(r.flops === null ? null : r.flops / 1e9, 2),
    r.fractionOfPeak === null ? "n/a" : `${(r.fractionOfPeak * 100).toFixed(0)}%`,
  ]);
  const n = l.rows[0]?.paths.bare.summary?.n;
  return [
    "## 1. Inference latency (batch 1), ms p50 / p99",
    "",
    `bare = onnxruntime-node session.run; engine = zeq-np's worker engine, no record; audited = executor.execute in process (hash, record, sign, durable append, receipt); http = the real server over 127.0.0.1 (natural input, preprocessing and JSON included); torch = PyTorch ${l.torch.version ?? "(skipped)"} eager, same weights and threads. Calls interleaved round by round${n ? `; ${n} samples per cell for the first row (p99 of fewer than 100 samples is the maximum)` : ""}. Audit overhead = audited ÷ bare p50 / median of per-round ratios.`,
    "",
    table(
      ["model", "input", "threads", ...PATHS, "audit overhead", "torch ÷ bare", "GFLOP", "of peak"],
      rows,
    ),
    ...(l.torch.skipped ? ["", `PyTorch SKIPPED: ${l.torch.skipped}`] : []),
    "",
  ];
}

function breakdownSection(res: BenchResults): string[] {
  if (!res.breakdown) return [];
  const mib = (b: number) => num(b / 2 ** 20, 2);
  return [
    "Where the audited call's extra time goes (the executor's parts run one by one on fresh inputs, median ms, one thread). Retaining the inputs overlaps the forward pass (the executor does it while the worker runs); retaining large outputs happens only with `serve --retain-outputs`; the critical path is output digests + record + commit. The floor is what any implementation of the spec pays here: the SHA-256 of every output byte and one fdatasync, timed right after a forward pass:",
    "",
    table(
      [
        "model",
        "pass",
        "input MiB",
        "retained output MiB",
        "retain inputs (overlapped)",
        "retain outputs (opt-in)",
        "output digests (worker)",
        "record",
        "commit (sign + durable append)",
        "critical path",
        "fdatasync after a pass",
        "floor",
      ],
      res.breakdown.map((b) => [
        b.model,
        b.kind,
        mib(b.inputBytes),
        mib(b.retainedOutputBytes),
        num(b.retainInputsMs),
        num(b.retainOutputsMs),
        num(b.outputDigestsMs),
        num(b.recordMs),
        num(b.commitMs),
        num(b.criticalMs),
        num(b.syncAfterPassMs),
        num(b.floorMs),
      ]),
    ),
    "",
  ];
}

function peakSection(res: BenchResults): string[] {
  if (!res.peak) return [];
  return [
    "## 2. The physical limit: measured peak (onnxruntime MatMul, fp32)",
    "",
    'Best of the measurements at the start and at the end of the run; "of peak" in section 1 is the model\'s FLOPs ÷ bare p50 ÷ this.',
    "",
    table(
      [
        "threads",
        "N",
        "runs per form",
        "fastest form",
        "peak GFLOP/s (best run)",
        "median GFLOP/s",
        "ms best / p50",
      ],
      res.peak.map((p) => [
        String(p.threads),
        String(p.n),
        String(p.runs),
        p.form === "constant" ? "B constant (pre-packed)" : "B input",
        num(p.peakFlops / 1e9, 1),
        num(p.medianFlops / 1e9, 1),
        `${num(p.ms.min)} / ${num(p.ms.p50)}`,
      ]),
    ),
    "",
  ];
}

function logSection(res: BenchResults): string[] {
  const out: string[] = [];
  const log = res.log;
  if (!log) return out;
  out.push("## 3. Log", "");
  if (log.throughput) {
    out.push(
      "Durable signed records per second (encode + DSSE sign + durable append + receipt), group commit:",
      "",
      table(
        ["writers", "record", "bytes", "records/s", "commit ms p50 / p99", "records per transaction"],
        log.throughput.map((t) => [
          String(t.writers),
          t.shape,
          String(t.recordBytes),
          rate(t.perSecond),
          pp(t.commitMs),
          num(t.perTransaction, 1),
        ]),
      ),
      "",
    );
  }
  if (log.parts) {
    out.push(
      "Where a commit's time goes (one thread, per record):",
      "",
      table(
        [
          "record",
          "encode µs",
          "sign µs",
          "envelope JSON µs",
          "CPU ceiling records/s",
          "fdatasync ms p50 / p99",
        ],
        log.parts.map((p) => [
          p.shape,
          num(p.encodeUs, 1),
          num(p.signUs, 1),
          num(p.envelopeJsonUs, 1),
          rate(p.cpuCeilingPerSecond),
          pp(p.fdatasyncMs),
        ]),
      ),
      "",
    );
  }
  if (log.scale) {
    out.push(
      "Appends and proofs as the tree grows:",
      "",
      table(
        [
          "leaves",
          "build leaves/s",
          "tree work µs p50 / p99",
          "durable append ms p50 / p99",
          "inclusion proof µs p50 / p99",
          "consistency proof µs p50 / p99",
        ],
        log.scale.map((s) => [
          s.size.toLocaleString("en"),
          rate(s.buildLeavesPerSecond),
          pp(s.treeWorkUs),
          pp(s.appendMs),
          pp(s.inclusionUs),
          pp(s.consistencyUs),
        ]),
      ),
      "",
    );
  }
  if (log.verify) {
    const v = log.verify;
    out.push(
      `Receipt verification on one core: ${rate(v.receiptsPerSecond)}/s (receipt objects; ${rate(v.receiptTextsPerSecond)}/s from JSON text) vs raw Ed25519 verify ${rate(v.rawVerifiesPerSecond)}/s: ${times(v.ratio)} (text ${times(v.textRatio)}).`,
      "",
    );
  }
  return out;
}

function overloadSection(res: BenchResults): string[] {
  const o = res.overload;
  if (!o) return res.overloadSkipped ? ["## 4. Overload", "", `SKIPPED: ${res.overloadSkipped}`, ""] : [];
  return [
    "## 4. Overload (real server, 127.0.0.1, open-loop Poisson arrivals)",
    "",
    `${o.model}, ${o.workers} workers, CS43 budget ${num(o.budgetMs)} ms (${o.budgetSource}). Throughput: ${num(o.throughputPerSecond, 1)} req/s (closed loop of ${o.workers} callers, KO42 only; client p50/p99 ${pp(o.throughputMs)} ms; answers by status ${JSON.stringify(o.throughputStatuses)}). Capacity within the budget: **${num(o.capacityPerSecond, 1)} req/s**, the highest Poisson rate tried at which every call was answered 200 with the records' p99 within budget:`,
    "",
    table(
      [
        "rate tried/s",
        "sent",
        "200",
        "503",
        "other",
        "record total_ms p50 / p99",
        "client ms p50 / p99",
        "within the SLA",
      ],
      o.capacityTrials.map((t) => [
        num(t.perSecond, 1),
        String(t.result.sent),
        String(t.result.accepted),
        String(t.result.rejected503),
        String(Object.values(t.result.otherStatuses).reduce((a, b) => a + b, 0)),
        pp(t.result.acceptedServerMs),
        pp(t.result.acceptedMs),
        t.held ? "yes" : "no",
      ]),
    ),
    "",
    "Load levels, as multiples of that capacity:",
    "",
    table(
      [
        "load",
        "offered/s",
        "sent",
        "accepted",
        "accepted/s",
        "accepted ms p50 / p99 (client)",
        "record total_ms p50 / p99",
        "held",
        "503",
        "503 ms p50 / p99",
        "with Retry-After",
        "other",
      ],
      o.levels.map((l) => [
        `${l.level}×`,
        num(l.offeredPerSecond, 1),
        String(l.sent),
        String(l.accepted),
        num(l.acceptedPerSecond, 1),
        pp(l.acceptedMs),
        pp(l.acceptedServerMs),
        `${l.acceptedHeld}/${l.accepted}`,
        String(l.rejected503),
        pp(l.rejectedMs),
        String(l.rejectedWithRetryAfter),
        Object.entries(l.otherStatuses)
          .map(([s, c]) => `${c}× ${s === "0" ? "network" : s}`)
          .join(", ") || "none",
      ]),
    ),
    "",
    `Log afterwards: ${o.audit.leaves} leaves; fsck ${o.audit.fsckOk ? "clean" : `PROBLEMS: ${o.audit.fsckProblems.slice(0, 3).join("; ")}`}; ${o.audit.acknowledgedFound}/${o.audit.acknowledged} acknowledged records at their index with their exact bytes; records of unacknowledged requests by status: ${JSON.stringify(o.audit.unacknowledgedRecords)}; records of refused (503) requests: ${o.audit.recordsOfRefused}; duplicates ${o.audit.duplicates}; unknown ${o.audit.unknown}.`,
    ...(o.audit.lateRuns.length > 0
      ? [
          "",
          `The ${o.audit.lateRuns.length} late records (504s), forward pass alone / admission to result, ms: ${o.audit.lateRuns
            .map((l) => `${num(l.measuredMs)} / ${num(l.totalMs)}`)
            .join(", ")}.`,
        ]
      : []),
    "",
  ];
}

function memorySection(res: BenchResults): string[] {
  if (!res.memory) return [];
  const mib = (b: number | null) => (b === null ? "n/a" : num(b / 2 ** 20, 1));
  return [
    "## 5. Memory (one process per model, MiB)",
    "",
    table(
      [
        "model",
        "weights on disk",
        "RSS before load",
        "RSS loaded",
        "peak RSS",
        "sessions resident",
        "run peak growth",
        "CS44 budget",
        "held",
      ],
      res.memory.map((m) => [
        m.model,
        mib(m.weightsBytes),
        mib(m.baselineRssBytes),
        mib(m.loadedRssBytes),
        mib(m.peakRssBytes),
        mib(m.sessionsResidentBytes),
        `${mib(m.runPeakBytes)} (${m.runMethod})`,
        mib(m.cs44BudgetBytes),
        String(m.cs44Held),
      ]),
    ),
    "",
  ];
}

export function renderMarkdown(res: BenchResults): string {
  const m = res.machine;
  const load = res.load;
  return [
    `# zeq-np benchmark (${res.mode} run)`,
    "",
    `${m.date}: ${m.cpu}, ${m.physicalCores} cores (${m.logicalCpus} logical), ${m.memoryGiB} GiB, ${m.os} (${m.kernel}); Node ${m.node}, onnxruntime-node ${m.onnxruntime}, PyTorch ${m.torch ?? "n/a"}${m.blas.length ? ` with ${m.blas.find((b) => /openblas/.test(b)) ?? m.blas[0]}` : ""}. Run took ${num(res.seconds / 60, 1)} min; 1-minute load average during it: min ${num(load.min, 2)}, mean ${num(load.mean, 2)}, max ${num(load.max, 2)} (${load.samples} samples).`,
    "",
    "## Targets",
    "",
    table(
      ["target", "measured", "met"],
      res.targets.map((t) => [t.target, t.measured, t.met === null ? "n/a" : t.met ? "yes" : "**no**"]),
    ),
    "",
    ...latencySection(res),
    ...breakdownSection(res),
    ...peakSection(res),
    ...logSection(res),
    ...overloadSection(res),
    ...memorySection(res),
  ].join("\n");
}
