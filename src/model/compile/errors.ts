/**
 * Errors of the compile step: reference vectors, precision, calibration, model cards,
 * registering outside models, and the live PyTorch re-run. Every code is listed in
 * docs/errors.md; the compile step is reached from the CLI only.
 */
import { ZeqError } from "../../core/errors.js";

export type CompileErrorCode =
  /** A reference-vectors file is unreadable, malformed, or describes inputs the model cannot take. */
  | "COMPILE_REFERENCE_INVALID"
  /** The reference vectors were computed from other weights than the model's. */
  | "COMPILE_REFERENCE_MISMATCH"
  /** The model's outputs differ from the reference by more than the error budget (0.1 %). */
  | "COMPILE_PRECISION_EXCEEDED"
  /** The CS43/CS44 budgets could not be calibrated (no inputs could be synthesised, or runs failed). */
  | "COMPILE_CALIBRATION_FAILED"
  /** A model card is not a signed, well-formed card for these exact files. */
  | "COMPILE_CARD_INVALID"
  /** `models add` was given a model this repository cannot hold as it is (external data outside its folder, unknown rank). */
  | "COMPILE_ADD_UNSUPPORTED"
  /** An option of a models command is out of range or inconsistent. */
  | "COMPILE_OPTIONS_INVALID"
  /** A live PyTorch run was asked for, but /usr/bin/python3 with torch or the reference/ tools is missing. */
  | "COMPILE_PYTHON_UNAVAILABLE"
  /** The live PyTorch run failed (its error is in the message). */
  | "COMPILE_PYTHON_FAILED";

export class CompileError extends ZeqError<CompileErrorCode> {}
