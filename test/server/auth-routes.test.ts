/**
 * The auth matrix through inject() and over real HTTP, key issue / revoke by an admin, and
 * the per-key rate limit.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { keyIdOf } from "../../src/server/auth.js";
import type { ApiKeyEvent } from "../../src/server/options.js";
import {
  ADMIN_KEY,
  BERT,
  INFERENCE_KEY,
  appFor,
  bearer,
  http,
  jsonHeaders,
  listen,
  openTestInstance,
  type TestInstance,
} from "./helpers.js";

let ti: TestInstance;
let app: FastifyInstance;
let port: number;
const events: ApiKeyEvent[] = [];

before(async () => {
  ti = await openTestInstance();
  app = await appFor(ti.instance, { onApiKeyEvent: (e) => void events.push(e) });
  port = await listen(app);
});

after(async () => {
  await app.close();
  await ti.close();
});

const compute = JSON.stringify({ inputs: { model: BERT, text: "The quick brown fox" } });

/** [description, headers, expected status, expected code] for a route. */
function matrix(adminRoute: boolean): [string, Record<string, string>, number, string | null][] {
  return [
    ["no key", {}, 401, "SERVER_AUTH_MISSING"],
    ["wrong key", bearer("not-a-key-of-this-server"), 401, "SERVER_AUTH_INVALID"],
    ["not a Bearer header", { authorization: `Basic ${INFERENCE_KEY}` }, 401, "SERVER_AUTH_INVALID"],
    ["inference key", bearer(INFERENCE_KEY), adminRoute ? 403 : 200, adminRoute ? "SERVER_FORBIDDEN" : null],
    ["admin key", bearer(ADMIN_KEY), 200, null],
  ];
}

test("auth matrix on the inference route (inject and HTTP)", async () => {
  for (const [what, headers, status, code] of matrix(false)) {
    const all = { ...headers, "content-type": "application/json" };
    const injected = await app.inject({
      method: "POST",
      url: "/api/playground/compute",
      headers: all,
      payload: compute,
    });
    const real = await http(port, {
      method: "POST",
      path: "/api/playground/compute",
      headers: all,
      body: compute,
    });
    for (const [via, s, body] of [
      ["inject", injected.statusCode, injected.body],
      ["http", real.status, real.body],
    ] as const) {
      assert.equal(s, status, `${what} via ${via}: ${body}`);
      if (code !== null)
        assert.equal((JSON.parse(body) as { code: string }).code, code, `${what} via ${via}`);
    }
  }
});

test("auth matrix on an admin route (inject and HTTP)", async () => {
  for (const [what, headers, status, code] of matrix(true)) {
    const injected = await app.inject({ url: "/api/admin/status", headers });
    const real = await http(port, { path: "/api/admin/status", headers });
    for (const [via, s, body] of [
      ["inject", injected.statusCode, injected.body],
      ["http", real.status, real.body],
    ] as const) {
      assert.equal(s, status, `${what} via ${via}: ${body}`);
      if (code !== null)
        assert.equal((JSON.parse(body) as { code: string }).code, code, `${what} via ${via}`);
    }
  }
});

test("the OIP infer route needs an inference key; its errors use the protocol's body", async () => {
  const res = await app.inject({ method: "POST", url: `/v2/models/${BERT}/infer`, payload: { inputs: [] } });
  assert.equal(res.statusCode, 401);
  assert.deepEqual(Object.keys(res.json()).sort(), ["code", "error"]);
  assert.equal(res.json().code, "SERVER_AUTH_MISSING");
});

test("public reads need no key", async () => {
  for (const url of [
    "/api/keys",
    "/api/models",
    "/api/log/checkpoint",
    "/v2",
    "/v2/health/live",
    `/v2/models/${BERT}`,
    "/metrics",
  ]) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  }
});

