/**
 * Admission control as a pure function: given the budgets, the cost predictions and the
 * load right now, admit a call or refuse it before it runs. The queue wait is predicted by
 * replaying first-come-first-served dispatch over the workers with the same predictions:
 * each worker is free after its current call's predicted remainder, and each queued call
 * goes to the worker free soonest; this call starts when the first worker frees after them.
 */
import { latencyAt, memoryAt } from "./budgets.js";
import type {
  Admission,
  LatencyCoefficients,
  MemoryCoefficients,
  Operator,
  PredictionSource,
} from "./types.js";

export interface LoadSnapshot {
  /** Per worker able to take work: predicted ms until its current call ends (0 when idle). */
  workerFreeInMs: number[];
  /** Predicted run time of each queued call, in queue order (0 when it has no prediction). */
  queuedMs: number[];
  maxQueue: number;
}

export interface AdmissionInput {
  inputSize: number;
  operators: ReadonlySet<Operator>;
  latencyBudget: LatencyCoefficients | null;
  latencyCost: LatencyCoefficients | null;
  latencyFrom: PredictionSource;
  /** Observed ÷ predicted run time to plan the queue with (1 when unknown); see ObservedRuns.ratioQuantile. */
  latencyScale?: number;
  memoryBudget: MemoryCoefficients | null;
  memoryCost: MemoryCoefficients | null;
  memoryFrom: PredictionSource;
  load: LoadSnapshot;
}

/** Predicted ms until a worker is free for a call placed at the back of the queue. */
export function predictWaitMs(load: LoadSnapshot): number {
  const free = load.workerFreeInMs.length > 0 ? [...load.workerFreeInMs] : [0];
  for (const ms of load.queuedMs) {
    let soonest = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[soonest]!) soonest = i;
    free[soonest] = free[soonest]! + Math.max(0, ms);
  }
  return Math.max(0, Math.min(...free));
}

/** Decides admission; never throws. */
export function decideAdmission(input: AdmissionInput): Admission {
  const n = input.inputSize;
  const cs43 = input.operators.has("CS43");
  const cs44 = input.operators.has("CS44");
  const budgetMs = cs43 && input.latencyBudget !== null ? latencyAt(input.latencyBudget, n) : null;
  const budgetBytes = cs44 && input.memoryBudget !== null ? memoryAt(input.memoryBudget, n) : null;
  // The cost model alone decides whether an input of this size fits its budget at all; the
  // queue is planned with what runs take here lately.
  const modelRunMs = input.latencyCost === null ? null : latencyAt(input.latencyCost, n);
  const predictedRunMs = modelRunMs === null ? null : modelRunMs * (input.latencyScale ?? 1);
  const predictedBytes = input.memoryCost === null ? null : memoryAt(input.memoryCost, n);
  const predictedWaitMs = predictWaitMs(input.load);
  const base = {
    inputSize: n,
    budgetMs,
    predictedRunMs,
    predictedWaitMs,
    latencyFrom: input.latencyFrom,
    budgetBytes,
    predictedBytes,
    memoryFrom: input.memoryFrom,
    retryAfterMs: null,
  };
  const refuse = (
    code: NonNullable<Admission["code"]>,
    reason: string,
    retryAfterMs: number | null = null,
  ): Admission => ({
    ...base,
    admitted: false,
    code,
    reason,
    retryAfterMs,
  });

  if (cs43 && input.latencyBudget === null)
    return refuse("INFER_BUDGET_MISSING", "CS43 was asked but the model has no latency budget");
  if (cs44 && input.memoryBudget === null)
    return refuse("INFER_BUDGET_MISSING", "CS44 was asked but the model has no memory budget");
  if (budgetBytes !== null && predictedBytes !== null && predictedBytes > budgetBytes) {
    return refuse(
      "INFER_MEMORY_BUDGET",
      `predicted working memory ${predictedBytes} B for n=${n} exceeds the CS44 budget ${budgetBytes} B`,
    );
  }
  if (budgetMs !== null && modelRunMs !== null && modelRunMs > budgetMs) {
    return refuse(
      "INFER_LATENCY_BUDGET",
      `predicted run time ${modelRunMs.toFixed(2)} ms for n=${n} exceeds the CS43 budget ${budgetMs.toFixed(2)} ms`,
    );
  }
  if (input.load.queuedMs.length >= input.load.maxQueue) {
    return refuse(
      "INFER_OVERLOADED",
      `the queue is full (${input.load.queuedMs.length} calls)`,
      Math.max(1, Math.ceil(predictedWaitMs)),
    );
  }
  // A call that would start at once is admitted even when runs here lately take longer than
  // its budget: refusing it frees nothing, and only runs keep the observed times current.
  if (budgetMs !== null && predictedWaitMs > 0 && predictedWaitMs + (predictedRunMs ?? 0) > budgetMs) {
    const excess = predictedWaitMs + (predictedRunMs ?? 0) - budgetMs;
    return refuse(
      "INFER_OVERLOADED",
      `predicted wait ${predictedWaitMs.toFixed(2)} ms + run ${(predictedRunMs ?? 0).toFixed(2)} ms exceeds the CS43 budget ${budgetMs.toFixed(2)} ms`,
      Math.max(1, Math.ceil(excess)),
    );
  }
  return { ...base, admitted: true, code: null, reason: "admitted" };
}
