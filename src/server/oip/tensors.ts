/**
 * Open Inference Protocol input tensors ({name, shape, datatype, data}) → typed tensors.
 */
import type { InputTensor } from "../../execute/types.js";
import { ServerError } from "../errors.js";

/** @throws {ServerError} SERVER_INPUT_INVALID */
export function decodeOipInputs(value: unknown, where: string): InputTensor[] {
  throw new ServerError("SERVER_INPUT_INVALID", `${where}: tensor inputs are not decoded yet (${typeof value})`);
}
