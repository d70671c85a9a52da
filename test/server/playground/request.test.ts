/** The playground body → ExecuteRequest: input forms, batch rules, sampling, operators. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePlayground, DEFAULT_MAX_TOKENS } from "../../../src/server/playground/request.js";
import type { ModelSummary } from "../../../src/execute/types.js";
import { isZeqError } from "../../../src/core/errors.js";

const LIMITS = { maxBatch: 4, maxTokens: 32 };

function summary(task: string): ModelSummary {
  return {
    name: "m",
    version: "1",
    task,
    inputs: [],
    outputs: [],
    weightCheckpointSha256: "0".repeat(64),
    precision: null,
    budgets: { latencyMs: null, memoryBytes: null },
  };
}

function parse(body: unknown, task = "fill-mask") {
  return parsePlayground(body as Record<string, unknown>, summary(task), "req-1", LIMITS).request;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isZeqError(err), String(err));
    return err.code;
  }
  assert.fail("expected a coded error");
}

test("the seed's call: text input, KO42 and CS43", () => {
  const r = parse({ operators: ["KO42", "CS43"], inputs: { model: "m", text: "The quick brown fox" } });
  assert.deepEqual(r, {
    model: "m",
    version: "1",
    operators: ["KO42", "CS43"],
    requestId: "req-1",
    inputs: [{ kind: "text", text: "The quick brown fox" }],
    batched: false,
  });
});

test("KO42 is added when operators are absent or omit it", () => {
  assert.deepEqual(parse({ inputs: { model: "m", text: "x" } }).operators, ["KO42"]);
  assert.deepEqual(parse({ operators: ["CS44"], inputs: { model: "m", text: "x" } }).operators, [
    "KO42",
    "CS44",
  ]);
});

test("operators: unknown names, more than 3, repeats and non-lists are refused", () => {
  assert.equal(
    codeOf(() => parse({ operators: ["XX"], inputs: { model: "m", text: "x" } })),
    "EXECUTE_OPERATOR_UNKNOWN",
  );
  const four = ["KO42", "CS43", "CS44", "KO42"];
  assert.equal(
    codeOf(() => parse({ operators: four, inputs: { model: "m", text: "x" } })),
    "EXECUTE_OPERATORS_INVALID",
  );
  assert.equal(
    codeOf(() => parse({ operators: ["CS43", "CS43"], inputs: { model: "m", text: "x" } })),
    "EXECUTE_OPERATORS_INVALID",
  );
  assert.equal(
    codeOf(() => parse({ operators: "KO42", inputs: { model: "m", text: "x" } })),
    "EXECUTE_OPERATORS_INVALID",
  );
});

test("exactly one input form", () => {
  assert.equal(
    codeOf(() => parse({ inputs: { model: "m" } })),
    "SERVER_INPUT_INVALID",
  );
  assert.equal(
    codeOf(() => parse({ inputs: { model: "m", text: "a", prompt: "b" } })),
    "SERVER_INPUT_INVALID",
  );
  assert.equal(
    codeOf(() => parse({ inputs: { model: "m", text: "a", batch: ["b"] } })),
    "SERVER_INPUT_INVALID",
  );
});

test("images are canonical padded base64", () => {
  const r = parse({ inputs: { model: "m", image: "AAEC" } }, "image-classification");
  assert.deepEqual(r.inputs, [{ kind: "image", bytes: new Uint8Array([0, 1, 2]) }]);
  for (const bad of ["AAE", "AA EC", "AAEC\n", "AAF=", 42]) {
    assert.equal(
      codeOf(() => parse({ inputs: { model: "m", image: bad } })),
      "SERVER_INPUT_INVALID",
      String(bad),
    );
  }
});

test("prompts: max_tokens bounded, defaulted; sampling only when asked, validated", () => {
  const greedy = parse({ inputs: { model: "m", prompt: "Hi" } }, "text-generation");
  assert.deepEqual(greedy.inputs, [{ kind: "prompt", prompt: "Hi", maxTokens: DEFAULT_MAX_TOKENS }]);
  const sampled = parse({ inputs: { model: "m", prompt: "Hi", max_tokens: 3, seed: 7 } }, "text-generation");
  assert.deepEqual(sampled.inputs, [
    { kind: "prompt", prompt: "Hi", maxTokens: 3, sampling: { seed: 7, temperature: 1, topK: 50 } },
  ]);
  for (const inputs of [
    { prompt: "Hi", max_tokens: 0 },
    { prompt: "Hi", max_tokens: LIMITS.maxTokens + 1 },
    { prompt: "Hi", temperature: 0 },
    { prompt: "Hi", top_k: 0 },
    { prompt: "Hi", seed: -1 },
  ]) {
    assert.equal(
      codeOf(() => parse({ inputs: { model: "m", ...inputs } }, "text-generation")),
      "SERVER_INPUT_INVALID",
      JSON.stringify(inputs),
    );
  }
});

test("batch: strings by task, objects by form, size bounded, malformed elements named", () => {
  const texts = parse({ inputs: { model: "m", batch: ["a", { text: "b" }] } });
  assert.equal(texts.batched, true);
  assert.deepEqual(texts.inputs, [
    { kind: "text", text: "a" },
    { kind: "text", text: "b" },
  ]);
  const images = parse({ inputs: { model: "m", batch: ["AAEC"] } }, "image-classification");
  assert.deepEqual(images.inputs, [{ kind: "image", bytes: new Uint8Array([0, 1, 2]) }]);
  const prompts = parse(
    { inputs: { model: "m", max_tokens: 2, batch: ["a", { prompt: "b", max_tokens: 5 }] } },
    "text-generation",
  );
  assert.deepEqual(prompts.inputs, [
    { kind: "prompt", prompt: "a", maxTokens: 2 },
    { kind: "prompt", prompt: "b", maxTokens: 5 },
  ]);
  assert.equal(
    codeOf(() => parse({ inputs: { model: "m", batch: [] } })),
    "SERVER_INPUT_INVALID",
  );
  assert.equal(
    codeOf(() => parse({ inputs: { model: "m", batch: ["a", "b", "c", "d", "e"] } })),
    "SERVER_BATCH_TOO_LARGE",
  );
  assert.equal(
    codeOf(() => parse({ inputs: { model: "m", batch: ["a", 3] } })),
    "SERVER_INPUT_INVALID",
  );
  assert.equal(
    codeOf(() => parse({ inputs: { model: "m", batch: [{ text: "a", extra: 1 }] } })),
    "SERVER_INPUT_INVALID",
  );
  assert.equal(
    codeOf(() => parse({ inputs: { model: "m", batch: ["a"] } }, "custom")),
    "SERVER_INPUT_INVALID",
  );
});
