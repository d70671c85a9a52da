/**
 * Test helper: runs a reference-vectors file's inputs through onnxruntime-node and writes
 * the outputs as a candidate document of the same format (zeq-np/reference-vectors/v1,
 * docs/reference.md), for reference/compare.py to judge. Images are re-derived from their
 * seed recipe here, independently of the Python side, and their digest must match.
 *
 * model_sha256 is the project's weight-checkpoint hash (src/model/integrity.ts), so
 * compare.py's equality check also cross-checks the Python side's hash of the same files.
 *
 * Tests may import onnxruntime-node directly; production code goes through src/inference/.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { hashModelFiles } from "../../src/model/integrity.js";
import { parseModelMetadata } from "../../src/model/metadata.js";

type DType = "float32" | "int64" | "int32";

export interface TensorDesc {
  name: string;
  dtype: DType;
  dims: number[];
  sha256?: string;
  data?: number[];
  data_b64?: string;
  max_abs?: number;
  top5?: { indices: number[][]; values: number[][] };
}

interface Generator {
  kind: string;
  seed: string;
  height: number;
  width: number;
  mean: number[];
  std: number[];
}

export interface InputEntry {
  id: string;
  kind: "tokens" | "tokens-with-past" | "image";
  tensors: TensorDesc[];
  generator?: Generator;
  prefix_ids?: number[];
}

export interface VectorsDoc {
  format: string;
  producer: string;
  model: { name: string; version: string; family: string; files?: { path: string }[] };
  model_sha256?: string;
  torch_version?: string;
  inputs: InputEntry[];
  outputs: { input: string; tensors: TensorDesc[] }[];
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Little-endian element bytes (the host is little-endian; checked once). */
function leBytes(data: Float32Array | BigInt64Array): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error("big-endian host not supported");
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** SHA-256(utf8(seed) || uint32_be(counter)) for counter = 0, 1, ... concatenated. */
export function seededBytes(seed: string, count: number): Uint8Array {
  const out = new Uint8Array(count);
  const base = Buffer.from(seed, "utf8");
  for (let counter = 0, filled = 0; filled < count; counter++) {
    const ctr = Buffer.alloc(4);
    ctr.writeUInt32BE(counter);
    const block = createHash("sha256").update(base).update(ctr).digest();
    out.set(block.subarray(0, Math.min(32, count - filled)), filled);
    filled += 32;
  }
  return out;
}

/** The seeded image recipe of docs/reference.md: [1, 3, H, W] float32. */
export function seededImage(g: Generator): Float32Array {
  const plane = g.height * g.width;
  const u = seededBytes(g.seed, 3 * plane);
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) {
      out[c * plane + i] = Math.fround((u[c * plane + i]! / 255 - g.mean[c]!) / g.std[c]!);
    }
  }
  return out;
}

function intTensor(desc: TensorDesc): ort.Tensor {
  if (!desc.data) throw new Error(`input ${desc.name} carries no data`);
  return new ort.Tensor("int64", BigInt64Array.from(desc.data.map((v) => BigInt(v))), desc.dims);
}

function describeInt(name: string, t: ort.Tensor): TensorDesc {
  const data = t.data as BigInt64Array;
  return {
    name,
    dtype: "int64",
    dims: [...t.dims],
    sha256: sha256Hex(leBytes(data)),
    data: Array.from(data, Number),
  };
}

function top5(data: Float32Array, last: number): { indices: number[][]; values: number[][] } {
  const indices: number[][] = [];
  const values: number[][] = [];
  for (let r = 0; r < data.length / last; r++) {
    const row = data.subarray(r * last, (r + 1) * last);
    const order = Array.from(row.keys())
      .sort((a, b) => row[b]! - row[a]! || a - b)
      .slice(0, 5);
    indices.push(order);
    values.push(order.map((i) => row[i]!));
  }
  return { indices, values };
}

function describeFloat(name: string, t: ort.Tensor, withTop5: boolean): TensorDesc {
  const data = t.data as Float32Array;
  const bytes = leBytes(data);
  let maxAbs = 0;
  for (const v of data) maxAbs = Math.max(maxAbs, Math.abs(v));
  const desc: TensorDesc = {
    name,
    dtype: "float32",
    dims: [...t.dims],
    sha256: sha256Hex(bytes),
    max_abs: maxAbs,
    data_b64: Buffer.from(bytes).toString("base64"),
  };
  if (withTop5) desc.top5 = top5(data, t.dims[t.dims.length - 1]!);
  return desc;
}

