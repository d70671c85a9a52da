import { ZeqError } from "../core/errors.js";

export type RecordErrorCode = "RECORD_SCHEMA_INVALID" | "RECORD_TENSOR_INVALID" | "RECORD_PAYLOAD_TYPE";

/** A compute record that does not follow its schema, or a tensor that cannot be committed to. */
export class RecordError extends ZeqError<RecordErrorCode> {}
