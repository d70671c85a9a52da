/**
 * POST /api/playground/compute on the real executor: the seed's call answers every field
 * and a receipt that verifies offline; a batch with one bad element; generation steps
 * chained; operator and model errors.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import type { FastifyInstance } from "fastify";
import { fromBase64, toHex } from "../../src/core/bytes.js";
import { sha256Hex } from "../../src/core/hash.js";
import { pulseAt } from "../../src/clock/index.js";
import { merkleTreeHash } from "../../src/execute/batch-root.js";
import { VerifierSet } from "../../src/keys/index.js";
import { decodeComputeRecord } from "../../src/record/encode.js";
import { COMPUTE_RECORD_PAYLOAD_TYPE } from "../../src/record/schema.js";
import { verifyReceipt } from "../../src/verify/index.js";
import { BERT, GPT2, RESNET, appFor, jsonHeaders, openTestInstance, type TestInstance } from "./helpers.js";

let ti: TestInstance;
let app: FastifyInstance;
let verifiers: VerifierSet;

before(async () => {
  // A generous CS43 budget, written into model.json as an operator would.
  ti = await openTestInstance({
    models: [BERT, GPT2, RESNET],
    budgets: { latency_ms: { a: 600_000, b: 0 } },
  });
  app = await appFor(ti.instance);
  verifiers = new VerifierSet([ti.instance.signer.verifierKey]);
});

after(async () => {
  await app.close();
  await ti.close();
});

function compute(body: unknown) {
  return app.inject({
    method: "POST",
    url: "/api/playground/compute",
    headers: jsonHeaders(),
    payload: JSON.stringify(body),
  });
}

interface Receipt {
  envelope: { payload: string };
  log: { index: number };
}

/** The receipt verifies offline and its payload is exactly the record answered. */
function checkEvidence(record: unknown, receipt: Receipt): void {
  const verified = verifyReceipt(receipt, verifiers, { payloadType: COMPUTE_RECORD_PAYLOAD_TYPE });
  assert.equal(verified.index, receipt.log.index);
  assert.deepEqual(record, decodeComputeRecord(fromBase64(receipt.envelope.payload)));
}

test("the seed's call answers every field, with a receipt that verifies offline", async () => {
  const res = await compute({
    operators: ["KO42", "CS43"],
    inputs: { model: BERT, text: "The quick brown fox" },
  });
  assert.equal(res.statusCode, 200, res.body);
  const b = res.json();
  for (const field of [
    "logits_max_delta_vs_torch",
    "error_pct_logits",
    "latency_ms",
    "weight_checkpoint_sha256",
    "phase_at_inference",
    "zeqond",
    "zeqond_index",
    "operators",
    "record",
    "receipt",
    "prediction",
    "input_sha256",
    "log_index",
  ]) {
    assert.ok(Object.hasOwn(b, field), `missing ${field}`);
  }
  // The fixture is not compiled: no verified precision, and the answer says so.
  assert.equal(b.logits_max_delta_vs_torch, null);
  assert.equal(b.error_pct_logits, null);
  assert.equal(b.precision_source, "not-compiled");
  assert.deepEqual(b.operators, ["KO42", "CS43"]);
  assert.equal(b.model, BERT);
  assert.equal(b.weight_checkpoint_sha256, ti.instance.executor.model(BERT).weightCheckpointSha256);
  assert.ok(b.latency_ms > 0);
  checkEvidence(b.record, b.receipt);
  // The seed's fields are the record's own, inside the signed bytes.
  const pulse = pulseAt(Math.round(b.zeqond * 1000));
  assert.equal(b.zeqond_index, pulse.zeqondIndex);
  assert.equal(b.phase_at_inference, pulse.phase);
  assert.equal(b.zeqond, b.record.zeqond);
  assert.equal(b.input_sha256, b.record.input_sha256);
  assert.equal(b.log_index, b.receipt.log.index);
  assert.equal(b.record.latency.budget_ms, 600_000);
  assert.equal(b.record.latency.held, true);
  // A prediction, never the full vocabulary-wide vector.
  assert.equal(b.prediction.kind, "tokens");
  assert.ok(b.prediction.positions.length > 0);
  assert.ok(res.body.length < 200_000, `answer is ${res.body.length} bytes`);
});

