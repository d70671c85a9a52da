/**
 * Compute records shaped like the ones the executor writes, for the log benchmarks: built
 * with the executor's own record builder from tensors of a model's real shapes, so their
 * size and field set are those of production records. Each commit gets a fresh record_id.
 */
import { randomUUID } from "node:crypto";
import { buildComputeRecord } from "../../src/execute/record-builder.js";
import type { InputTensor, OutputTensor } from "../../src/execute/types.js";
import type { ComputeRecord } from "../../src/record/schema.js";

export type RecordShape = "bert" | "resnet";

function seeded(count: number): Float32Array {
  const out = new Float32Array(count);
  let x = 12345;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = (x / 2 ** 32) * 20 - 10;
  }
  return out;
}

/**
 * bert: 3 × 128 token inputs, [1, 128, 30522] logits committed by digest (about 1.8 KB);
 * resnet: one image tensor, [1, 1000] logits written inline (about 22 KB).
 */
export function recordTemplate(shape: RecordShape, signerKeyId: string): ComputeRecord {
  const ids = BigInt64Array.from({ length: 128 }, (_, i) => BigInt(1000 + i));
  const feeds: InputTensor[] =
    shape === "bert"
      ? ["input_ids", "attention_mask", "token_type_ids"].map((name) => ({
          name,
          dtype: "int64",
          shape: [1, 128],
          data: ids,
        }))
      : [{ name: "pixel_values", dtype: "float32", shape: [1, 3, 224, 224], data: seeded(3 * 224 * 224) }];
  const outputs: OutputTensor[] = [
    shape === "bert"
      ? { name: "logits", dtype: "float32", shape: [1, 128, 30522], data: seeded(128 * 30522) }
      : { name: "logits", dtype: "float32", shape: [1, 1000], data: seeded(1000) },
  ];
  return buildComputeRecord({
    model: {
      name: shape === "bert" ? "bert-base-uncased" : "resnet50",
      version: "1",
      weightCheckpointSha256: "ab".repeat(32),
      file: "model.onnx",
    },
    requestId: randomUUID(),
    batch: null,
    raw: null,
    feeds,
    retainedInputSha256: "cd".repeat(32),
    outputs,
    outputBlobs: new Map(shape === "bert" ? [["logits", "ef".repeat(32)]] : []),
    startedAtMs: Date.now(),
    operators: ["KO42", "CS43"],
    latency: { budget_ms: 700, measured_ms: 55.25, total_ms: 57.5, held: true },
    memory: { budget_bytes: null, predicted_bytes: null, peak_bytes: 1048576, held: null },
    environment: BENCH_ENVIRONMENT,
    previousRecordSha256: null,
    signerKeyId,
  });
}

/** A copy of the template as a new record (its own record_id and request_id). */
export function freshRecord(template: ComputeRecord): ComputeRecord {
  return { ...template, record_id: randomUUID(), request_id: randomUUID() };
}

/** The numeric environment stated by records the benchmarks build without running a model. */
export const BENCH_ENVIRONMENT = {
  runtime: "onnxruntime-node",
  runtime_version: "1.30.0",
  execution_provider: "cpu",
  graph_optimization_level: "all",
  intra_op_threads: 1,
  inter_op_threads: 1,
  cpu: "bench",
  platform: `${process.platform}-${process.arch}`,
  node_version: process.version,
} as const;
