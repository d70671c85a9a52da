/**
 * Errors of the model area: the ONNX file format, the model builders, model metadata and
 * the on-disk model repository. Every code is listed in docs/errors.md.
 */
import { ZeqError } from "../core/errors.js";

export type ModelErrorCode =
  /** The bytes are not a well-formed ONNX ModelProto (truncated, random bytes, bad wire format). */
  | "MODEL_ONNX_MALFORMED"
  /** Well-formed ONNX that uses something this reader does not handle (unknown dtype, non-tensor I/O). */
  | "MODEL_ONNX_UNSUPPORTED"
  /** An initializer's external-data reference is unsafe or does not match the data file. */
  | "MODEL_ONNX_EXTERNAL_DATA_INVALID"
  /** A model name is not lower-case [a-z0-9._-] or would escape the repository. */
  | "MODEL_NAME_INVALID"
  /** A model version is not a positive decimal integer. */
  | "MODEL_VERSION_INVALID"
  /** No such model, version, metadata file or ONNX file. */
  | "MODEL_NOT_FOUND"
  /** model.json is missing fields, has unknown keys or wrong types, or does not match its folder. */
  | "MODEL_METADATA_INVALID"
  /** buildModel was asked for an unknown architecture or size, or an invalid graph was assembled. */
  | "MODEL_BUILD_INVALID"
  /** buildModel would overwrite an existing model version. */
  | "MODEL_ALREADY_EXISTS"
  /** A model file's bytes do not hash to what model.json records: the model is not served. */
  | "MODEL_FILES_MISMATCH";

export class ModelError extends ZeqError<ModelErrorCode> {}
