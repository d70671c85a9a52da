/**
 * ONNX element types (TensorProto.DataType) and their names in this project, which are the
 * names onnxruntime uses for tensor types ("float32", "int64", ...).
 */

export type OnnxDtype =
  | "float32"
  | "uint8"
  | "int8"
  | "uint16"
  | "int16"
  | "int32"
  | "int64"
  | "string"
  | "bool"
  | "float16"
  | "float64"
  | "uint32"
  | "uint64"
  | "complex64"
  | "complex128"
  | "bfloat16"
  | "float8e4m3fn"
  | "float8e4m3fnuz"
  | "float8e5m2"
  | "float8e5m2fnuz"
  | "uint4"
  | "int4";

/** Index = TensorProto.DataType code; bits per element (0 for variable-size strings). */
const TABLE: ReadonlyArray<readonly [OnnxDtype, number] | undefined> = [
  undefined,
  ["float32", 32],
  ["uint8", 8],
  ["int8", 8],
  ["uint16", 16],
  ["int16", 16],
  ["int32", 32],
  ["int64", 64],
  ["string", 0],
  ["bool", 8],
  ["float16", 16],
  ["float64", 64],
  ["uint32", 32],
  ["uint64", 64],
  ["complex64", 64],
  ["complex128", 128],
  ["bfloat16", 16],
  ["float8e4m3fn", 8],
  ["float8e4m3fnuz", 8],
  ["float8e5m2", 8],
  ["float8e5m2fnuz", 8],
  ["uint4", 4],
  ["int4", 4],
];

/** The dtype name of an ONNX DataType code, or undefined for UNDEFINED and unknown codes. */
export function dtypeFromCode(code: number): OnnxDtype | undefined {
  return Number.isInteger(code) ? TABLE[code]?.[0] : undefined;
}

/** The ONNX DataType code of a dtype name. */
export function dtypeCode(dtype: OnnxDtype): number {
  const code = TABLE.findIndex((entry) => entry?.[0] === dtype);
  if (code < 0) throw new RangeError(`dtype ${String(dtype)} is not an ONNX element type`);
  return code;
}

/**
 * Bytes a dense tensor of `elements` elements occupies in raw_data or external data, or
 * undefined for strings (which have no fixed-width encoding). 4-bit types pack two per byte.
 */
export function dtypeByteLength(dtype: OnnxDtype, elements: number): number | undefined {
  const bits = TABLE[dtypeCode(dtype)]?.[1] ?? 0;
  if (bits === 0) return undefined;
  return Math.ceil((elements * bits) / 8);
}
