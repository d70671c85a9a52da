/**
 * CS43/CS44 budgets calibrated from measured runs. The engine runs a fresh session at
 * several input sizes (one warm-up, then `repeats` timed runs each), alone and then as many
 * at once as the server runs workers by default (serverWorkers()), fits
 * T(n) = a + b·n·log2(n+1) ms to the slower of the two medians per size (relative least
 * squares) and S(n) = c + d·n bytes as an envelope of the working memory measured alone;
 * the budgets are the fits × (1 + margin) plus a slack, raised to hold every measured size.
 *
 * n is what the executor uses for the budget functions (src/execute/feeds.ts): tokens for
 * text models, pixels H·W for images, the element count of the largest input for raw
 * tensors. The calibration inputs are synthesised from the declared inputs: batch 1, the
 * sequence (or every symbolic dimension) set to the size being measured.
 */
import {
  serverWorkers,
  type Feeds,
  type IoInfo,
  type InferenceEngine,
  type TensorDtype,
  type TensorValue,
} from "../../inference/index.js";
import type { JsonValue } from "../../core/canonical-json.js";
import type { ModelMetadata } from "../metadata.js";
import { CompileError } from "./errors.js";

export interface BudgetCalibrationOptions {
  /** Sizes to measure: tokens for text models; for raw-tensor models the value every symbolic dimension takes. */
  sizes?: readonly number[];
  /** Timed runs per size; default 5. */
  repeats?: number;
  /** Budget = fit × (1 + margin) + slack; default 1 (DEFAULT_MARGIN). */
  margin?: number;
  /**
   * Sessions timed at once besides the run alone; default: as many as `serve` runs workers
   * by default (serverWorkers()). 1 times runs alone only.
   */
  concurrency?: number;
}

// Runs vary: on the build machine, resnet50's forward passes under serving load (one per
// core) have a p99 about 1.5× their median, and a call admitted behind another waits part of
// a run. A budget of 2× the median (plus the slack) holds both; 1.5× was missed by the tail.
export const DEFAULT_MARGIN = 1;
// What a fit of session.run alone does not see: handing inputs to a worker thread and the
// outputs back (a BERT logit tensor is ~4 bytes × tokens × 30522), scheduling under load.
// Measured 2–6 ms warm on an idle 2-core machine, up to ~15 ms at load average 2.
export const LATENCY_SLACK_MS = 20;
export const MEMORY_SLACK_BYTES = 8 * 2 ** 20;
/** Raw-tensor calibration keeps every synthesised input under this many elements. */
const MAX_SYNTH_ELEMENTS = 1 << 22;

export type InputSizeUnit = "tokens" | "pixels" | "elements";

interface Plan {
  unit: InputSizeUnit;
  /** n → feeds; n as the executor computes it. */
  feeds: Map<number, Feeds>;
  /** What was asked (tokens, or the symbolic-dimension value for raw tensors), per n. */
  requested: Map<number, number>;
}

function pattern(dtype: TensorDtype, count: number, name: string): TensorValue["data"] {
  switch (dtype) {
    case "float32":
    case "float64": {
      const out = dtype === "float32" ? new Float32Array(count) : new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = ((i * 7919) % 2001) / 1000 - 1;
      return out;
    }
    case "int64": {
      const out = new BigInt64Array(count);
      if (name === "attention_mask") out.fill(1n);
      else if (name === "input_ids") for (let i = 0; i < count; i++) out[i] = BigInt(1000 + (i % 1000));
      return out;
    }
    case "int32":
      return new Int32Array(count);
    case "int16":
      return new Int16Array(count);
    case "int8":
      return new Int8Array(count);
    case "uint8":
    case "bool":
      return new Uint8Array(count);
    case "uint16":
    case "float16":
      return new Uint16Array(count);
    case "uint32":
      return new Uint32Array(count);
    case "uint64":
      return new BigUint64Array(count);
  }
}

/** Feeds with every symbolic dimension resolved by `dimFor(axis)`. */
export function synthesize(declared: readonly IoInfo[], dimFor: (axis: number) => number): Feeds {
  const feeds: Feeds = {};
  for (const d of declared) {
    const dims = d.dims.map((x, axis) => (typeof x === "number" ? x : dimFor(axis)));
    const count = dims.reduce((a, b) => a * b, 1);
    feeds[d.name] = { dtype: d.dtype, dims, data: pattern(d.dtype, count, d.name) };
  }
  return feeds;
}

