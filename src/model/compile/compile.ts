/**
 * The compile step: from a model version on disk to its signed model card.
 *
 *   1. hash      every file against model.json, and the weight-checkpoint hash (streamed)
 *   2. inspect   each ONNX graph: interface, opsets, nodes; the per-tensor manifest (streamed)
 *   3. cost      parameters and FLOPs as functions of n (closed form and graph count)
 *   4. precision the reference vectors run through the inference engine, compared with PyTorch
 *   5. budgets   CS43/CS44 calibrated from measured runs, written into model.json
 *   6. sign      the in-toto statement in a DSSE envelope: model-card.dsse.json
 *
 * A model whose files differ from model.json is refused (MODEL_FILES_MISMATCH), and so is
 * one whose outputs miss the reference by more than the error budget: a card is never
 * signed for weights or numerics that were not checked.
 */
import { randomBytes } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { JsonValue } from "../../core/canonical-json.js";
import type { Signer } from "../../keys/signer.js";
import { InferenceEngine } from "../../inference/index.js";
import { buildModelCardStatement, signModelCard, writeModelCard, type ModelCardStatement } from "../card.js";
import { ModelError } from "../errors.js";
import { verifyModelFiles } from "../integrity.js";
import { buildTensorManifest } from "../manifest.js";
import { serializeModelMetadata, type ModelMetadata } from "../metadata.js";
import { readOnnxGraph } from "../onnx/reader.js";
import type { OnnxGraphInfo } from "../onnx/graph-info.js";
import { METADATA_FILE, loadModelMetadata, resolveModelDir } from "../repository.js";
import type { DsseEnvelope } from "../../record/dsse.js";
import { calibrateBudgets, type BudgetCalibrationOptions } from "./calibration.js";
import { CompileError } from "./errors.js";
import { readGraphNodes } from "./graph-nodes.js";
import { codeVersion } from "./provenance.js";
import { runReferenceCheck, type ReferenceCheck } from "./reference-check.js";
import { locateReference, type LocatedReference } from "./reference-source.js";
import { costSection, graphSummary, precisionOf } from "./predicate.js";

/** The error budget: logits within 0.1 % of PyTorch's. */
export const ERROR_BUDGET = 1e-3;
/** The conformance target: 1e-5 relative (0.001 %). */
export const CONFORMANCE_TARGET = 1e-5;

export type CompileStage = "hash" | "manifest" | "reference" | "calibrate" | "sign";

export interface CompileProgress {
  stage: CompileStage;
  /** Bytes hashed so far for "hash" and "manifest"; 0 (starting) or 1 (finished) for the other stages. */
  done: number;
  total: number;
  /** The file or tensor being hashed, or what the stage is doing. */
  detail: string;
}

export interface CompileOptions {
  modelsDir: string;
  name: string;
  /** Default: the latest version. */
  version?: string;
  signer: Signer;
  /** An engine to use (left open); by default one worker is started and closed. */
  engine?: InferenceEngine;
  /** Reference vectors: a file, `null` for none, or undefined to use the model's own or the committed ones. */
  reference?: string | null;
  /** Calibration options, or false to keep model.json's budgets as they are. */
  calibrate?: BudgetCalibrationOptions | false;
  /** The error budget the reference check must meet (default 1e-3). */
  tolerance?: number;
  onProgress?: (p: CompileProgress) => void;
  /** Clock for compiled_at (tests). */
  now?: () => Date;
}

export interface CompileResult {
  dir: string;
  meta: ModelMetadata;
  statement: ModelCardStatement;
  envelope: DsseEnvelope;
  cardPath: string;
  reference: (ReferenceCheck & { source: LocatedReference }) | null;
  /** Things a person should know (no reference vectors, vectors for other weights, ...). */
  notes: string[];
}

/** model.json's declared interface must be the graph's (names and dtypes, in order). */
function checkInterface(meta: ModelMetadata, graph: OnnxGraphInfo): void {
  const sig = (list: ReadonlyArray<{ name: string; dtype: string }>): string =>
    list.map((t) => `${t.name}:${t.dtype}`).join(",");
  if (sig(meta.inputs) !== sig(graph.inputs) || sig(meta.outputs) !== sig(graph.outputs)) {
    throw new ModelError(
      "MODEL_METADATA_INVALID",
      `${meta.name}/${meta.version}: model.json declares inputs ${sig(meta.inputs)} → ${sig(meta.outputs)}, model.onnx has ${sig(graph.inputs)} → ${sig(graph.outputs)}`,
    );
  }
}

async function writeMetadata(dir: string, meta: ModelMetadata): Promise<void> {
  const path = join(dir, METADATA_FILE);
  const tmp = `${path}.tmp-${randomBytes(4).toString("hex")}`;
  await writeFile(tmp, serializeModelMetadata(meta), { flush: true });
  await rename(tmp, path);
}