test("an admin issues a key that works at once and revokes it; an inference key cannot", async () => {
  const denied = await app.inject({
    method: "POST",
    url: "/api/admin/api-keys",
    headers: jsonHeaders(),
    payload: { role: "inference" },
  });
  assert.equal(denied.statusCode, 403);

  const issued = await app.inject({
    method: "POST",
    url: "/api/admin/api-keys",
    headers: jsonHeaders(ADMIN_KEY),
    payload: { role: "inference" },
  });
  assert.equal(issued.statusCode, 201, issued.body);
  const { key, key_id: keyId } = issued.json() as { key: string; key_id: string };
  assert.equal(keyId, keyIdOf(key));
  assert.deepEqual(events.at(-1), { action: "issued", role: "inference", keyId, key });

  const listed = await app.inject({ url: "/api/admin/api-keys", headers: bearer(ADMIN_KEY) });
  assert.ok((listed.json() as { api_keys: { key_id: string }[] }).api_keys.some((k) => k.key_id === keyId));
  assert.ok(!listed.body.includes(key), "the key itself is never listed");

  const used = await app.inject({
    method: "POST",
    url: "/api/playground/compute",
    headers: jsonHeaders(key),
    payload: compute,
  });
  assert.equal(used.statusCode, 200, used.body);

  const revoked = await app.inject({
    method: "DELETE",
    url: `/api/admin/api-keys/${keyId}`,
    headers: bearer(ADMIN_KEY),
  });
  assert.equal(revoked.statusCode, 200, revoked.body);
  assert.deepEqual(events.at(-1), { action: "revoked", keyId });
  const after = await app.inject({
    method: "POST",
    url: "/api/playground/compute",
    headers: jsonHeaders(key),
    payload: compute,
  });
  assert.equal(after.statusCode, 401);

  const again = await app.inject({
    method: "DELETE",
    url: `/api/admin/api-keys/${keyId}`,
    headers: bearer(ADMIN_KEY),
  });
  assert.equal(again.json().code, "SERVER_API_KEY_NOT_FOUND");
  const badRole = await app.inject({
    method: "POST",
    url: "/api/admin/api-keys",
    headers: jsonHeaders(ADMIN_KEY),
    payload: { role: "root" },
  });
  assert.equal(badRole.json().code, "SERVER_REQUEST_INVALID");
});

test("rate limit: 429 with Retry-After per key, other keys unaffected", async () => {
  const limited = await appFor(ti.instance, { limits: { ratePerMinute: { admin: 2 } } });
  try {
    const codes: number[] = [];
    let last = await limited.inject({ url: "/api/admin/status", headers: bearer(ADMIN_KEY) });
    codes.push(last.statusCode);
    for (let i = 0; i < 2; i++) {
      last = await limited.inject({ url: "/api/admin/status", headers: bearer(ADMIN_KEY) });
      codes.push(last.statusCode);
    }
    assert.deepEqual(codes, [200, 200, 429]);
    assert.equal(last.json().code, "SERVER_RATE_LIMITED");
    assert.match(String(last.headers["retry-after"]), /^[1-9][0-9]*$/);
    const other = await limited.inject({ url: "/api/keys" });
    assert.equal(other.statusCode, 200, "public reads count per address, not against the admin key");
  } finally {
    await limited.close();
  }
});

test("the live page: the listed files with their types, CSP on the page, nothing else of web/", async () => {
  const page = await app.inject({ url: "/" });
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
  assert.match(String(page.headers["content-security-policy"]), /default-src 'self'; script-src 'self'/);
  assert.match(page.body, /<script type="module" src="\.\/dist\/main\.js"><\/script>/);
  assert.equal((await app.inject({ url: "/style.css" })).headers["content-type"], "text/css; charset=utf-8");
  for (const url of [
    "/web/src/api.ts",
    "/src/api.ts",
    "/build.ts",
    "/dist/../build.ts",
    "/%2e%2e/package.json",
    "/dist/other.js",
  ]) {
    const res = await http(port, { path: url });
    assert.equal(res.status, 404, url);
  }
});
