/**
 * Reading a reference-vectors file (format zeq-np/reference-vectors/v1, docs/reference.md):
 * PyTorch's outputs for fixed inputs of one model. The file is input we did not write (a
 * user may hand one to `models add --reference`), so it is parsed with the strict JSON
 * parser and every field is checked; every embedded tensor must hash to its stated sha256
 * (SHA-256 of its little-endian bytes), so a tampered number cannot go unnoticed.
 */
import { readFile } from "node:fs/promises";
import { parseStrictJson } from "../../core/canonical-json.js";
import { sha256Hex } from "../../core/hash.js";
import type { TensorData, TensorDtype } from "../../record/tensor-digest.js";
import { CompileError } from "./errors.js";
import { seededImage, type ImageGenerator } from "./seeded-image.js";

export const REFERENCE_VECTORS_FORMAT = "zeq-np/reference-vectors/v1";
/** Above this a vectors file is refused before parsing. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;
const MAX_ELEMENTS = 1 << 26;

export interface RefTensor {
  name: string;
  dtype: TensorDtype;
  dims: number[];
  /** SHA-256 of the elements' little-endian bytes (no header), or null when not stated. */
  sha256: string | null;
  data: TensorData | null;
  maxAbs: number | null;
  /** Per row along the last axis: the five largest values' indices and values. */
  top5: { indices: number[][]; values: number[][] } | null;
}

export interface RefInput {
  id: string;
  kind: string;
  tensors: RefTensor[];
  /** The prefix of a KV-cache step (kind "tokens-with-past"). */
  prefixIds: number[] | null;
}

export interface ReferenceVectors {
  producer: string;
  torchVersion: string | null;
  model: {
    name: string | null;
    family: string | null;
    files: Array<{ path: string; sha256: string }> | null;
  };
  modelSha256: string | null;
  /** The reference's environment object as written (CPU, BLAS, threads), or null. */
  environment: Record<string, unknown> | null;
  inputs: RefInput[];
  /** Outputs by input id. */
  outputs: Map<string, RefTensor[]>;
  /** SHA-256 of the file's bytes. */
  fileSha256: string;
}

type Obj = Record<string, unknown>;

function bad(where: string, what: string): never {
  throw new CompileError("COMPILE_REFERENCE_INVALID", `reference vectors: ${where} ${what}`);
}

function obj(v: unknown, where: string): Obj {
  if (v === null || typeof v !== "object" || Array.isArray(v)) bad(where, "must be an object");
  return v as Obj;
}

function arr(v: unknown, where: string, max = 4096): unknown[] {
  if (!Array.isArray(v) || v.length > max) bad(where, `must be an array of at most ${max} items`);
  return v;
}

function text(v: unknown, where: string): string {
  if (typeof v !== "string" || v === "" || v.length > 1024) bad(where, "must be a non-empty string");
  return v;
}

function optText(v: unknown, where: string): string | null {
  return v === undefined || v === null ? null : text(v, where);
}

function hex64(v: unknown, where: string): string {
  if (typeof v !== "string" || !/^[0-9a-f]{64}$/.test(v)) bad(where, "must be 64 lower-case hex digits");
  return v;
}

function ints(v: unknown, where: string, max = MAX_ELEMENTS): number[] {
  const a = arr(v, where, max);
  if (!a.every((n) => typeof n === "number" && Number.isSafeInteger(n))) bad(where, "must hold integers");
  return a as number[];
}

function numbers(v: unknown, where: string): number[] {
  const a = arr(v, where);
  if (!a.every((n) => typeof n === "number" && Number.isFinite(n))) bad(where, "must hold finite numbers");
  return a as number[];
}

const DTYPES: Record<string, TensorDtype> = { float32: "float32", int64: "int64", int32: "int32" };

