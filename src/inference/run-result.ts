/**
 * Turns a worker's reply into the caller's RunResult (or its coded error), stating the
 * budgets that applied, the predictions and what was measured.
 */
import { InferenceError } from "./errors.js";
import type { JobOutcome } from "./scheduler.js";
import type { Admission, NumericEnvironment, RunResult, TensorValue } from "./types.js";

/**
 * @throws {InferenceError} the worker's code when the run failed (INFER_RUN_FAILED, ...)
 */
export function buildRunResult(
  modelId: string,
  admission: Admission,
  admittedAt: number,
  outcome: JobOutcome,
  environment: NumericEnvironment,
): RunResult {
  const { reply } = outcome;
  if (reply.kind === "failed") {
    throw new InferenceError(reply.code, reply.message, {
      modelId,
      ...(reply.input === undefined ? {} : { input: reply.input }),
    });
  }
  if (reply.kind !== "ran")
    throw new InferenceError("INFER_RUN_FAILED", `unexpected worker reply ${reply.kind}`, { modelId });
  const outputs: Record<string, TensorValue> = {};
  for (const t of reply.outputs) {
    outputs[t.name] = { dtype: t.dtype, dims: t.dims, data: t.data };
    if (t.sha256 !== undefined) outputs[t.name]!.sha256 = t.sha256;
  }
  const totalMs = outcome.finishedAt - admittedAt;
  const { memory } = reply;
  return {
    outputs,
    inputSize: admission.inputSize,
    runMs: reply.runMs,
    startedAtMs: reply.startedAtMs,
    queueMs: outcome.dispatchedAt - admittedAt,
    totalMs,
    latency: {
      budgetMs: admission.budgetMs,
      predictedMs: admission.predictedRunMs,
      predictedFrom: admission.latencyFrom,
      held: admission.budgetMs === null ? null : totalMs <= admission.budgetMs,
    },
    memory: {
      budgetBytes: admission.budgetBytes,
      predictedBytes: admission.predictedBytes,
      predictedFrom: admission.memoryFrom,
      peakBytes: memory.peakBytes,
      method: memory.method,
      exclusive: memory.exclusive,
      held: admission.budgetBytes === null ? null : memory.peakBytes <= admission.budgetBytes,
    },
    environment,
    worker: outcome.worker,
  };
}

/** The coded error for a refused admission. */
export function refusalError(admission: Admission, modelId: string): InferenceError {
  const code = admission.code ?? "INFER_OVERLOADED";
  return new InferenceError(code, `${modelId}: ${admission.reason}`, {
    modelId,
    ...(admission.retryAfterMs === null ? {} : { retryAfterMs: admission.retryAfterMs }),
  });
}
