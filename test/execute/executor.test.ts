import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import { sha256Hex } from "../../src/core/hash.js";
import { fromBase64, toHex } from "../../src/core/bytes.js";
import { VerifierSet } from "../../src/keys/index.js";
import { decodeComputeRecord } from "../../src/record/encode.js";
import { verifyReceipt } from "../../src/verify/index.js";
import { merkleTreeHash } from "../../src/execute/batch-root.js";
import { leafHash, nodeHash } from "../../src/log/merkle/hash.js";
import { pulseAt } from "../../src/clock/index.js";
import type { Instance } from "../../src/instance/open.js";
import type { ElementSuccess } from "../../src/execute/types.js";
import { openTestInstance } from "./instance-fixture.js";
import { buildComputeRecord } from "../../src/execute/record-builder.js";
import { readdirSync } from "node:fs";
import { tensorDigest } from "../../src/record/tensor-digest.js";
import { decodeTensorBundle } from "../../src/blob/tensor-bundle.js";
import type { ComputeRecord } from "../../src/record/schema.js";

let instance: Instance;
let trusted: VerifierSet;

before(async () => {
  instance = await openTestInstance();
  trusted = new VerifierSet([instance.signer.verifierKey]);
});
after(async () => {
  await instance.close();
});

function ok(e: unknown): ElementSuccess {
  const el = e as ElementSuccess & { error?: Error };
  assert.equal(el.ok, true, el.error?.message);
  return el;
}

test("a text pass yields a signed, logged record whose receipt verifies offline", async () => {
  const res = await instance.executor.execute({
    model: "bert-base-uncased-tiny",
    operators: ["KO42"],
    inputs: [{ kind: "text", text: "The quick brown fox" }],
    batched: false,
    requestId: "req-text",
  });
  const el = ok(res.elements[0]);
  const [{ record, receipt }] = el.records as [ElementSuccess["records"][number]];
  const verified = verifyReceipt(receipt, trusted);
  assert.deepEqual(decodeComputeRecord(verified.payload), record);
  assert.equal(record.model.weight_checkpoint_sha256, res.model.weightCheckpointSha256);
  assert.equal(record.input.raw?.sha256, sha256Hex(new TextEncoder().encode("The quick brown fox")));
  // The BERT tokens fed: [CLS] the quick brown fox [SEP].
  assert.deepEqual(
    record.input.tensors.map((t) => t.shape),
    [
      [1, 6],
      [1, 6],
      [1, 6],
    ],
  );
  assert.deepEqual(record.outputs[0]?.shape, [1, 6, 30522]);
  // KO42: the pulse fields are consistent with each other.
  const pulse = pulseAt(Math.round(record.zeqond * 1000));
  assert.equal(pulse.zeqondIndex, record.zeqond_index);
  assert.equal(pulse.phase, record.phase_at_inference);
  assert.equal(el.prediction.kind, "tokens");
});

test("an image pass classifies into 1000 classes with inline logits", async () => {
  const png = await sharp({
    create: { width: 300, height: 260, channels: 3, background: { r: 200, g: 30, b: 90 } },
  })
    .png()
    .toBuffer();
  const res = await instance.executor.execute({
    model: "resnet50-tiny",
    operators: ["KO42"],
    inputs: [{ kind: "image", bytes: new Uint8Array(png) }],
    batched: false,
    requestId: "req-image",
  });
  const el = ok(res.elements[0]);
  const out = el.records[0]!.record.outputs[0]!;
  assert.deepEqual(out.shape, [1, 1000]);
  assert.equal(out.values?.length, 1000);
  assert.equal(el.prediction.kind, "classes");
  if (el.prediction.kind === "classes") assert.equal(el.prediction.top.length, 5);
});

test("values go into a record only when the pass's float outputs total at most 4096 elements", () => {
  const output = (name: string, n: number, dtype: "float32" | "int64" = "float32") => ({
    name,
    dtype,
    shape: [1, n],
    data: dtype === "float32" ? new Float32Array(n).fill(0.5) : new BigInt64Array(n),
  });
  const record = (outputs: ReturnType<typeof output>[]) =>
    buildComputeRecord({
      model: { name: "m", version: "1", weightCheckpointSha256: "ab".repeat(32), file: "model.onnx" },
      requestId: "r",
      batch: null,
      raw: null,
      feeds: [],
      retainedInputSha256: null,
      outputs,
      outputBlobs: new Map(),
      startedAtMs: Date.now(),
      operators: ["KO42"],
      latency: { budget_ms: null, measured_ms: 1, total_ms: 1, held: null },
      memory: { budget_bytes: null, predicted_bytes: null, peak_bytes: 0, held: null },
      environment: instance.engine.environment,
      previousRecordSha256: null,
      signerKeyId: instance.signer.keyId,
    }).outputs.map((o) => o.values?.length ?? null);
  assert.deepEqual(record([output("a", 1000), output("b", 3096)]), [1000, 3096]);
  assert.deepEqual(record([output("a", 1000), output("b", 3097)]), [null, null]);
  // Integer outputs are never inlined and do not count.
  assert.deepEqual(record([output("a", 4096), output("ids", 5000, "int64")]), [4096, null]);
  assert.deepEqual(record([output("a", 4097)]), [null]);
});

