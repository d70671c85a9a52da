/**
 * model.json, the metadata file of one model version (schema "zeq-np/model/v1"), and its
 * strict validation: every field typed, unknown keys refused, file list in its documented
 * order. The file list is what the weight-checkpoint hash covers: the .onnx files first,
 * then the external-data files, each group sorted by name (UTF-16 code unit order).
 */
import type { JsonValue } from "../core/canonical-json.js";
import { parseStrictJson } from "../core/canonical-json.js";
import { ModelError } from "./errors.js";
import { dtypeCode, type OnnxDtype } from "./onnx/dtypes.js";

export const MODEL_METADATA_SCHEMA = "zeq-np/model/v1";

/** Model names: lower-case [a-z0-9._-], starting with a letter or digit, at most 128 characters. */
export const MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;
/** Versions: positive decimal integers without leading zeros. */
export const MODEL_VERSION_PATTERN = /^[1-9][0-9]{0,8}$/;
/** Files named in model.json: plain names inside the version folder. */
const FILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type Task = "image-classification" | "fill-mask" | "text-generation" | "custom";
const TASKS: readonly Task[] = ["image-classification", "fill-mask", "text-generation", "custom"];

export type Preprocessing =
  | { kind: "imagenet"; resize: number; crop: number; mean: number[]; std: number[] }
  | { kind: "bert-wordpiece"; max_length: number }
  | { kind: "gpt2-bpe"; max_length: number }
  | { kind: "tensors" };

export type ArchitectureConfig = Record<string, number | string | boolean | number[]>;

export interface ArchitectureInfo {
  /** "resnet50", "bert-base-uncased", "gpt2", or a free name for custom models. */
  name: string;
  /** "base", "tiny", or "custom". */
  size: string;
  /** Seed of the weight generator, or null for weights that were not generated. */
  seed: string | null;
  /** Identifier of the weight generator (see docs/models.md), or null. */
  generator: string | null;
  config: ArchitectureConfig;
}

export interface ModelFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface TensorSpec {
  name: string;
  dtype: OnnxDtype;
  dims: Array<number | string>;
}

