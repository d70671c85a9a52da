/**
 * Raw tensor inputs in the Open Inference Protocol (KServe V2) JSON form:
 * `{"name": "x", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4]}`.
 *
 * The input is attacker-controlled and parsed defensively: every element is checked against
 * its datatype, the shape against the data, and the size against a limit; anything else
 * becomes a PreprocessError with a code, never a TypeError or a silently wrong tensor.
 *
 * Decisions (see docs/preprocess.md):
 * - `data` is flat (row-major, as the protocol says) or nested exactly as `shape`;
 * - INT64/UINT64 elements are JSON numbers only while they are safe integers (|x| ≤ 2^53 − 1);
 *   beyond that a JSON number has already lost precision, so it is refused and the value
 *   must be sent as a decimal string ("9007199254740993"), which is accepted for any value
 *   in range;
 * - floats must be finite and, for FP32/FP16, within the type's range (no silent Infinity);
 * - BOOL elements are JSON true/false, BYTES elements are strings (UTF-8 in the tensor).
 */
import { isWellFormedUtf16 } from "../../core/unicode.js";
import { PreprocessError, type PreprocessErrorCode } from "../errors.js";
import {
  DATATYPES,
  isTensorDatatype,
  type OrtTensorType,
  type TensorData,
  type TensorDatatype,
} from "./datatypes.js";
import { toFloat16Bits } from "./fp16.js";
import { checkOptions } from "../text-input.js";

/** Default element limit: 4 Mi elements (16 MiB as FP32). */
export const TENSOR_MAX_ELEMENTS = 4_194_304;
/** Highest rank accepted. */
export const TENSOR_MAX_RANK = 16;
const NAME_MAX_LENGTH = 256;
const KNOWN_KEYS: ReadonlySet<string> = new Set(["name", "datatype", "shape", "data", "parameters"]);
const DECIMAL_INTEGER = /^(?:0|-?[1-9][0-9]{0,19})$/;

export interface ParsedTensor {
  name: string;
  datatype: TensorDatatype;
  /** The onnxruntime-node tensor type: new ort.Tensor(ortType, data, dims). */
  ortType: OrtTensorType;
  dims: number[];
  data: TensorData;
}

export interface ParseTensorOptions {
  /** Refuse tensors with more elements than this. Default TENSOR_MAX_ELEMENTS. */
  maxElements?: number;
}

function fail(code: PreprocessErrorCode, message: string): never {
  throw new PreprocessError(code, message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseShape(shape: unknown, maxElements: number): { dims: number[]; count: number } {
  if (!Array.isArray(shape)) fail("PREPROCESS_TENSOR_SHAPE", "shape must be an array of dimension sizes");
  if (shape.length > TENSOR_MAX_RANK) {
    fail("PREPROCESS_TENSOR_SHAPE", `shape has rank ${shape.length}; at most ${TENSOR_MAX_RANK} is accepted`);
  }
  let count = 1;
  const dims = shape.map((d: unknown, i) => {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      fail(
        "PREPROCESS_TENSOR_SHAPE",
        `shape[${i}] must be a non-negative integer, got ${JSON.stringify(d) ?? typeof d}`,
      );
    }
    count *= d;
    return d;
  });
  // Checked after the loop: a zero anywhere makes the count 0 whatever the other sizes are.
  if (count > maxElements) {
    fail(
      "PREPROCESS_TENSOR_TOO_LARGE",
      `shape [${dims.join(", ")}] has ${count} elements; at most ${maxElements} are accepted`,
    );
  }
  return { dims, count };
}

/** The elements of `data` in row-major order, checking a nested form against `dims`. */
function flatten(data: unknown, dims: readonly number[], count: number): unknown[] {
  if (!Array.isArray(data)) fail("PREPROCESS_TENSOR_SHAPE", "data must be an array");
  if (data.length === count && !data.some(Array.isArray)) return data;
  if (dims.length <= 1) {
    fail(
      "PREPROCESS_TENSOR_SHAPE",
      `data has ${data.length} elements, shape [${dims.join(", ")}] needs ${count}`,
    );
  }
  const out: unknown[] = [];
  const indices: number[] = [];
  const path = (): string => `data${indices.map((i) => `[${i}]`).join("")}`;
  const walk = (node: unknown, depth: number): void => {
    if (depth === dims.length) {
      if (Array.isArray(node)) fail("PREPROCESS_TENSOR_SHAPE", `${path()} is nested deeper than shape`);
      out.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth]) {
      fail(
        "PREPROCESS_TENSOR_SHAPE",
        `${path()} must be a list of ${dims[depth]} (shape [${dims.join(", ")}])`,
      );
    }
    for (let i = 0; i < node.length; i++) {
      indices.push(i);
      walk(node[i], depth + 1);
      indices.pop();
    }
  };
  walk(data, 0);
  return out;
}

function describe(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
}

/** A 64-bit integer element: a safe-integer JSON number or a decimal string. */
function toBigInt(value: unknown, index: number, datatype: TensorDatatype): bigint {
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && DECIMAL_INTEGER.test(value)) return BigInt(value);
  const where = `data[${index}]`;
  if (typeof value === "number") {
    if (!Number.isInteger(value))
      fail("PREPROCESS_TENSOR_DATA", `${where} = ${describe(value)} is not an integer`);
    if (!Number.isSafeInteger(value)) {
      fail(
        "PREPROCESS_TENSOR_RANGE",
        `${where} = ${value} is beyond 2^53 - 1 and has lost precision as a JSON number: send ${datatype} values that large as decimal strings`,
      );
    }
  }
  return fail(
    "PREPROCESS_TENSOR_DATA",
    `${where} = ${describe(value)} is not an integer or a decimal string`,
  );
}

