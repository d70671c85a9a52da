/**
 * Assembling a compute record from one forward pass: digests of what went in and what came
 * out, the KO42 pulse reading, budgets against measurements, and the numeric environment.
 */
import { randomUUID } from "node:crypto";
import { pulseAt } from "../clock/index.js";
import { inputCommitment } from "../record/encode.js";
import type { ComputeRecord, Operator } from "../record/schema.js";
import { tensorDigest } from "../record/tensor-digest.js";
import type { InputTensor, OutputTensor } from "./types.js";

/**
 * A pass's float outputs are written into the record itself when they hold at most this
 * many elements together (a classifier's logits); otherwise every output is committed by
 * digest only. The bound is per record, not per output: GPT-2's key/value cache for a short
 * prompt is 24 outputs of ~3,000 values each, which per output would have put 1.5 MB of
 * numbers into every generation step's record.
 */
export const INLINE_VALUES_MAX = 4096;

export interface ForwardPass {
  model: { name: string; version: string; weightCheckpointSha256: string; file: string };
  requestId: string;
  batch: ComputeRecord["batch"];
  raw: ComputeRecord["input"]["raw"];
  feeds: InputTensor[];
  retainedInputSha256: string | null;
  outputs: OutputTensor[];
  /** Content addresses of kept output bytes, by output name. */
  outputBlobs: ReadonlyMap<string, string>;
  /** Unix ms at the start of session.run (KO42 binds this instant). */
  startedAtMs: number;
  operators: Operator[];
  latency: ComputeRecord["latency"];
  memory: ComputeRecord["memory"];
  environment: ComputeRecord["environment"];
  previousRecordSha256: string | null;
  signerKeyId: string;
}

const isFloat = (o: OutputTensor): boolean => o.dtype === "float32" || o.dtype === "float64";

/** Whether the pass's float outputs are small enough, together, to go into the record. */
export function inlinesValues(outputs: readonly OutputTensor[]): boolean {
  let total = 0;
  for (const o of outputs) if (isFloat(o)) total += o.data.length;
  return total <= INLINE_VALUES_MAX;
}

function inlineValues(output: OutputTensor, inline: boolean): number[] | null {
  if (!inline || !isFloat(output)) return null;
  return Array.from(output.data as Float32Array | Float64Array);
}

export function buildComputeRecord(pass: ForwardPass): ComputeRecord {
  const input: ComputeRecord["input"] = {
    raw: pass.raw,
    tensors: pass.feeds.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: [...t.shape],
      sha256: t.sha256 ?? tensorDigest(t.dtype, t.shape, t.data),
    })),
    retained_blob_sha256: pass.retainedInputSha256,
  };
  const pulse = pulseAt(Math.floor(pass.startedAtMs));
  const inline = inlinesValues(pass.outputs);
  return {
    schema: "zeq-np/compute-record/v1",
    record_id: randomUUID(),
    request_id: pass.requestId,
    batch: pass.batch,
    model: {
      name: pass.model.name,
      version: pass.model.version,
      weight_checkpoint_sha256: pass.model.weightCheckpointSha256,
      file: pass.model.file,
    },
    input_sha256: inputCommitment(input),
    input,
    outputs: pass.outputs.map((o) => ({
      name: o.name,
      dtype: o.dtype,
      shape: [...o.shape],
      sha256: o.sha256 ?? tensorDigest(o.dtype, o.shape, o.data),
      values: inlineValues(o, inline),
      blob_sha256: pass.outputBlobs.get(o.name) ?? null,
    })),
    zeqond: pulse.zeqond,
    zeqond_index: pulse.zeqondIndex,
    phase_at_inference: pulse.phase,
    operators: pass.operators,
    latency: pass.latency,
    memory: pass.memory,
    environment: pass.environment,
    previous_record_sha256: pass.previousRecordSha256,
    signer: pass.signerKeyId,
  };
}
