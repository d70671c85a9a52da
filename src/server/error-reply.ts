/**
 * Turning anything thrown while serving a request into one coded answer:
 *
 *   {"statusCode": 400, "code": "JSON_DUPLICATE_KEY", "error": "Bad Request", "message": "..."}
 *
 * and, on Open Inference Protocol routes (/v2/...), the protocol's error object
 * {"error": "<message>"} with our `code` alongside (OIP clients read `error` only).
 * Framework errors (fastify's FST_ERR_*) are translated to our codes here, so the status
 * always comes from the one table in errors.ts.
 */
import { STATUS_CODES } from "node:http";
import { isZeqError } from "../core/errors.js";
import { ServerError, statusForCode, type ServerErrorCode } from "./errors.js";

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

export interface OipErrorBody {
  error: string;
  code: string;
}

export interface ResolvedError {
  status: number;
  code: string;
  message: string;
  /** Seconds for Retry-After, when known. */
  retryAfterSeconds: number | undefined;
  /** True when the error is ours (no code, or a 5xx we did not expect): log with the stack. */
  unexpected: boolean;
}

/** Fastify's own error codes, as our codes. */
const FRAMEWORK_CODES: Readonly<Record<string, ServerErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "SERVER_BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "SERVER_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "SERVER_CONTENT_LENGTH_INVALID",
  FST_ERR_CTP_EMPTY_JSON_BODY: "SERVER_BODY_MISSING",
  FST_ERR_VALIDATION: "SERVER_REQUEST_INVALID",
  FST_ERR_BAD_URL: "SERVER_PARAM_INVALID",
  FST_ERR_MAX_PARAM_LENGTH: "SERVER_PARAM_INVALID",
  FST_ERR_NOT_FOUND: "SERVER_ROUTE_NOT_FOUND",
};

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  retryAfterMs?: unknown;
}

function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof ServerError) return err.retryAfterSeconds;
  const ms = (err as ErrorLike | null)?.retryAfterMs;
  if (typeof ms === "number" && Number.isFinite(ms) && ms >= 0) return Math.max(1, Math.ceil(ms / 1000));
  return undefined;
}

/** Classifies a thrown value; never throws. */
export function resolveError(err: unknown): ResolvedError {
  const e = (typeof err === "object" && err !== null ? err : {}) as ErrorLike;
  const message = typeof e.message === "string" && e.message !== "" ? e.message : "internal error";
  if (isZeqError(err)) {
    const status = statusForCode(err.code);
    let retryAfterSeconds = retryAfterOf(err);
    // A 503 always says when to come back: admission control promises a fast, retryable refusal.
    if (status === 503 && retryAfterSeconds === undefined) retryAfterSeconds = 1;
    return {
      status,
      code: err.code,
      message,
      retryAfterSeconds,
      unexpected: status >= 500 && status !== 503,
    };
  }
  const code = typeof e.code === "string" ? FRAMEWORK_CODES[e.code] : undefined;
  if (code !== undefined) {
    return { status: statusForCode(code), code, message, retryAfterSeconds: undefined, unexpected: false };
  }
  // Any other framework error with a 4xx status is about the request (a malformed header,
  // a body stream the client aborted): an invalid request, never a 500.
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      status: 400,
      code: "SERVER_REQUEST_INVALID",
      message,
      retryAfterSeconds: undefined,
      unexpected: false,
    };
  }
  return {
    status: 500,
    code: "SERVER_INTERNAL",
    message: "internal error (logged with its request id)",
    retryAfterSeconds: undefined,
    unexpected: true,
  };
}

/** The house error body. */
export function errorBody(resolved: Pick<ResolvedError, "status" | "code" | "message">): ErrorBody {
  return {
    statusCode: resolved.status,
    code: resolved.code,
    error: STATUS_CODES[resolved.status] ?? "Error",
    message: resolved.message,
  };
}

/** The Open Inference Protocol error body. */
export function oipErrorBody(resolved: Pick<ResolvedError, "code" | "message">): OipErrorBody {
  return { error: resolved.message, code: resolved.code };
}

/** The error body of one batch element: the house form, so each element says its status. */
export function elementErrorBody(err: unknown): ErrorBody {
  return errorBody(resolveError(err));
}
