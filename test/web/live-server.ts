/**
 * TEMPORARY (until src/instance's openInstance lands): the real buildApp and signing code
 * over an in-memory log and a stand-in executor. To be replaced by openInstance with the
 * fixture models.
 */
import fastifyStatic from "@fastify/static";
import { fileURLToPath } from "node:url";
import { buildApp } from "../../src/server/app.js";
import { signerFromSeed } from "../../src/keys/index.js";
import { signEnvelope } from "../../src/record/dsse.js";
import { encodeComputeRecord } from "../../src/record/encode.js";
import { buildReceipt } from "../../src/record/receipt.js";
import { signCheckpoint } from "../../src/log/checkpoint.js";
import { buildComputeRecord } from "../../src/execute/record-builder.js";
import { sha256Hex } from "../../src/core/hash.js";
import { utf8 } from "../../src/core/bytes.js";
import { naiveMth, naivePath, naiveConsistency } from "../log/merkle/naive.js";
import type {
  Executor,
  ModelSummary,
  ExecuteRequest,
  ExecuteResult,
  CommittedRecord,
  Prediction,
} from "../../src/execute/types.js";
import type { ComputeRecord } from "../../src/record/schema.js";

export interface LiveServer {
  url: string;
  apiKey: string;
  verifierKey: string;
  /** A verifier key that signed nothing on this server. */
  otherVerifierKey: string;
  close(): Promise<void>;
}

export async function startLiveServer(): Promise<LiveServer> {
  const signer = signerFromSeed("dev.example/zeq-np", new Uint8Array(32).fill(3));
  const other = signerFromSeed("other.example/log", new Uint8Array(32).fill(4));
  const ORIGIN = "dev.example/zeq-np";
  const leaves: Uint8Array[] = [];
  const extras: Uint8Array[] = [];
  let note = signCheckpoint({ origin: ORIGIN, size: 0, rootHash: naiveMth([]) }, [signer]);
  const log = {
    async latestCheckpoint() {
      return { size: leaves.length, rootHash: naiveMth(leaves), note };
    },
    async inclusionProof(i: number, n: number) {
      return naivePath(i, leaves.slice(0, n));
    },
    async consistencyProof(a: number, b: number) {
      return naiveConsistency(a, leaves.slice(0, b));
    },
    async entry(i: number) {
      return { leaf: leaves[i]!, extra: extras[i]! };
    },
  };
  const commit = (record: ComputeRecord): CommittedRecord => {
    const payload = encodeComputeRecord(record);
    const envelope = signEnvelope("application/vnd.zeq-np.compute-record.v1+json", payload, signer);
    leaves.push(payload);
    extras.push(utf8(JSON.stringify(envelope)));
    note = signCheckpoint({ origin: ORIGIN, size: leaves.length, rootHash: naiveMth(leaves) }, [signer]);
    const receipt = buildReceipt({
      envelope,
      origin: ORIGIN,
      index: leaves.length - 1,
      treeSize: leaves.length,
      checkpoint: note,
      inclusionProof: naivePath(leaves.length - 1, leaves),
    });
    return { record, envelope, receipt };
  };
  const W = "ab".repeat(32);
  const summary = (name: string, task: string): ModelSummary => ({
    name,
    version: "1",
    task,
    inputs: [],
    outputs: [],
    weightCheckpointSha256: W,
    precision: null,
    budgets: { latencyMs: "5", memoryBytes: null },
  });
  const models = [
    summary("resnet50-tiny", "image-classification"),
    summary("bert-base-uncased-tiny", "fill-mask"),
    summary("gpt2-tiny", "text-generation"),
  ];
  const pass = (req: ExecuteRequest, m: ModelSummary, prev: string | null) =>
    buildComputeRecord({
      model: { name: m.name, version: m.version, weightCheckpointSha256: W, file: "model.onnx" },
      requestId: req.requestId,
      batch: null,
      raw: { kind: "text", sha256: W, bytes: 12 },
      feeds: [{ name: "input_ids", dtype: "int64", shape: [1, 2], data: new BigInt64Array([1n, 2n]) }],
      retainedInputSha256: null,
      outputs: [{ name: "logits", dtype: "float32", shape: [1, 2], data: new Float32Array([0.5, 1.5]) }],
      outputBlobs: new Map(),
      startedAtMs: Date.now(),
      operators: req.operators,
      latency: { budget_ms: 5, measured_ms: 2, total_ms: 3, held: true },
      memory: { budget_bytes: null, predicted_bytes: null, peak_bytes: 1000, held: null },
      environment: {
        runtime: "onnxruntime-node",
        runtime_version: "1.30.0",
        execution_provider: "cpu",
        graph_optimization_level: "all",
        intra_op_threads: 1,
        inter_op_threads: 1,
        cpu: "cpu",
        platform: "linux-x64",
        node_version: process.version,
      },
      previousRecordSha256: prev,
      signerKeyId: signer.keyId,
    });
  const executor: Executor = {
    models: () => models,
    model: (name) => models.find((x) => x.name === name)!,
    modelCard: () => null,
    admit: () => {},
    async execute(req): Promise<ExecuteResult> {
      const m = models.find((x) => x.name === req.model)!;
      const elements = req.inputs.map((input, position) => {
        const records: CommittedRecord[] = [];
        const steps = input.kind === "prompt" ? input.maxTokens + 1 : 1;
        let prev: string | null = null;
        for (let s = 0; s < steps; s++) {
          const c = commit(pass(req, m, prev));
          prev = sha256Hex(encodeComputeRecord(c.record));
          records.push(c);
        }
        const prediction: Prediction =
          input.kind === "image"
            ? { kind: "classes", top: [{ index: 1, label: "one", logit: 2, probability: 0.7 }] }
            : input.kind === "prompt"
              ? { kind: "generation", text: " jumps", tokenIds: [1, 2], steps }
              : {
                  kind: "tokens",
                  positions: [{ position: 0, token: "[MASK]", top: [{ id: 1, token: "dog", logit: 3 }] }],
                };
        return { ok: true as const, position, records, outputs: [], prediction, latencyMs: 2 };
      });
      return {
        requestId: req.requestId,
        model: { name: m.name, version: m.version, weightCheckpointSha256: W },
        batch: null,
        elements,
      };
    },
    stats: () => ({ queueDepth: 0, inFlight: 0 }),
    close: async () => {},
  };
  const apiKey = "dev-inference-key-0123456789";
  const app = await buildApp({
    executor,
    log,
    signer,
    verifierKeys: [signer.verifierKey],
    auth: { apiKeys: [apiKey], adminKeys: ["dev-admin-key-0123456789abcdef"] },
    logger: false,
  });
  const files = new Set(["/", "/index.html", "/style.css", "/favicon.svg"]);
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL("../../web/", import.meta.url)),
    wildcard: false,
    allowedPath: (p) => files.has(p) || p.startsWith("/dist/"),
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    verifierKey: signer.verifierKey,
    otherVerifierKey: other.verifierKey,
    close: () => app.close(),
  };
}
