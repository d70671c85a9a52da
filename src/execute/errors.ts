import { ZeqError } from "../core/errors.js";

export type ExecuteErrorCode =
  | "EXECUTE_OPERATOR_UNKNOWN"
  | "EXECUTE_OPERATORS_INVALID"
  | "EXECUTE_INPUT_INVALID"
  | "EXECUTE_BATCH_TOO_LARGE"
  | "EXECUTE_INPUT_KIND_UNSUPPORTED"
  | "EXECUTE_MODEL_REFUSED"
  | "EXECUTE_COMMIT_FAILED"
  | "EXECUTE_CLOSED";

/** A request the executor cannot carry out as asked. */
export class ExecuteError extends ZeqError<ExecuteErrorCode> {}