function toTensor(value: unknown, where: string): RefTensor {
  const t = obj(value, where);
  const name = text(t.name, `${where}.name`);
  const dtype = DTYPES[String(t.dtype)] ?? bad(`${where}.dtype`, "must be float32, int64 or int32");
  const dims = ints(t.dims, `${where}.dims`, 16);
  if (dims.some((d) => d < 0)) bad(`${where}.dims`, "must be non-negative");
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_ELEMENTS) bad(where, `has more than ${MAX_ELEMENTS} elements`);
  const sha256 = t.sha256 === undefined ? null : hex64(t.sha256, `${where}.sha256`);
  let data: TensorData | null = null;
  if (t.data_b64 !== undefined) {
    if (dtype !== "float32") bad(`${where}.data_b64`, "is only for float32 tensors");
    if (typeof t.data_b64 !== "string") bad(`${where}.data_b64`, "must be a string");
    const bytes = Buffer.from(t.data_b64, "base64");
    if (bytes.toString("base64") !== t.data_b64) bad(`${where}.data_b64`, "is not canonical padded base64");
    if (bytes.length !== count * 4)
      bad(`${where}.data_b64`, `holds ${bytes.length} bytes, dims need ${count * 4}`);
    const f = new Float32Array(count);
    new Uint8Array(f.buffer).set(bytes);
    if (!f.every(Number.isFinite)) bad(`${where}.data_b64`, "holds NaN or infinity");
    data = f;
  } else if (t.data !== undefined) {
    const values = ints(t.data, `${where}.data`);
    if (values.length !== count) bad(`${where}.data`, `holds ${values.length} values, dims need ${count}`);
    if (dtype === "int64") data = BigInt64Array.from(values, (v) => BigInt(v));
    else if (dtype === "int32") {
      if (values.some((v) => v !== (v | 0))) bad(`${where}.data`, "holds values outside int32");
      data = Int32Array.from(values);
    } else bad(`${where}.data`, "is only for integer tensors (floats use data_b64)");
  }
  if (data !== null && sha256 !== null) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (sha256Hex(bytes) !== sha256) bad(where, "data does not hash to its sha256 (tampered or corrupted)");
  }
  let top5: RefTensor["top5"] = null;
  if (t.top5 !== undefined) {
    const p = obj(t.top5, `${where}.top5`);
    const indices = arr(p.indices, `${where}.top5.indices`, MAX_ELEMENTS).map((r, i) =>
      ints(r, `${where}.top5.indices[${i}]`, 5),
    );
    const values = arr(p.values, `${where}.top5.values`, MAX_ELEMENTS).map((r, i) =>
      numbers(r, `${where}.top5.values[${i}]`),
    );
    const last = dims[dims.length - 1] ?? 1;
    if (indices.length !== values.length || indices.length !== count / Math.max(1, last)) {
      bad(`${where}.top5`, "must hold one row per position");
    }
    if (indices.some((r, i) => r.length !== values[i]!.length || r.some((j) => j < 0 || j >= last))) {
      bad(`${where}.top5`, "rows must pair indices within the last axis with values");
    }
    top5 = { indices, values };
  }
  const maxAbs = t.max_abs === undefined ? null : numbers([t.max_abs], `${where}.max_abs`)[0]!;
  return { name, dtype, dims, sha256, data, maxAbs, top5 };
}

function toInput(value: unknown, where: string): RefInput {
  const e = obj(value, where);
  const id = text(e.id, `${where}.id`);
  const kind = text(e.kind, `${where}.kind`);
  const tensors = arr(e.tensors, `${where}.tensors`, 64).map((t, i) => toTensor(t, `${where}.tensors[${i}]`));
  if (kind === "image" && e.generator !== undefined) {
    const g = obj(e.generator, `${where}.generator`);
    const gen: ImageGenerator = {
      kind: text(g.kind, `${where}.generator.kind`),
      seed: text(g.seed, `${where}.generator.seed`),
      height: ints([g.height], `${where}.generator.height`)[0]!,
      width: ints([g.width], `${where}.generator.width`)[0]!,
      mean: numbers(g.mean, `${where}.generator.mean`),
      std: numbers(g.std, `${where}.generator.std`),
    };
    const target = tensors.find((t) => t.data === null && t.dtype === "float32");
    if (target !== undefined) {
      target.data = seededImage(gen);
      const bytes = new Uint8Array(target.data.buffer);
      if (target.data.length !== target.dims.reduce((a, b) => a * b, 1))
        bad(where, "generator size does not match dims");
      if (target.sha256 !== null && sha256Hex(bytes) !== target.sha256) {
        bad(where, "the image regenerated from its seed does not hash to the stated sha256");
      }
    }
  }
  for (const t of tensors) if (t.data === null) bad(`${where}.${t.name}`, "carries no data and no recipe");
  const prefixIds = e.prefix_ids === undefined ? null : ints(e.prefix_ids, `${where}.prefix_ids`);
  if (kind === "tokens-with-past" && prefixIds === null) bad(where, "is a KV-cache step without prefix_ids");
  return { id, kind, tensors, prefixIds };
}