/** Feeds restricted to the names the session declares; a missing declared input throws. */
function feedsFor(
  session: ort.InferenceSession,
  all: Record<string, ort.Tensor>,
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const t = all[name];
    if (!t) throw new Error(`model input ${name} has no value in the reference's inputs`);
    feeds[name] = t;
  }
  return feeds;
}

/** The project's weight-checkpoint hash (src/model/integrity.ts), when model.json exists. */
async function modelSha256(modelDir: string): Promise<string | undefined> {
  const metaPath = join(modelDir, "model.json");
  if (!existsSync(metaPath)) return undefined;
  const meta = parseModelMetadata(readFileSync(metaPath, "utf8"));
  const digest = await hashModelFiles(
    modelDir,
    meta.files.map((f) => f.path),
  );
  return digest.weightCheckpointSha256;
}

async function pastRun(
  session: ort.InferenceSession,
  entry: InputEntry,
  feeds: Record<string, ort.Tensor>,
  heads: number,
  headDim: number,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  // The prefix runs through the same with-past graph with an empty cache.
  const prefix = entry.prefix_ids ?? [];
  const p = prefix.length;
  const pastNames = session.inputNames.filter((n) => n.startsWith("past_key_values."));
  const first: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor("int64", BigInt64Array.from(prefix.map(BigInt)), [1, p]),
    position_ids: new ort.Tensor("int64", BigInt64Array.from(prefix.map((_, i) => BigInt(i))), [1, p]),
    attention_mask: new ort.Tensor("int64", new BigInt64Array(p).fill(1n), [1, p]),
  };
  for (const name of pastNames)
    first[name] = new ort.Tensor("float32", new Float32Array(0), [1, heads, 0, headDim]);
  const out0 = await session.run(feedsFor(session, first));
  const step: Record<string, ort.Tensor> = { ...feeds };
  for (const name of pastNames) step[name] = out0[name.replace("past_key_values.", "present.")] as ort.Tensor;
  return session.run(feedsFor(session, step));
}

/**
 * Run every input of `referencePath` through the model in `modelDir` with onnxruntime-node
 * and write the candidate document to `outPath`.
 */
export async function writeOrtCandidate(
  modelDir: string,
  referencePath: string,
  outPath: string,
): Promise<VectorsDoc> {
  const ref = JSON.parse(readFileSync(referencePath, "utf8")) as VectorsDoc & {
    model: { config?: Record<string, number> };
  };
  const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  const main = await ort.InferenceSession.create(join(modelDir, "model.onnx"), opts);
  const pastFile = join(modelDir, "decoder_with_past.onnx");
  const withPast = existsSync(pastFile) ? await ort.InferenceSession.create(pastFile, opts) : undefined;
  const cfg = ref.model.config ?? {};
  const heads = cfg["n_head"] ?? 0;
  const headDim = heads ? (cfg["n_embd"] ?? 0) / heads : 0;
  const doc: VectorsDoc = {
    format: "zeq-np/reference-vectors/v1",
    producer: "onnxruntime-node",
    model: { name: ref.model.name, version: ref.model.version, family: ref.model.family },
    inputs: [],
    outputs: [],
  };
  const sha = await modelSha256(modelDir);
  if (sha) doc.model_sha256 = sha;
  for (const entry of ref.inputs) {
    const feeds: Record<string, ort.Tensor> = {};
    const described: TensorDesc[] = [];
    if (entry.kind === "image") {
      const g = entry.generator!;
      const img = seededImage(g);
      feeds["pixel_values"] = new ort.Tensor("float32", img, [1, 3, g.height, g.width]);
      described.push({
        name: "pixel_values",
        dtype: "float32",
        dims: [1, 3, g.height, g.width],
        sha256: sha256Hex(leBytes(img)),
      });
    } else {
      for (const t of entry.tensors) {
        feeds[t.name] = intTensor(t);
        described.push(describeInt(t.name, feeds[t.name]!));
      }
    }
    doc.inputs.push({ id: entry.id, kind: entry.kind, tensors: described });
    let result: ort.InferenceSession.OnnxValueMapType;
    if (entry.kind === "tokens-with-past") {
      if (!withPast || !heads) continue; // no with-past graph: the comparison reports it missing
      result = await pastRun(withPast, entry, feeds, heads, headDim);
    } else {
      result = await main.run(feedsFor(main, feeds));
    }
    const tensors: TensorDesc[] = [];
    for (const [name, value] of Object.entries(result)) {
      tensors.push(describeFloat(name, value as ort.Tensor, name === "logits"));
    }
    doc.outputs.push({ input: entry.id, tensors });
  }
  await main.release();
  await withPast?.release();
  writeFileSync(outPath, JSON.stringify(doc));
  return doc;
}
