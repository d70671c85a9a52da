/**
 * Public types of the inference engine. Tensors use the record's dtype names and typed
 * arrays (src/record/tensor-digest.ts) so a result can be digested without conversion.
 */
import type { ComputeRecord, Operator } from "../record/schema.js";
import type { TensorData, TensorDtype } from "../record/tensor-digest.js";

export type { Operator, TensorData, TensorDtype };

/** One tensor: dtype, dims (row-major) and its elements. float16 is carried as Uint16Array bits, bool as Uint8Array 0/1. */
export interface TensorValue {
  dtype: TensorDtype;
  dims: number[];
  data: TensorData;
  /**
   * SHA-256 (hex) of the tensor in the canonical tensor encoding (record/tensor-digest.ts),
   * on outputs when the run asked for digests: computed in the worker, over the bytes it hands back.
   */
  sha256?: string;
}

export type Feeds = Record<string, TensorValue>;

/** The numeric environment a record states (exactly the record's `environment` object). */
export type NumericEnvironment = ComputeRecord["environment"];

/** A declared model input or output; a string dim is symbolic ("batch", "sequence"; "" when unnamed). */
export interface IoInfo {
  name: string;
  dtype: TensorDtype;
  dims: (number | string)[];
}

export type GraphOptimizationLevel = "disabled" | "basic" | "extended" | "layout" | "all";

/** onnxruntime session options; every one that can change numerics is recorded in the environment. */
export interface SessionSettings {
  /** Default "all" (onnxruntime's own default): fusions change the last bits, so it is recorded. */
  graphOptimizationLevel: GraphOptimizationLevel;
  /** Threads per session for one operator; default 1 so workers do not fight for cores (docs/budgets.md). */
  intraOpNumThreads: number;
  /** Threads for independent graph branches; default 1 (sequential execution). */
  interOpNumThreads: number;
  /** Only "cpu" is supported. */
  executionProvider: "cpu";
  /** onnxruntime's CPU arena (default on, as onnxruntime); it affects memory measurement, not numerics. */
  enableCpuMemArena: boolean;
}

export interface EngineOptions {
  /** Worker threads; default: physical cores. */
  workers?: number;
  session?: Partial<SessionSettings>;
  /** Queued (not yet running) calls beyond which new calls are refused with INFER_OVERLOADED; default 1024. */
  maxQueue?: number;
  /** Observed runs per model kept for the online latency fit; default 64. */
  onlineWindow?: number;
}

/** T(n) = a + b·n·log2(n+1) milliseconds (CS43). */
export interface LatencyCoefficients {
  a: number;
  b: number;
}

/** S(n) = c + d·n bytes (CS44). */
export interface MemoryCoefficients {
  c: number;
  d: number;
}

/** The SLA: budgets as functions of the input size n. */
export interface BudgetConfig {
  latencyMs?: LatencyCoefficients;
  memoryBytes?: MemoryCoefficients;
}

/** What a run is predicted to cost: run time (not queueing) and working memory, same function shapes. */
export interface CostModel {
  latencyMs?: LatencyCoefficients;
  memoryBytes?: MemoryCoefficients;
}

export interface LoadOptions {
  budgets?: BudgetConfig;
  cost?: CostModel;
}

export interface ModelInfo {
  modelId: string;
  path: string;
  inputs: IoInfo[];
  outputs: IoInfo[];
  /** Resident-set growth when the first worker created its session (weights + initial arena), or null. */
  residentBytes: number | null;
  /** Size on disk of the model file (external data files are not included). */
  fileBytes: number;
  budgets: BudgetConfig;
  cost: CostModel;
}

export type PredictionSource = "configured" | "calibrated" | "observed" | "none";

export interface RunOptions {
  /** Operators of the request; CS43 and CS44 switch on the budgets, KO42 is the caller's business. */
  operators?: readonly Operator[];
  /** n for the budget functions; default: the element count of the first declared input. */
  inputSize?: number;
  /**
   * Give the input buffers to the worker instead of a copy of them (saves one memcpy per
   * input; the caller's arrays become detached). Views on part of a buffer are still copied.
   */
  transferInputs?: boolean;
  /** Count this run in the online latency fit (default true; false for warm-up runs). */
  observe?: boolean;
  /**
   * Digest each output in the worker, right after session.run (default false): a record
   * needs the digests, and hashing megabytes of logits there keeps it off the caller's event loop.
   */
  digestOutputs?: boolean;
}

export interface LatencyReport {
  /** T(n) when CS43 applied, else null. */
  budgetMs: number | null;
  predictedMs: number | null;
  predictedFrom: PredictionSource;
  /** totalMs ≤ budgetMs when CS43 applied, else null. */
  held: boolean | null;
}

export type MemoryMethod = "vmhwm" | "rss-delta";

export interface MemoryReport {
  /** S(n) when CS44 applied, else null. */
  budgetBytes: number | null;
  predictedBytes: number | null;
  predictedFrom: PredictionSource;
  /** Peak resident-set growth during session.run (docs/budgets.md says exactly what this is). */
  peakBytes: number;
  /** "vmhwm": kernel peak RSS reset before the run; "rss-delta": RSS after minus before (no peak available). */
  method: MemoryMethod;
  /** True when no other run was in flight in the process during this one, so peakBytes is this run's alone. */
  exclusive: boolean;
  /** peakBytes ≤ budgetBytes when CS44 applied, else null. */
  held: boolean | null;
}

export interface RunResult {
  outputs: Record<string, TensorValue>;
  inputSize: number;
  /** session.run wall time in the worker (hrtime). */
  runMs: number;
  /** Unix milliseconds (Date.now() in the worker) when session.run started: the instant KO42 binds. */
  startedAtMs: number;
  /** Admission to hand-over to the worker. */
  queueMs: number;
  /** Admission to the result back on the caller's thread. */
  totalMs: number;
  latency: LatencyReport;
  memory: MemoryReport;
  environment: NumericEnvironment;
  /** Index of the worker that ran the call. */
  worker: number;
}

export interface Admission {
  admitted: boolean;
  /** Why it was refused, or null. */
  code: "INFER_OVERLOADED" | "INFER_LATENCY_BUDGET" | "INFER_MEMORY_BUDGET" | "INFER_BUDGET_MISSING" | null;
  reason: string;
  inputSize: number;
  budgetMs: number | null;
  /**
   * The run time admission plans with: the cost model's T(n), scaled by the 90th percentile
   * of observed ÷ predicted over the model's recent runs (once there are enough of them).
   */
  predictedRunMs: number | null;
  predictedWaitMs: number;
  latencyFrom: PredictionSource;
  budgetBytes: number | null;
  predictedBytes: number | null;
  memoryFrom: PredictionSource;
  retryAfterMs: number | null;
}

export interface EngineStats {
  /** Calls waiting for a worker. */
  queueDepth: number;
  /** Calls running on a worker (including ones whose caller was already answered at the deadline). */
  inFlight: number;
  /** Workers able to take work / configured. */
  workers: { ready: number; configured: number; restarts: number };
}
