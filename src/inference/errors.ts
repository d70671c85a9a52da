/** Errors of the inference area: loading models, checking inputs, budgets, the worker pool. */
import { ZeqError } from "../core/errors.js";
import type { RunResult } from "./types.js";

export type InferenceErrorCode =
  /** The ONNX file could not be read or parsed, or onnxruntime refused it. */
  | "INFER_MODEL_LOAD_FAILED"
  /** The model declares an input or output we cannot feed or carry (non-tensor, string, 4-bit). */
  | "INFER_MODEL_UNSUPPORTED"
  /** No model with this id is loaded in the engine. */
  | "INFER_MODEL_NOT_LOADED"
  /** A model with this id is already loaded (unload it first). */
  | "INFER_MODEL_ALREADY_LOADED"
  /** A declared model input was not given. */
  | "INFER_INPUT_MISSING"
  /** An input was given that the model does not declare. */
  | "INFER_INPUT_UNEXPECTED"
  /** An input's dtype differs from the declared one, or its data array does not hold that dtype. */
  | "INFER_INPUT_DTYPE"
  /** An input's rank or a fixed dimension differs from the declaration, or one symbolic dimension got two values. */
  | "INFER_INPUT_SHAPE"
  /** An input's element count does not match its dims, or the feed is not a {dtype, dims, data} object. */
  | "INFER_INPUT_DATA"
  /** An option passed to the engine is out of range or of the wrong type. */
  | "INFER_OPTIONS_INVALID"
  /** An operator outside {KO42, CS43, CS44} was named. */
  | "INFER_OPERATOR_UNKNOWN"
  /** CS43 or CS44 was asked for a model that has no such budget configured or calibrated. */
  | "INFER_BUDGET_MISSING"
  /** CS43: the predicted run time alone exceeds the latency budget; retrying will not help. */
  | "INFER_LATENCY_BUDGET"
  /** CS43 or the queue limit: predicted queue wait + run time exceeds the budget now; retry later. */
  | "INFER_OVERLOADED"
  /** CS43: the run passed its deadline (queued or in flight); the caller is answered at the deadline. */
  | "INFER_DEADLINE_EXCEEDED"
  /** CS44: the predicted working memory for this input exceeds the memory budget. */
  | "INFER_MEMORY_BUDGET"
  /** onnxruntime failed during session.run (an input it refused, a kernel error). */
  | "INFER_RUN_FAILED"
  /** The worker running this call died; the pool replaces it. */
  | "INFER_WORKER_CRASHED"
  /** A worker thread could not be started. */
  | "INFER_WORKER_START_FAILED"
  /** Calibration could not produce a fit (no sizes, a failed run, non-finite timings). */
  | "INFER_CALIBRATION_FAILED"
  /** The engine is closed or closing. */
  | "INFER_ENGINE_CLOSED";

export interface InferenceErrorDetails {
  /** The input the error is about (input validation errors). */
  readonly input?: string;
  /** For INFER_OVERLOADED: when a retry is predicted to fit the budget, in milliseconds. */
  readonly retryAfterMs?: number;
  /** The model the error is about. */
  readonly modelId?: string;
}

/** An inference failure with a stable code; `details` carries what a caller needs to act on it. */
export class InferenceError extends ZeqError<InferenceErrorCode> {
  readonly input: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly modelId: string | undefined;

  constructor(
    code: InferenceErrorCode,
    message: string,
    details: InferenceErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.input = details.input;
    this.retryAfterMs = details.retryAfterMs;
    this.modelId = details.modelId;
  }
}

/**
 * CS43: the caller is answered at the deadline. `ran` says whether the call had reached a
 * worker; if it had, session.run cannot be interrupted, and `late` settles with the result
 * (latency.held = false) when the worker finishes, so the overrun can still be recorded.
 */
export class DeadlineExceededError extends InferenceError {
  constructor(
    message: string,
    readonly budgetMs: number,
    readonly ran: boolean,
    readonly late: Promise<RunResult> | null,
    details: InferenceErrorDetails = {},
  ) {
    super("INFER_DEADLINE_EXCEEDED", message, details);
  }
}
