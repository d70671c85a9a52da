/**
 * Small ONNX models for the inference tests, written with the project's own ONNX writer
 * into a temporary directory: a dense layer (weights in an external-data file beside it,
 * as the fixtures do), a two-input model with mixed dtypes, and a heavy matmul chain.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeModel } from "../../../src/model/onnx/index.js";
import type { ModelSpec } from "../../../src/model/onnx/index.js";

export interface ModelDir {
  dir: string;
  path(name: string): string;
  remove(): void;
}

export function modelDir(): ModelDir {
  const dir = mkdtempSync(join(tmpdir(), "zeq-np-inference-"));
  return {
    dir,
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function spec(partial: Pick<ModelSpec, "inputs" | "outputs" | "nodes" | "initializers">): ModelSpec {
  return { graphName: "g", opsetVersion: 17, producerName: "zeq-np-tests", producerVersion: "0", ...partial };
}

/** The weights of the dense model: W[i][j] = (i + 1) / (j + 2), deterministic and exact in float32. */
export function denseWeights(inFeatures: number, outFeatures: number): Float32Array {
  const w = new Float32Array(inFeatures * outFeatures);
  for (let i = 0; i < inFeatures; i++)
    for (let j = 0; j < outFeatures; j++) w[i * outFeatures + j] = (i + 1) / (j + 2);
  return w;
}

/**
 * y[N, 3] = x[N, 4] · W[4, 3], with W in `<file>.data` (external data), so the model only
 * loads when the runtime is given the path.
 */
export function writeDense(d: ModelDir, file = "dense.onnx"): string {
  const w = denseWeights(4, 3);
  writeFileSync(d.path(`${file}.data`), bytesOf(w));
  const bytes = encodeModel(
    spec({
      inputs: [{ name: "x", dtype: "float32", dims: ["N", 4] }],
      outputs: [{ name: "y", dtype: "float32", dims: ["N", 3] }],
      nodes: [{ name: "mm", opType: "MatMul", inputs: ["x", "W"], outputs: ["y"] }],
      initializers: [
        {
          name: "W",
          dtype: "float32",
          dims: [4, 3],
          data: { external: { location: `${file}.data`, offset: 0, length: w.byteLength } },
        },
      ],
    }),
  );
  writeFileSync(d.path(file), bytes);
  return d.path(file);
}

/** relu_a = Relu(a[batch, 3] float32); neg_b = Neg(b[batch, 2] int64). */
export function writeMixed(d: ModelDir, file = "mixed.onnx"): string {
  const bytes = encodeModel(
    spec({
      inputs: [
        { name: "a", dtype: "float32", dims: ["batch", 3] },
        { name: "b", dtype: "int64", dims: ["batch", 2] },
      ],
      outputs: [
        { name: "relu_a", dtype: "float32", dims: ["batch", 3] },
        { name: "neg_b", dtype: "int64", dims: ["batch", 2] },
      ],
      nodes: [
        { name: "relu", opType: "Relu", inputs: ["a"], outputs: ["relu_a"] },
        { name: "neg", opType: "Neg", inputs: ["b"], outputs: ["neg_b"] },
      ],
      initializers: [],
    }),
  );
  writeFileSync(d.path(file), bytes);
  return d.path(file);
}

/**
 * `layers` chained MatMuls x[N, width] · W[width, width] (W = I/2 + small, so values stay
 * finite): about 2·N·width²·layers flops, linear in N. A heavy run for the event-loop,
 * deadline and crash tests; N picks its weight.
 */
export function writeHeavy(d: ModelDir, width = 512, layers = 8, file = "heavy.onnx"): string {
  const w = new Float32Array(width * width);
  for (let i = 0; i < width; i++)
    for (let j = 0; j < width; j++)
      w[i * width + j] = (i === j ? 0.5 : 0) + ((i * 7 + j * 13) % 17) / (17 * width);
  const nodes = [];
  let previous = "x";
  for (let l = 0; l < layers; l++) {
    const out = l === layers - 1 ? "y" : `h${l}`;
    nodes.push({ name: `mm${l}`, opType: "MatMul", inputs: [previous, "W"], outputs: [out] });
    previous = out;
  }
  const bytes = encodeModel(
    spec({
      inputs: [{ name: "x", dtype: "float32", dims: ["N", width] }],
      outputs: [{ name: "y", dtype: "float32", dims: ["N", width] }],
      nodes,
      initializers: [{ name: "W", dtype: "float32", dims: [width, width], data: { raw: bytesOf(w) } }],
    }),
  );
  writeFileSync(d.path(file), bytes);
  return d.path(file);
}

/** Feeds for the heavy model with N rows. */
export function heavyFeeds(
  n: number,
  width = 512,
): { x: { dtype: "float32"; dims: number[]; data: Float32Array } } {
  const data = new Float32Array(n * width);
  for (let i = 0; i < data.length; i++) data[i] = ((i % 101) - 50) / 50;
  return { x: { dtype: "float32", dims: [n, width], data } };
}

/** Feeds for the dense model with N rows. */
export function denseFeeds(n: number): { x: { dtype: "float32"; dims: number[]; data: Float32Array } } {
  const data = new Float32Array(n * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i % 7) - 3;
  return { x: { dtype: "float32", dims: [n, 4], data } };
}
