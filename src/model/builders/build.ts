/**
 * buildModel: generates one of the seed's three models (ResNet-50, BERT-base masked LM,
 * GPT-2 small with its KV-cache decoder) at base or tiny size with seeded weights, and
 * writes it as a model version folder: ONNX files, external data and model.json.
 * The folder is written under a temporary name and renamed into place when complete, so a
 * crash never leaves a half-written model where the repository would find it.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ModelError } from "../errors.js";
import { MODEL_METADATA_SCHEMA, serializeModelMetadata, type ModelMetadata } from "../metadata.js";
import { METADATA_FILE, validateModelVersion } from "../repository.js";
import type { ArchitectureBuild } from "./architecture.js";
import { BERT_BASE, BERT_TINY, buildBert } from "./bert.js";
import { buildGpt2, GPT2_BASE, GPT2_TINY } from "./gpt2.js";
import { buildResNet50, RESNET50_BASE, RESNET50_TINY } from "./resnet50.js";
import { GENERATOR_ID } from "./rng.js";
import { LABELS_FILE, labelListPath } from "./label-files.js";
import { writeArchitecture, type ProgressCallback } from "./write-model.js";

export type BuildableModel = "resnet50" | "bert-base-uncased" | "gpt2";
export type ModelSize = "base" | "tiny";
export const BUILDABLE_MODELS: readonly BuildableModel[] = ["resnet50", "bert-base-uncased", "gpt2"];
export const DEFAULT_SEED = "zeq-np";

export interface BuildModelOptions {
  name: BuildableModel;
  size: ModelSize;
  /** Repository root; the model is written to <modelsDir>/<name>[-tiny]/<version>/. */
  modelsDir: string;
  /** Default "1". */
  version?: string;
  /** Seed of the weight generator; default "zeq-np". */
  seed?: string;
  /** Replace an existing folder for this version (default: refuse). */
  overwrite?: boolean;
  /** Called as weight bytes are written: bytes done, bytes total, current tensor name. */
  onProgress?: ProgressCallback;
}

/** The architecture (weights and graphs) of a buildable model, without writing anything. */
export function architectureOf(name: BuildableModel, size: ModelSize): ArchitectureBuild {
  const tiny = size === "tiny";
  switch (name) {
    case "resnet50":
      return buildResNet50(tiny ? RESNET50_TINY : RESNET50_BASE);
    case "bert-base-uncased":
      return buildBert(tiny ? BERT_TINY : BERT_BASE);
    case "gpt2":
      return buildGpt2(tiny ? GPT2_TINY : GPT2_BASE);
  }
}

/**
 * Builds and writes a model version.
 * @throws ModelError MODEL_BUILD_INVALID (unknown name or size), MODEL_VERSION_INVALID,
 *   MODEL_ALREADY_EXISTS (the version folder exists and overwrite is not set).
 * @example
 *   const { dir, metadata } = await buildModel({ name: "gpt2", size: "tiny", modelsDir: "models" });
 */
export async function buildModel(
  options: BuildModelOptions,
): Promise<{ dir: string; metadata: ModelMetadata }> {
  const { name, size, modelsDir } = options;
  if (!BUILDABLE_MODELS.includes(name)) {
    throw new ModelError(
      "MODEL_BUILD_INVALID",
      `cannot build ${String(name)}: choose one of ${BUILDABLE_MODELS.join(", ")}`,
    );
  }
  if (size !== "base" && size !== "tiny") {
    throw new ModelError("MODEL_BUILD_INVALID", `size must be "base" or "tiny", not ${String(size)}`);
  }
  const version = validateModelVersion(options.version ?? "1");
  const seed = options.seed ?? DEFAULT_SEED;
  const modelName = size === "tiny" ? `${name}-tiny` : name;
  const modelDir = join(modelsDir, modelName);
  const dir = join(modelDir, version);
  const exists = await stat(dir).then(
    () => true,
    () => false,
  );
  if (exists && options.overwrite !== true) {
    throw new ModelError("MODEL_ALREADY_EXISTS", `${dir} already exists`);
  }

  const arch = architectureOf(name, size);
  const staging = join(modelDir, `.build-${version}-${randomBytes(6).toString("hex")}`);
  await mkdir(staging, { recursive: true });
  try {
    const files = await writeArchitecture(staging, arch, seed, options.onProgress);
    if (arch.labels !== undefined) await copyFile(labelListPath(arch.labels), join(staging, LABELS_FILE));
    const [main, decoder] = arch.graphs;
    const metadata: ModelMetadata = {
      schema: MODEL_METADATA_SCHEMA,
      name: modelName,
      version,
      task: arch.task,
      architecture: { name, size, seed, generator: GENERATOR_ID, config: arch.config },
      files,
      inputs: main?.graph.inputs ?? [],
      outputs: main?.graph.outputs ?? [],
      preprocessing: arch.preprocessing,
      ...(arch.labels !== undefined ? { labels: LABELS_FILE } : {}),
      parameters: arch.weights.parameterCount(),
      ...(decoder !== undefined
        ? {
            decoder_with_past: {
              path: decoder.file,
              inputs: decoder.graph.inputs,
              outputs: decoder.graph.outputs,
            },
          }
        : {}),
    };
    await writeFile(join(staging, METADATA_FILE), serializeModelMetadata(metadata), { flush: true });
    if (exists) await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return { dir, metadata };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
