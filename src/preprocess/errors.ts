/**
 * Errors of the preprocess area: tokenizers (BERT WordPiece, GPT-2 byte-level BPE), image
 * preprocessing for ResNet-50, and raw tensors in the Open Inference Protocol V2 form.
 * Every code is listed in docs/preprocess.md (and docs/errors.md).
 */
import { ZeqError } from "../core/errors.js";

export type PreprocessErrorCode =
  /** Text input is not a string, or contains a lone UTF-16 surrogate (it has no UTF-8 form). */
  | "PREPROCESS_TEXT_INVALID"
  /** Text input is longer than the tokenizer accepts (see TEXT_MAX_CHARS). */
  | "PREPROCESS_TEXT_TOO_LONG"
  /** A tokenizer or preprocessing option has the wrong type or is out of range. */
  | "PREPROCESS_OPTION_INVALID"
  /** decode() was given something that is not a token id of the vocabulary. */
  | "PREPROCESS_TOKEN_ID_INVALID"
  /** The vocabulary data shipped in the npm package is missing or not the pinned original. */
  | "PREPROCESS_VOCAB_INVALID"
  /** Image bytes are not a decodable PNG or JPEG (truncated, corrupted, empty). */
  | "PREPROCESS_IMAGE_INVALID"
  /** Image bytes are a well-formed image of a format we do not accept (only PNG and JPEG). */
  | "PREPROCESS_IMAGE_UNSUPPORTED"
  /** Image has more pixels than the limit (40 megapixels by default) or a zero dimension. */
  | "PREPROCESS_IMAGE_TOO_LARGE"
  /** A tensor input is not an object of the expected form (missing/unknown keys, bad name). */
  | "PREPROCESS_TENSOR_INVALID"
  /** A tensor's datatype is not one of the supported Open Inference Protocol datatypes. */
  | "PREPROCESS_TENSOR_DATATYPE"
  /** A tensor's shape is malformed, or its data does not have that shape. */
  | "PREPROCESS_TENSOR_SHAPE"
  /** A tensor element has the wrong JSON type for its datatype (e.g. 1.5 for INT32, "x" for FP32). */
  | "PREPROCESS_TENSOR_DATA"
  /** A tensor element is outside the range of its datatype, or an integer that lost precision. */
  | "PREPROCESS_TENSOR_RANGE"
  /** A tensor has more elements than the limit. */
  | "PREPROCESS_TENSOR_TOO_LARGE";

export class PreprocessError extends ZeqError<PreprocessErrorCode> {}
