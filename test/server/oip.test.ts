/**
 * Open Inference Protocol V2 REST against the real executor: server and model metadata,
 * health, inference with typed tensors (outputs bit-exact with the signed record's digest,
 * receipt in the parameters), input errors naming the input, the protocol's error body.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { fromBase64 } from "../../src/core/bytes.js";
import { VerifierSet } from "../../src/keys/index.js";
import { decodeComputeRecord } from "../../src/record/encode.js";
import { tensorDigest } from "../../src/record/tensor-digest.js";
import { verifyReceipt } from "../../src/verify/index.js";
import { BERT, INFERENCE_KEY, appFor, jsonHeaders, openTestInstance, type TestInstance } from "./helpers.js";

let ti: TestInstance;
let app: FastifyInstance;

before(async () => {
  ti = await openTestInstance();
  app = await appFor(ti.instance);
});

after(async () => {
  await app.close();
  await ti.close();
});

const tokens = [101, 1996, 4248, 102];
function bertInputs(overrides: Record<string, unknown>[] = []): Record<string, unknown>[] {
  const base: Record<string, unknown>[] = [
    { name: "input_ids", shape: [1, 4], datatype: "INT64", data: tokens },
    { name: "attention_mask", shape: [1, 4], datatype: "INT64", data: [1, 1, 1, 1] },
    { name: "token_type_ids", shape: [1, 4], datatype: "INT64", data: [0, 0, 0, 0] },
  ];
  return base.map((t) => ({ ...t, ...overrides.find((o) => o.name === t.name) }));
}

function infer(body: unknown, url = `/v2/models/${BERT}/infer`) {
  return app.inject({ method: "POST", url, headers: jsonHeaders(), payload: JSON.stringify(body) });
}

test("server metadata, liveness and readiness", async () => {
  const meta = await app.inject({ url: "/v2" });
  assert.equal(meta.statusCode, 200);
  assert.deepEqual(Object.keys(meta.json()).sort(), ["extensions", "name", "version"]);
  assert.equal(meta.json().name, "zeq-np");
  assert.deepEqual((await app.inject({ url: "/v2/health/live" })).json(), { live: true });
  assert.deepEqual((await app.inject({ url: "/v2/health/ready" })).json(), { ready: true });
  assert.deepEqual((await app.inject({ url: `/v2/models/${BERT}/ready` })).json(), {
    name: BERT,
    ready: true,
  });
  assert.deepEqual((await app.inject({ url: `/v2/models/${BERT}/versions/1/ready` })).json(), {
    name: BERT,
    ready: true,
  });
});

test("model metadata: OIP datatypes, -1 for dynamic dimensions, versions", async () => {
  for (const url of [`/v2/models/${BERT}`, `/v2/models/${BERT}/versions/1`]) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      name: BERT,
      versions: ["1"],
      platform: "onnxruntime_onnx",
      inputs: [
        { name: "input_ids", datatype: "INT64", shape: [-1, -1] },
        { name: "attention_mask", datatype: "INT64", shape: [-1, -1] },
        { name: "token_type_ids", datatype: "INT64", shape: [-1, -1] },
      ],
      outputs: [{ name: "logits", datatype: "FP32", shape: [-1, -1, 30522] }],
    });
  }
  const missing = await app.inject({ url: `/v2/models/${BERT}/versions/2` });
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(Object.keys(missing.json()).sort(), ["code", "error"]);
  assert.equal(missing.json().code, "MODEL_NOT_FOUND");
  assert.equal((await app.inject({ url: "/v2/models/nope/ready" })).statusCode, 404);
});

test("infer with typed tensors: outputs match the signed record bit for bit, receipt in the parameters", async () => {
  const res = await infer({
    id: "req-42",
    parameters: { zeq_operators: "KO42" },
    inputs: bertInputs(),
    outputs: [{ name: "logits" }],
  });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  const b = res.json();
  assert.equal(b.model_name, BERT);
  assert.equal(b.model_version, "1");
  assert.equal(b.id, "req-42");
  assert.equal(b.outputs.length, 1);
  const out = b.outputs[0];
  assert.deepEqual([out.name, out.datatype, out.shape], ["logits", "FP32", [1, 4, 30522]]);
  assert.equal(out.data.length, 4 * 30522);

  const receipt = JSON.parse(b.parameters.zeq_receipt);
  verifyReceipt(receipt, new VerifierSet([ti.instance.signer.verifierKey]));
  const record = decodeComputeRecord(fromBase64(receipt.envelope.payload));
  assert.deepEqual(JSON.parse(b.parameters.zeq_record), record);
  assert.equal(record.request_id, "req-42");
  assert.equal(b.parameters.zeq_log_index, receipt.log.index);
  assert.equal(b.parameters.zeq_input_sha256, record.input_sha256);
  assert.equal(b.parameters.zeq_operators, "KO42");
  const logits = record.outputs.find((o) => o.name === "logits");
  assert.ok(logits);
  assert.equal(tensorDigest("float32", out.shape, Float32Array.from(out.data as number[])), logits.sha256);
  // Every parameter value is a string, number or boolean, as the protocol defines them.
  for (const v of Object.values(b.parameters)) assert.ok(["string", "number", "boolean"].includes(typeof v));
});

test("nested data, no outputs list, and a body without Content-Type are accepted", async () => {
  const nested = bertInputs([{ name: "input_ids", data: [tokens] }]);
  const res = await app.inject({
    method: "POST",
    url: `/v2/models/${BERT}/versions/1/infer`,
    headers: { authorization: `Bearer ${INFERENCE_KEY}` },
    payload: JSON.stringify({ inputs: nested }),
  });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.deepEqual(
    res.json().outputs.map((o: { name: string }) => o.name),
    ["logits"],
  );
  assert.match(res.json().id, /^[0-9a-f-]{36}$/);
});

test("wrong inputs are 400s that name the input, in the protocol's error body", async () => {
  const cases: [string, unknown, string, string][] = [
    [
      "wrong rank",
      { inputs: bertInputs([{ name: "input_ids", shape: [1, 4, 1] }]) },
      "INFER_INPUT_SHAPE",
      "input_ids",
    ],
    [
      "wrong datatype",
      { inputs: bertInputs([{ name: "attention_mask", datatype: "FP32", data: [1, 1, 1, 1] }]) },
      "INFER_INPUT_DTYPE",
      "attention_mask",
    ],
    ["missing input", { inputs: bertInputs().slice(0, 2) }, "INFER_INPUT_MISSING", "token_type_ids"],
    [
      "unknown input",
      { inputs: [...bertInputs(), { name: "pixels", shape: [1], datatype: "FP32", data: [1] }] },
      "INFER_INPUT_UNEXPECTED",
      "pixels",
    ],
    [
      "data not matching shape",
      { inputs: bertInputs([{ name: "token_type_ids", shape: [1, 5] }]) },
      "PREPROCESS_TENSOR_SHAPE",
      "token_type_ids",
    ],
    [
      "non-integer in INT64",
      { inputs: bertInputs([{ name: "input_ids", data: [101, 1.5, 2, 102] }]) },
      "PREPROCESS_TENSOR_DATA",
      "input_ids",
    ],
    [
      "unknown datatype",
      { inputs: bertInputs([{ name: "input_ids", datatype: "INT65" }]) },
      "PREPROCESS_TENSOR_DATATYPE",
      "input_ids",
    ],
    [
      "unknown output",
      { inputs: bertInputs(), outputs: [{ name: "hidden" }] },
      "SERVER_OUTPUT_UNKNOWN",
      "hidden",
    ],
    [
      "unknown operator",
      { inputs: bertInputs(), parameters: { zeq_operators: "KO42,XX" } },
      "EXECUTE_OPERATOR_UNKNOWN",
      "KO42, CS43, CS44",
    ],
  ];
  for (const [what, body, code, named] of cases) {
    const res = await infer(body);
    assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
    assert.deepEqual(Object.keys(res.json()).sort(), ["code", "error"], what);
    assert.equal(res.json().code, code, what);
    assert.ok(res.json().error.includes(named), `${what}: ${res.json().error}`);
  }
});

test("infer on an unknown model is a 404 with the protocol's body", async () => {
  const res = await infer({ inputs: bertInputs() }, "/v2/models/nope/infer");
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().code, "MODEL_NOT_FOUND");
  assert.equal(typeof res.json().error, "string");
});
