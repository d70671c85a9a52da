/**
 * The canonical tensor encoding that record digests commit to.
 *
 *   tensor_sha256 = SHA-256( UTF-8(JCS({"dtype": <dtype>, "shape": [<dims>]})) ‖ 0x0A ‖ <elements> )
 *
 * where <elements> are the tensor's elements in row-major order, each in its dtype's
 * little-endian byte form (bool as one byte 0/1). The header makes a digest say what the
 * bytes mean: the same bytes as float32 [2,3] and int32 [6] digest differently.
 */
import { endianness } from "node:os";
import { canonicalBytes } from "../core/canonical-json.js";
import { sha256Hex } from "../core/hash.js";
import { RecordError } from "./errors.js";

export const TENSOR_DTYPES = [
  "float32",
  "float64",
  "float16",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "bool",
] as const;
export type TensorDtype = (typeof TENSOR_DTYPES)[number];

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

export interface TensorArrayConstructor {
  new (length: number): TensorData;
  new (buffer: ArrayBuffer): TensorData;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
}

/** The typed array that carries each dtype (float16 as Uint16Array bits, bool as Uint8Array 0/1), as onnxruntime-node uses them. */
export const TENSOR_ARRAY: Readonly<Record<TensorDtype, TensorArrayConstructor>> = {
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

const BYTES_PER_ELEMENT: Record<TensorDtype, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
};

const LITTLE_ENDIAN_HOST = endianness() === "LE";

/** The header that prefixes a tensor's bytes in its digest. */
export function tensorHeader(dtype: TensorDtype, shape: readonly number[]): Uint8Array {
  return canonicalBytes({ dtype, shape: [...shape] });
}

/** Little-endian element bytes of a typed array (a view, without copying, on little-endian hosts). */
export function littleEndianBytes(data: TensorData): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_HOST || data.BYTES_PER_ELEMENT === 1) return view;
  const out = new Uint8Array(view);
  const width = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < out.length; i += width) out.subarray(i, i + width).reverse();
  return out;
}

/**
 * SHA-256 (hex) of a tensor in the canonical encoding.
 * @throws {RecordError} RECORD_TENSOR_INVALID when the element count or width does not match
 */
export function tensorDigest(dtype: TensorDtype, shape: readonly number[], data: TensorData): string {
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RecordError("RECORD_TENSOR_INVALID", `tensor dimension ${d} is not a non-negative integer`);
    }
    count *= d;
  }
  const width = BYTES_PER_ELEMENT[dtype];
  if (width === undefined) throw new RecordError("RECORD_TENSOR_INVALID", `unknown tensor dtype ${dtype}`);
  if (data.length !== count || data.BYTES_PER_ELEMENT !== width) {
    throw new RecordError(
      "RECORD_TENSOR_INVALID",
      `tensor ${dtype}${JSON.stringify(shape)} needs ${count} elements of ${width} bytes, got ${data.length} of ${data.BYTES_PER_ELEMENT}`,
    );
  }
  return sha256Hex(tensorHeader(dtype, shape), new Uint8Array([0x0a]), littleEndianBytes(data));
}
