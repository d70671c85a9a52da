import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import * as ort from "onnxruntime-node";
import { encodeModel } from "../../../src/model/onnx/writer.js";
import { readOnnxGraph } from "../../../src/model/onnx/reader.js";
import { ExternalDataWriter } from "../../../src/model/onnx/external-data-writer.js";
import { ModelProto, TO_OBJECT_OPTIONS } from "../../../src/model/onnx/proto.js";
import { dtypeByteLength, type OnnxDtype } from "../../../src/model/onnx/dtypes.js";
import type { ModelSpec } from "../../../src/model/onnx/model-spec.js";
import { addModelSpec, writeAddModel } from "./sample-models.js";

const tmp = mkdtempSync(join(tmpdir(), "zeq-onnx-writer-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

test("onnxruntime runs written models with inline and external weights", async () => {
  for (const storage of ["raw", "external"] as const) {
    const session = await ort.InferenceSession.create(writeAddModel(tmp, storage, `add-${storage}.onnx`));
    const x = new ort.Tensor("float32", new Float32Array([1, 2, 3, 10, 20, 30]), [2, 3]);
    const { y } = await session.run({ x });
    assert.deepEqual([...(y?.data as Float32Array)], [1.5, 0.75, 6, 10.5, 18.75, 33], storage);
    assert.deepEqual(y?.dims, [2, 3]);
  }
});

test("encoding is deterministic", () => {
  assert.deepEqual(encodeModel(addModelSpec("external")), encodeModel(addModelSpec("external")));
});

test("attributes carry their ONNX type discriminator", () => {
  const spec: ModelSpec = {
    ...addModelSpec("raw"),
    nodes: [
      {
        name: "n",
        opType: "Custom",
        inputs: ["x"],
        outputs: ["y"],
        attributes: {
          i: { i: -1 },
          f: { f: 0.5 },
          s: { s: "héllo" },
          ints: { ints: [0, 2, 1, 3] },
          floats: { floats: [1.5, 2] },
          t: { t: { dtype: "int64", dims: [2], data: new Uint8Array(16) } },
        },
      },
    ],
  };
  const model = ModelProto.toObject(ModelProto.decode(encodeModel(spec)), TO_OBJECT_OPTIONS) as {
    graph: { node: Array<{ attribute: Array<Record<string, unknown>> }> };
  };
  const attrs = Object.fromEntries(model.graph.node[0]!.attribute.map((a) => [a.name, a]));
  assert.equal(attrs.i?.type, 2);
  assert.equal(attrs.i?.i, -1n);
  assert.equal(attrs.f?.type, 1);
  assert.equal(attrs.s?.type, 3);
  assert.equal(Buffer.from(attrs.s?.s as Uint8Array).toString("utf8"), "héllo");
  assert.equal(attrs.ints?.type, 7);
  assert.deepEqual(attrs.ints?.ints, [0n, 2n, 1n, 3n]);
  assert.equal(attrs.floats?.type, 6);
  assert.equal(attrs.t?.type, 4);
  assert.equal((attrs.t?.t as { data_type: number }).data_type, 7);
});

test("write then read gives back the same interface and initializers", async () => {
  const dtypes: OnnxDtype[] = ["float32", "int64", "int32", "uint8", "float16", "bool", "float64"];
  const name = fc.string({ minLength: 1, maxLength: 12 });
  const dims = fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 });
  const ioDims = fc.array(
    fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom("batch", "sequence", "n")),
    {
      maxLength: 4,
    },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.record({ name, dtype: fc.constantFrom(...dtypes), dims }), {
        selector: (t) => t.name,
        maxLength: 6,
      }),
      fc.constantFrom(...dtypes),
      ioDims,
      async (tensors, ioType, shape) => {
        const spec: ModelSpec = {
          ...addModelSpec("raw"),
          inputs: [{ name: "in", dtype: ioType, dims: shape }],
          outputs: [{ name: "out", dtype: ioType, dims: shape }],
          nodes: [{ name: "id", opType: "Identity", inputs: ["in"], outputs: ["out"] }],
          initializers: tensors.map((t, i) => {
            const bytes = dtypeByteLength(
              t.dtype,
              t.dims.reduce((a, b) => a * b, 1),
            ) as number;
            return i % 2 === 0
              ? { name: t.name, dtype: t.dtype, dims: t.dims, data: { raw: new Uint8Array(bytes) } }
              : {
                  name: t.name,
                  dtype: t.dtype,
                  dims: t.dims,
                  data: { external: { location: "d.bin", offset: i * 4096, length: bytes } },
                };
          }),
        };
        const path = join(tmp, "roundtrip.onnx");
        writeFileSync(path, encodeModel(spec));
        const g = await readOnnxGraph(path, { verifyExternalData: false });
        assert.deepEqual(g.inputs, [{ name: "in", dtype: ioType, dims: shape }]);
        assert.deepEqual(g.outputs, [{ name: "out", dtype: ioType, dims: shape }]);
        assert.deepEqual(
          g.initializers.map((i) => [
            i.name,
            i.dtype,
            i.dims,
            i.data.kind === "external" ? i.data.offset : "raw",
          ]),
          tensors.map((t, i) => [t.name, t.dtype, t.dims, i % 2 === 0 ? "raw" : i * 4096]),
        );
      },
    ),
    { numRuns: 100 },
  );
});

test("external data writer aligns tensors to 4 KiB and hashes what it wrote", async () => {
  const path = join(tmp, "aligned.data");
  const writer = await ExternalDataWriter.create(path);
  await writer.beginTensor();
  await writer.write(new Uint8Array([1, 2, 3]));
  await writer.write(new Uint8Array([4]));
  const a = writer.endTensor();
  await writer.beginTensor();
  await writer.write(new Uint8Array(5000).fill(7));
  const b = writer.endTensor();
  assert.throws(() => writer.endTensor());
  await assert.rejects(writer.write(new Uint8Array(1)));
  const { bytes, sha256 } = await writer.close();
  const file = readFileSync(path);
  assert.deepEqual(a, { offset: 0, length: 4 });
  assert.deepEqual(b, { offset: 4096, length: 5000 });
  assert.equal(bytes, file.length);
  assert.equal(bytes, 4096 + 5000);
  assert.equal(sha256, createHash("sha256").update(file).digest("hex"));
  assert.deepEqual([...file.subarray(0, 5)], [1, 2, 3, 4, 0]);
});
