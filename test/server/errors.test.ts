/**
 * The one table of code → HTTP status: complete (every code declared anywhere in src/ has a
 * row and a line in docs/errors.md), without stale rows, and the error resolver's
 * translations of framework errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { STATUS_BY_CODE, ServerError, statusForCode } from "../../src/server/errors.js";
import { errorBody, resolveError } from "../../src/server/error-reply.js";
import { InferenceError } from "../../src/inference/errors.js";
import { JsonError } from "../../src/core/json-error.js";

const ROOT = new URL("../../", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Every string literal of every `type XxxErrorCode = ...;` union, and literal codes passed to `new ZeqError(...)`. */
function declaredCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of sourceFiles(join(ROOT, "src"))) {
    // Comments may hold ";" or quoted words: drop them before reading the unions.
    const text = readFileSync(file, "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "");
    for (const m of text.matchAll(/export type \w+ErrorCode\s*=([^;]+);/g)) {
      for (const c of (m[1] ?? "").matchAll(/"([A-Z][A-Z0-9_]+)"/g)) codes.set(c[1] as string, file);
    }
    for (const c of text.matchAll(/new ZeqError\(\s*"([A-Z][A-Z0-9_]+)"/g)) codes.set(c[1] as string, file);
  }
  return codes;
}

test("every declared error code has an HTTP status in the table", () => {
  const codes = declaredCodes();
  assert.ok(codes.size > 50, `expected many codes, found ${codes.size}`);
  const missing = [...codes]
    .filter(([c]) => !Object.hasOwn(STATUS_BY_CODE, c))
    .map(([c, f]) => `${c} (${f})`);
  assert.deepEqual(missing, [], "codes without a status in src/server/errors.ts");
});

test("the table has no stale rows", () => {
  const codes = declaredCodes();
  const stale = Object.keys(STATUS_BY_CODE).filter((c) => !codes.has(c));
  assert.deepEqual(stale, [], "rows for codes no source declares");
});

test("docs/errors.md documents every code with its status", () => {
  const doc = readFileSync(join(ROOT, "docs/errors.md"), "utf8");
  const undocumented = Object.entries(STATUS_BY_CODE)
    .filter(([code, status]) => !new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`).test(doc))
    .map(([code, status]) => `${code} ${status}`);
  assert.deepEqual(undocumented, [], "codes missing from docs/errors.md (as | `CODE` | status |)");
});

test("statuses are HTTP error statuses; unknown codes are 500", () => {
  for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
    assert.ok(status >= 400 && status <= 599, `${code}: ${status}`);
  }
  assert.equal(statusForCode("NO_SUCH_CODE"), 500);
  assert.equal(statusForCode("__proto__"), 500);
});

test("resolveError: coded errors keep their code; overload carries Retry-After", () => {
  const overloaded = resolveError(new InferenceError("INFER_OVERLOADED", "full", { retryAfterMs: 2100 }));
  assert.equal(overloaded.status, 503);
  assert.equal(overloaded.code, "INFER_OVERLOADED");
  assert.equal(overloaded.retryAfterSeconds, 3);
  assert.equal(overloaded.unexpected, false);
  const dup = resolveError(new JsonError("JSON_DUPLICATE_KEY", "dup"));
  assert.deepEqual([dup.status, dup.code], [400, "JSON_DUPLICATE_KEY"]);
  // A 503 without a known retry time still says when to come back.
  assert.equal(resolveError(new ServerError("SERVER_CLOSING", "bye")).retryAfterSeconds, 1);
});

test("resolveError: framework errors become our codes; uncoded errors a 500 without their message", () => {
  const big = Object.assign(new Error("too large"), { code: "FST_ERR_CTP_BODY_TOO_LARGE", statusCode: 413 });
  assert.deepEqual([resolveError(big).status, resolveError(big).code], [413, "SERVER_BODY_TOO_LARGE"]);
  const validation = Object.assign(new Error("body/x must be string"), {
    code: "FST_ERR_VALIDATION",
    statusCode: 400,
  });
  assert.equal(resolveError(validation).code, "SERVER_REQUEST_INVALID");
  const other4xx = Object.assign(new Error("aborted"), { statusCode: 400 });
  assert.equal(resolveError(other4xx).code, "SERVER_REQUEST_INVALID");
  const bug = resolveError(new TypeError("secret internals"));
  assert.deepEqual([bug.status, bug.code, bug.unexpected], [500, "SERVER_INTERNAL", true]);
  assert.doesNotMatch(bug.message, /secret/);
  assert.deepEqual(resolveError("a string").code, "SERVER_INTERNAL");
  assert.deepEqual(errorBody({ status: 404, code: "MODEL_NOT_FOUND", message: "m" }), {
    statusCode: 404,
    code: "MODEL_NOT_FOUND",
    error: "Not Found",
    message: "m",
  });
});
