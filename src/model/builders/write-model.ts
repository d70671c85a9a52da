/**
 * Writes an ArchitectureBuild into a folder: the weights streamed tensor by tensor into one
 * external-data file (model.onnx.data, 4 KiB-aligned), then each ONNX graph referencing
 * those same byte ranges, each file hashed as it is written.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sha256Hex } from "../../core/hash.js";
import type { ModelFile } from "../metadata.js";
import { ExternalDataWriter } from "../onnx/external-data-writer.js";
import type { InitializerSpec } from "../onnx/model-spec.js";
import { encodeModel } from "../onnx/writer.js";
import type { ArchitectureBuild } from "./architecture.js";
import { generateTensor } from "./init.js";
import { float32LE } from "./le-bytes.js";
import { elementsOf } from "./weights.js";

export const DATA_FILE = "model.onnx.data";
export const OPSET_VERSION = 17;
/** Written as producer_version: the version of the builders' output, not of the package. */
const PRODUCER_VERSION = "builders/1";

export type ProgressCallback = (done: number, total: number, label: string) => void;

/**
 * Writes all files of `arch` into `dir` (which must exist) and returns them in metadata order.
 * @throws errors of the file system; RangeError for builder bugs caught by the encoder.
 */
export async function writeArchitecture(
  dir: string,
  arch: ArchitectureBuild,
  seed: string,
  onProgress?: ProgressCallback,
): Promise<ModelFile[]> {
  const weights = arch.weights.list();
  const total = weights.reduce((sum, w) => sum + elementsOf(w.dims) * 4, 0);
  const writer = await ExternalDataWriter.create(join(dir, DATA_FILE));
  const initializers: InitializerSpec[] = [];
  let done = 0;
  try {
    for (const w of weights) {
      await writer.beginTensor();
      for (const chunk of generateTensor(seed, w.name, elementsOf(w.dims), w.init)) {
        await writer.write(float32LE(chunk));
        done += chunk.byteLength;
        onProgress?.(done, total, w.name);
      }
      const range = writer.endTensor();
      initializers.push({
        name: w.name,
        dtype: "float32",
        dims: w.dims,
        data: { external: { location: DATA_FILE, ...range } },
      });
    }
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const data = await writer.close();
  const files: ModelFile[] = [{ path: DATA_FILE, sha256: data.sha256, bytes: data.bytes }];

  for (const { file, graph } of arch.graphs) {
    const bytes = encodeModel({
      graphName: graph.name,
      opsetVersion: OPSET_VERSION,
      producerName: "zeq-np",
      producerVersion: PRODUCER_VERSION,
      inputs: graph.inputs,
      outputs: graph.outputs,
      nodes: graph.nodes,
      initializers,
    });
    await writeFile(join(dir, file), bytes, { flush: true });
    files.push({ path: file, sha256: sha256Hex(bytes), bytes: bytes.length });
  }
  return orderFiles(files);
}

/** Metadata order: .onnx files first, then the others, each group by name. */
export function orderFiles(files: ModelFile[]): ModelFile[] {
  const byPath = (a: ModelFile, b: ModelFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const onnx = files.filter((f) => f.path.endsWith(".onnx")).sort(byPath);
  const rest = files.filter((f) => !f.path.endsWith(".onnx")).sort(byPath);
  return [...onnx, ...rest];
}
