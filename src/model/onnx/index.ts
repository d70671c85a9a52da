/** The ONNX file format: reading a model's graph without its weights, and writing models. */
export { readOnnxGraph, type ReadOnnxOptions } from "./reader.js";
export { encodeModel } from "./writer.js";
export { ExternalDataWriter, type ExternalRange } from "./external-data-writer.js";
export { streamTensorBytes, readTensorBytes } from "./tensor-data.js";
export { dtypeByteLength, dtypeCode, dtypeFromCode, type OnnxDtype } from "./dtypes.js";
export type * from "./graph-info.js";
export type * from "./model-spec.js";
