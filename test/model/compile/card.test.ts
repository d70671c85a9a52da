/**
 * Compile → signed card round trip on the tiny ResNet-50 fixture (a copy): the card is an
 * in-toto Statement v1 in a DSSE envelope, the executor's reader accepts it, budgets land
 * in model.json where the executor reads them, and a changed file, a changed payload or a
 * foreign key is refused.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InferenceEngine } from "../../../src/inference/index.js";
import { generateSigningKey, parseSigningKey, signerFromSeed, VerifierSet } from "../../../src/keys/index.js";
import { compileModel, type CompileResult } from "../../../src/model/compile/index.js";
import { LATENCY_SLACK_MS } from "../../../src/model/compile/calibration.js";
import { CompileError } from "../../../src/model/compile/errors.js";
import {
  IN_TOTO_STATEMENT_V1,
  MODEL_CARD_FILE,
  MODEL_CARD_PAYLOAD_TYPE,
  MODEL_CARD_PREDICATE_TYPE,
  openModelCard,
} from "../../../src/model/card.js";
import { readModelCard } from "../../../src/execute/model-card.js";
import { budgetsOf } from "../../../src/execute/catalog.js";
import { hashModelFiles, verifyModelFiles } from "../../../src/model/integrity.js";
import { loadModelMetadata } from "../../../src/model/repository.js";
import { ModelError } from "../../../src/model/errors.js";
import { fromBase64, fromUtf8, toBase64, utf8 } from "../../../src/core/bytes.js";
import { canonicalize } from "../../../src/core/canonical-json.js";

const FIXTURES = new URL("../../fixtures/models/", import.meta.url).pathname;
const signer = signerFromSeed("test/zeq-np", new Uint8Array(32).fill(1));
const stranger = signerFromSeed("test/other", new Uint8Array(32).fill(2));
let root = "";
let dir = "";
let engine: InferenceEngine;
let result: CompileResult;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "zeq-np-card-"));
  cpSync(join(FIXTURES, "resnet50-tiny"), join(root, "resnet50-tiny"), { recursive: true });
  dir = join(root, "resnet50-tiny", "1");
  engine = await InferenceEngine.start({ workers: 1 });
  result = await compileModel({
    modelsDir: root,
    name: "resnet50-tiny",
    signer,
    engine,
    calibrate: { repeats: 1 },
    now: () => new Date("2025-01-02T03:04:05.000Z"),
  });
});

after(async () => {
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

test("the card is a DSSE envelope of an in-toto Statement v1 over the model's files", async () => {
  const envelope = JSON.parse(readFileSync(join(dir, MODEL_CARD_FILE), "utf8"));
  assert.equal(envelope.payloadType, MODEL_CARD_PAYLOAD_TYPE);
  assert.equal(envelope.signatures[0].keyid, signer.keyId);
  const payload = fromBase64(envelope.payload);
  const statement = JSON.parse(fromUtf8(payload));
  assert.equal(fromUtf8(payload), canonicalize(statement), "the payload is the statement's JCS bytes");
  assert.equal(statement._type, IN_TOTO_STATEMENT_V1);
  assert.equal(statement.predicateType, MODEL_CARD_PREDICATE_TYPE);
  const meta = await loadModelMetadata(dir);
  assert.deepEqual(
    statement.subject,
    meta.files.map((f) => ({ name: f.path, digest: { sha256: f.sha256 } })),
  );
  const p = statement.predicate;
  const digest = await hashModelFiles(
    dir,
    meta.files.map((f) => f.path),
  );
  assert.equal(p.weight_checkpoint_sha256, digest.weightCheckpointSha256);
  assert.equal(p.manifest.tensors.length, 87, "every initializer of resnet50-tiny");
  assert.equal(p.graphs[0].path, "model.onnx");
  assert.equal(p.graphs[0].sha256, meta.files.find((f) => f.path === "model.onnx")!.sha256);
  assert.equal(p.parameters, 385392);
  assert.equal(p.cost.flops.at[0].n, 224 * 224);
  assert.equal(p.cost.graph_flops.counted.Conv, 17);
  assert.equal(p.precision.reference, "pytorch");
  assert.ok(p.precision.logits_max_delta_vs_torch <= 1e-5);
  assert.equal(p.precision.error_pct_logits, p.precision.logits_max_delta_vs_torch * 100);
  assert.equal(p.precision.argmax_agree, 1);
  assert.equal(p.precision.top5_agree, 1);
  assert.deepEqual(p.precision.inputs, ["resnet-seeded-0", "resnet-seeded-1"]);
  assert.equal(p.environment.runtime, "onnxruntime-node");
  assert.equal(p.compiled_at, "2025-01-02T03:04:05.000Z");
  assert.ok(p.code.commit === null || /^[0-9a-f]{40}$/.test(p.code.commit));
  assert.equal(typeof p.code.package_version, "string");
});

test("budgets are calibrated into model.json where the executor reads them, and the card states them", async () => {
  const meta = await loadModelMetadata(dir);
  const budgets = budgetsOf(meta);
  assert.ok(budgets.latencyMs && budgets.latencyMs.a >= LATENCY_SLACK_MS, "a ≥ the latency slack");
  assert.ok(budgets.memoryBytes && budgets.memoryBytes.c >= 8 * 2 ** 20, "c ≥ the 8 MiB slack");
  const raw = meta.budgets as { input_size: string; calibration: { sizes: number[]; samples: unknown[] } };
  assert.equal(raw.input_size, "pixels");
  assert.deepEqual(raw.calibration.sizes, [224 * 224]);
  assert.deepEqual(result.statement.predicate.budgets, meta.budgets);
});

test("the executor's card reader accepts the card and reads its precision", async () => {
  const meta = await loadModelMetadata(dir);
  const digest = await verifyModelFiles(dir, meta);
  const card = await readModelCard(
    dir,
    meta,
    digest.weightCheckpointSha256,
    new VerifierSet([signer.verifier]),
  );
  assert.ok(card !== null && card.summary !== null);
  assert.equal(
    card.summary.logitsMaxDeltaVsTorch,
    result.statement.predicate.precision!.logits_max_delta_vs_torch,
  );
  const opened = openModelCard(
    readFileSync(join(dir, MODEL_CARD_FILE), "utf8"),
    new VerifierSet([signer.verifier]),
    meta,
    digest.weightCheckpointSha256,
  );
  assert.equal(opened.keyid, signer.keyId);
});

test("a card for other files is refused by the executor's reader and by openModelCard", async () => {
  const meta = await loadModelMetadata(dir);
  // As if the weights were rebuilt and model.json updated, but the old card left behind.
  const changed = {
    ...meta,
    files: meta.files.map((f) => (f.path === "model.onnx.data" ? { ...f, sha256: "0".repeat(64) } : f)),
  };
  await assert.rejects(
    readModelCard(dir, changed, "0".repeat(64), new VerifierSet([signer.verifier])),
    isCardInvalid,
  );
  // A card signed by a key the instance does not trust is refused too.
  const stranger = parseSigningKey(generateSigningKey("stranger/zeq-np"));
  const digest = await verifyModelFiles(dir, meta);
  await assert.rejects(
    readModelCard(dir, meta, digest.weightCheckpointSha256, new VerifierSet([stranger.verifier])),
    isCardInvalid,
  );
  const text = readFileSync(join(dir, MODEL_CARD_FILE), "utf8");
  assert.throws(() => openModelCard(text, new VerifierSet([signer.verifier]), changed), isCardInvalid);
});

test("a changed payload, a foreign key or another payload type does not verify", async () => {
  const meta = await loadModelMetadata(dir);
  const text = readFileSync(join(dir, MODEL_CARD_FILE), "utf8");
  const trusted = new VerifierSet([signer.verifier]);
  assert.throws(() => openModelCard(text, new VerifierSet([stranger.verifier]), meta), isCardInvalid);
  const envelope = JSON.parse(text);
  const statement = JSON.parse(fromUtf8(fromBase64(envelope.payload)));
  statement.predicate.precision.logits_max_delta_vs_torch = 0;
  const forged = { ...envelope, payload: toBase64(utf8(canonicalize(statement))) };
  assert.throws(() => openModelCard(JSON.stringify(forged), trusted, meta), isCardInvalid);
  assert.throws(
    () => openModelCard(JSON.stringify({ ...envelope, payloadType: "text/plain" }), trusted, meta),
    isCardInvalid,
  );
  assert.throws(() => openModelCard("{", trusted, meta), isCardInvalid);
});

test("compiling a model whose files changed is refused before anything is signed", async () => {
  const copy = mkdtempSync(join(tmpdir(), "zeq-np-card-tampered-"));
  try {
    cpSync(join(FIXTURES, "resnet50-tiny"), join(copy, "resnet50-tiny"), { recursive: true });
    const data = join(copy, "resnet50-tiny", "1", "model.onnx.data");
    const bytes = readFileSync(data);
    bytes[4096] = bytes[4096]! ^ 1;
    writeFileSync(data, bytes);
    await assert.rejects(
      compileModel({ modelsDir: copy, name: "resnet50-tiny", signer, engine, calibrate: false }),
      (e: unknown) => e instanceof ModelError && e.code === "MODEL_FILES_MISMATCH",
    );
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

function isCardInvalid(e: unknown): boolean {
  return e instanceof CompileError && e.code === "COMPILE_CARD_INVALID";
}
