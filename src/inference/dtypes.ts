/**
 * The typed array that carries each tensor dtype. onnxruntime-node uses the same names and
 * arrays (float16 as Uint16Array bits, bool as Uint8Array), so tensors pass through unchanged.
 */
import { TENSOR_ARRAY, TENSOR_DTYPES, type TensorData, type TensorDtype } from "../record/tensor-digest.js";

export function isTensorDtype(value: unknown): value is TensorDtype {
  return typeof value === "string" && (TENSOR_DTYPES as readonly string[]).includes(value);
}

/** The typed array class that holds `dtype` (e.g. "Float32Array"). */
export function arrayNameOf(dtype: TensorDtype): string {
  return TENSOR_ARRAY[dtype].name;
}

/** True when `data` is exactly the typed array class of `dtype` (not a subclass lookalike or a DataView). */
export function dataMatchesDtype(dtype: TensorDtype, data: unknown): data is TensorData {
  const ctor = TENSOR_ARRAY[dtype];
  return ArrayBuffer.isView(data) && Object.getPrototypeOf(data) === ctor.prototype;
}

/** A zero-filled array of `length` elements of `dtype`. */
export function allocate(dtype: TensorDtype, length: number): TensorData {
  return new TENSOR_ARRAY[dtype](length);
}

/** Element count of dims (1 for a scalar); NaN when a dim is not a non-negative safe integer. */
export function elementCount(dims: readonly unknown[]): number {
  let count = 1;
  for (const d of dims) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) return Number.NaN;
    count *= d;
  }
  return Number.isSafeInteger(count) ? count : Number.NaN;
}