test("a batch answers one result per element; a bad element carries its code, the others their receipts", async () => {
  const png = await sharp({
    create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 30, b: 90 } },
  })
    .png()
    .toBuffer();
  const image = png.toString("base64");
  const res = await compute({
    operators: ["KO42"],
    inputs: { model: RESNET, batch: [image, "AAECAwQ=", { image }] },
  });
  assert.equal(res.statusCode, 200, res.body);
  const b = res.json();
  assert.equal(b.batch.size, 3);
  assert.deepEqual(
    b.results.map((r: { position: number; ok: boolean }) => [r.position, r.ok]),
    [
      [0, true],
      [1, false],
      [2, true],
    ],
  );
  assert.equal(b.results[1].error.code, "PREPROCESS_IMAGE_INVALID");
  assert.equal(b.results[1].error.statusCode, 400);
  const payloads: Uint8Array[] = [];
  for (const r of [b.results[0], b.results[2]]) {
    checkEvidence(r.record, r.receipt);
    assert.deepEqual(r.record.batch, { id: b.batch.id, position: r.position, size: 3 });
    assert.equal(r.prediction.kind, "classes");
    payloads.push(fromBase64(r.receipt.envelope.payload));
  }
  assert.equal(b.batch.merkle_root_sha256, toHex(merkleTreeHash(payloads)));
});

test("generation: one record per step, chained, every step with a receipt", async () => {
  const res = await compute({
    inputs: {
      model: GPT2,
      prompt: "The quick brown fox",
      max_tokens: 3,
      seed: 7,
      temperature: 0.9,
      top_k: 20,
    },
  });
  assert.equal(res.statusCode, 200, res.body);
  const b = res.json();
  assert.equal(b.prediction.kind, "generation");
  assert.ok(b.steps.length >= 1 && b.steps.length <= 3);
  assert.equal(b.prediction.steps, b.steps.length);
  assert.deepEqual(b.steps[0].record, b.record);
  let previous: string | null = null;
  for (const step of b.steps) {
    checkEvidence(step.record, step.receipt);
    assert.equal(step.record.previous_record_sha256, previous);
    previous = sha256Hex(fromBase64(step.receipt.envelope.payload));
  }
});

test("operators: unknown names and more than 3 are 400s listing the valid ones", async () => {
  for (const operators of [["KO42", "XY99"], ["KO42", "CS43", "CS44", "CS43"], ["ko42"], []]) {
    const res = await compute({ operators, inputs: { model: BERT, text: "a" } });
    assert.equal(res.statusCode, 400, JSON.stringify(operators));
    assert.match(res.json().code, /^EXECUTE_OPERATORS?_(UNKNOWN|INVALID)$/);
    assert.match(res.json().message, /KO42, CS43, CS44/);
  }
});

test("unknown model 404; unknown version 404; malformed version 400", async () => {
  const unknown = await compute({ inputs: { model: "no-such-model", text: "a" } });
  assert.deepEqual([unknown.statusCode, unknown.json().code], [404, "MODEL_NOT_FOUND"]);
  const version = await compute({ inputs: { model: BERT, version: "9", text: "a" } });
  assert.deepEqual([version.statusCode, version.json().code], [404, "MODEL_NOT_FOUND"]);
  const bad = await compute({ inputs: { model: BERT, version: "v1", text: "a" } });
  assert.deepEqual([bad.statusCode, bad.json().code], [400, "MODEL_VERSION_INVALID"]);
});

test("an input the model cannot take is a coded 4xx, and a batch above the limit is 413", async () => {
  const image = await compute({ inputs: { model: BERT, image: "AAEC" } });
  assert.ok(image.statusCode >= 400 && image.statusCode < 500, image.body);
  const many = await compute({ inputs: { model: BERT, batch: Array.from({ length: 65 }, () => "a") } });
  assert.deepEqual([many.statusCode, many.json().code], [413, "SERVER_BATCH_TOO_LARGE"]);
});

test("the caller's request_id is written into the record; control characters are refused", async () => {
  const ok = await compute({ request_id: "audit 2024/07 ü", inputs: { model: BERT, text: "a" } });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().request_id, "audit 2024/07 ü");
  assert.equal(ok.json().record.request_id, "audit 2024/07 ü");
  const bad = await compute({ request_id: "a\u0007b", inputs: { model: BERT, text: "a" } });
  assert.deepEqual([bad.statusCode, bad.json().code], [400, "SERVER_REQUEST_INVALID"]);
});
