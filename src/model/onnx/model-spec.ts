/**
 * The plain description of an ONNX model that the writer encodes: what the graph builder
 * produces, kept free of protobuf types.
 */
import type { OnnxDtype } from "./dtypes.js";

/** A tensor whose little-endian bytes are stored inside the ONNX file (small constants). */
export interface InlineTensor {
  dtype: OnnxDtype;
  dims: number[];
  data: Uint8Array;
}

/** One attribute value; the key says which AttributeProto field carries it. */
export type AttributeValue =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: number[] }
  | { floats: number[] }
  | { t: InlineTensor };

export interface NodeSpec {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
}

export interface ValueSpec {
  name: string;
  dtype: OnnxDtype;
  /** Fixed sizes or symbolic names ("batch", "sequence"). */
  dims: Array<number | string>;
}

/** Where an initializer's bytes go: an external-data range, or inline raw_data. */
export type InitializerData =
  { external: { location: string; offset: number; length: number } } | { raw: Uint8Array };

export interface InitializerSpec {
  name: string;
  dtype: OnnxDtype;
  dims: number[];
  data: InitializerData;
}

export interface ModelSpec {
  graphName: string;
  /** Version of the default ONNX operator set ("" domain). */
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers: InitializerSpec[];
  metadataProps?: Record<string, string>;
}
