/**
 * The typed array that carries each tensor dtype. onnxruntime-node uses the same names and
 * arrays (float16 as Uint16Array bits, bool as Uint8Array), so tensors pass through unchanged.
 */
import { TENSOR_DTYPES, type TensorData, type TensorDtype } from "../record/tensor-digest.js";

type TypedArrayConstructor = {
  new (length: number): TensorData;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

const ARRAY_OF: Record<TensorDtype, TypedArrayConstructor> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

export function isTensorDtype(value: unknown): value is TensorDtype {
  return typeof value === "string" && (TENSOR_DTYPES as readonly string[]).includes(value);
}

/** The typed array class that holds `dtype` (e.g. "Float32Array"). */
export function arrayNameOf(dtype: TensorDtype): string {
  return ARRAY_OF[dtype].name;
}

/** True when `data` is exactly the typed array class of `dtype` (not a subclass lookalike or a DataView). */
export function dataMatchesDtype(dtype: TensorDtype, data: unknown): data is TensorData {
  const ctor = ARRAY_OF[dtype];
  return ArrayBuffer.isView(data) && Object.getPrototypeOf(data) === ctor.prototype;
}

/** A zero-filled array of `length` elements of `dtype`. */
export function allocate(dtype: TensorDtype, length: number): TensorData {
  return new ARRAY_OF[dtype](length);
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
