/**
 * Bad input never crashes the server: oversized bodies refused before they are read (real
 * sockets), malformed and hostile JSON, wrong media types, path traversal in model names,
 * slow clients cut off, random bodies never answered with a 5xx, and logs free of keys
 * and inputs.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import {
  BERT,
  INFERENCE_KEY,
  appFor,
  http,
  jsonHeaders,
  jsonOfRaw,
  listen,
  openTestInstance,
  rawExchange,
  type TestInstance,
} from "./helpers.js";

let ti: TestInstance;
let app: FastifyInstance;
let port: number;
const SMALL_BODY = 4096;

before(async () => {
  ti = await openTestInstance();
  app = await appFor(ti.instance, {
    limits: { bodyBytes: SMALL_BODY, requestTimeoutMs: 400, headersTimeoutMs: 400 },
  });
  port = await listen(app);
});

after(async () => {
  await app.close();
  await ti.close();
});

async function post(payload: string | Buffer, headers: Record<string, string> = jsonHeaders()) {
  return app.inject({ method: "POST", url: "/api/playground/compute", headers, payload });
}

test("413 from Content-Length alone: the server answers and closes without reading the body", async () => {
  const head =
    "POST /api/playground/compute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
    `Authorization: Bearer ${INFERENCE_KEY}\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`;
  // Only a few bytes of the announced 100 MiB are ever sent: the answer cannot depend on them.
  const raw = await rawExchange(port, head, { body: Buffer.from('{"inputs":') });
  assert.match(raw, /^HTTP\/1\.1 413 /);
  assert.match(raw, /\r\nconnection: close\r\n/i);
  assert.equal((jsonOfRaw(raw) as { code: string }).code, "SERVER_BODY_TOO_LARGE");
});

test("413 for a chunked body that grows past the limit", async () => {
  const head =
    "POST /api/playground/compute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
    `Authorization: Bearer ${INFERENCE_KEY}\r\nTransfer-Encoding: chunked\r\n\r\n`;
  const chunk = "x".repeat(SMALL_BODY);
  const body = Buffer.from(
    `${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
  );
  const raw = await rawExchange(port, head, { body, endAfter: 2000 });
  assert.match(raw, /^HTTP\/1\.1 413 /);
  assert.equal((jsonOfRaw(raw) as { code: string }).code, "SERVER_BODY_TOO_LARGE");
});

test("malformed and hostile JSON: coded 400s", async () => {
  const cases: [string, string | Buffer, string][] = [
    ["truncated", '{"inputs":', "JSON_SYNTAX"],
    ["duplicate key", `{"inputs":{"model":"${BERT}","text":"a","text":"b"}}`, "JSON_DUPLICATE_KEY"],
    ["nested duplicate key", `{"inputs":{"model":"${BERT}","model":"x","text":"a"}}`, "JSON_DUPLICATE_KEY"],
    ["too deep", `${"[".repeat(40)}${"]".repeat(40)}`, "JSON_TOO_DEEP"],
    [
      "unsafe integer",
      `{"inputs":{"model":"${BERT}","text":"a","max_tokens":9007199254740993}}`,
      "JSON_UNSAFE_INTEGER",
    ],
    ["lone surrogate", `{"inputs":{"model":"${BERT}","text":"\\ud800"}}`, "JSON_LONE_SURROGATE"],
    ["not UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), "SERVER_BODY_NOT_UTF8"],
    ["empty", "", "SERVER_BODY_MISSING"],
    ["unknown field", `{"inputs":{"model":"${BERT}","text":"a"},"extra":1}`, "SERVER_REQUEST_INVALID"],
    ["no coercion", `{"inputs":{"model":"${BERT}","prompt":"a","max_tokens":"3"}}`, "SERVER_REQUEST_INVALID"],
    ["not an object", "[]", "SERVER_REQUEST_INVALID"],
  ];
  for (const [what, payload, code] of cases) {
    const res = await post(payload);
    assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
    assert.equal(res.json().code, code, what);
  }
});

test("only application/json bodies", async () => {
  const res = await post("inputs=x", {
    authorization: `Bearer ${INFERENCE_KEY}`,
    "content-type": "application/x-www-form-urlencoded",
  });
  assert.equal(res.statusCode, 415);
  assert.equal(res.json().code, "SERVER_MEDIA_TYPE");
  const none = await app.inject({
    method: "POST",
    url: "/api/playground/compute",
    headers: { authorization: `Bearer ${INFERENCE_KEY}` },
    payload: "{}",
  });
  assert.equal(none.statusCode, 415);
});

test("path traversal in model names: 400/404 over a raw socket, in the body, never 200 or 5xx", async () => {
  const paths = [
    "/api/models/..%2F..%2Fetc%2Fpasswd/card",
    "/api/models/%2e%2e/card",
    "/api/models/../card",
    "/api/models/.hidden",
    "/v2/models/%2e%2e%2f%2e%2e%2fetc/ready",
    "/v2/models/..%5c..%5cwindows",
    "/v2/models/%2e%2e/versions/1",
    "/v2/models/bert/versions/..%2f1",
    "/api/models/%00/card",
  ];
  for (const path of paths) {
    const raw = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const status = Number(raw.slice(9, 12));
    assert.ok(status === 400 || status === 404, `${path}: ${raw.slice(0, 200)}`);
    const code = (jsonOfRaw(raw) as { code: string }).code;
    assert.ok(
      [
        "MODEL_NAME_INVALID",
        "MODEL_VERSION_INVALID",
        "SERVER_ROUTE_NOT_FOUND",
        "SERVER_PARAM_INVALID",
        "MODEL_NOT_FOUND",
      ].includes(code),
      `${path}: ${code}`,
    );
  }
  for (const model of ["../x", "..", "a/b", "%2e%2e", "BERT", "/etc/passwd", "x\u0000"]) {
    const res = await post(JSON.stringify({ inputs: { model, text: "a" } }));
    assert.equal(res.statusCode, 400, `${model}: ${res.body}`);
    assert.equal(res.json().code, "MODEL_NAME_INVALID");
  }
});

test("a slow client is cut off at the request timeout (408), the server keeps serving", async () => {
  // Headers that never finish: the server answers 408 and closes once the timeout passes.
  const raw = await rawExchange(port, "POST /api/playground/compute HTTP/1.1\r\nHost: x\r\nContent-Le");
  assert.match(raw, /^HTTP\/1\.1 408 /);
  const res = await http(port, { path: "/v2/health/live" });
  assert.equal(res.status, 200);
});

test("random bodies and paths never get a 5xx (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.jsonValue().map((v) => JSON.stringify({ inputs: v })),
        fc
          .record({ model: fc.constantFrom(BERT, "x", ""), text: fc.anything() })
          .map((i) => JSON.stringify({ inputs: i })),
        fc
          .record({ operators: fc.jsonValue(), inputs: fc.constant({ model: "nope", text: "a" }) })
          .map((v) => JSON.stringify(v)),
        fc.string(),
      ),
      fc.constantFrom(
        "/api/playground/compute",
        `/v2/models/${BERT}/infer`,
        "/v2/models/x/infer",
        "/api/admin/api-keys",
      ),
      async (payload, url) => {
        const res = await app.inject({ method: "POST", url, headers: jsonHeaders(), payload });
        assert.ok(
          res.statusCode < 500,
          `${url} ${payload.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
        const body = res.json() as { code?: string };
        if (res.statusCode >= 400) assert.match(String(body.code), /^[A-Z]+_[A-Z0-9_]+$/);
      },
    ),
    { numRuns: 100 },
  );
  await fc.assert(
    fc.asyncProperty(fc.webPath(), fc.constantFrom("GET", "POST", "DELETE", "PUT"), async (path, method) => {
      const res = await app.inject({
        method: method as "GET",
        url: path.startsWith("/") ? path : `/${path}`,
      });
      assert.ok(res.statusCode < 500, `${method} ${path} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    }),
    { numRuns: 100 },
  );
});

test("logs carry no keys and no inputs", async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  const logged = await appFor(ti.instance, { logger: { level: "trace", stream } });
  try {
    const secretText = "zebra-quartz-unique-input-7731";
    const headers = jsonHeaders();
    await logged.inject({
      method: "POST",
      url: "/api/playground/compute",
      headers,
      payload: { inputs: { model: BERT, text: secretText } },
    });
    await logged.inject({
      method: "POST",
      url: "/api/playground/compute",
      headers,
      payload: `{"inputs":{"model":"${BERT}","text":"${secretText}",`,
    });
    await logged.inject({
      method: "POST",
      url: "/api/playground/compute",
      headers: jsonHeaders("wrong-key-but-also-secret-99"),
      payload: "{}",
    });
    await logged.inject({ url: "/api/admin/status", headers: jsonHeaders() });
    const text = lines.join("");
    assert.ok(lines.length > 4, "the logger ran");
    assert.ok(!text.includes(INFERENCE_KEY), "an API key reached the log");
    assert.ok(!text.includes("wrong-key-but-also-secret-99"), "a presented key reached the log");
    assert.ok(!text.includes(secretText), "an input reached the log");
    assert.match(text, /"code":"JSON_SYNTAX"/);
  } finally {
    await logged.close();
  }
});