test("batch isolation: a bad element fails alone, the others keep correct records", async () => {
  const res = await instance.executor.execute({
    model: "bert-base-uncased-tiny",
    operators: ["KO42"],
    inputs: [
      { kind: "text", text: "first" },
      { kind: "image", bytes: new Uint8Array([1, 2, 3]) },
      { kind: "text", text: "third" },
    ],
    batched: true,
    requestId: "req-batch",
  });
  assert.equal(res.elements[0]!.ok, true);
  assert.equal(res.elements[1]!.ok, false);
  assert.equal(res.elements[2]!.ok, true);
  const bad = res.elements[1]!;
  if (!bad.ok) assert.equal(bad.error.code, "EXECUTE_INPUT_KIND_UNSUPPORTED");
  const good = [ok(res.elements[0]), ok(res.elements[2])];
  const payloads: Uint8Array[] = [];
  for (const [i, el] of good.entries()) {
    const rec = el.records[0]!.record;
    assert.equal(rec.batch?.id, res.batch?.id);
    assert.equal(rec.batch?.position, i === 0 ? 0 : 2);
    assert.equal(rec.batch?.size, 3);
    payloads.push(verifyReceipt(el.records[0]!.receipt, trusted).payload);
  }
  // Each element's own input, not its neighbour's.
  assert.equal(good[0]!.records[0]!.record.input.raw?.sha256, sha256Hex(new TextEncoder().encode("first")));
  assert.equal(good[1]!.records[0]!.record.input.raw?.sha256, sha256Hex(new TextEncoder().encode("third")));
  // The batch root is RFC 6962's MTH over the element payloads.
  assert.equal(res.batch?.merkleRootSha256, toHex(nodeHash(leafHash(payloads[0]!), leafHash(payloads[1]!))));
});

test("the batch root equals a naive RFC 6962 recomputation for many sizes", () => {
  const naive = (leaves: Uint8Array[]): Uint8Array => {
    if (leaves.length === 1) return leafHash(leaves[0]!);
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return nodeHash(naive(leaves.slice(0, k)), naive(leaves.slice(k)));
  };
  for (let n = 1; n <= 33; n++) {
    const leaves = Array.from({ length: n }, (_, i) => new Uint8Array([i, n]));
    assert.deepEqual(merkleTreeHash(leaves), naive(leaves), `n=${n}`);
  }
});

test("a generation is a verifiable chain: one record per step, each naming the previous", async () => {
  const res = await instance.executor.execute({
    model: "gpt2-tiny",
    operators: ["KO42"],
    inputs: [{ kind: "prompt", prompt: "Hello world", maxTokens: 4 }],
    batched: false,
    requestId: "req-gen",
  });
  const el = ok(res.elements[0]);
  assert.ok(el.records.length >= 1 && el.records.length <= 4);
  let previous: string | null = null;
  for (const [i, r] of el.records.entries()) {
    const verified = verifyReceipt(r.receipt, trusted);
    const record = decodeComputeRecord(verified.payload);
    assert.equal(record.previous_record_sha256, previous, `step ${i}`);
    assert.equal(record.model.file, "decoder_with_past.onnx");
    // The key/value cache of a short prompt is many small outputs: committed by digest only.
    assert.ok(record.outputs.length > 2, "logits and the present key/value outputs");
    assert.deepEqual(
      record.outputs.map((o) => o.values),
      record.outputs.map(() => null),
      `step ${i}`,
    );
    previous = sha256Hex(verified.payload);
  }
  assert.equal(el.prediction.kind, "generation");
  if (el.prediction.kind === "generation") assert.equal(el.prediction.steps, el.records.length);
  // Greedy generation is deterministic.
  const again = ok(
    (
      await instance.executor.execute({
        model: "gpt2-tiny",
        operators: ["KO42"],
        inputs: [{ kind: "prompt", prompt: "Hello world", maxTokens: 4 }],
        batched: false,
        requestId: "req-gen-2",
      })
    ).elements[0],
  );
  assert.deepEqual(again.prediction, el.prediction);
});

