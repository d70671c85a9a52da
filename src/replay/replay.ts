/**
 * Replay: re-run the forward pass a receipt records and compare. A pipeline of named steps:
 *
 *   receipt (offline verification) → record → model (files hash to the recorded weight
 *   checkpoint) → input (retained tensor bundle, each tensor matching its recorded digest)
 *   → run → compare
 *
 * Compare is bit-exact when the numeric environment matches the record's (same runtime
 * version, execution provider, graph optimisation level, thread counts and CPU), else within
 * a tolerance: max_i |a_i − r_i| / max_i |r_i| ≤ 1e-3 by default.
 */
import { join } from "node:path";
import type { BlobStore } from "../blob/store.js";
import { decodeTensorBundle } from "../blob/tensor-bundle.js";
import { isZeqError, ZeqError } from "../core/errors.js";
import { InferenceEngine, type GraphOptimizationLevel, type RunResult } from "../inference/index.js";
import type { VerifierSet } from "../keys/index.js";
import { loadModelMetadata, resolveModelDir } from "../model/index.js";
import { verifyModelFiles } from "../model/integrity.js";
import { decodeComputeRecord } from "../record/encode.js";
import type { ComputeRecord } from "../record/schema.js";
import { tensorDigest, type TensorData } from "../record/tensor-digest.js";
import { verifyReceipt } from "../verify/index.js";

export const REPLAY_STEPS = ["receipt", "record", "model", "input", "run", "compare"] as const;
export type ReplayStep = (typeof REPLAY_STEPS)[number];

export type ReplayErrorCode =
  | "REPLAY_MODEL_CHANGED"
  | "REPLAY_INPUT_UNAVAILABLE"
  | "REPLAY_INPUT_MISMATCH"
  | "REPLAY_OUTPUT_MISMATCH"
  | "REPLAY_OUTPUT_UNAVAILABLE";

