/**
 * The Open Inference Protocol (KServe V2) tensor datatypes we accept, with the
 * onnxruntime-node tensor type and typed array each becomes. These are all the types that
 * onnxruntime-node's Tensor takes from JavaScript data; BF16 and the 4-bit types have no
 * JavaScript form there and are refused.
 */

export type TensorDatatype =
  | "BOOL"
  | "UINT8"
  | "UINT16"
  | "UINT32"
  | "UINT64"
  | "INT8"
  | "INT16"
  | "INT32"
  | "INT64"
  | "FP16"
  | "FP32"
  | "FP64"
  | "BYTES";

/** onnxruntime-node's name for each tensor type (ort.Tensor's `type`). */
export type OrtTensorType =
  | "bool"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "float16"
  | "float32"
  | "float64"
  | "string";

export type TensorData =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | string[];

export type ElementKind = "bool" | "int" | "bigint" | "float" | "half" | "bytes";

export interface DatatypeInfo {
  readonly ort: OrtTensorType;
  readonly kind: ElementKind;
  /** Inclusive range of integer kinds. */
  readonly min?: bigint;
  readonly max?: bigint;
  /** Allocates the typed array (or list) for `n` elements. */
  readonly allocate: (n: number) => TensorData;
}

const int = (
  ort: OrtTensorType,
  bits: number,
  signed: boolean,
  allocate: (n: number) => TensorData,
  kind: ElementKind = "int",
): DatatypeInfo => ({
  ort,
  kind,
  min: signed ? -(2n ** BigInt(bits - 1)) : 0n,
  max: signed ? 2n ** BigInt(bits - 1) - 1n : 2n ** BigInt(bits) - 1n,
  allocate,
});

export const DATATYPES: Readonly<Record<TensorDatatype, DatatypeInfo>> = Object.freeze({
  BOOL: { ort: "bool", kind: "bool", allocate: (n: number) => new Uint8Array(n) },
  UINT8: int("uint8", 8, false, (n) => new Uint8Array(n)),
  UINT16: int("uint16", 16, false, (n) => new Uint16Array(n)),
  UINT32: int("uint32", 32, false, (n) => new Uint32Array(n)),
  UINT64: int("uint64", 64, false, (n) => new BigUint64Array(n), "bigint"),
  INT8: int("int8", 8, true, (n) => new Int8Array(n)),
  INT16: int("int16", 16, true, (n) => new Int16Array(n)),
  INT32: int("int32", 32, true, (n) => new Int32Array(n)),
  INT64: int("int64", 64, true, (n) => new BigInt64Array(n), "bigint"),
  FP16: { ort: "float16", kind: "half", allocate: (n: number) => new Uint16Array(n) },
  FP32: { ort: "float32", kind: "float", allocate: (n: number) => new Float32Array(n) },
  FP64: { ort: "float64", kind: "float", allocate: (n: number) => new Float64Array(n) },
  BYTES: { ort: "string", kind: "bytes", allocate: (n: number) => new Array<string>(n).fill("") },
});

export function isTensorDatatype(value: unknown): value is TensorDatatype {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(DATATYPES, value);
}
