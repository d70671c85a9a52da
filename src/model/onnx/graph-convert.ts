/**
 * Turns the decoded ModelProto / GraphProto / TensorProto objects of the reader into an
 * OnnxGraphInfo, checking every field a well-formed model must have.
 */
import { ModelError } from "../errors.js";
import { dtypeByteLength, dtypeFromCode, type OnnxDtype } from "./dtypes.js";
import { decimal, list, malformed, obj, safeCount, str, unsupported, type Decoded } from "./decode-fields.js";
import { checkExternalLocation } from "./external-location.js";
import type { Dim, InitializerInfo, OnnxGraphInfo, TensorDataRef, TensorValueInfo } from "./graph-info.js";
import { DATA_LOCATION_EXTERNAL } from "./proto.js";

export interface ScannedTensor {
  /** The TensorProto without its data fields. */
  proto: Decoded;
  raw: { offset: number; length: number } | undefined;
  typedField: string | undefined;
}

export function toGraphInfo(
  path: string,
  model: Decoded,
  graph: Decoded,
  tensors: ScannedTensor[],
  sparseInitializerCount: number,
): OnnxGraphInfo {
  const irVersion = safeCount(model.ir_version, path, "ir_version");
  if (irVersion < 1) throw malformed(path, "ir_version must be at least 1");
  const opsetImports = list(model.opset_import).map((o) => ({
    domain: str(o.domain),
    version: safeCount(o.version, path, "opset_import.version"),
  }));
  if (opsetImports.length === 0) throw malformed(path, "no opset_import");

  const initializers = tensors.map((t) => toInitializer(path, t));
  const names = new Set<string>();
  for (const init of initializers) {
    if (names.has(init.name)) throw malformed(path, `duplicate initializer ${init.name}`);
    names.add(init.name);
  }
  const nodes = list(graph.node);
  const opTypes = new Set<string>();
  for (const node of nodes) {
    const op = str(node.op_type);
    if (op === "") throw malformed(path, "a node has no op_type");
    const domain = str(node.domain);
    opTypes.add(domain === "" || domain === "ai.onnx" ? op : `${domain}:${op}`);
  }
  const metadataProps: Record<string, string> = {};
  for (const entry of list(model.metadata_props)) metadataProps[str(entry.key)] = str(entry.value);

  return {
    irVersion,
    opsetImports,
    producerName: str(model.producer_name),
    producerVersion: str(model.producer_version),
    graphName: str(graph.name),
    inputs: list(graph.input)
      .filter((v) => !names.has(str(v.name)))
      .map((v) => toValueInfo(path, v)),
    outputs: list(graph.output).map((v) => toValueInfo(path, v)),
    initializers,
    nodeCount: nodes.length,
    opTypes: [...opTypes].sort(),
    sparseInitializerCount,
    metadataProps,
  };
}

function toDtype(path: string, code: unknown, where: string): OnnxDtype {
  const dtype = typeof code === "number" ? dtypeFromCode(code) : undefined;
  if (dtype === undefined) throw unsupported(path, `${where}: unknown element type ${String(code)}`);
  return dtype;
}

function toValueInfo(path: string, value: Decoded): TensorValueInfo {
  const name = str(value.name);
  if (name === "") throw malformed(path, "a graph input or output has no name");
  const tensorType = obj(obj(value.type)?.tensor_type);
  if (tensorType === undefined)
    throw unsupported(path, `${name}: only tensor inputs and outputs are supported`);
  const dtype = toDtype(path, tensorType.elem_type, name);
  const shape = obj(tensorType.shape);
  const dims: Dim[] | null =
    shape === undefined
      ? null
      : list(shape.dim).map((d) => {
          if (d.dim_value !== undefined) return safeCount(d.dim_value, path, `${name} dimension`);
          const param = str(d.dim_param);
          return param === "" ? null : param;
        });
  return { name, dtype, dims };
}

function toInitializer(path: string, t: ScannedTensor): InitializerInfo {
  const name = str(t.proto.name);
  if (name === "") throw malformed(path, "an initializer has no name");
  const dtype = toDtype(path, t.proto.data_type, `initializer ${name}`);
  const dimsRaw = Array.isArray(t.proto.dims) ? (t.proto.dims as unknown[]) : [];
  const dims = dimsRaw.map((d) => safeCount(d, path, `initializer ${name} dimension`));
  const elements = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(elements))
    throw unsupported(path, `initializer ${name} has more than 2^53 elements`);
  const expected = dtypeByteLength(dtype, elements);
  const data = toDataRef(path, name, t, expected);
  if (data.kind === "raw" && data.length !== expected) {
    throw malformed(
      path,
      `initializer ${name}: raw_data holds ${data.length} bytes, its shape needs ${expected}`,
    );
  }
  if (data.kind === "empty" && elements > 0) throw malformed(path, `initializer ${name} has no data`);
  return { name, dtype, dims, elements, data };
}

function toDataRef(
  path: string,
  name: string,
  t: ScannedTensor,
  expected: number | undefined,
): TensorDataRef {
  const external = t.proto.data_location === DATA_LOCATION_EXTERNAL;
  if (!external) {
    if (t.raw !== undefined) return { kind: "raw", ...t.raw };
    if (t.typedField !== undefined) return { kind: "typed", field: t.typedField };
    return { kind: "empty" };
  }
  if (t.raw !== undefined || t.typedField !== undefined) {
    throw malformed(path, `initializer ${name} has both inline and external data`);
  }
  const entries = new Map<string, string>();
  for (const entry of list(t.proto.external_data)) entries.set(str(entry.key), str(entry.value));
  const bad = (what: string): ModelError =>
    new ModelError("MODEL_ONNX_EXTERNAL_DATA_INVALID", `${path}: initializer ${name}: ${what}`);
  const location = entries.get("location");
  if (location === undefined) throw bad("external data has no location");
  checkExternalLocation(location, name);
  const offset = decimal(entries.get("offset") ?? "0");
  if (offset === undefined) throw bad("external data offset is not a decimal integer");
  if (expected === undefined) throw bad("string tensors cannot live in external data");
  const lengthText = entries.get("length");
  const length = lengthText === undefined ? expected : decimal(lengthText);
  if (length === undefined) throw bad("external data length is not a decimal integer");
  if (length !== expected)
    throw bad(`external data length ${length} does not match its shape (${expected} bytes)`);
  return { kind: "external", location, offset, length };
}
