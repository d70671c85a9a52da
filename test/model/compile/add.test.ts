/**
 * `models add` with files it must refuse: malformed ONNX (random bytes, truncated, empty,
 * missing), external data outside the model's folder, an existing version, a bad name.
 * Each is a coded error and leaves nothing behind in the repository. A valid model written
 * by the project's own ONNX writer (weights external, dynamic shapes) is added and compiled
 * without reference vectors.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeModel, type ModelSpec } from "../../../src/model/onnx/index.js";
import { addModel, compileModel } from "../../../src/model/compile/index.js";
import { CompileError } from "../../../src/model/compile/errors.js";
import { ModelError } from "../../../src/model/errors.js";
import { InferenceEngine } from "../../../src/inference/index.js";
import { signerFromSeed } from "../../../src/keys/index.js";

let work = "";
const FIXTURE_ONNX = new URL("../../fixtures/models/resnet50-tiny/1/model.onnx", import.meta.url).pathname;

before(() => {
  work = mkdtempSync(join(tmpdir(), "zeq-np-add-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

function dense(location: string): ModelSpec {
  return {
    graphName: "dense",
    opsetVersion: 17,
    producerName: "zeq-np-tests",
    producerVersion: "0",
    inputs: [{ name: "x", dtype: "float32", dims: ["N", 4] }],
    outputs: [{ name: "y", dtype: "float32", dims: ["N", 3] }],
    nodes: [{ name: "mm", opType: "MatMul", inputs: ["x", "W"], outputs: ["y"] }],
    initializers: [
      { name: "W", dtype: "float32", dims: [4, 3], data: { external: { location, offset: 0, length: 48 } } },
    ],
  };
}

function repoEntries(models: string): string[] {
  return existsSync(models) ? readdirSync(models, { recursive: true }).map(String) : [];
}

function code(expected: string) {
  return (e: unknown) => (e instanceof ModelError || e instanceof CompileError) && e.code === expected;
}

test("malformed ONNX files are refused with a coded error and nothing is written", async () => {
  const models = join(work, "models-malformed");
  const random = join(work, "random.onnx");
  writeFileSync(
    random,
    Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24),
  );
  const truncated = join(work, "truncated.onnx");
  writeFileSync(truncated, readFileSync(FIXTURE_ONNX).subarray(0, 1000));
  const empty = join(work, "empty.onnx");
  writeFileSync(empty, new Uint8Array(0));
  for (const source of [random, truncated, empty]) {
    await assert.rejects(
      addModel({ source, modelsDir: models, name: "broken" }),
      code("MODEL_ONNX_MALFORMED"),
      source,
    );
  }
  await assert.rejects(
    addModel({ source: join(work, "absent.onnx"), modelsDir: models, name: "broken" }),
    code("MODEL_NOT_FOUND"),
  );
  assert.deepEqual(repoEntries(models), []);
});

test("external data outside the model's folder is refused", async () => {
  const src = join(work, "nested");
  mkdirSync(join(src, "weights"), { recursive: true });
  writeFileSync(join(src, "weights", "w.bin"), new Uint8Array(48));
  writeFileSync(join(src, "dense.onnx"), encodeModel(dense("weights/w.bin")));
  const models = join(work, "models-nested");
  await assert.rejects(
    addModel({ source: join(src, "dense.onnx"), modelsDir: models, name: "dense" }),
    code("COMPILE_ADD_UNSUPPORTED"),
  );
  writeFileSync(join(work, "w.bin"), new Uint8Array(48));
  writeFileSync(join(src, "escape.onnx"), encodeModel(dense("../w.bin")));
  await assert.rejects(
    addModel({ source: join(src, "escape.onnx"), modelsDir: models, name: "dense" }),
    code("MODEL_ONNX_EXTERNAL_DATA_INVALID"),
  );
  assert.deepEqual(repoEntries(models), []);
});

test("bad names, tasks and existing versions are refused", async () => {
  const models = join(work, "models-names");
  await assert.rejects(
    addModel({ source: FIXTURE_ONNX, modelsDir: models, name: "../up" }),
    code("MODEL_NAME_INVALID"),
  );
  await assert.rejects(
    addModel({ source: FIXTURE_ONNX, modelsDir: models, name: "ok", version: "01" }),
    code("MODEL_VERSION_INVALID"),
  );
  await assert.rejects(
    addModel({ source: FIXTURE_ONNX, modelsDir: models, name: "ok", task: "poetry" }),
    code("COMPILE_OPTIONS_INVALID"),
  );
  await addModel({ source: FIXTURE_ONNX, modelsDir: models, name: "resnet-copy" });
  await assert.rejects(
    addModel({ source: FIXTURE_ONNX, modelsDir: models, name: "resnet-copy" }),
    code("MODEL_ALREADY_EXISTS"),
  );
  assert.deepEqual(readdirSync(join(models, "resnet-copy")), ["1"], "no staging folder left behind");
});

test("a model with external weights and dynamic shapes is added and compiled without reference vectors", async () => {
  const src = join(work, "dense-src");
  mkdirSync(src);
  writeFileSync(
    join(src, "dense.onnx.data"),
    new Uint8Array(new Float32Array(12).map((_, i) => i / 8).buffer),
  );
  writeFileSync(join(src, "dense.onnx"), encodeModel(dense("dense.onnx.data")));
  const models = join(work, "models-dense");
  const { dir, meta } = await addModel({
    source: join(src, "dense.onnx"),
    modelsDir: models,
    name: "dense",
    task: "custom",
  });
  assert.deepEqual(
    meta.files.map((f) => f.path),
    ["model.onnx", "dense.onnx.data"],
  );
  assert.equal(meta.parameters, 12);
  assert.deepEqual(meta.inputs, [{ name: "x", dtype: "float32", dims: ["N", 4] }]);
  const engine = await InferenceEngine.start({ workers: 1 });
  try {
    const r = await compileModel({
      modelsDir: models,
      name: "dense",
      signer: signerFromSeed("test/zeq-np", new Uint8Array(32).fill(3)),
      engine,
      calibrate: { sizes: [1, 16, 256], repeats: 1 },
    });
    assert.equal(r.statement.predicate.precision, null);
    assert.ok(r.notes.some((n) => n.includes("no reference vectors")));
    const graphFlops = r.statement.predicate.cost.graph_flops as { per_row_matmul_gemm: number };
    assert.equal(graphFlops.per_row_matmul_gemm, 2 * 12);
    const cal = (r.meta.budgets as { calibration: { sizes: number[]; symbolic_dim_values: number[] } })
      .calibration;
    assert.deepEqual(cal.symbolic_dim_values, [1, 16, 256]);
    assert.deepEqual(cal.sizes, [4, 64, 1024], "n = elements of the largest input");
    assert.ok(existsSync(join(dir, "model-card.dsse.json")));
  } finally {
    await engine.close();
  }
});
