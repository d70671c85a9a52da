/**
 * The inference engine: models loaded into a pool of worker threads, calls checked against
 * the model, admitted or refused by CS43/CS44 before they run, dispatched first come first
 * served, answered with outputs, timings, memory and the numeric environment.
 */
import { stat } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { OPERATORS } from "../record/schema.js";
import { decideAdmission } from "./admission.js";
import { parseCoefficients } from "./budgets.js";
import {
  fitCalibration,
  resolveCalibration,
  type Calibration,
  type CalibrationOptions,
} from "./calibrate.js";
import { DeadlineExceededError, InferenceError } from "./errors.js";
import { ObservedRuns } from "./observed-runs.js";
import { WorkerPool } from "./pool.js";
import { buildRunResult, refusalError } from "./run-result.js";
import { Scheduler, type Job, type JobOutcome } from "./scheduler.js";
import { numericEnvironment, resolveOptions, type ResolvedOptions } from "./settings.js";
import { checkFeeds } from "./validate-feeds.js";
import type { Reply, WireTensor } from "./protocol.js";
import type {
  Admission,
  BudgetConfig,
  CostModel,
  EngineOptions,
  EngineStats,
  Feeds,
  LoadOptions,
  ModelInfo,
  NumericEnvironment,
  Operator,
  PredictionSource,
  RunOptions,
  RunResult,
} from "./types.js";

const MAX_TIMER_MS = 2 ** 31 - 1;
/** Admission plans the queue with this quantile of observed ÷ predicted run times. */
const PLANNING_QUANTILE = 0.9;

interface ModelEntry {
  info: ModelInfo;
  budgets: BudgetConfig;
  configured: CostModel;
  calibrated: CostModel;
  observed: ObservedRuns;
}

function checkOperators(value: unknown): Set<Operator> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value))
    throw new InferenceError("INFER_OPERATOR_UNKNOWN", `operators must be a list of ${OPERATORS.join(", ")}`);
  for (const op of value) {
    if (!(OPERATORS as readonly unknown[]).includes(op)) {
      throw new InferenceError(
        "INFER_OPERATOR_UNKNOWN",
        `unknown operator ${JSON.stringify(op)}; valid: ${OPERATORS.join(", ")}`,
      );
    }
  }
  return new Set(value as Operator[]);
}

function calibrated(reply: Reply, modelId: string): Extract<Reply, { kind: "calibrated" }> {
  if (reply.kind === "failed") throw new InferenceError(reply.code, reply.message, { modelId });
  if (reply.kind !== "calibrated")
    throw new InferenceError("INFER_CALIBRATION_FAILED", `unexpected worker reply ${reply.kind}`);
  return reply;
}

function checkInputSize(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InferenceError("INFER_OPTIONS_INVALID", "inputSize must be a non-negative integer");
  }
  return value;
}

/**
 * The tensors to post and the buffers to transfer with them. Structured clone of a typed
 * array is far slower than a memcpy on Node 20 (docs/budgets.md), so inputs are always
 * transferred: copies of them (one memcpy each) unless the caller gives its buffers away.
 */
function forTransfer(
  tensors: WireTensor[],
  giveAway: boolean,
): { tensors: WireTensor[]; transfer: ArrayBuffer[] } {
  const out: WireTensor[] = [];
  const transfer = new Set<ArrayBuffer>();
  for (const t of tensors) {
    const whole = t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength;
    const own = giveAway && whole && t.data.buffer instanceof ArrayBuffer && !transfer.has(t.data.buffer);
    const data = own ? t.data : t.data.slice();
    transfer.add(data.buffer as ArrayBuffer);
    out.push({ ...t, data });
  }
  return { tensors: out, transfer: [...transfer] };
}

export class InferenceEngine {
  /** The numeric environment every result states. */
  readonly environment: NumericEnvironment;
  private readonly models = new Map<string, ModelEntry>();
  private readonly loading = new Set<string>();
  private readonly scheduler: Scheduler;
  private closed = false;

  private constructor(
    private readonly options: ResolvedOptions,
    private readonly pool: WorkerPool,
  ) {
    this.scheduler = new Scheduler(pool, options.maxQueue);
    this.environment = numericEnvironment(options.session, pool.runtimeVersion());
  }

