/**
 * Open Inference Protocol tensor datatypes (BOOL, UINT8 … FP64, BYTES) against the record's
 * dtype names, and output tensors as OIP JSON: row-major flat `data`, -1 for dynamic dims.
 */
import type { OutputTensor, TensorSignature } from "../../execute/types.js";
import { fromFloat16Bits } from "../../preprocess/tensor/fp16.js";
import type { TensorData, TensorDtype } from "../../record/tensor-digest.js";

export const OIP_DATATYPE: Readonly<Record<TensorDtype, string>> = Object.freeze({
  bool: "BOOL",
  uint8: "UINT8",
  uint16: "UINT16",
  uint32: "UINT32",
  uint64: "UINT64",
  int8: "INT8",
  int16: "INT16",
  int32: "INT32",
  int64: "INT64",
  float16: "FP16",
  float32: "FP32",
  float64: "FP64",
});

export interface OipTensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** A declared tensor as OIP metadata: symbolic dimensions become -1. */
export function tensorMetadata(sig: TensorSignature): OipTensorMetadata {
  return {
    name: sig.name,
    datatype: OIP_DATATYPE[sig.dtype],
    shape: sig.shape.map((d) => (typeof d === "number" && Number.isSafeInteger(d) && d >= 0 ? d : -1)),
  };
}

export type OipValue = number | string | boolean;

/**
 * A finite number as itself; NaN and ±Infinity as the strings "NaN", "Infinity",
 * "-Infinity" (JSON has no such numbers; this is protobuf's JSON mapping of floats).
 */
function floatValue(x: number): OipValue {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
}

/** 64-bit integers as JSON numbers when exact, else as decimal strings. */
function bigValue(x: bigint): OipValue {
  return x <= BigInt(Number.MAX_SAFE_INTEGER) && x >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(x)
    : x.toString();
}

/** The elements of a tensor as OIP JSON values, row-major. */
export function tensorValues(dtype: TensorDtype, data: TensorData): OipValue[] {
  const out: OipValue[] = new Array(data.length);
  if (dtype === "bool") {
    for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0;
  } else if (dtype === "float16") {
    for (let i = 0; i < data.length; i++) out[i] = floatValue(fromFloat16Bits(data[i] as number));
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) out[i] = bigValue(data[i] as bigint);
  } else {
    for (let i = 0; i < data.length; i++) out[i] = floatValue(data[i] as number);
  }
  return out;
}

export interface OipOutput {
  name: string;
  shape: number[];
  datatype: string;
  data: OipValue[];
}

export function outputTensor(t: OutputTensor): OipOutput {
  return {
    name: t.name,
    shape: [...t.shape],
    datatype: OIP_DATATYPE[t.dtype],
    data: tensorValues(t.dtype, t.data),
  };
}