/** Default sizes: a spread up to the model's maximum (at most 512 tokens, to keep compile minutes short). */
export function defaultCalibrationSizes(meta: ModelMetadata): number[] {
  const pre = meta.preprocessing;
  if (pre.kind === "bert-wordpiece" || pre.kind === "gpt2-bpe") {
    const cap = Math.min(512, pre.max_length);
    return [...new Set([8, 32, 128, cap].map((n) => Math.min(n, cap)))];
  }
  if (pre.kind === "imagenet") return [pre.crop];
  return [1, 4, 16, 64];
}

function plan(meta: ModelMetadata, declared: readonly IoInfo[], sizes: readonly number[]): Plan {
  const pre = meta.preprocessing;
  const feeds = new Map<number, Feeds>();
  const requested = new Map<number, number>();
  if (pre.kind === "bert-wordpiece" || pre.kind === "gpt2-bpe") {
    for (const n of sizes) {
      feeds.set(
        n,
        synthesize(declared, (axis) => (axis === 0 ? 1 : n)),
      );
      requested.set(n, n);
    }
    return { unit: "tokens", feeds, requested };
  }
  if (pre.kind === "imagenet") {
    const side = pre.crop;
    feeds.set(
      side * side,
      synthesize(declared, (axis) => (axis === 0 ? 1 : side)),
    );
    requested.set(side * side, side);
    return { unit: "pixels", feeds, requested };
  }
  for (const s of sizes) {
    const f = synthesize(declared, () => s);
    const n = Object.values(f).reduce((m, t) => Math.max(m, t.data.length), 0);
    if (n > MAX_SYNTH_ELEMENTS || feeds.has(n)) continue;
    feeds.set(n, f);
    requested.set(n, s);
  }
  return { unit: "elements", feeds, requested };
}

/**
 * Measures the loaded model and returns the model.json `budgets` object.
 * @throws {CompileError} COMPILE_CALIBRATION_FAILED when no size can be measured;
 *   COMPILE_OPTIONS_INVALID for unusable options
 */
export async function calibrateBudgets(
  engine: InferenceEngine,
  modelId: string,
  meta: ModelMetadata,
  options: BudgetCalibrationOptions = {},
): Promise<{ [key: string]: JsonValue }> {
  const sizes = options.sizes ?? defaultCalibrationSizes(meta);
  if (sizes.length === 0 || sizes.some((n) => !Number.isSafeInteger(n) || n < 1 || n > 1 << 20)) {
    throw new CompileError(
      "COMPILE_OPTIONS_INVALID",
      "calibration sizes must be integers between 1 and 2^20",
    );
  }
  const margin = options.margin ?? DEFAULT_MARGIN;
  const concurrency = options.concurrency ?? serverWorkers();
  const p = plan(meta, engine.info(modelId).inputs, sizes);
  if (p.feeds.size === 0) {
    throw new CompileError(
      "COMPILE_CALIBRATION_FAILED",
      `${meta.name}: no calibration input fits in ${MAX_SYNTH_ELEMENTS} elements`,
    );
  }
  const ns = [...p.feeds.keys()].sort((a, b) => a - b);
  let c;
  try {
    c = await engine.calibrate(modelId, {
      sizes: ns,
      feedsFor: (n) => p.feeds.get(n)!,
      repeats: options.repeats ?? 5,
      margin,
      latencySlackMs: LATENCY_SLACK_MS,
      memorySlackBytes: MEMORY_SLACK_BYTES,
      concurrency,
    });
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new CompileError("COMPILE_CALIBRATION_FAILED", `${meta.name}: calibration runs failed: ${why}`, {
      cause,
    });
  }
  return {
    latency_ms: { a: c.suggestedBudgets.latencyMs.a, b: c.suggestedBudgets.latencyMs.b },
    memory_bytes: { c: c.suggestedBudgets.memoryBytes.c, d: c.suggestedBudgets.memoryBytes.d },
    input_size: p.unit,
    calibration: {
      sizes: ns,
      ...(p.unit === "elements" ? { symbolic_dim_values: ns.map((n) => p.requested.get(n)!) } : {}),
      repeats: options.repeats ?? 5,
      margin,
      latency_slack_ms: LATENCY_SLACK_MS,
      memory_slack_bytes: MEMORY_SLACK_BYTES,
      concurrency,
      memory_method: c.method,
      exclusive: c.exclusive,
      samples: c.samples.map((s) => ({
        n: s.n,
        median_ms: s.medianMs,
        ...(s.concurrentMedianMs === undefined ? {} : { concurrent_median_ms: s.concurrentMedianMs }),
        cold_bytes: s.coldBytes,
      })),
      fit: {
        latency_ms: { a: c.cost.latencyMs.a, b: c.cost.latencyMs.b },
        memory_bytes: { c: c.cost.memoryBytes.c, d: c.cost.memoryBytes.d },
      },
    },
  };
}
