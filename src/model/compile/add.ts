/**
 * Registering an ONNX model the project did not build (`zeq-np models add`): any exporter,
 * dynamic shapes, several inputs, integer inputs, weights inline or in external-data files.
 * The graph is read first (a malformed file is refused with MODEL_ONNX_* before anything is
 * written), then the .onnx file is copied as model.onnx with its external-data files beside
 * it, model.json is written from the graph, and the version folder appears in one rename.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ModelError } from "../errors.js";
import { hashModelFiles } from "../integrity.js";
import {
  MODEL_METADATA_SCHEMA,
  serializeModelMetadata,
  type ModelMetadata,
  type Task,
  type TensorSpec,
} from "../metadata.js";
import { countFloatingElements } from "../cost.js";
import { readOnnxGraph } from "../onnx/reader.js";
import type { TensorValueInfo } from "../onnx/graph-info.js";
import { METADATA_FILE, validateModelName, validateModelVersion } from "../repository.js";
import { MODEL_CARD_FILE } from "../card.js";
import { CompileError } from "./errors.js";
import { readReferenceVectors } from "./reference-vectors.js";

export const REFERENCE_FILE = "reference-vectors.json";
const TASKS: readonly Task[] = ["image-classification", "fill-mask", "text-generation", "custom"];
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const RESERVED = new Set(["model.onnx", METADATA_FILE, MODEL_CARD_FILE, REFERENCE_FILE]);

export interface AddModelOptions {
  /** The .onnx file to register; its external-data files are found beside it. */
  source: string;
  modelsDir: string;
  name: string;
  /** Default "1". */
  version?: string;
  /** Default "custom". */
  task?: string;
  /** A reference-vectors file to keep with the model (compile checks precision against it). */
  reference?: string;
}

function toSpecs(values: readonly TensorValueInfo[], what: string): TensorSpec[] {
  if (values.length === 0) throw new CompileError("COMPILE_ADD_UNSUPPORTED", `the graph declares no ${what}`);
  return values.map((v) => {
    if (v.dims === null) {
      throw new CompileError(
        "COMPILE_ADD_UNSUPPORTED",
        `${what} ${v.name} has no declared shape (unknown rank)`,
      );
    }
    // An unnamed dynamic dimension gets a name of its own, which constrains nothing.
    return { name: v.name, dtype: v.dtype, dims: v.dims.map((d, axis) => d ?? `${v.name}_dim${axis}`) };
  });
}

/**
 * Copies an ONNX model into the repository as `<name>/<version>` with a model.json.
 * @throws {ModelError} MODEL_NOT_FOUND, MODEL_ONNX_MALFORMED, MODEL_ONNX_UNSUPPORTED,
 *   MODEL_ONNX_EXTERNAL_DATA_INVALID, MODEL_NAME_INVALID, MODEL_VERSION_INVALID,
 *   MODEL_ALREADY_EXISTS, MODEL_METADATA_INVALID
 * @throws {CompileError} COMPILE_ADD_UNSUPPORTED, COMPILE_OPTIONS_INVALID, COMPILE_REFERENCE_INVALID
 */
export async function addModel(o: AddModelOptions): Promise<{ dir: string; meta: ModelMetadata }> {
  const name = validateModelName(o.name);
  const version = validateModelVersion(o.version ?? "1");
  const task = (o.task ?? "custom") as Task;
  if (!TASKS.includes(task))
    throw new CompileError("COMPILE_OPTIONS_INVALID", `--task must be one of ${TASKS.join(", ")}`);
  const graph = await readOnnxGraph(o.source);
  const inputs = toSpecs(graph.inputs, "input");
  const outputs = toSpecs(graph.outputs, "output");
  const locations = [
    ...new Set(graph.initializers.flatMap((i) => (i.data.kind === "external" ? [i.data.location] : []))),
  ];
  for (const loc of locations) {
    if (!PLAIN_NAME.test(loc) || RESERVED.has(loc) || loc.endsWith(".onnx")) {
      throw new CompileError(
        "COMPILE_ADD_UNSUPPORTED",
        `external data ${JSON.stringify(loc)} must be a plain file name beside the model (not a folder, not ${[...RESERVED].join(", ")})`,
      );
    }
  }
  const reference = o.reference === undefined ? null : await readReferenceVectors(o.reference);

  const modelDir = join(o.modelsDir, name);
  const dir = join(modelDir, version);
  if (
    await stat(dir).then(
      () => true,
      () => false,
    )
  )
    throw new ModelError("MODEL_ALREADY_EXISTS", `${dir} already exists`);
  const staging = join(modelDir, `.add-${version}-${randomBytes(6).toString("hex")}`);
  await mkdir(staging, { recursive: true });
  try {
    await copyFile(o.source, join(staging, "model.onnx"));
    for (const loc of locations) await copyFile(join(dirname(o.source), loc), join(staging, loc));
    if (reference !== null) await copyFile(o.reference!, join(staging, REFERENCE_FILE));
    const order = ["model.onnx", ...locations.sort()];
    const digest = await hashModelFiles(staging, order);
    const opset = graph.opsetImports.find((op) => op.domain === "" || op.domain === "ai.onnx")?.version ?? 0;
    const meta: ModelMetadata = {
      schema: MODEL_METADATA_SCHEMA,
      name,
      version,
      task,
      architecture: {
        name: "custom",
        size: "custom",
        seed: null,
        generator: null,
        config: {
          source_file: basename(o.source),
          producer_name: graph.producerName,
          producer_version: graph.producerVersion,
          ir_version: graph.irVersion,
          opset,
          graph_name: graph.graphName,
        },
      },
      files: digest.files,
      inputs,
      outputs,
      preprocessing: { kind: "tensors" },
      parameters: countFloatingElements(graph.initializers),
      ...(reference !== null ? { reference: { path: REFERENCE_FILE, sha256: reference.fileSha256 } } : {}),
    };
    await writeFile(join(staging, METADATA_FILE), serializeModelMetadata(meta), { flush: true });
    await rename(staging, dir);
    return { dir, meta };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
