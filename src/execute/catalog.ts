/**
 * The models an executor serves: found in the model repositories, checked against their
 * recorded hashes (fail closed: a model whose files changed is refused, not served), loaded
 * into the inference engine, with their labels, budgets and signed model cards.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isZeqError, type ZeqError } from "../core/errors.js";
import type { BudgetConfig, CostModel, InferenceEngine, ModelInfo } from "../inference/index.js";
import { listModels, loadModelMetadata, resolveModelDir, type ModelMetadata } from "../model/index.js";
import { verifyModelFiles, type HashProgress } from "../model/integrity.js";
import type { DsseEnvelope } from "../record/dsse.js";
import type { VerifierSet } from "../keys/index.js";
import { ModelError } from "../model/errors.js";
import { readModelCard, type ModelCardSummary } from "./model-card.js";
import { warmUp } from "./warmup.js";

export interface CatalogEntry {
  meta: ModelMetadata;
  dir: string;
  weightCheckpointSha256: string;
  engineId: string;
  /** Engine id of GPT-2's decoder with past, when the model has one. */
  decoderEngineId: string | null;
  info: ModelInfo;
  labels: string[] | null;
  budgets: BudgetConfig;
  card: { envelope: DsseEnvelope; summary: ModelCardSummary | null } | null;
}

export interface RefusedModel {
  name: string;
  version: string;
  code: string;
  message: string;
}

export interface CatalogOptions {
  /** Model repositories, searched in order; the first one holding a name wins. */
  roots: string[];
  engine: InferenceEngine;
  /** Keys whose model cards are trusted (the instance's own verifier key). */
  cardVerifiers: VerifierSet;
  onHashProgress?: (model: string) => HashProgress;
  /** Called for each model that is refused, with the reason. */
  onRefused?: (refused: RefusedModel) => void;
}

function coefficients(value: unknown, a: string, b: string): Record<string, number> | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v[a] !== "number" || typeof v[b] !== "number") return undefined;
  return { [a]: v[a], [b]: v[b] };
}

/** Budgets as model.json states them (written by compile, or by hand). */
export function budgetsOf(meta: ModelMetadata): BudgetConfig {
  const latency = coefficients(meta.budgets?.latency_ms, "a", "b");
  const memory = coefficients(meta.budgets?.memory_bytes, "c", "d");
  return {
    ...(latency ? { latencyMs: latency as { a: number; b: number } } : {}),
    ...(memory ? { memoryBytes: memory as { c: number; d: number } } : {}),
  };
}

/** The calibrated cost model (the fit before margins), which admission predicts run time from. */
export function costOf(meta: ModelMetadata): CostModel {
  const fit = (meta.budgets?.calibration as { fit?: unknown } | undefined)?.fit as
    Record<string, unknown> | undefined;
  const latency = coefficients(fit?.latency_ms, "a", "b");
  const memory = coefficients(fit?.memory_bytes, "c", "d");
  return {
    ...(latency ? { latencyMs: latency as { a: number; b: number } } : {}),
    ...(memory ? { memoryBytes: memory as { c: number; d: number } } : {}),
  };
}

async function readLabels(dir: string, meta: ModelMetadata): Promise<string[] | null> {
  if (!meta.labels) return null;
  const text = await readFile(join(dir, meta.labels), "utf8");
  return text.split("\n").filter((line, i, all) => line !== "" || i < all.length - 1);
}

export class ModelCatalog {
  private constructor(
    private readonly entries: Map<string, CatalogEntry[]>,
    readonly refused: RefusedModel[],
  ) {}

  /** Opens every model version found in the roots. Refusals are reported, not thrown. */
  static async open(options: CatalogOptions): Promise<ModelCatalog> {
    const entries = new Map<string, CatalogEntry[]>();
    const refused: RefusedModel[] = [];
    for (const root of options.roots) {
      for (const { name, versions } of await listModels(root).catch(() => [])) {
        if (entries.has(name)) continue;
        const loaded: CatalogEntry[] = [];
        for (const version of versions) {
          try {
            loaded.push(await ModelCatalog.openVersion(root, name, version, options));
          } catch (err) {
            const r = {
              name,
              version,
              code: isZeqError(err) ? err.code : "MODEL_LOAD_FAILED",
              message: err instanceof Error ? err.message : String(err),
            };
            refused.push(r);
            options.onRefused?.(r);
          }
        }
        if (loaded.length > 0) entries.set(name, loaded);
      }
    }
    return new ModelCatalog(entries, refused);
  }

  private static async openVersion(
    root: string,
    name: string,
    version: string,
    options: CatalogOptions,
  ): Promise<CatalogEntry> {
    const dir = await resolveModelDir(root, name, version);
    const meta = await loadModelMetadata(dir);
    const digest = await verifyModelFiles(dir, meta, options.onHashProgress?.(`${name}/${version}`));
    const budgets = budgetsOf(meta);
    const cost = costOf(meta);
    const engineId = `${name}/${version}`;
    const info = await options.engine.load(engineId, join(dir, "model.onnx"), { budgets, cost });
    let decoderEngineId: string | null = null;
    if (meta.decoder_with_past) {
      decoderEngineId = `${engineId}#decoder_with_past`;
      await options.engine.load(decoderEngineId, join(dir, meta.decoder_with_past.path), { budgets, cost });
    }
    await warmUp(options.engine, engineId, decoderEngineId, meta);
    const card = await readModelCard(dir, meta, digest.weightCheckpointSha256, options.cardVerifiers);
    return {
      meta,
      dir,
      weightCheckpointSha256: digest.weightCheckpointSha256,
      engineId,
      decoderEngineId,
      info,
      labels: await readLabels(dir, meta),
      budgets,
      card,
    };
  }

  /** All served model versions, newest version of each name first. */
  list(): CatalogEntry[] {
    return [...this.entries.values()].flatMap((versions) => [...versions].reverse());
  }

  /**
   * The served version of a model (the latest when no version is given).
   * @throws {ModelError} MODEL_NOT_FOUND, also for models that were refused at start
   */
  get(name: string, version?: string): CatalogEntry {
    const versions = this.entries.get(name);
    const entry =
      version === undefined
        ? versions?.[versions.length - 1]
        : versions?.find((e) => e.meta.version === version);
    if (!entry) {
      const refusal = this.refused.find(
        (r) => r.name === name && (version === undefined || r.version === version),
      );
      const why = refusal ? `; it was refused at start: ${refusal.message}` : "";
      const err: ZeqError = new ModelError(
        "MODEL_NOT_FOUND",
        `no model ${JSON.stringify(name)}${version ? ` version ${JSON.stringify(version)}` : ""} is served${why}`,
      );
      throw err;
    }
    return entry;
  }
}
