/**
 * Open Inference Protocol input tensors ({name, shape, datatype, data}) → the executor's
 * typed tensors, through the preprocess area's strict parser. Its errors keep their codes;
 * the message is prefixed with the input's position and name so the caller knows which
 * tensor is wrong.
 */
import type { InputTensor } from "../../execute/types.js";
import { PreprocessError } from "../../preprocess/errors.js";
import { parseTensorInput } from "../../preprocess/tensor/parse-tensor.js";
import type { TensorData, TensorDtype } from "../../record/tensor-digest.js";
import { ServerError } from "../errors.js";

const MAX_INPUTS = 256;

function nameOf(value: unknown): string {
  const name = (value as { name?: unknown } | null)?.name;
  return typeof name === "string" ? ` (${JSON.stringify(name.slice(0, 64))})` : "";
}

/**
 * @throws {PreprocessError} PREPROCESS_TENSOR_* naming the input
 * @throws {ServerError} SERVER_INPUT_INVALID when `value` is not a list of at most 256 tensors
 */
export function decodeOipInputs(value: unknown, where: string): InputTensor[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_INPUTS) {
    throw new ServerError("SERVER_INPUT_INVALID", `${where} must be a list of 1 to ${MAX_INPUTS} tensors`);
  }
  return value.map((t: unknown, i) => {
    const at = `${where}[${i}]${nameOf(t)}`;
    try {
      const parsed = parseTensorInput(t);
      if (parsed.ortType === "string") {
        throw new PreprocessError(
          "PREPROCESS_TENSOR_DATATYPE",
          "datatype BYTES is not supported by the served models",
        );
      }
      return {
        name: parsed.name,
        dtype: parsed.ortType as TensorDtype,
        shape: parsed.dims,
        data: parsed.data as TensorData,
      };
    } catch (err) {
      if (err instanceof PreprocessError)
        throw new PreprocessError(err.code, `${at}: ${err.message}`, { cause: err });
      throw err;
    }
  });
}
