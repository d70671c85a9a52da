/**
 * Turns the text of onnx.proto into the protobufjs JSON descriptor the runtime loads.
 * The descriptor is committed (onnx-descriptor.generated.ts) so the built package needs no
 * .proto file at run time; a test re-derives it from onnx.proto and fails on any drift.
 */
import protobuf from "protobufjs";

/**
 * Parses proto source with the field names kept as written (`raw_data`, not `rawData`), so
 * code reads like the ONNX specification.
 * @throws Error when the source is not valid proto syntax (a build-time problem, not input).
 */
export function descriptorFromProtoSource(source: string): protobuf.INamespace {
  const parsed = protobuf.parse(source, { keepCase: true });
  return parsed.root.toJSON() as protobuf.INamespace;
}
