/**
 * Conformance of the three reference models: each one's logits through onnxruntime (the
 * inference engine) against the PyTorch vectors committed under reference/vectors/, judged
 * against a target of 1e-5 relative max delta (0.001 %), with argmax and top-5 agreement.
 * With `python`, PyTorch is also re-run live on the same weights and compared the same way.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isZeqError } from "../../core/errors.js";
import { InferenceEngine } from "../../inference/index.js";
import { BUILDABLE_MODELS, type ModelSize } from "../builders/build.js";
import { verifyModelFiles } from "../integrity.js";
import { loadModelMetadata, resolveModelDir } from "../repository.js";
import { CONFORMANCE_TARGET } from "./compile.js";
import { builtInVectorsPath } from "./provenance.js";
import { makeLiveVectors } from "./python-reference.js";
import { runReferenceCheck, type ReferenceCheck } from "./reference-check.js";
import { readReferenceVectors, vectorsMatchWeights, type ReferenceVectors } from "./reference-vectors.js";

export interface ConformanceResult {
  delta: number;
  argmax_agree: number;
  top5_agree: number;
  argmax_flips: number;
  rows: number;
  status: "pass" | "fail";
}

export interface ConformanceRow {
  model: string;
  version: string | null;
  /** "missing": not built or no vectors; "error": could not be checked (see detail). */
  status: "pass" | "fail" | "missing" | "error";
  committed: ConformanceResult | null;
  /** Against PyTorch re-run live (with `python`), else null. */
  live: ConformanceResult | null;
  detail: string;
}

export interface ConformanceOptions {
  modelsDir: string;
  size: ModelSize;
  python?: boolean;
  /** Default 1e-5. */
  target?: number;
  /** An engine to use (left open); by default one worker is started and closed. */
  engine?: InferenceEngine;
  onStatus?: ((line: string) => void) | undefined;
}

function judge(check: ReferenceCheck, target: number): ConformanceResult {
  const s = check.summary;
  const pass = s.logits_max_delta_vs_torch <= target && s.argmax_flips === 0 && s.compared_elements > 0;
  return {
    delta: s.logits_max_delta_vs_torch,
    argmax_agree: s.argmax_agree,
    top5_agree: s.top5_agree,
    argmax_flips: s.argmax_flips,
    rows: s.rows,
    status: pass ? "pass" : "fail",
  };
}

/**
 * Checks resnet50, bert-base-uncased and gpt2 at one size; a model that is not built, or
 * has no committed vectors, is a "missing" row rather than an error.
 * @throws {InferenceError} only when the engine cannot start
 */
export async function runConformance(o: ConformanceOptions): Promise<ConformanceRow[]> {
  const target = o.target ?? CONFORMANCE_TARGET;
  const engine = o.engine ?? (await InferenceEngine.start({ workers: 1 }));
  const rows: ConformanceRow[] = [];
  try {
    for (const arch of BUILDABLE_MODELS) {
      const name = o.size === "tiny" ? `${arch}-tiny` : arch;
      o.onStatus?.(`conformance: ${name}`);
      rows.push(await checkOne(engine, o, arch, name, target));
    }
  } finally {
    if (o.engine === undefined) await engine.close();
  }
  return rows;
}

async function checkOne(
  engine: InferenceEngine,
  o: ConformanceOptions,
  arch: string,
  name: string,
  target: number,
): Promise<ConformanceRow> {
  const row: ConformanceRow = {
    model: name,
    version: null,
    status: "missing",
    committed: null,
    live: null,
    detail: "",
  };
  let dir: string;
  try {
    dir = await resolveModelDir(o.modelsDir, name);
  } catch (err) {
    if (!isZeqError(err, "MODEL_NOT_FOUND")) throw err;
    row.detail = `not built (zeq-np models build --size ${o.size} --name ${arch})`;
    return row;
  }
  const id = `conformance:${name}`;
  const decoderId = `${id}#decoder_with_past`;
  try {
    const meta = await loadModelMetadata(dir);
    row.version = meta.version;
    const digest = await verifyModelFiles(dir, meta);
    const path = builtInVectorsPath(arch, o.size);
    if (path === null) {
      row.detail = `no committed vectors reference/vectors/${arch}-${o.size}.json`;
      return row;
    }
    const committed = await readReferenceVectors(path);
    if (!vectorsMatchWeights(committed, meta.files, digest.weightCheckpointSha256)) {
      row.status = "error";
      row.detail = "the committed vectors were made from other weights (another seed?)";
      return row;
    }
    await engine.load(id, join(dir, "model.onnx"));
    const hasDecoder = meta.decoder_with_past !== undefined;
    if (hasDecoder) await engine.load(decoderId, join(dir, meta.decoder_with_past!.path));
    const check = (vectors: ReferenceVectors): Promise<ReferenceCheck> =>
      runReferenceCheck({
        engine,
        modelId: id,
        decoderId: hasDecoder ? decoderId : null,
        vectors,
        tolerance: target,
      });
    row.committed = judge(await check(committed), target);
    if (o.python === true) {
      const tmp = await mkdtemp(join(tmpdir(), "zeq-np-live-"));
      try {
        o.onStatus?.(`conformance: ${name}: running PyTorch live`);
        await makeLiveVectors(dir, join(tmp, "live.json"));
        row.live = judge(await check(await readReferenceVectors(join(tmp, "live.json"))), target);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    }
    const results = [row.committed, row.live].filter((r) => r !== null);
    row.status = results.every((r) => r.status === "pass") ? "pass" : "fail";
    row.detail = `${committed.inputs.length} inputs, ${row.committed.rows} positions`;
  } catch (err) {
    if (!isZeqError(err)) throw err;
    row.status = "error";
    row.detail = `${err.code}: ${err.message}`;
  } finally {
    await engine.unload(id).catch(() => {});
    await engine.unload(decoderId).catch(() => {});
  }
  return row;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** The table `models conformance` prints: one row per model (and per live re-run). */
export function formatConformanceTable(rows: readonly ConformanceRow[], target = CONFORMANCE_TARGET): string {
  const head = [
    "model",
    "reference",
    "max rel. delta",
    "error %",
    "argmax",
    "top-5",
    `≤ ${target.toExponential()}`,
  ];
  const body: string[][] = [];
  for (const r of rows) {
    const results: Array<[string, ConformanceResult | null]> = [["committed torch", r.committed]];
    if (r.live !== null) results.push(["live torch", r.live]);
    for (const [label, c] of results) {
      if (c === null) {
        body.push([r.model, label, "—", "—", "—", "—", `${r.status}: ${r.detail}`]);
        continue;
      }
      body.push([
        r.model,
        label,
        c.delta.toExponential(2),
        `${(c.delta * 100).toExponential(2)} %`,
        pct(c.argmax_agree),
        pct(c.top5_agree),
        c.status,
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
