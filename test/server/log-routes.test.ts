/**
 * The log endpoints: signed checkpoints, inclusion proofs that verify with the pure Merkle
 * verifier, two checkpoints proven consistent through the API, entries byte-identical to
 * receipts, and coded errors for out-of-range requests.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { fromBase64, toBase64 } from "../../src/core/bytes.js";
import { VerifierSet } from "../../src/keys/index.js";
import { openCheckpoint } from "../../src/log/checkpoint.js";
import { leafHash, verifyConsistency, verifyInclusion } from "../../src/log/merkle/index.js";
import { BERT, appFor, jsonHeaders, openTestInstance, type TestInstance } from "./helpers.js";

let ti: TestInstance;
let app: FastifyInstance;
let verifiers: VerifierSet;

before(async () => {
  ti = await openTestInstance();
  app = await appFor(ti.instance);
  verifiers = new VerifierSet([ti.instance.signer.verifierKey]);
});

after(async () => {
  await app.close();
  await ti.close();
});

interface Receipt {
  envelope: { payload: string; payloadType: string; signatures: unknown[] };
  log: { index: number };
}

async function record(text: string): Promise<Receipt> {
  const res = await app.inject({
    method: "POST",
    url: "/api/playground/compute",
    headers: jsonHeaders(),
    payload: { inputs: { model: BERT, text } },
  });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { receipt: Receipt }).receipt;
}

async function checkpoint() {
  const res = await app.inject({ url: "/api/log/checkpoint" });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["content-type"], "text/plain; charset=utf-8");
  return openCheckpoint(res.body, verifiers, ti.instance.origin).checkpoint;
}

const proofOf = (list: string[]) => list.map((h) => fromBase64(h));

test("inclusion and consistency proofs from the API verify; tampered ones do not", async () => {
  const first = [await record("one"), await record("two")];
  const a = await checkpoint();
  const later = [await record("three"), await record("four"), await record("five")];
  const b = await checkpoint();
  assert.ok(b.size >= a.size + 3);

  const consistency = await app.inject({ url: `/api/log/proof/consistency?from=${a.size}&to=${b.size}` });
  assert.equal(consistency.statusCode, 200, consistency.body);
  const cproof = proofOf(consistency.json().consistency_proof);
  verifyConsistency(a.size, b.size, cproof, a.rootHash, b.rootHash);
  const tampered = cproof.map((h, i) => (i === 0 ? Uint8Array.from(h, (x, j) => (j === 0 ? x ^ 1 : x)) : h));
  assert.throws(() => verifyConsistency(a.size, b.size, tampered, a.rootHash, b.rootHash), {
    code: "LOG_PROOF_INVALID",
  });

  for (const receipt of [...first, ...later]) {
    const { index } = receipt.log;
    const res = await app.inject({ url: `/api/log/proof/inclusion?index=${index}&size=${b.size}` });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([res.json().index, res.json().tree_size], [index, b.size]);
    const leaf = leafHash(fromBase64(receipt.envelope.payload));
    const proof = proofOf(res.json().inclusion_proof);
    verifyInclusion(index, b.size, leaf, proof, b.rootHash);
    assert.throws(() => verifyInclusion(index, b.size, leaf, proof, a.rootHash), {
      code: "LOG_PROOF_INVALID",
    });
  }
});

test("an entry is the record's exact payload and its envelope", async () => {
  const receipt = await record("entry");
  const res = await app.inject({ url: `/api/log/entries/${receipt.log.index}` });
  assert.equal(res.statusCode, 200, res.body);
  const e = res.json();
  assert.equal(e.index, receipt.log.index);
  assert.equal(e.leaf, receipt.envelope.payload);
  assert.equal(e.leaf_hash, toBase64(leafHash(fromBase64(receipt.envelope.payload))));
  assert.deepEqual(e.envelope, receipt.envelope);
});

test("out-of-range and malformed log requests are coded 4xx", async () => {
  const { size } = await checkpoint();
  const cases: [string, number, string][] = [
    [`/api/log/proof/inclusion?index=0&size=${size + 1}`, 400, "LOG_SIZE_BEYOND_TREE"],
    [`/api/log/proof/inclusion?index=${size}&size=${size}`, 400, "LOG_PROOF_INDEX_OUT_OF_RANGE"],
    [`/api/log/proof/consistency?from=2&to=${size + 5}`, 400, "LOG_SIZE_BEYOND_TREE"],
    [`/api/log/proof/consistency?from=0&to=${size + 5}`, 400, "LOG_SIZE_BEYOND_TREE"],
    [`/api/log/proof/consistency?from=${size}&to=1`, 400, "LOG_PROOF_INDEX_OUT_OF_RANGE"],
    ["/api/log/proof/inclusion?index=1e0&size=2", 400, "SERVER_REQUEST_INVALID"],
    ["/api/log/proof/inclusion?index=-1&size=2", 400, "SERVER_REQUEST_INVALID"],
    ["/api/log/proof/inclusion?index=01&size=2", 400, "SERVER_REQUEST_INVALID"],
    ["/api/log/proof/inclusion?index=0", 400, "SERVER_REQUEST_INVALID"],
    ["/api/log/proof/inclusion?index=0&size=1&extra=1", 400, "SERVER_REQUEST_INVALID"],
    ["/api/log/proof/inclusion?index=99999999999999999&size=2", 400, "SERVER_REQUEST_INVALID"],
    [`/api/log/entries/${size}`, 404, "SERVER_LOG_ENTRY_NOT_FOUND"],
    ["/api/log/entries/x", 400, "SERVER_REQUEST_INVALID"],
  ];
  for (const [url, status, code] of cases) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, status, `${url}: ${res.body}`);
    assert.equal(res.json().code, code, url);
  }
  const empty = await app.inject({ url: `/api/log/proof/consistency?from=${size}&to=${size}` });
  assert.deepEqual(empty.json().consistency_proof, []);
});

test("/metrics counts the committed records and the log size", async () => {
  const { size } = await checkpoint();
  const text = (await app.inject({ url: "/metrics" })).body;
  // Every record of this file came through the playground (one per call).
  assert.match(text, new RegExp(`^zeq_records_committed_total\\{model="${BERT}"\\} ${size}$`, "m"));
  assert.match(text, new RegExp(`^zeq_inference_latency_seconds_count\\{model="${BERT}"\\} ${size}$`, "m"));
  assert.match(text, new RegExp(`^zeq_log_size ${size}$`, "m"));
});
