/**
 * What the reader reports about an ONNX model: its interface and where every weight's bytes
 * are, without the bytes themselves.
 */
import type { OnnxDtype } from "./dtypes.js";

/** A dimension: a fixed size, a symbolic name ("batch"), or null when the file leaves it unknown. */
export type Dim = number | string | null;

export interface TensorValueInfo {
  name: string;
  dtype: OnnxDtype;
  /** null when the model declares no shape at all (unknown rank). */
  dims: Dim[] | null;
}

/** Where an initializer's bytes live. Offsets and lengths are in bytes. */
export type TensorDataRef =
  /** In the ONNX file itself, as the raw_data field's payload. */
  | { kind: "raw"; offset: number; length: number }
  /** In an external-data file, relative to the model file's folder. */
  | { kind: "external"; location: string; offset: number; length: number }
  /** In a type-specific repeated field (float_data, int64_data, ...), not byte-addressable. */
  | { kind: "typed"; field: string }
  /** No data: the tensor has zero elements. */
  | { kind: "empty" };

export interface InitializerInfo {
  name: string;
  dtype: OnnxDtype;
  dims: number[];
  /** Number of elements (product of dims). */
  elements: number;
  data: TensorDataRef;
}

export interface OpsetImport {
  domain: string;
  version: number;
}

export interface OnnxGraphInfo {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  graphName: string;
  /** Graph inputs that are not initializers (what a caller must feed). */
  inputs: TensorValueInfo[];
  outputs: TensorValueInfo[];
  initializers: InitializerInfo[];
  nodeCount: number;
  /** Distinct op types, sorted, as "domain:op" for non-default domains. */
  opTypes: string[];
  sparseInitializerCount: number;
  metadataProps: Record<string, string>;
}
