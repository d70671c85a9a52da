/**
 * Forced overload: an engine that admits no queued work (maxQueue 0) makes admission
 * control refuse every call. The answer is a fast 503 with Retry-After, decided before any
 * work starts (the log does not grow), never a 500; /metrics counts it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { BERT, appFor, jsonHeaders, openTestInstance, type TestInstance } from "./helpers.js";

let ti: TestInstance;
let app: FastifyInstance;

before(async () => {
  ti = await openTestInstance({
    engine: { workers: 1, maxQueue: 0 },
    budgets: { latency_ms: { a: 50, b: 0 } },
  });
  app = await appFor(ti.instance);
});

after(async () => {
  await app.close();
  await ti.close();
});

const tensors = [
  { name: "input_ids", shape: [1, 2], datatype: "INT64", data: [101, 102] },
  { name: "attention_mask", shape: [1, 2], datatype: "INT64", data: [1, 1] },
  { name: "token_type_ids", shape: [1, 2], datatype: "INT64", data: [0, 0] },
];

test("503 with Retry-After before any work: the log does not grow", async () => {
  const before = (await ti.instance.log.latestCheckpoint()).size;
  const playground = await app.inject({
    method: "POST",
    url: "/api/playground/compute",
    headers: jsonHeaders(),
    payload: { operators: ["KO42", "CS43"], inputs: { model: BERT, text: "The quick brown fox" } },
  });
  assert.equal(playground.statusCode, 503, playground.body);
  assert.equal(playground.json().code, "INFER_OVERLOADED");
  assert.match(String(playground.headers["retry-after"]), /^[1-9][0-9]*$/);

  const oip = await app.inject({
    method: "POST",
    url: `/v2/models/${BERT}/infer`,
    headers: jsonHeaders(),
    payload: { inputs: tensors },
  });
  assert.equal(oip.statusCode, 503, oip.body);
  assert.deepEqual(Object.keys(oip.json()).sort(), ["code", "error"]);
  assert.match(String(oip.headers["retry-after"]), /^[1-9][0-9]*$/);

  const batch = await app.inject({
    method: "POST",
    url: "/api/playground/compute",
    headers: jsonHeaders(),
    payload: { inputs: { model: BERT, batch: ["a", "b", "c"] } },
  });
  assert.equal(batch.statusCode, 503, "a batch is admitted or refused as a whole");

  assert.equal((await ti.instance.log.latestCheckpoint()).size, before);
  assert.equal(ti.instance.executor.stats().inFlight, 0);
});

test("/metrics: Prometheus text with requests, latency buckets, queue, log size and rejections by code", async () => {
  const res = await app.inject({ url: "/metrics" });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
  const text = res.body;
  assert.match(text, /^zeq_rejections_total\{code="INFER_OVERLOADED"\} 3$/m);
  assert.match(
    text,
    /^zeq_http_requests_total\{method="POST",route="\/api\/playground\/compute",status_code="503"\} 2$/m,
  );
  assert.match(
    text,
    /^zeq_http_requests_total\{method="POST",route="\/v2\/models\/:name\/infer",status_code="503"\} 1$/m,
  );
  assert.match(
    text,
    /^zeq_http_request_duration_seconds_bucket\{le="0\.05",method="POST",route="\/api\/playground\/compute"\} \d+$/m,
  );
  assert.match(text, /^zeq_queue_depth 0$/m);
  assert.match(text, /^zeq_in_flight 0$/m);
  const size = (await ti.instance.log.latestCheckpoint()).size;
  assert.match(text, new RegExp(`^zeq_log_size ${size}$`, "m"));
  assert.ok(!text.includes("Bearer") && !text.includes("The quick brown fox"));
});

test("once closing: inference is refused with SERVER_CLOSING and readiness turns false", async () => {
  app.zeqBeginClose();
  const res = await app.inject({
    method: "POST",
    url: "/api/playground/compute",
    headers: jsonHeaders(),
    payload: { inputs: { model: BERT, text: "late" } },
  });
  assert.deepEqual([res.statusCode, res.json().code], [503, "SERVER_CLOSING"]);
  assert.match(String(res.headers["retry-after"]), /^[1-9][0-9]*$/);
  const ready = await app.inject({ url: "/v2/health/ready" });
  assert.deepEqual([ready.statusCode, ready.json()], [503, { ready: false }]);
  assert.equal(
    (await app.inject({ url: "/api/log/checkpoint" })).statusCode,
    200,
    "reads are served while draining",
  );
});