export class ReplayError extends ZeqError<ReplayErrorCode | string> {
  constructor(
    readonly step: ReplayStep,
    code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${step}: ${message}`, options);
  }
}

export interface ReplayOptions {
  verifiers: VerifierSet;
  modelRoots: string[];
  blobs: BlobStore;
  /** Relative tolerance when the environment differs. Default 1e-3. */
  tolerance?: number;
}

export interface OutputComparison {
  name: string;
  bitExact: boolean;
  /** max |a − r| / max |r|, or null when only digests could be compared. */
  relativeMaxDelta: number | null;
  within: boolean;
}

export interface ReplayReport {
  steps: ReplayStep[];
  record: ComputeRecord;
  environmentMatches: boolean;
  mode: "bit-exact" | "tolerance";
  tolerance: number;
  outputs: OutputComparison[];
}

async function step<T>(name: ReplayStep, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ReplayError) throw err;
    if (isZeqError(err)) throw new ReplayError(name, err.code, err.message, { cause: err });
    throw err;
  }
}

function sameEnvironment(a: ComputeRecord["environment"], b: ComputeRecord["environment"]): boolean {
  return (
    a.runtime_version === b.runtime_version &&
    a.execution_provider === b.execution_provider &&
    a.graph_optimization_level === b.graph_optimization_level &&
    a.intra_op_threads === b.intra_op_threads &&
    a.inter_op_threads === b.inter_op_threads &&
    a.cpu === b.cpu &&
    a.platform === b.platform
  );
}

function relativeMaxDelta(a: ArrayLike<number>, r: ArrayLike<number>): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < r.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(Number(a[i]) - Number(r[i])));
    maxRef = Math.max(maxRef, Math.abs(Number(r[i])));
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}

async function recordedValues(
  out: ComputeRecord["outputs"][number],
  blobs: BlobStore,
): Promise<ArrayLike<number> | null> {
  if (out.values) return out.values;
  if (!out.blob_sha256) return null;
  const [tensor] = decodeTensorBundle(await blobs.get(out.blob_sha256));
  if (!tensor || tensorDigest(tensor.dtype, tensor.shape, tensor.data) !== out.sha256) {
    throw new ReplayError(
      "compare",
      "REPLAY_OUTPUT_UNAVAILABLE",
      `the kept bytes of output ${out.name} do not match its digest`,
    );
  }
  return tensor.data as unknown as ArrayLike<number>;
}

/**
 * Replays one receipt. Throws a ReplayError naming the failing step; returns the report when
 * every step passes.
 */
export async function replayReceipt(receipt: unknown, options: ReplayOptions): Promise<ReplayReport> {
  const tolerance = options.tolerance ?? 1e-3;
  const verified = await step("receipt", () => verifyReceipt(receipt, options.verifiers));
  const record = await step("record", () => decodeComputeRecord(verified.payload));
  const { dir } = await step("model", async () => {
    let found: string | null = null;
    for (const root of options.modelRoots) {
      try {
        found = await resolveModelDir(root, record.model.name, record.model.version);
        break;
      } catch {
        // try the next repository
      }
    }
    if (!found) {
      throw new ReplayError(
        "model",
        "MODEL_NOT_FOUND",
        `model ${record.model.name}/${record.model.version} is not in ${options.modelRoots.join(", ")}`,
      );
    }
    const meta = await loadModelMetadata(found);
    const digest = await verifyModelFiles(found, meta);
    if (digest.weightCheckpointSha256 !== record.model.weight_checkpoint_sha256) {
      throw new ReplayError(
        "model",
        "REPLAY_MODEL_CHANGED",
        `the model files hash to ${digest.weightCheckpointSha256}, the record names ${record.model.weight_checkpoint_sha256}`,
      );
    }
    return { dir: found };
  });
  const feeds = await step("input", async () => {
    if (!record.input.retained_blob_sha256) {
      throw new ReplayError(
        "input",
        "REPLAY_INPUT_UNAVAILABLE",
        "the record kept no input (retention was off)",
      );
    }
    const tensors = decodeTensorBundle(await options.blobs.get(record.input.retained_blob_sha256));
    record.input.tensors.forEach((expected, i) => {
      const t = tensors[i];
      if (!t || t.name !== expected.name || tensorDigest(t.dtype, t.shape, t.data) !== expected.sha256) {
        throw new ReplayError(
          "input",
          "REPLAY_INPUT_MISMATCH",
          `retained tensor ${expected.name} does not match the record`,
        );
      }
    });
    return tensors;
  });
  const env = record.environment;
  const run: RunResult = await step("run", async () => {
    const engine = await InferenceEngine.start({
      workers: 1,
      session: {
        graphOptimizationLevel: env.graph_optimization_level as GraphOptimizationLevel,
        intraOpNumThreads: env.intra_op_threads,
        interOpNumThreads: env.inter_op_threads,
      },
    });
    try {
      await engine.load("replay", join(dir, record.model.file));
      return await engine.run(
        "replay",
        Object.fromEntries(feeds.map((t) => [t.name, { dtype: t.dtype, dims: t.shape, data: t.data }])),
      );
    } finally {
      await engine.close();
    }
  });
  const environmentMatches = sameEnvironment(env, run.environment);
  const outputs = await step("compare", async () => {
    const results: OutputComparison[] = [];
    for (const out of record.outputs) {
      const got = run.outputs[out.name];
      if (!got)
        throw new ReplayError(
          "compare",
          "REPLAY_OUTPUT_MISMATCH",
          `the replay produced no output ${out.name}`,
        );
      const bitExact = tensorDigest(got.dtype, got.dims, got.data as TensorData) === out.sha256;
      const expected = bitExact ? null : await recordedValues(out, options.blobs);
      const delta = expected
        ? relativeMaxDelta(got.data as unknown as ArrayLike<number>, expected)
        : bitExact
          ? 0
          : null;
      const within = bitExact || (!environmentMatches && delta !== null && delta <= tolerance);
      results.push({ name: out.name, bitExact, relativeMaxDelta: delta, within });
      if (!within) {
        const why = environmentMatches
          ? "the environment matches the record, so the output must be bit-identical, and it is not"
          : delta === null
            ? "the recorded values were not kept, so only a bit-exact match could pass"
            : `relative max delta ${delta.toExponential(3)} exceeds the tolerance ${tolerance}`;
        throw new ReplayError("compare", "REPLAY_OUTPUT_MISMATCH", `output ${out.name}: ${why}`);
      }
    }
    return results;
  });
  return {
    steps: [...REPLAY_STEPS],
    record,
    environmentMatches,
    mode: environmentMatches ? "bit-exact" : "tolerance",
    tolerance,
    outputs,
  };
}