/**
 * Compiles a model version and writes its signed card (and its calibrated budgets).
 * @throws {ModelError} MODEL_NOT_FOUND, MODEL_METADATA_INVALID, MODEL_FILES_MISMATCH, MODEL_ONNX_*
 * @throws {CompileError} COMPILE_REFERENCE_INVALID, COMPILE_REFERENCE_MISMATCH,
 *   COMPILE_PRECISION_EXCEEDED, COMPILE_CALIBRATION_FAILED, COMPILE_OPTIONS_INVALID
 * @throws {InferenceError} when the model cannot be loaded or run
 */
export async function compileModel(options: CompileOptions): Promise<CompileResult> {
  const tolerance = options.tolerance ?? ERROR_BUDGET;
  if (!(tolerance > 0 && tolerance < 1))
    throw new CompileError("COMPILE_OPTIONS_INVALID", "tolerance must be in (0, 1)");
  const progress = (stage: CompileStage, done: number, total: number, detail = ""): void =>
    options.onProgress?.({ stage, done, total, detail });
  const dir = await resolveModelDir(options.modelsDir, options.name, options.version);
  let meta = await loadModelMetadata(dir);
  const notes: string[] = [];

  const digest = await verifyModelFiles(dir, meta, (done, total, file) =>
    progress("hash", done, total, file),
  );
  const onnxFiles = meta.files.filter((f) => f.path.endsWith(".onnx"));
  const graphs = [];
  for (const f of onnxFiles) graphs.push({ path: f.path, info: await readOnnxGraph(join(dir, f.path)) });
  const main = graphs.find((g) => g.path === "model.onnx")!;
  checkInterface(meta, main.info);
  const manifest = await buildTensorManifest(dir, graphs, (done, total, tensor) =>
    progress("manifest", done, total, tensor),
  );
  const nodes = await readGraphNodes(join(dir, "model.onnx"));
  const initializers = main.info.initializers;

  const engine = options.engine ?? (await InferenceEngine.start({ workers: 1 }));
  const modelId = `compile:${meta.name}/${meta.version}:${randomBytes(4).toString("hex")}`;
  const decoderId = meta.decoder_with_past ? `${modelId}#decoder_with_past` : null;
  let reference: CompileResult["reference"] = null;
  let budgets = meta.budgets ?? null;
  try {
    await engine.load(modelId, join(dir, "model.onnx"));
    if (decoderId !== null) await engine.load(decoderId, join(dir, meta.decoder_with_past!.path));

    progress("reference", 0, 1, "running the reference inputs");
    const located = await locateReference(dir, meta, digest.weightCheckpointSha256, options.reference);
    notes.push(...located.notes);
    if (located.reference !== null) {
      const check = await runReferenceCheck({
        engine,
        modelId,
        decoderId,
        vectors: located.reference.vectors,
        tolerance,
      });
      reference = { ...check, source: located.reference };
      const s = check.summary;
      if (!(s.logits_max_delta_vs_torch <= tolerance) || s.argmax_flips > 0) {
        throw new CompileError(
          "COMPILE_PRECISION_EXCEEDED",
          `${meta.name}/${meta.version}: outputs differ from the reference by ${s.logits_max_delta_vs_torch} relative ` +
            `(error budget ${tolerance}), ${s.argmax_flips} argmax flip(s) beyond near ties; no card is signed`,
        );
      }
      if (s.compared_elements === 0) notes.push("the reference vectors hold nothing this model outputs");
    }
    progress("reference", 1, 1);

    if (options.calibrate !== false) {
      progress("calibrate", 0, 1, "measuring latency and memory at several input sizes");
      const calibrated = await calibrateBudgets(engine, modelId, meta, options.calibrate ?? {});
      budgets = { ...(meta.budgets ?? {}), ...calibrated };
      meta = { ...meta, budgets };
      await writeMetadata(dir, meta);
      progress("calibrate", 1, 1);
    }
    const environment = { ...engine.environment } as { [key: string]: JsonValue };

    progress("sign", 0, 1, "signing the model card");
    const statement = buildModelCardStatement(meta, {
      model: { name: meta.name, version: meta.version, task: meta.task, architecture: meta.architecture },
      weight_checkpoint_sha256: digest.weightCheckpointSha256,
      weight_checkpoint_files: meta.files.map((f) => f.path),
      graphs: graphs.map((g) => graphSummary(meta, g.path, g.info)),
      io: {
        inputs: meta.inputs,
        outputs: meta.outputs,
        decoder_with_past: meta.decoder_with_past ?? null,
      },
      manifest,
      parameters: meta.parameters,
      cost: costSection(meta, initializers, nodes),
      precision: reference === null ? null : precisionOf(reference, tolerance),
      budgets,
      environment,
      code: await codeVersion(),
      compiled_at: (options.now?.() ?? new Date()).toISOString(),
    });
    const envelope = signModelCard(statement, options.signer);
    const cardPath = await writeModelCard(dir, envelope);
    progress("sign", 1, 1);
    return { dir: resolve(dir), meta, statement, envelope, cardPath, reference, notes };
  } finally {
    await engine.unload(modelId).catch(() => {});
    if (decoderId !== null) await engine.unload(decoderId).catch(() => {});
    if (options.engine === undefined) await engine.close();
  }
}
