/**
 * startServer and graceful close over real HTTP: an in-flight inference finishes with its
 * receipt, new connections are refused, then the backend closes and the log's final
 * checkpoint covers every acknowledged record.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { openLog } from "../../src/instance/open.js";
import { closeOnSignals, startServer } from "../../src/server/listen.js";
import { ADMIN_KEY, BERT, INFERENCE_KEY, http, jsonHeaders, openTestInstance } from "./helpers.js";

test("graceful close drains in-flight work, then closes the backend; the final checkpoint covers it", async () => {
  const ti = await openTestInstance();
  const { instance } = ti;
  let backendClosed = false;
  const server = await startServer({
    executor: instance.executor,
    log: instance.log,
    signer: instance.signer,
    verifierKeys: [],
    auth: { apiKeys: [INFERENCE_KEY], adminKeys: [ADMIN_KEY] },
    logger: false,
    port: 0,
    closeBackend: async () => {
      await instance.close();
      backendClosed = true;
    },
  });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await http(server.port, { path: "/v2/health/live" })).status, 200);

    const inFlight = http(server.port, {
      method: "POST",
      path: "/api/playground/compute",
      headers: jsonHeaders(),
      body: JSON.stringify({ inputs: { model: BERT, text: "draining" } }),
    });
    // Wait (by events, not by time) until the executor holds the request.
    while (instance.executor.stats().inFlight === 0) await new Promise((r) => setImmediate(r));
    const closing = server.close();
    assert.equal(server.close(), closing, "close() is idempotent");

    const answer = await inFlight;
    assert.equal(answer.status, 200, answer.body);
    const index = (JSON.parse(answer.body) as { log_index: number }).log_index;
    await closing;
    assert.equal(backendClosed, true);
    await assert.rejects(http(server.port, { path: "/v2/health/live" }), { code: "ECONNREFUSED" });

    const { storage, log } = await openLog(instance.paths.root, instance.signer, { mustExist: true });
    try {
      assert.ok((await log.latestCheckpoint()).size >= index + 1);
    } finally {
      await log.close();
      await storage.close();
    }
  } finally {
    await server.close();
    await ti.close();
  }
});

test("closeOnSignals closes once on the signal and reports", async () => {
  const ti = await openTestInstance();
  const server = await startServer({
    executor: ti.instance.executor,
    log: ti.instance.log,
    signer: ti.instance.signer,
    verifierKeys: [],
    auth: { apiKeys: [INFERENCE_KEY], adminKeys: [] },
    logger: false,
    port: 0,
    closeBackend: () => ti.close(),
  });
  const done = new Promise<unknown>((resolve) => closeOnSignals(server, resolve, ["SIGUSR2"]));
  process.emit("SIGUSR2", "SIGUSR2");
  assert.equal(await done, undefined);
  await assert.rejects(http(server.port, { path: "/v2/health/live" }), { code: "ECONNREFUSED" });
});