  /**
   * Starts the worker threads (each loads onnxruntime-node).
   * @throws {InferenceError} INFER_OPTIONS_INVALID, INFER_WORKER_START_FAILED
   */
  static async start(opts: EngineOptions = {}): Promise<InferenceEngine> {
    const options = resolveOptions(opts);
    return new InferenceEngine(options, await WorkerPool.start(options.workers, options.session));
  }

  /**
   * Loads an ONNX file (by path, so external data beside it is found) into every worker.
   * @throws {InferenceError} INFER_MODEL_ALREADY_LOADED, INFER_MODEL_LOAD_FAILED, INFER_MODEL_UNSUPPORTED, INFER_OPTIONS_INVALID
   */
  async load(modelId: string, modelPath: string, opts: LoadOptions = {}): Promise<ModelInfo> {
    this.assertOpen();
    if (typeof modelId !== "string" || modelId.length === 0 || modelId.length > 256) {
      throw new InferenceError("INFER_OPTIONS_INVALID", "modelId must be a string of 1 to 256 characters");
    }
    if (this.models.has(modelId) || this.loading.has(modelId)) {
      throw new InferenceError("INFER_MODEL_ALREADY_LOADED", `model ${modelId} is already loaded`, {
        modelId,
      });
    }
    const budgets = parseCoefficients(opts.budgets, "budgets");
    const configured = parseCoefficients(opts.cost, "cost");
    this.loading.add(modelId);
    try {
      const file = await stat(modelPath).catch((err: Error) => {
        throw new InferenceError(
          "INFER_MODEL_LOAD_FAILED",
          `cannot read ${modelPath}: ${err.message}`,
          { modelId },
          { cause: err },
        );
      });
      const loaded = await this.pool.load(modelId, modelPath);
      const info: ModelInfo = {
        modelId,
        path: modelPath,
        ...loaded,
        fileBytes: file.size,
        budgets,
        cost: configured,
      };
      this.models.set(modelId, {
        info,
        budgets,
        configured,
        calibrated: {},
        observed: new ObservedRuns(this.options.onlineWindow),
      });
      return this.info(modelId);
    } finally {
      this.loading.delete(modelId);
    }
  }

  /** Unloads a model; its queued calls reject with INFER_MODEL_NOT_LOADED. */
  async unload(modelId: string): Promise<void> {
    if (!this.models.delete(modelId)) return;
    this.scheduler.dropQueued(
      modelId,
      new InferenceError("INFER_MODEL_NOT_LOADED", `model ${modelId} was unloaded`, { modelId }),
    );
    await this.pool.unload(modelId);
  }

  /**
   * The model's declared inputs/outputs, budgets and current cost model.
   * @throws {InferenceError} INFER_MODEL_NOT_LOADED
   */
  info(modelId: string): ModelInfo {
    const entry = this.entry(modelId);
    return { ...entry.info, budgets: entry.budgets, cost: { ...entry.configured, ...entry.calibrated } };
  }

  /**
   * Replaces a model's budgets (the SLA) and/or configured cost model.
   * @throws {InferenceError} INFER_MODEL_NOT_LOADED, INFER_OPTIONS_INVALID
   */
  configure(modelId: string, opts: LoadOptions): void {
    const entry = this.entry(modelId);
    if (opts.budgets !== undefined) entry.budgets = parseCoefficients(opts.budgets, "budgets");
    if (opts.cost !== undefined) entry.configured = parseCoefficients(opts.cost, "cost");
  }

  /**
   * The pure admission decision for a call of size `inputSize` now (nothing is queued).
   * @throws {InferenceError} INFER_MODEL_NOT_LOADED, INFER_OPERATOR_UNKNOWN, INFER_OPTIONS_INVALID
   */
  admit(modelId: string, inputSize: number, operators: readonly Operator[] = []): Admission {
    return this.decide(this.entry(modelId), checkInputSize(inputSize), checkOperators(operators));
  }

  /**
   * Runs one forward pass. Refusals happen before anything runs; with CS43 the call is
   * answered by its deadline (DeadlineExceededError) even if the worker is still running.
   * @throws {InferenceError} INFER_MODEL_NOT_LOADED, INFER_INPUT_*, INFER_OPERATOR_UNKNOWN, INFER_BUDGET_MISSING,
   *   INFER_LATENCY_BUDGET, INFER_MEMORY_BUDGET, INFER_OVERLOADED (retryAfterMs), INFER_DEADLINE_EXCEEDED,
   *   INFER_RUN_FAILED, INFER_WORKER_CRASHED, INFER_ENGINE_CLOSED
   */
  async run(modelId: string, feeds: Feeds, opts: RunOptions = {}): Promise<RunResult> {
    return this.submit(modelId, feeds, opts);
  }

