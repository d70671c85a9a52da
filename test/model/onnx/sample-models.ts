/** Small hand-made ONNX models for the reader and writer tests. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeModel } from "../../../src/model/onnx/writer.js";
import { ModelProto } from "../../../src/model/onnx/proto.js";
import type { InitializerSpec, ModelSpec } from "../../../src/model/onnx/model-spec.js";

export const W_VALUES = new Float32Array([0.5, -1.25, 3]);
export const W_BYTES = new Uint8Array(W_VALUES.buffer);

/** y = x + w with w [3] float32, stored inline (raw) or in `w.bin` at offset 4096. */
export function addModelSpec(storage: "raw" | "external"): ModelSpec {
  const w: InitializerSpec =
    storage === "raw"
      ? { name: "w", dtype: "float32", dims: [3], data: { raw: W_BYTES } }
      : {
          name: "w",
          dtype: "float32",
          dims: [3],
          data: { external: { location: "w.bin", offset: 4096, length: 12 } },
        };
  return {
    graphName: "add",
    opsetVersion: 17,
    producerName: "zeq-np-test",
    producerVersion: "1",
    inputs: [{ name: "x", dtype: "float32", dims: ["batch", 3] }],
    outputs: [{ name: "y", dtype: "float32", dims: ["batch", 3] }],
    nodes: [{ name: "add", opType: "Add", inputs: ["x", "w"], outputs: ["y"] }],
    initializers: [w],
  };
}

/** Writes the add model (and its w.bin when external) into `dir`; returns the model path. */
export function writeAddModel(dir: string, storage: "raw" | "external", file = "model.onnx"): string {
  writeFileSync(join(dir, file), encodeModel(addModelSpec(storage)));
  if (storage === "external") {
    const data = new Uint8Array(4096 + 12);
    data.set(W_BYTES, 4096);
    writeFileSync(join(dir, "w.bin"), data);
  }
  return join(dir, file);
}

/** A ModelProto from a plain object, for files the writer would never produce. */
export function encodeRaw(model: object): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** A model whose single initializer is given as a TensorProto object. */
export function modelWithTensor(tensor: object): Uint8Array {
  return encodeRaw({
    ir_version: 8,
    opset_import: [{ domain: "", version: 17 }],
    graph: {
      name: "g",
      node: [{ op_type: "Identity", input: ["t"], output: ["y"] }],
      initializer: [tensor],
      output: [{ name: "y", type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 1 }] } } } }],
    },
  });
}