/**
 * Parses and checks a vectors document.
 * @throws {CompileError} COMPILE_REFERENCE_INVALID naming the offending field
 */
export function parseReferenceVectors(textContent: string, fileSha256 = ""): ReferenceVectors {
  let doc: Obj;
  try {
    doc = obj(parseStrictJson(textContent), "document");
  } catch (cause) {
    if (cause instanceof CompileError) throw cause;
    throw new CompileError("COMPILE_REFERENCE_INVALID", "reference vectors are not strict JSON", { cause });
  }
  if (doc.format !== REFERENCE_VECTORS_FORMAT) bad("format", `must be "${REFERENCE_VECTORS_FORMAT}"`);
  const model = doc.model === undefined ? {} : obj(doc.model, "model");
  const files =
    model.files === undefined
      ? null
      : arr(model.files, "model.files", 64).map((f, i) => {
          const file = obj(f, `model.files[${i}]`);
          return {
            path: text(file.path, `model.files[${i}].path`),
            sha256: hex64(file.sha256, `model.files[${i}].sha256`),
          };
        });
  const inputs = arr(doc.inputs, "inputs", 64).map((e, i) => toInput(e, `inputs[${i}]`));
  const ids = new Set(inputs.map((i) => i.id));
  if (ids.size !== inputs.length) bad("inputs", "repeat an id");
  if (inputs.length === 0) bad("inputs", "must not be empty");
  const outputs = new Map<string, RefTensor[]>();
  arr(doc.outputs, "outputs", 64).forEach((o, i) => {
    const out = obj(o, `outputs[${i}]`);
    const input = text(out.input, `outputs[${i}].input`);
    if (!ids.has(input) || outputs.has(input)) bad(`outputs[${i}].input`, "must name each input once");
    const tensors = arr(out.tensors, `outputs[${i}].tensors`, 256).map((t, j) =>
      toTensor(t, `outputs[${i}].tensors[${j}]`),
    );
    if (tensors.some((t) => t.dtype !== "float32")) bad(`outputs[${i}]`, "tensors must be float32");
    outputs.set(input, tensors);
  });
  return {
    producer: optText(doc.producer, "producer") ?? "unknown",
    torchVersion: optText(doc.torch_version, "torch_version"),
    model: { name: optText(model.name, "model.name"), family: optText(model.family, "model.family"), files },
    modelSha256: doc.model_sha256 === undefined ? null : hex64(doc.model_sha256, "model_sha256"),
    environment: doc.environment === undefined ? null : obj(doc.environment, "environment"),
    inputs,
    outputs,
    fileSha256,
  };
}

/**
 * Reads and parses a vectors file.
 * @throws {CompileError} COMPILE_REFERENCE_INVALID (unreadable, too large, malformed)
 */
export async function readReferenceVectors(path: string): Promise<ReferenceVectors> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new CompileError("COMPILE_REFERENCE_INVALID", `cannot read reference vectors ${path}`, { cause });
  }
  if (bytes.length > MAX_FILE_BYTES) bad(path, `is larger than ${MAX_FILE_BYTES} bytes`);
  return parseReferenceVectors(bytes.toString("utf8"), sha256Hex(bytes));
}

/**
 * Whether the vectors were computed from these weights: the weight files they name (the
 * non-.onnx files, or every file when the weights sit inside the .onnx) must be the
 * model's files, name and SHA-256; without a file list, `model_sha256` must equal the
 * weight-checkpoint hash. A graph file may differ: what PyTorch computed depends on the
 * weights, and a different graph is exactly what the precision check is there to judge.
 */
export function vectorsMatchWeights(
  ref: ReferenceVectors,
  files: ReadonlyArray<{ path: string; sha256: string }>,
  weightCheckpointSha256: string,
): boolean {
  if (ref.model.files !== null && ref.model.files.length > 0) {
    const weightFiles = ref.model.files.filter((f) => !f.path.endsWith(".onnx"));
    const compared = weightFiles.length > 0 ? weightFiles : ref.model.files;
    const mine = new Map(files.map((f) => [f.path, f.sha256]));
    const myWeights = files.filter((f) => !f.path.endsWith(".onnx"));
    if (weightFiles.length > 0 && myWeights.length !== weightFiles.length) return false;
    return compared.every((f) => mine.get(f.path) === f.sha256);
  }
  return ref.modelSha256 === null || ref.modelSha256 === weightCheckpointSha256;
}
