/**
 * The server's own error codes, and the one table that maps every coded error of the
 * project to an HTTP status. docs/errors.md lists the same codes; test/server/errors.test.ts
 * checks that every code declared in src/ has a row here and a line there.
 *
 * Rule of the table: 4xx means the caller can fix the request; 503 means "not now" (retry,
 * with Retry-After when we know when); 500 is for our own faults and must never be reached
 * by anything a caller sends.
 */
import { ZeqError } from "../core/errors.js";

export type ServerErrorCode =
  /** No `Authorization: Bearer <key>` header on a route that needs a key. */
  | "SERVER_AUTH_MISSING"
  /** The presented key is not a key of this server (or the header is not a Bearer token). */
  | "SERVER_AUTH_INVALID"
  /** A valid key without the role the route needs (an inference key on an admin route). */
  | "SERVER_FORBIDDEN"
  /** The key (or address, for public reads) made more requests than its rate allows. */
  | "SERVER_RATE_LIMITED"
  /** The body is larger than the route accepts; refused before it is read. */
  | "SERVER_BODY_TOO_LARGE"
  /** The body is not application/json. */
  | "SERVER_MEDIA_TYPE"
  /** A JSON route got an empty body. */
  | "SERVER_BODY_MISSING"
  /** The body is not valid UTF-8. */
  | "SERVER_BODY_NOT_UTF8"
  /** Content-Length does not match the bytes that arrived. */
  | "SERVER_CONTENT_LENGTH_INVALID"
  /** The request does not match the route's schema (missing or unknown fields, wrong types). */
  | "SERVER_REQUEST_INVALID"
  /** A path or query parameter is malformed (not a decimal index, a model name that could escape). */
  | "SERVER_PARAM_INVALID"
  /** An input of a playground request is malformed (bad base64, an element of the wrong form). */
  | "SERVER_INPUT_INVALID"
  /** A batch has more elements than the server accepts. */
  | "SERVER_BATCH_TOO_LARGE"
  /** An Open Inference Protocol request names an output the model does not have. */
  | "SERVER_OUTPUT_UNKNOWN"
  /** No route for this method and path. */
  | "SERVER_ROUTE_NOT_FOUND"
  /** The model has no signed model card (it has not been compiled). */
  | "SERVER_MODEL_CARD_NOT_FOUND"
  /** No log entry at this index (yet). */
  | "SERVER_LOG_ENTRY_NOT_FOUND"
  /** An admin call names an API key id that does not exist. */
  | "SERVER_API_KEY_NOT_FOUND"
  /** The server is shutting down and takes no new work. */
  | "SERVER_CLOSING"
  /** An error without a code reached the HTTP layer: a bug, logged with its stack. */
  | "SERVER_INTERNAL";