  /**
   * run() with its checks and its refusal synchronous: it throws before anything is queued,
   * or returns once the call is queued or already posted to a worker. The caller can do its
   * own work (hashing and keeping the inputs) while the forward pass runs.
   * @throws {InferenceError} as run() does, synchronously for every refusal
   */
  submit(modelId: string, feeds: Feeds, opts: RunOptions = {}): Promise<RunResult> {
    const admittedAt = performance.now();
    this.assertOpen();
    const entry = this.entry(modelId);
    const operators = checkOperators(opts.operators);
    const checked = checkFeeds(entry.info.inputs, feeds);
    const n = opts.inputSize === undefined ? checked.defaultSize : checkInputSize(opts.inputSize);
    const admission = this.decide(entry, n, operators);
    if (!admission.admitted) throw refusalError(admission, modelId);
    const { tensors, transfer } = forTransfer(checked.tensors, opts.transferInputs === true);
    const request = {
      kind: "run" as const,
      modelId,
      feeds: tensors,
      digestOutputs: opts.digestOutputs === true,
    };
    const deadlineAt =
      admission.budgetMs === null || admission.budgetMs > MAX_TIMER_MS
        ? null
        : admittedAt + admission.budgetMs;
    const job = this.scheduler.submit(modelId, request, transfer, admission.predictedRunMs ?? 0, deadlineAt);
    const finish = (outcome: JobOutcome): RunResult => {
      const result = buildRunResult(modelId, admission, admittedAt, outcome, this.environment);
      if (opts.observe !== false) entry.observed.add(n, result.runMs);
      return result;
    };
    // Beyond setTimeout's range (~24.8 days) a deadline means nothing; the timer would misfire.
    if (deadlineAt === null) return job.done.then(finish);
    return this.withDeadline(job, deadlineAt, admission.budgetMs!, modelId, finish);
  }

  /**
   * Measures the model at the given sizes on a fresh session and installs the fitted cost
   * model; budgets the model lacks are set to the suggested ones, configured budgets stay.
   * @throws {InferenceError} INFER_MODEL_NOT_LOADED, INFER_OPTIONS_INVALID, INFER_INPUT_*, INFER_CALIBRATION_FAILED
   */
  async calibrate(modelId: string, opts: CalibrationOptions): Promise<Calibration> {
    this.assertOpen();
    const entry = this.entry(modelId);
    const resolved = resolveCalibration(opts);
    const sizes = resolved.sizes.map((n) => ({
      n,
      feeds: checkFeeds(entry.info.inputs, opts.feedsFor(n)).tensors,
    }));
    const job = this.scheduler.submit(
      null,
      { kind: "calibrate", path: entry.info.path, sizes, repeats: resolved.repeats },
      [],
      0,
    );
    const reply = calibrated((await job.done).reply, modelId);
    if (resolved.concurrency > 1) {
      const slowest = await this.calibrateConcurrently(entry.info.path, sizes, resolved, modelId);
      for (const s of reply.samples) s.concurrentMedianMs = slowest.get(s.n);
    }
    const calibration = fitCalibration(reply.samples, reply.method, resolved);
    entry.calibrated = calibration.cost;
    entry.budgets = {
      latencyMs: entry.budgets.latencyMs ?? calibration.suggestedBudgets.latencyMs,
      memoryBytes: entry.budgets.memoryBytes ?? calibration.suggestedBudgets.memoryBytes,
    };
    return calibration;
  }

  /**
   * The same calibration on `concurrency` fresh sessions at once, each in a thread of a
   * temporary pool (this engine's workers keep serving); per size, the slowest median.
   */
  private async calibrateConcurrently(
    path: string,
    sizes: { n: number; feeds: WireTensor[] }[],
    resolved: { repeats: number; concurrency: number },
    modelId: string,
  ): Promise<Map<number, number>> {
    const pool = await WorkerPool.start(resolved.concurrency, this.options.session);
    try {
      const replies = await Promise.all(
        pool
          .ready()
          .map((worker) =>
            worker
              .request({ kind: "calibrate", path, sizes, repeats: resolved.repeats })
              .then((r) => calibrated(r, modelId)),
          ),
      );
      const slowest = new Map<number, number>();
      for (const r of replies)
        for (const s of r.samples) slowest.set(s.n, Math.max(slowest.get(s.n) ?? 0, s.medianMs));
      return slowest;
    } finally {
      await pool.close();
    }
  }

