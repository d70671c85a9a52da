/** A valid compute record v1 for tests, built the way the executor builds one. */
import { inputCommitment } from "../../src/record/encode.js";
import type { ComputeRecord } from "../../src/record/schema.js";

export function sampleRecord(overrides: Partial<ComputeRecord> = {}): ComputeRecord {
  const input: ComputeRecord["input"] = {
    raw: { kind: "text", sha256: "a".repeat(64), bytes: 19 },
    tensors: [{ name: "input_ids", dtype: "int64", shape: [1, 6], sha256: "b".repeat(64) }],
    retained_blob_sha256: null,
  };
  return {
    schema: "zeq-np/compute-record/v1",
    record_id: "0b5f7a5e-3c1d-4c2e-9a57-6d2f1e0c9b11",
    request_id: "req-1",
    batch: null,
    model: {
      name: "bert-base-uncased",
      version: "1",
      weight_checkpoint_sha256: "c".repeat(64),
      file: "model.onnx",
    },
    input_sha256: inputCommitment(input),
    input,
    outputs: [
      {
        name: "logits",
        dtype: "float32",
        shape: [1, 2],
        sha256: "d".repeat(64),
        values: [0.5, -1.25],
        blob_sha256: null,
      },
    ],
    zeqond: 1745123600.542,
    zeqond_index: 2245974073,
    phase_at_inference: 0.897554,
    operators: ["KO42", "CS43"],
    latency: { budget_ms: 250, measured_ms: 12.5, total_ms: 13.1, held: true },
    memory: { budget_bytes: null, predicted_bytes: null, peak_bytes: 1048576, held: null },
    environment: {
      runtime: "onnxruntime-node",
      runtime_version: "1.30.0",
      execution_provider: "cpu",
      graph_optimization_level: "all",
      intra_op_threads: 1,
      inter_op_threads: 1,
      cpu: "test cpu",
      platform: "linux-x64",
      node_version: "20.20.2",
    },
    previous_record_sha256: null,
    signer: "zeq-np.test+01020304",
    ...overrides,
  };
}