export class ServerError extends ZeqError<ServerErrorCode> {
  /** Seconds after which a retry may succeed (429/503), sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ServerErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(code, message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/**
 * Code → HTTP status, for every code of every area. Codes that only the CLI or the
 * start-up path can raise map to 500: reaching them from a request is a server fault.
 */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = Object.freeze({
  // server
  SERVER_AUTH_MISSING: 401,
  SERVER_AUTH_INVALID: 401,
  SERVER_FORBIDDEN: 403,
  SERVER_RATE_LIMITED: 429,
  SERVER_BODY_TOO_LARGE: 413,
  SERVER_MEDIA_TYPE: 415,
  SERVER_BODY_MISSING: 400,
  SERVER_BODY_NOT_UTF8: 400,
  SERVER_CONTENT_LENGTH_INVALID: 400,
  SERVER_REQUEST_INVALID: 400,
  SERVER_PARAM_INVALID: 400,
  SERVER_INPUT_INVALID: 400,
  SERVER_BATCH_TOO_LARGE: 413,
  SERVER_OUTPUT_UNKNOWN: 400,
  SERVER_ROUTE_NOT_FOUND: 404,
  SERVER_MODEL_CARD_NOT_FOUND: 404,
  SERVER_LOG_ENTRY_NOT_FOUND: 404,
  SERVER_API_KEY_NOT_FOUND: 404,
  SERVER_CLOSING: 503,
  SERVER_INTERNAL: 500,

  // core: strict JSON (request bodies)
  JSON_SYNTAX: 400,
  JSON_DUPLICATE_KEY: 400,
  JSON_LONE_SURROGATE: 400,
  JSON_NUMBER_NOT_FINITE: 400,
  JSON_UNSAFE_INTEGER: 400,
  JSON_TOO_DEEP: 400,
  JSON_UNSUPPORTED_VALUE: 500,

  // execute
  EXECUTE_OPERATOR_UNKNOWN: 400,
  EXECUTE_OPERATORS_INVALID: 400,
  EXECUTE_INPUT_INVALID: 400,
  EXECUTE_BATCH_TOO_LARGE: 413,
  EXECUTE_INPUT_KIND_UNSUPPORTED: 400,
  EXECUTE_MODEL_REFUSED: 503,
  EXECUTE_COMMIT_FAILED: 503,
  EXECUTE_CLOSED: 503,

  // inference
  INFER_MODEL_LOAD_FAILED: 503,
  INFER_MODEL_UNSUPPORTED: 503,
  INFER_MODEL_NOT_LOADED: 503,
  INFER_MODEL_ALREADY_LOADED: 409,
  INFER_INPUT_MISSING: 400,
  INFER_INPUT_UNEXPECTED: 400,
  INFER_INPUT_DTYPE: 400,
  INFER_INPUT_SHAPE: 400,
  INFER_INPUT_DATA: 400,
  INFER_OPTIONS_INVALID: 500,
  INFER_OPERATOR_UNKNOWN: 400,
  INFER_BUDGET_MISSING: 422,
  INFER_LATENCY_BUDGET: 422,
  INFER_OVERLOADED: 503,
  INFER_DEADLINE_EXCEEDED: 504,
  INFER_MEMORY_BUDGET: 422,
  INFER_RUN_FAILED: 500,
  INFER_WORKER_CRASHED: 503,
  INFER_WORKER_START_FAILED: 503,
  INFER_CALIBRATION_FAILED: 500,
  INFER_ENGINE_CLOSED: 503,

  // preprocess
  PREPROCESS_TEXT_INVALID: 400,
  PREPROCESS_TEXT_TOO_LONG: 413,
  PREPROCESS_OPTION_INVALID: 400,
  PREPROCESS_TOKEN_ID_INVALID: 400,
  PREPROCESS_VOCAB_INVALID: 500,
  PREPROCESS_IMAGE_INVALID: 400,
  PREPROCESS_IMAGE_UNSUPPORTED: 415,
  PREPROCESS_IMAGE_TOO_LARGE: 413,
  PREPROCESS_TENSOR_INVALID: 400,
  PREPROCESS_TENSOR_DATATYPE: 400,
  PREPROCESS_TENSOR_SHAPE: 400,
  PREPROCESS_TENSOR_DATA: 400,
  PREPROCESS_TENSOR_RANGE: 400,
  PREPROCESS_TENSOR_TOO_LARGE: 413,

  // model
  MODEL_ONNX_MALFORMED: 503,
  MODEL_ONNX_UNSUPPORTED: 503,
  MODEL_ONNX_EXTERNAL_DATA_INVALID: 503,
  MODEL_NAME_INVALID: 400,
  MODEL_VERSION_INVALID: 400,
  MODEL_NOT_FOUND: 404,
  MODEL_METADATA_INVALID: 503,
  MODEL_BUILD_INVALID: 500,
  MODEL_ALREADY_EXISTS: 409,
  MODEL_FILES_MISMATCH: 503,

  // blob store
  BLOB_NOT_FOUND: 404,
  BLOB_CORRUPT: 500,
  BLOB_IO: 500,
  BLOB_DIGEST_INVALID: 400,
  BLOB_BUNDLE_MALFORMED: 500,

  // record, DSSE: the server builds and signs these, so a failure is ours
  RECORD_SCHEMA_INVALID: 500,
  RECORD_TENSOR_INVALID: 500,
  RECORD_PAYLOAD_TYPE: 500,
  DSSE_MALFORMED: 400,
  DSSE_SIGNATURE_INVALID: 422,
  DSSE_PAYLOAD_TYPE: 422,
  DSSE_INVALID_ARGUMENT: 500,

  // keys and notes: start-up and CLI
  KEY_NAME_INVALID: 500,
  KEY_MALFORMED: 500,
  KEY_HASH_MISMATCH: 500,
  KEY_ALGORITHM_UNSUPPORTED: 500,
  KEY_AMBIGUOUS: 500,
  KEY_FILE_EXISTS: 500,
  KEY_FILE_PERMISSIONS: 500,
  KEY_FILE_IO: 500,
  NOTE_MALFORMED: 500,
  NOTE_UNVERIFIED_KEY: 500,
  NOTE_BAD_SIGNATURE: 500,
  NOTE_TEXT_INVALID: 500,
  NOTE_NO_SIGNER: 500,

  // log
  LOG_CHECKPOINT_MALFORMED: 500,
  LOG_CHECKPOINT_INVALID_ARGUMENT: 500,
  LOG_CHECKPOINT_ORIGIN_MISMATCH: 500,
  LOG_PROOF_BAD_INPUT: 400,
  LOG_PROOF_INDEX_OUT_OF_RANGE: 400,
  LOG_PROOF_BAD_HASH_LENGTH: 400,
  LOG_PROOF_WRONG_LENGTH: 400,
  LOG_PROOF_INVALID: 422,
  LOG_STORAGE_SCHEMA_VERSION: 500,
  LOG_STORAGE_OPEN_FAILED: 500,
  LOG_STORAGE_IO: 503,
  LOG_STORAGE_CORRUPT: 500,
  LOG_CLOSED: 503,
  LOG_CHECKPOINT_CONFLICT: 500,
  LOG_CHECKPOINT_MISMATCH: 500,
  LOG_SIZE_BEYOND_TREE: 400,
  LOG_ENTRY_INVALID: 500,
  LOG_COMMIT_FAILED: 503,
  LOG_SIGN_FAILED: 500,

  // verify (a receipt someone hands us)
  VERIFY_RECEIPT_MALFORMED: 400,
  VERIFY_CHECKPOINT_MALFORMED: 400,
  VERIFY_CHECKPOINT_UNTRUSTED: 422,
  VERIFY_CHECKPOINT_SIGNATURE_INVALID: 422,
  VERIFY_CHECKPOINT_ORIGIN_MISMATCH: 422,
  VERIFY_CHECKPOINT_SIZE_MISMATCH: 422,
  VERIFY_ENVELOPE_SIGNATURE_INVALID: 422,
  VERIFY_PAYLOAD_TYPE: 422,
  VERIFY_INCLUSION_FAILED: 422,

  // instance (start-up)
  INSTANCE_NO_SIGNING_KEY: 500,
  INSTANCE_NO_LOG: 500,

  // compile step and replay (reached from the CLI)
  COMPILE_REFERENCE_INVALID: 500,
  COMPILE_REFERENCE_MISMATCH: 500,
  COMPILE_PRECISION_EXCEEDED: 500,
  COMPILE_CALIBRATION_FAILED: 500,
  COMPILE_CARD_INVALID: 500,
  COMPILE_ADD_UNSUPPORTED: 500,
  COMPILE_OPTIONS_INVALID: 500,
  COMPILE_PYTHON_UNAVAILABLE: 500,
  COMPILE_PYTHON_FAILED: 500,
  REPLAY_MODEL_CHANGED: 409,
  REPLAY_INPUT_UNAVAILABLE: 404,
  REPLAY_INPUT_MISMATCH: 422,
  REPLAY_OUTPUT_MISMATCH: 422,
  REPLAY_OUTPUT_UNAVAILABLE: 404,

  // cli (never raised by the server)
  CLI_USAGE: 500,
  CLI_INPUT_FILE: 500,
});

/** The HTTP status of a code; unknown codes are 500 (and a test keeps the table complete). */
export function statusForCode(code: string): number {
  return Object.hasOwn(STATUS_BY_CODE, code) ? (STATUS_BY_CODE[code] as number) : 500;
}