  stats(): EngineStats {
    return {
      queueDepth: this.scheduler.queueDepth,
      inFlight: this.scheduler.inFlight,
      workers: {
        ready: this.pool.ready().length,
        configured: this.options.workers,
        restarts: this.pool.restarts,
      },
    };
  }

  /**
   * Stops the workers. Queued calls reject with INFER_ENGINE_CLOSED; running calls finish
   * first (a thread cannot be stopped inside onnxruntime without aborting the process).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.dropQueued(
      null,
      new InferenceError("INFER_ENGINE_CLOSED", "the inference engine is closed"),
    );
    await this.pool.close();
  }

  /** @internal Test hook: kills worker `index` as an uncaught error in it would. */
  _crashWorker(index: number): void {
    this.pool.crash(index);
  }

  private entry(modelId: string): ModelEntry {
    const entry = this.models.get(modelId);
    if (entry === undefined)
      throw new InferenceError("INFER_MODEL_NOT_LOADED", `model ${JSON.stringify(modelId)} is not loaded`, {
        modelId,
      });
    return entry;
  }

  private assertOpen(): void {
    if (this.closed) throw new InferenceError("INFER_ENGINE_CLOSED", "the inference engine is closed");
  }

  private decide(entry: ModelEntry, n: number, operators: ReadonlySet<Operator>): Admission {
    const pick = <K extends keyof CostModel>(key: K): [CostModel[K] | null, PredictionSource] => {
      if (entry.calibrated[key] !== undefined) return [entry.calibrated[key], "calibrated"];
      if (entry.configured[key] !== undefined) return [entry.configured[key], "configured"];
      return [null, "none"];
    };
    let [latencyCost, latencyFrom] = pick("latencyMs");
    let latencyScale = 1;
    if (latencyCost === null) {
      latencyCost = entry.observed.fit();
      if (latencyCost !== null) latencyFrom = "observed";
    } else if (latencyCost !== undefined) {
      latencyScale = entry.observed.ratioQuantile(latencyCost, PLANNING_QUANTILE) ?? 1;
    }
    const [memoryCost, memoryFrom] = pick("memoryBytes");
    return decideAdmission({
      inputSize: n,
      operators,
      latencyBudget: entry.budgets.latencyMs ?? null,
      latencyCost: latencyCost ?? null,
      latencyFrom,
      latencyScale,
      memoryBudget: entry.budgets.memoryBytes ?? null,
      memoryCost: memoryCost ?? null,
      memoryFrom,
      load: this.scheduler.snapshot(),
    });
  }

  private withDeadline(
    job: Job,
    deadlineAt: number,
    budgetMs: number,
    modelId: string,
    finish: (o: JobOutcome) => RunResult,
  ): Promise<RunResult> {
    const outcome = job.done.then(finish);
    outcome.catch(() => {}); // observed through the returned promise or the error's `late`
    return new Promise<RunResult>((resolve, reject) => {
      let settled = false;
      // Timers run before the event loop polls for messages: on a busy loop the deadline
      // timer and a worker's finished result can be due in the same turn. One setImmediate
      // lets that result arrive first, so a call that made it is not answered as late.
      const expire = (): void => {
        if (settled) return;
        settled = true;
        const late = new InferenceError(
          "INFER_DEADLINE_EXCEEDED",
          `${modelId}: the deadline passed while queued`,
          {
            modelId,
          },
        );
        const wasQueued = this.scheduler.cancel(job, late);
        const message = wasQueued
          ? `${modelId}: the ${budgetMs.toFixed(2)} ms CS43 deadline passed before a worker was free; it did not run`
          : `${modelId}: the ${budgetMs.toFixed(2)} ms CS43 deadline passed while running; the run finishes in the worker`;
        reject(
          new DeadlineExceededError(message, budgetMs, !wasQueued, wasQueued ? null : outcome, { modelId }),
        );
      };
      const timer = setTimeout(() => setImmediate(expire), Math.max(0, deadlineAt - performance.now()));
      outcome.then(
        (result) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          resolve(result);
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          reject(err);
        },
      );
    });
  }
}
