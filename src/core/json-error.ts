import { ZeqError } from "./errors.js";

export type JsonErrorCode =
  | "JSON_SYNTAX"
  | "JSON_DUPLICATE_KEY"
  | "JSON_LONE_SURROGATE"
  | "JSON_NUMBER_NOT_FINITE"
  | "JSON_UNSAFE_INTEGER"
  | "JSON_UNSUPPORTED_VALUE"
  | "JSON_TOO_DEEP";

/** Any failure to encode or parse JSON under the project's strict rules. */
export class JsonError extends ZeqError<JsonErrorCode> {}