export interface ModelMetadata {
  schema: typeof MODEL_METADATA_SCHEMA;
  name: string;
  version: string;
  task: Task;
  architecture: ArchitectureInfo;
  files: ModelFile[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  preprocessing: Preprocessing;
  /** File in the version folder with one label per line, if the model has labels. */
  labels?: string;
  /** Trainable parameters (torch's model.parameters() count; tied weights once). */
  parameters: number;
  /** GPT-2's KV-cache decoder: a second ONNX file sharing model.onnx's external data. */
  decoder_with_past?: { path: string; inputs: TensorSpec[]; outputs: TensorSpec[] };
  /** Written by the compile step; validated there. */
  budgets?: { [key: string]: JsonValue };
  reference?: { [key: string]: JsonValue };
  card?: { [key: string]: JsonValue };
}

const TOP_KEYS = new Set([
  "schema",
  "name",
  "version",
  "task",
  "architecture",
  "files",
  "inputs",
  "outputs",
  "preprocessing",
  "labels",
  "parameters",
  "decoder_with_past",
  "budgets",
  "reference",
  "card",
]);

/**
 * Parses model.json text strictly (duplicate keys, non-finite numbers refused) and validates it.
 * @throws ModelError MODEL_METADATA_INVALID naming the offending field.
 */
export function parseModelMetadata(text: string): ModelMetadata {
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (err) {
    throw new ModelError("MODEL_METADATA_INVALID", "model.json is not valid JSON", { cause: err });
  }
  return validateModelMetadata(value);
}

/**
 * model.json text for `meta`: two-space indentation, objects expanded, short arrays on one
 * line (the layout the repository's formatter keeps, so committed fixtures stay unchanged).
 * @throws ModelError MODEL_METADATA_INVALID when `meta` is not valid.
 */
export function serializeModelMetadata(meta: ModelMetadata): string {
  return `${formatJson(validateModelMetadata(meta), "", 0)}\n`;
}

const LINE_WIDTH = 110;

function formatJson(value: unknown, indent: string, prefixLength: number): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const scalars = value.every((v) => v === null || typeof v !== "object");
    const flat = `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
    if (scalars && indent.length + prefixLength + flat.length + 1 <= LINE_WIDTH) return flat;
    const items = value.map((v) => `${inner}${formatJson(v, inner, 0)}`);
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  const lines = entries.map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return `${inner}${key}${formatJson(v, inner, key.length)}`;
  });
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/**
 * Checks that `value` is a complete, well-typed ModelMetadata with no unknown keys.
 * @throws ModelError MODEL_METADATA_INVALID naming the offending field.
 */
export function validateModelMetadata(value: unknown): ModelMetadata {
  const m = record(value, "model.json", TOP_KEYS);
  if (m.schema !== MODEL_METADATA_SCHEMA) fail("schema", `must be "${MODEL_METADATA_SCHEMA}"`);
  matches(m.name, MODEL_NAME_PATTERN, "name");
  matches(m.version, MODEL_VERSION_PATTERN, "version");
  if (!TASKS.includes(m.task as Task)) fail("task", `must be one of ${TASKS.join(", ")}`);
  checkArchitecture(m.architecture);
  const files = checkFiles(m.files);
  checkTensors(m.inputs, "inputs");
  checkTensors(m.outputs, "outputs");
  checkPreprocessing(m.preprocessing);
  if (m.labels !== undefined) matches(m.labels, FILE_NAME_PATTERN, "labels");
  count(m.parameters, "parameters");
  if (m.decoder_with_past !== undefined) {
    const d = record(m.decoder_with_past, "decoder_with_past", new Set(["path", "inputs", "outputs"]));
    if (typeof d.path !== "string" || !d.path.endsWith(".onnx") || !files.includes(d.path)) {
      fail("decoder_with_past.path", "must name an .onnx file listed in files");
    }
    checkTensors(d.inputs, "decoder_with_past.inputs");
    checkTensors(d.outputs, "decoder_with_past.outputs");
  }
  for (const key of ["budgets", "reference", "card"]) if (m[key] !== undefined) record(m[key], key);
  return m as unknown as ModelMetadata;
}

function fail(path: string, problem: string): never {
  throw new ModelError("MODEL_METADATA_INVALID", `model.json: ${path} ${problem}`);
}

function record(value: unknown, path: string, keys?: Set<string>): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(path, "must be an object");
  if (keys !== undefined) {
    for (const key of Object.keys(value)) if (!keys.has(key)) fail(`${path}.${key}`, "is not a known field");
  }
  return value as Record<string, unknown>;
}

function matches(value: unknown, pattern: RegExp, path: string): string {
  if (typeof value !== "string" || !pattern.test(value) || value.includes(".."))
    fail(path, `must match ${pattern}`);
  return value;
}

function count(value: unknown, path: string, min = 0): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    fail(path, `must be an integer ≥ ${min}`);
  }
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, "must be an array");
  return value;
}

function checkArchitecture(value: unknown): void {
  const a = record(value, "architecture", new Set(["name", "size", "seed", "generator", "config"]));
  for (const key of ["name", "size"]) {
    if (typeof a[key] !== "string" || a[key] === "")
      fail(`architecture.${key}`, "must be a non-empty string");
  }
  for (const key of ["seed", "generator"]) {
    if (a[key] !== null && typeof a[key] !== "string")
      fail(`architecture.${key}`, "must be a string or null");
  }
  for (const [key, v] of Object.entries(record(a.config, "architecture.config"))) {
    const ok =
      typeof v === "string" ||
      typeof v === "boolean" ||
      (typeof v === "number" && Number.isFinite(v)) ||
      (Array.isArray(v) && v.every((n) => typeof n === "number" && Number.isFinite(n)));
    if (!ok)
      fail(`architecture.config.${key}`, "must be a string, boolean, finite number or array of numbers");
  }
}

function checkFiles(value: unknown): string[] {
  const files = array(value, "files").map((f, i) => {
    const file = record(f, `files[${i}]`, new Set(["path", "sha256", "bytes"]));
    matches(file.path, FILE_NAME_PATTERN, `files[${i}].path`);
    matches(file.sha256, /^[0-9a-f]{64}$/, `files[${i}].sha256`);
    count(file.bytes, `files[${i}].bytes`);
    return file.path as string;
  });
  const expected = [
    ...files.filter((p) => p.endsWith(".onnx")).sort(),
    ...files.filter((p) => !p.endsWith(".onnx")).sort(),
  ];
  if (new Set(files).size !== files.length) fail("files", "lists a file twice");
  if (expected.some((p, i) => p !== files[i]))
    fail("files", "must list .onnx files first, then the others, each by name");
  if (!files.includes("model.onnx")) fail("files", "must include model.onnx");
  return files;
}

function checkTensors(value: unknown, path: string): void {
  const names = new Set<string>();
  const list = array(value, path);
  if (list.length === 0) fail(path, "must not be empty");
  list.forEach((t, i) => {
    const spec = record(t, `${path}[${i}]`, new Set(["name", "dtype", "dims"]));
    if (typeof spec.name !== "string" || spec.name === "" || names.has(spec.name)) {
      fail(`${path}[${i}].name`, "must be a unique non-empty string");
    }
    names.add(spec.name);
    try {
      dtypeCode(spec.dtype as OnnxDtype);
    } catch {
      fail(`${path}[${i}].dtype`, "must be an ONNX element type name such as float32 or int64");
    }
    array(spec.dims, `${path}[${i}].dims`).forEach((d, j) => {
      if (typeof d === "string" ? d === "" : !(typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
        fail(`${path}[${i}].dims[${j}]`, "must be a size ≥ 0 or a symbolic name");
      }
    });
  });
}

function checkPreprocessing(value: unknown): void {
  const kind = record(value, "preprocessing").kind;
  const keys: Record<string, string[]> = {
    imagenet: ["kind", "resize", "crop", "mean", "std"],
    "bert-wordpiece": ["kind", "max_length"],
    "gpt2-bpe": ["kind", "max_length"],
    tensors: ["kind"],
  };
  const allowed = typeof kind === "string" ? keys[kind] : undefined;
  if (allowed === undefined) fail("preprocessing.kind", `must be one of ${Object.keys(keys).join(", ")}`);
  const p = record(value, "preprocessing", new Set(allowed));
  for (const key of allowed.slice(1)) if (p[key] === undefined) fail(`preprocessing.${key}`, "is required");
  if (kind === "imagenet") {
    count(p.resize, "preprocessing.resize", 1);
    count(p.crop, "preprocessing.crop", 1);
    for (const key of ["mean", "std"]) {
      const v = array(p[key], `preprocessing.${key}`);
      if (
        v.length !== 3 ||
        !v.every((n) => typeof n === "number" && Number.isFinite(n) && (key === "mean" || n > 0))
      ) {
        fail(`preprocessing.${key}`, "must be three finite numbers (std > 0)");
      }
    }
  } else if (kind !== "tensors") {
    count(p.max_length, "preprocessing.max_length", 1);
  }
}
