/**
 * The ONNX protobuf messages, loaded once from the committed descriptor of onnx.proto.
 * Field names are kept as in the specification (`raw_data`, `data_type`, `dim_param`).
 */
import protobuf from "protobufjs";
import { ONNX_DESCRIPTOR } from "./onnx-descriptor.generated.js";

const root = protobuf.Root.fromJSON(ONNX_DESCRIPTOR);

function type(name: string): protobuf.Type {
  return root.lookupType(`onnx.${name}`);
}

export const ModelProto = type("ModelProto");
export const GraphProto = type("GraphProto");
export const TensorProto = type("TensorProto");
export const NodeProto = type("NodeProto");

/** ONNX IR version written by this project (IR 8 is what opset 17 tools expect). */
export const IR_VERSION = 8;

/** TensorProto.DataLocation.EXTERNAL */
export const DATA_LOCATION_EXTERNAL = 1;

/** AttributeProto.AttributeType values used by the writer. */
export const ATTRIBUTE_TYPE = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
} as const;

/** Conversion used whenever a decoded message becomes a plain object: int64 as bigint, never lossy. */
export const TO_OBJECT_OPTIONS: protobuf.IConversionOptions = {
  longs: BigInt,
  enums: Number,
  arrays: true,
  defaults: false,
};