test("seeded sampling replays token for token and differs across seeds", async () => {
  const run = async (seed: number) =>
    ok(
      (
        await instance.executor.execute({
          model: "gpt2-tiny",
          operators: ["KO42"],
          inputs: [
            { kind: "prompt", prompt: "The", maxTokens: 6, sampling: { seed, temperature: 5, topK: 50 } },
          ],
          batched: false,
          requestId: `req-sample-${seed}`,
        })
      ).elements[0],
    ).prediction;
  const a = await run(1);
  assert.deepEqual(await run(1), a);
  const others = await Promise.all([2, 3, 4].map(run));
  assert.ok(others.some((p) => JSON.stringify(p) !== JSON.stringify(a)));
});

test("records in the log are byte-identical to the receipts' payloads", async () => {
  const head = await instance.log.latestCheckpoint();
  assert.ok(head.size >= 5);
  const entry = await instance.log.entry(0);
  const envelope = JSON.parse(new TextDecoder().decode(entry.extra)) as { payload: string };
  assert.deepEqual(fromBase64(envelope.payload), entry.leaf);
});

/** The record's input digests recomputed from the retained input bundle, which replay feeds again. */
async function retainedInputDigests(record: ComputeRecord): Promise<string[]> {
  assert.ok(record.input.retained_blob_sha256, "the inputs were retained");
  const bundle = decodeTensorBundle(await instance.blobs.get(record.input.retained_blob_sha256));
  assert.deepEqual(
    bundle.map((t) => t.name),
    record.input.tensors.map((t) => t.name),
  );
  return bundle.map((t) => tensorDigest(t.dtype, t.shape, t.data));
}

test("every digest in a record is the canonical digest of the bytes it names", async () => {
  const res = await instance.executor.execute({
    model: "bert-base-uncased-tiny",
    operators: ["KO42"],
    inputs: [{ kind: "text", text: "digests are computed once, in the right place" }],
    batched: false,
    requestId: "req-digests",
  });
  const el = ok(res.elements[0]);
  const record = el.records[0]!.record;
  // Outputs are hashed in the worker; the bytes handed back must be the bytes hashed.
  const logits = el.outputs[0]!;
  assert.equal(record.outputs[0]!.sha256, tensorDigest(logits.dtype, logits.shape, logits.data));
  // Inputs are hashed and kept while the pass runs.
  assert.deepEqual(
    await retainedInputDigests(record),
    record.input.tensors.map((t) => t.sha256),
  );
});

test("a generation step's past digests, carried from the previous step's outputs, match the bytes fed", async () => {
  const res = await instance.executor.execute({
    model: "gpt2-tiny",
    operators: ["KO42"],
    inputs: [{ kind: "prompt", prompt: "Carry the cache", maxTokens: 3 }],
    batched: false,
    requestId: "req-gen-digests",
  });
  const el = ok(res.elements[0]);
  assert.ok(el.records.length >= 2, "at least one step after the prompt");
  for (const [step, { record }] of el.records.entries()) {
    assert.deepEqual(
      await retainedInputDigests(record),
      record.input.tensors.map((t) => t.sha256),
      `step ${step}`,
    );
    if (step === 0) continue;
    // The past fed at step k is the present produced at step k - 1, hashed once.
    const previous = el.records[step - 1]!.record;
    const past = record.input.tensors.find((t) => t.name === "past_key_values.0.key")!;
    assert.equal(past.sha256, previous.outputs.find((o) => o.name === "present.0.key")!.sha256);
  }
});

test("a call refused before it runs keeps nothing and logs nothing", async () => {
  const entry = instance.catalog.get("bert-base-uncased-tiny");
  const blobsDir = instance.paths.blobs;
  const count = (): number => readdirSync(blobsDir, { recursive: true }).length;
  const before = { blobs: count(), log: (await instance.log.latestCheckpoint()).size };
  const saved = instance.engine.info(entry.engineId);
  // A 1 ms budget against a predicted 50 ms run: refused by CS43 before anything runs.
  instance.engine.configure(entry.engineId, {
    budgets: { latencyMs: { a: 1, b: 0 } },
    cost: { latencyMs: { a: 50, b: 0 } },
  });
  try {
    const res = await instance.executor.execute({
      model: "bert-base-uncased-tiny",
      operators: ["KO42", "CS43"],
      inputs: [{ kind: "text", text: "never run: the budget is a millisecond" }],
      batched: false,
      requestId: "req-refused",
    });
    const el = res.elements[0]!;
    assert.equal(el.ok, false);
    if (!el.ok) assert.equal(el.error.code, "INFER_LATENCY_BUDGET");
  } finally {
    instance.engine.configure(entry.engineId, { budgets: saved.budgets, cost: saved.cost });
  }
  assert.equal(count(), before.blobs, "no input was kept");
  assert.equal((await instance.log.latestCheckpoint()).size, before.log, "no record was logged");
});