/**
 * Parses one tensor of an inference request.
 *
 * @example parseTensorInput({ name: "x", datatype: "INT64", shape: [2], data: [1, "9007199254740993"] })
 * @throws {PreprocessError} PREPROCESS_TENSOR_INVALID (not an object, unknown keys, bad name),
 *   PREPROCESS_TENSOR_DATATYPE, PREPROCESS_TENSOR_SHAPE, PREPROCESS_TENSOR_DATA,
 *   PREPROCESS_TENSOR_RANGE, PREPROCESS_TENSOR_TOO_LARGE, PREPROCESS_OPTION_INVALID.
 */
export function parseTensorInput(json: unknown, options?: ParseTensorOptions): ParsedTensor {
  const maxElements = checkOptions(options).maxElements ?? TENSOR_MAX_ELEMENTS;
  if (!Number.isSafeInteger(maxElements) || maxElements < 0) {
    fail("PREPROCESS_OPTION_INVALID", "maxElements must be a non-negative integer");
  }
  if (!isPlainObject(json)) fail("PREPROCESS_TENSOR_INVALID", "a tensor must be a JSON object");
  for (const key of Object.keys(json)) {
    if (!KNOWN_KEYS.has(key))
      fail("PREPROCESS_TENSOR_INVALID", `unknown tensor field ${JSON.stringify(key)}`);
  }
  const { name, datatype, shape, data, parameters } = json;
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name.length > NAME_MAX_LENGTH ||
    !isWellFormedUtf16(name)
  ) {
    fail(
      "PREPROCESS_TENSOR_INVALID",
      `name must be a non-empty string of at most ${NAME_MAX_LENGTH} characters`,
    );
  }
  if (parameters !== undefined && !isPlainObject(parameters)) {
    fail("PREPROCESS_TENSOR_INVALID", "parameters must be an object");
  }
  if (!isTensorDatatype(datatype)) {
    fail(
      "PREPROCESS_TENSOR_DATATYPE",
      `datatype ${describe(datatype)} is not supported; use one of ${Object.keys(DATATYPES).join(", ")}`,
    );
  }
  const info = DATATYPES[datatype];
  const { dims, count } = parseShape(shape, maxElements);
  const elements = flatten(data, dims, count);
  const out = info.allocate(count);

  // One loop per kind, and element paths only built for the error message: these loops
  // run over millions of elements.
  const at = (i: number): string => `data[${i}]`;
  switch (info.kind) {
    case "bool": {
      const arr = out as Uint8Array;
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (typeof value !== "boolean")
          fail("PREPROCESS_TENSOR_DATA", `${at(i)} = ${describe(value)} is not true or false`);
        arr[i] = value ? 1 : 0;
      }
      break;
    }
    case "int": {
      // Up to 32 bits: plain numbers, no BigInt per element.
      const arr = out as Int32Array;
      const min = Number(info.min);
      const max = Number(info.max);
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (typeof value !== "number" || !Number.isInteger(value)) {
          fail("PREPROCESS_TENSOR_DATA", `${at(i)} = ${describe(value)} is not an integer`);
        }
        if (value < min || value > max) {
          fail(
            "PREPROCESS_TENSOR_RANGE",
            `${at(i)} = ${value} is outside ${datatype}'s range [${min}, ${max}]`,
          );
        }
        arr[i] = value;
      }
      break;
    }
    case "bigint": {
      const arr = out as BigInt64Array | BigUint64Array;
      for (let i = 0; i < count; i++) {
        const v = toBigInt(elements[i], i, datatype);
        if (v < (info.min as bigint) || v > (info.max as bigint)) {
          fail(
            "PREPROCESS_TENSOR_RANGE",
            `${at(i)} = ${v} is outside ${datatype}'s range [${info.min}, ${info.max}]`,
          );
        }
        arr[i] = v;
      }
      break;
    }
    case "float": {
      const arr = out as Float32Array | Float64Array;
      const single = datatype === "FP32";
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (typeof value !== "number" || !Number.isFinite(value)) {
          fail("PREPROCESS_TENSOR_DATA", `${at(i)} = ${describe(value)} is not a finite number`);
        }
        if (single && !Number.isFinite(Math.fround(value))) {
          fail("PREPROCESS_TENSOR_RANGE", `${at(i)} = ${value} overflows FP32`);
        }
        arr[i] = value;
      }
      break;
    }
    case "half": {
      const arr = out as Uint16Array;
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (typeof value !== "number" || !Number.isFinite(value)) {
          fail("PREPROCESS_TENSOR_DATA", `${at(i)} = ${describe(value)} is not a finite number`);
        }
        const bits = toFloat16Bits(value);
        if ((bits & 0x7c00) === 0x7c00) fail("PREPROCESS_TENSOR_RANGE", `${at(i)} = ${value} overflows FP16`);
        arr[i] = bits;
      }
      break;
    }
    case "bytes": {
      const arr = out as string[];
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (typeof value !== "string" || !isWellFormedUtf16(value)) {
          fail("PREPROCESS_TENSOR_DATA", `${at(i)} = ${describe(value)} is not a well-formed string`);
        }
        arr[i] = value;
      }
      break;
    }
  }
  return { name, datatype, ortType: info.ort, dims, data: out };
}
