/**
 * The reference check: runs the inputs of a reference-vectors file through onnxruntime (the
 * inference engine, exactly as a served call would) and compares every output the
 * reference states. KV-cache steps run the prefix through the decoder with an empty past,
 * then the step with the past it produced, as the generation path does.
 */
import type { Feeds, InferenceEngine, IoInfo, TensorValue } from "../../inference/index.js";
import { CompileError } from "./errors.js";
import {
  compareTensor,
  summarizePrecision,
  type PrecisionSummary,
  type TensorComparison,
} from "./precision.js";
import type { RefInput, ReferenceVectors } from "./reference-vectors.js";

export interface ReferenceCheckOptions {
  engine: InferenceEngine;
  /** Engine id of the loaded model.onnx. */
  modelId: string;
  /** Engine id of the loaded decoder with past, or null when the model has none. */
  decoderId: string | null;
  vectors: ReferenceVectors;
  /** Near-tie threshold for argmax flips (relative); default 1e-3, the error budget. */
  tolerance?: number;
}

export interface ReferenceCheck {
  comparisons: TensorComparison[];
  summary: PrecisionSummary;
  /** Inputs that could not be run (a KV step without a decoder), and outputs we do not produce. */
  skipped: string[];
}

const int64 = (values: readonly number[]): BigInt64Array => BigInt64Array.from(values, (v) => BigInt(v));

/** Feeds for the model's declared inputs from the input's tensors; extra tensors are ignored. */
function feedsFor(input: RefInput, declared: readonly IoInfo[], extra: Feeds = {}): Feeds {
  const feeds: Feeds = {};
  for (const d of declared) {
    if (extra[d.name] !== undefined) {
      feeds[d.name] = extra[d.name]!;
      continue;
    }
    const t = input.tensors.find((x) => x.name === d.name);
    if (t === undefined || t.data === null) {
      throw new CompileError(
        "COMPILE_REFERENCE_INVALID",
        `reference input ${input.id} has no tensor for the model's input ${d.name}`,
      );
    }
    feeds[d.name] = { dtype: t.dtype, dims: [...t.dims], data: t.data };
  }
  return feeds;
}

async function runPastStep(o: ReferenceCheckOptions, input: RefInput): Promise<Record<string, TensorValue>> {
  const decoder = o.engine.info(o.decoderId!);
  const prefix = input.prefixIds ?? [];
  const p = prefix.length;
  const first: Feeds = {
    input_ids: { dtype: "int64", dims: [1, p], data: int64(prefix) },
    position_ids: { dtype: "int64", dims: [1, p], data: int64(prefix.map((_, i) => i)) },
    attention_mask: { dtype: "int64", dims: [1, p], data: int64(prefix.map(() => 1)) },
  };
  for (const d of decoder.inputs) {
    if (!d.name.startsWith("past_key_values.")) continue;
    const dims = d.dims.map((x, axis) => (typeof x === "number" ? x : axis === 0 ? 1 : 0));
    if (dims.length !== 4 || dims[1] === 0 || dims[3] === 0) {
      throw new CompileError(
        "COMPILE_REFERENCE_INVALID",
        `decoder input ${d.name} has no fixed heads and head size`,
      );
    }
    first[d.name] = { dtype: "float32", dims, data: new Float32Array(0) };
  }
  const prefixRun = await o.engine.run(o.decoderId!, feedsFor(input, decoder.inputs, first));
  const past: Feeds = {};
  for (const d of decoder.inputs) {
    const present = prefixRun.outputs[d.name.replace("past_key_values.", "present.")];
    if (d.name.startsWith("past_key_values.") && present !== undefined) past[d.name] = present;
  }
  return (await o.engine.run(o.decoderId!, feedsFor(input, decoder.inputs, past))).outputs;
}

/**
 * Runs every reference input and compares the outputs.
 * @throws {CompileError} COMPILE_REFERENCE_INVALID when an input does not fit the model;
 *   InferenceError from the runs
 */
export async function runReferenceCheck(o: ReferenceCheckOptions): Promise<ReferenceCheck> {
  const tolerance = o.tolerance ?? 1e-3;
  const comparisons: TensorComparison[] = [];
  const skipped: string[] = [];
  const main = o.engine.info(o.modelId);
  for (const input of o.vectors.inputs) {
    const expected = o.vectors.outputs.get(input.id) ?? [];
    let outputs: Record<string, TensorValue>;
    if (input.kind === "tokens-with-past") {
      if (o.decoderId === null) {
        skipped.push(`${input.id} (a KV-cache step; the model has no decoder with past)`);
        continue;
      }
      outputs = await runPastStep(o, input);
    } else {
      outputs = (await o.engine.run(o.modelId, feedsFor(input, main.inputs))).outputs;
    }
    for (const ref of expected) {
      const ours = outputs[ref.name];
      if (ours === undefined || !(ours.data instanceof Float32Array)) {
        skipped.push(`${input.id}/${ref.name} (no float32 output of that name)`);
        continue;
      }
      if (ours.dims.join(",") !== ref.dims.join(",")) {
        throw new CompileError(
          "COMPILE_REFERENCE_INVALID",
          `${input.id}/${ref.name}: the model outputs [${ours.dims.join(", ")}], the reference [${ref.dims.join(", ")}]`,
        );
      }
      if (ref.data === null && ref.top5 === null) {
        skipped.push(`${input.id}/${ref.name} (the reference states a digest only)`);
        continue;
      }
      comparisons.push(compareTensor(input.id, ours.data, ref, tolerance));
    }
  }
  return { comparisons, summary: summarizePrecision(comparisons), skipped };
}
