/**
 * Encodes a ModelSpec as ONNX (a ModelProto) with protobufjs. Weights are normally placed
 * in an external-data file by ExternalDataWriter; the ModelProto then only references them.
 */
import { utf8 } from "../../core/bytes.js";
import { dtypeCode } from "./dtypes.js";
import type { AttributeValue, InitializerSpec, InlineTensor, ModelSpec, ValueSpec } from "./model-spec.js";
import { ATTRIBUTE_TYPE, DATA_LOCATION_EXTERNAL, IR_VERSION, ModelProto } from "./proto.js";

/**
 * The ONNX bytes of `spec`.
 * @throws RangeError when an initializer or attribute uses a dtype ONNX does not know.
 * @example
 *   const bytes = encodeModel({ graphName: "g", opsetVersion: 17, producerName: "zeq-np", ... });
 */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const model = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: "", version: spec.opsetVersion }],
    producer_name: spec.producerName,
    producer_version: spec.producerVersion,
    ...(spec.docString !== undefined ? { doc_string: spec.docString } : {}),
    graph: {
      name: spec.graphName,
      node: spec.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      })),
      initializer: spec.initializers.map(initializer),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
    metadata_props: Object.entries(spec.metadataProps ?? {}).map(([key, value]) => ({ key, value })),
  };
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

function valueInfo(v: ValueSpec): object {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: dtypeCode(v.dtype),
        shape: { dim: v.dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function inlineTensor(t: InlineTensor, name?: string): object {
  return {
    ...(name !== undefined ? { name } : {}),
    data_type: dtypeCode(t.dtype),
    dims: t.dims,
    raw_data: t.data,
  };
}

function initializer(init: InitializerSpec): object {
  if ("raw" in init.data)
    return inlineTensor({ dtype: init.dtype, dims: init.dims, data: init.data.raw }, init.name);
  const { location, offset, length } = init.data.external;
  return {
    name: init.name,
    data_type: dtypeCode(init.dtype),
    dims: init.dims,
    data_location: DATA_LOCATION_EXTERNAL,
    external_data: [
      { key: "location", value: location },
      { key: "offset", value: String(offset) },
      { key: "length", value: String(length) },
    ],
  };
}

function attribute(name: string, value: AttributeValue): object {
  if ("i" in value) return { name, type: ATTRIBUTE_TYPE.INT, i: value.i };
  if ("f" in value) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: value.f };
  if ("s" in value) return { name, type: ATTRIBUTE_TYPE.STRING, s: utf8(value.s) };
  if ("ints" in value) return { name, type: ATTRIBUTE_TYPE.INTS, ints: value.ints };
  if ("floats" in value) return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: value.floats };
  return { name, type: ATTRIBUTE_TYPE.TENSOR, t: inlineTensor(value.t) };
}
