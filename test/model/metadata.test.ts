/* eslint-disable @typescript-eslint/no-explicit-any -- tests mutate parsed JSON freely */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import {
  parseModelMetadata,
  serializeModelMetadata,
  validateModelMetadata,
  type ModelMetadata,
} from "../../src/model/metadata.js";
import { ModelError } from "../../src/model/errors.js";

const fixture = (name: string): ModelMetadata =>
  parseModelMetadata(
    readFileSync(new URL(`../fixtures/models/${name}/1/model.json`, import.meta.url), "utf8"),
  );
const gpt2 = fixture("gpt2-tiny");
const invalid = (value: unknown, why: string): void =>
  assert.throws(
    () => validateModelMetadata(value),
    (err: unknown) => err instanceof ModelError && err.code === "MODEL_METADATA_INVALID",
    why,
  );
const mutate = (edit: (m: Record<string, any>) => void): unknown => {
  const copy = structuredClone(gpt2) as unknown as Record<string, any>;
  edit(copy);
  return copy;
};

test("the committed fixtures validate and serialize back to the same text", () => {
  for (const name of ["resnet50-tiny", "bert-base-uncased-tiny", "gpt2-tiny"]) {
    const text = readFileSync(new URL(`../fixtures/models/${name}/1/model.json`, import.meta.url), "utf8");
    assert.equal(serializeModelMetadata(parseModelMetadata(text)), text, name);
  }
  assert.deepEqual(fixture("resnet50-tiny").preprocessing, {
    kind: "imagenet",
    resize: 256,
    crop: 224,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  });
  assert.equal(fixture("bert-base-uncased-tiny").task, "fill-mask");
  assert.equal(gpt2.decoder_with_past?.path, "decoder_with_past.onnx");
});

test("every malformed field is MODEL_METADATA_INVALID", () => {
  invalid(null, "null");
  invalid([], "array");
  invalid(
    mutate((m) => (m.extra = 1)),
    "unknown top-level key",
  );
  invalid(
    mutate((m) => (m.schema = "zeq-np/model/v2")),
    "schema",
  );
  invalid(
    mutate((m) => delete m.files),
    "missing files",
  );
  invalid(
    mutate((m) => (m.name = "../gpt2")),
    "name traversal",
  );
  invalid(
    mutate((m) => (m.name = "GPT2")),
    "upper-case name",
  );
  invalid(
    mutate((m) => (m.version = "0")),
    "version 0",
  );
  invalid(
    mutate((m) => (m.task = "translation")),
    "task",
  );
  invalid(
    mutate((m) => (m.architecture.extra = true)),
    "unknown architecture key",
  );
  invalid(
    mutate((m) => (m.architecture.config.bad = { x: 1 })),
    "nested config",
  );
  invalid(
    mutate((m) => (m.files[0].path = "../model.onnx")),
    "file path traversal",
  );
  invalid(
    mutate((m) => (m.files[0].path = "sub/model.onnx")),
    "file path with a slash",
  );
  invalid(
    mutate((m) => (m.files[0].sha256 = "AB".repeat(32))),
    "upper-case hash",
  );
  invalid(
    mutate((m) => (m.files[0].bytes = -1)),
    "negative size",
  );
  invalid(
    mutate((m) => m.files.reverse()),
    "file order",
  );
  invalid(
    mutate((m) => m.files.push({ ...m.files[0] })),
    "duplicate file",
  );
  invalid(
    mutate((m) => (m.files = m.files.filter((f: { path: string }) => f.path !== "model.onnx"))),
    "no model.onnx",
  );
  invalid(
    mutate((m) => (m.inputs = [])),
    "no inputs",
  );
  invalid(
    mutate((m) => (m.inputs[0].dtype = "float128")),
    "dtype",
  );
  invalid(
    mutate((m) => (m.inputs[0].dims = [-1])),
    "negative dim",
  );
  invalid(
    mutate((m) => (m.inputs[1].name = m.inputs[0].name)),
    "duplicate input name",
  );
  invalid(
    mutate((m) => (m.preprocessing = { kind: "imagenet", resize: 256 })),
    "incomplete preprocessing",
  );
  invalid(
    mutate((m) => (m.preprocessing = { kind: "gpt2-bpe", max_length: 1024, lowercase: true })),
    "unknown preprocessing key",
  );
  invalid(
    mutate((m) => (m.preprocessing = { kind: "audio" })),
    "unknown preprocessing kind",
  );
  invalid(
    mutate((m) => (m.parameters = 1.5)),
    "fractional parameter count",
  );
  invalid(
    mutate((m) => (m.decoder_with_past.path = "other.onnx")),
    "decoder not in files",
  );
  invalid(
    mutate((m) => (m.budgets = [])),
    "budgets must be an object",
  );
  invalid(
    mutate((m) => (m.labels = "/etc/labels.txt")),
    "labels path",
  );
});

test("model.json text with duplicate keys or bad JSON is refused", () => {
  const text = serializeModelMetadata(gpt2);
  assert.throws(() => parseModelMetadata(text.replace('"task"', '"name": "x",\n  "task"')), ModelError);
  assert.throws(() => parseModelMetadata(text.slice(0, -10)), ModelError);
});

test("optional compile-step sections are kept", () => {
  const meta = {
    ...gpt2,
    budgets: { latency_ms: { a: 1 } },
    reference: { vectors: "ref.json" },
    card: {},
  } as ModelMetadata;
  assert.deepEqual(parseModelMetadata(serializeModelMetadata(meta)), meta);
});

test("serialize then parse is the identity", () => {
  const dims = fc.array(fc.oneof(fc.nat(5000), fc.constantFrom("batch", "sequence")), { maxLength: 4 });
  fc.assert(
    fc.property(
      fc.nat(1e9),
      dims,
      fc.string(),
      fc.constantFrom("base", "tiny", "custom"),
      (parameters, d, seed, size) => {
        const meta: ModelMetadata = {
          ...gpt2,
          parameters,
          inputs: [{ name: "input_ids", dtype: "int64", dims: d }],
          architecture: { ...gpt2.architecture, seed, size },
        };
        assert.deepEqual(parseModelMetadata(serializeModelMetadata(meta)), meta);
      },
    ),
  );
});
