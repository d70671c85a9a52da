import { test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdtempSync,
  mkdirSync,
  openSync,
  closeSync,
  ftruncateSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import protobuf from "protobufjs";
import { readOnnxGraph } from "../../../src/model/onnx/reader.js";
import { readTensorBytes } from "../../../src/model/onnx/tensor-data.js";
import { GraphProto } from "../../../src/model/onnx/proto.js";
import { ModelError } from "../../../src/model/errors.js";
import { W_BYTES, encodeRaw, modelWithTensor, writeAddModel } from "./sample-models.js";

const fixtures = new URL("../../fixtures/models/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "zeq-onnx-reader-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => {
  const dir = join(tmp, String(counter++));
  mkdirSync(dir);
  return dir;
};

async function rejectsWith(promise: Promise<unknown>, code: string, message?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ModelError, `expected ModelError, got ${String(err)}`);
    assert.equal(err.code, code, message);
    return true;
  });
}

test("reads the graph of a built model: inputs, outputs and external initializers", async () => {
  const path = join(fixtures, "gpt2-tiny/1/decoder_with_past.onnx");
  const g = await readOnnxGraph(path);
  assert.equal(g.irVersion, 8);
  assert.deepEqual(g.opsetImports, [{ domain: "", version: 17 }]);
  assert.deepEqual(
    g.inputs.slice(0, 4).map((i) => [i.name, i.dtype, i.dims]),
    [
      ["input_ids", "int64", ["batch", "new"]],
      ["position_ids", "int64", ["batch", "new"]],
      ["attention_mask", "int64", ["batch", "total"]],
      ["past_key_values.0.key", "float32", ["batch", 2, "past", 16]],
    ],
  );
  assert.deepEqual(g.outputs[0], { name: "logits", dtype: "float32", dims: ["batch", "new", 50257] });
  assert.equal(g.initializers[0]?.name, "transformer.wte.weight");
  for (const init of g.initializers) {
    assert.equal(init.data.kind, "external");
    if (init.data.kind !== "external") continue;
    assert.equal(init.data.location, "model.onnx.data");
    assert.equal(init.data.offset % 4096, 0, `${init.name} is page-aligned`);
    assert.equal(init.data.length, init.elements * 4);
  }
  const ln = g.initializers.find((i) => i.name === "transformer.h.0.ln_1.weight");
  assert.ok(ln !== undefined);
  assert.deepEqual([...new Float32Array((await readTensorBytes(path, ln)).buffer)], Array(32).fill(1));
});

test("inline raw_data is located by file offset, not loaded", async () => {
  const path = writeAddModel(freshDir(), "raw");
  const g = await readOnnxGraph(path);
  const w = g.initializers[0];
  assert.ok(w !== undefined && w.data.kind === "raw");
  assert.deepEqual(
    readFileSync(path).subarray(w.data.offset, w.data.offset + w.data.length),
    Buffer.from(W_BYTES),
  );
  assert.deepEqual(await readTensorBytes(path, w), W_BYTES);
  assert.deepEqual(g.inputs, [{ name: "x", dtype: "float32", dims: ["batch", 3] }]);
});

test("a 1 GiB inline tensor is stepped over without reading it", async () => {
  // The file is sparse: protobufjs writes every byte up to the raw_data payload, and the
  // payload itself is the hole left by ftruncate.
  const bytes = 2 ** 30;
  const tensorHead = protobuf.Writer.create();
  tensorHead.uint32((1 << 3) | 0).int64(bytes / 4); // dims
  tensorHead.uint32((2 << 3) | 0).int32(1); // data_type FLOAT
  tensorHead.uint32((8 << 3) | 2).string("big"); // name
  tensorHead.uint32((9 << 3) | 2).uint32(bytes); // raw_data length; payload follows
  const head = tensorHead.finish();
  const graphFields = GraphProto.encode(
    GraphProto.fromObject({
      node: [{ op_type: "Identity", input: ["big"], output: ["y"] }],
      output: [{ name: "y", type: { tensor_type: { elem_type: 1 } } }],
    }),
  ).finish();
  const tensorLen = head.length + bytes;
  const init = protobuf.Writer.create()
    .uint32((5 << 3) | 2)
    .uint32(tensorLen)
    .finish();
  const graphTag = protobuf.Writer.create()
    .uint32((7 << 3) | 2)
    .uint32(graphFields.length + init.length + tensorLen)
    .finish();
  const modelFields = encodeRaw({ ir_version: 8, opset_import: [{ domain: "", version: 17 }] });
  const prefix = Buffer.concat([modelFields, graphTag, graphFields, init, head]);
  const path = join(freshDir(), "big.onnx");
  writeFileSync(path, prefix);
  const fd = openSync(path, "r+");
  ftruncateSync(fd, prefix.length + bytes);
  closeSync(fd);

  const g = await readOnnxGraph(path, { maxStructureBytes: 1024 * 1024 });
  assert.deepEqual(g.initializers[0]?.data, { kind: "raw", offset: prefix.length, length: bytes });
  assert.equal(g.initializers[0]?.elements, bytes / 4);
  assert.equal(g.nodeCount, 1);
});

test("every truncation of a valid model is MODEL_ONNX_MALFORMED", async () => {
  const dir = freshDir();
  const full = readFileSync(writeAddModel(dir, "raw"));
  for (let length = 0; length < full.length; length++) {
    const path = join(dir, `cut-${length}.onnx`);
    writeFileSync(path, full.subarray(0, length));
    await rejectsWith(readOnnxGraph(path), "MODEL_ONNX_MALFORMED", `cut at ${length} of ${full.length}`);
  }
});

test("random bytes are refused with a coded error, never a crash", async () => {
  const dir = freshDir();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 512 }), async (bytes) => {
      const path = join(dir, "random.onnx");
      writeFileSync(path, bytes);
      try {
        await readOnnxGraph(path);
      } catch (err) {
        assert.ok(err instanceof ModelError && err.code.startsWith("MODEL_ONNX_"), String(err));
      }
    }),
    { numRuns: 300 },
  );
  const path = join(dir, "noise.onnx");
  writeFileSync(path, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)));
  await rejectsWith(readOnnxGraph(path), "MODEL_ONNX_MALFORMED");
});

test("corrupting any byte of a valid model never escapes as an uncoded error", async () => {
  const dir = freshDir();
  const full = readFileSync(writeAddModel(dir, "external"));
  await fc.assert(
    fc.asyncProperty(fc.nat(full.length - 1), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
      const bytes = Buffer.from(full);
      bytes[at] = (bytes[at] as number) ^ xor;
      const path = join(dir, "flipped.onnx");
      writeFileSync(path, bytes);
      try {
        await readOnnxGraph(path);
      } catch (err) {
        assert.ok(err instanceof ModelError, String(err));
      }
    }),
    { numRuns: 300 },
  );
});

test("missing files, folders and empty files", async () => {
  const dir = freshDir();
  await rejectsWith(readOnnxGraph(join(dir, "absent.onnx")), "MODEL_NOT_FOUND");
  await rejectsWith(readOnnxGraph(dir), "MODEL_NOT_FOUND");
  writeFileSync(join(dir, "empty.onnx"), new Uint8Array(0));
  await rejectsWith(readOnnxGraph(join(dir, "empty.onnx")), "MODEL_ONNX_MALFORMED");
});

test("external data: present, missing, short, or escaping the model folder", async () => {
  const dir = freshDir();
  const path = writeAddModel(dir, "external");
  const g = await readOnnxGraph(path);
  assert.deepEqual(g.initializers[0]?.data, {
    kind: "external",
    location: "w.bin",
    offset: 4096,
    length: 12,
  });
  assert.deepEqual(await readTensorBytes(path, g.initializers[0]!), W_BYTES);

  writeFileSync(join(dir, "w.bin"), new Uint8Array(4100));
  await rejectsWith(readOnnxGraph(path), "MODEL_ONNX_EXTERNAL_DATA_INVALID");
  rmSync(join(dir, "w.bin"));
  await rejectsWith(readOnnxGraph(path), "MODEL_ONNX_EXTERNAL_DATA_INVALID");
  assert.equal((await readOnnxGraph(path, { verifyExternalData: false })).initializers.length, 1);

  const external = (entries: Array<[string, string]>): object => ({
    name: "t",
    data_type: 1,
    dims: [1],
    data_location: 1,
    external_data: entries.map(([key, value]) => ({ key, value })),
  });
  const cases: Array<Array<[string, string]>> = [
    [["location", "../outside.bin"]],
    [["location", "/etc/passwd"]],
    [["location", "a\\..\\b"]],
    [["location", "sub/../../x"]],
    [["location", ""]],
    [],
    [
      ["location", "w.bin"],
      ["offset", "-1"],
    ],
    [
      ["location", "w.bin"],
      ["offset", "0x10"],
    ],
    [
      ["location", "w.bin"],
      ["length", "8"],
    ],
  ];
  for (const entries of cases) {
    const p = join(dir, "bad.onnx");
    writeFileSync(p, modelWithTensor(external(entries)));
    await rejectsWith(
      readOnnxGraph(p, { verifyExternalData: false }),
      "MODEL_ONNX_EXTERNAL_DATA_INVALID",
      JSON.stringify(entries),
    );
  }
});

test("structural problems are MODEL_ONNX_MALFORMED or MODEL_ONNX_UNSUPPORTED", async () => {
  const dir = freshDir();
  const cases: Array<[string, Uint8Array]> = [
    ["MODEL_ONNX_MALFORMED", encodeRaw({ ir_version: 8, opset_import: [{ version: 17 }] })],
    ["MODEL_ONNX_MALFORMED", encodeRaw({ opset_import: [{ version: 17 }], graph: { name: "g" } })],
    ["MODEL_ONNX_MALFORMED", encodeRaw({ ir_version: 8, graph: { name: "g" } })],
    [
      "MODEL_ONNX_MALFORMED",
      modelWithTensor({ name: "t", data_type: 1, dims: [4], raw_data: new Uint8Array(12) }),
    ],
    [
      "MODEL_ONNX_MALFORMED",
      modelWithTensor({ name: "", data_type: 1, dims: [1], raw_data: new Uint8Array(4) }),
    ],
    ["MODEL_ONNX_MALFORMED", modelWithTensor({ name: "t", data_type: 1, dims: [2] })],
    [
      "MODEL_ONNX_MALFORMED",
      modelWithTensor({ name: "t", data_type: 1, dims: [-1], raw_data: new Uint8Array(4) }),
    ],
    [
      "MODEL_ONNX_UNSUPPORTED",
      modelWithTensor({ name: "t", data_type: 99, dims: [1], raw_data: new Uint8Array(4) }),
    ],
  ];
  for (const [i, [code, bytes]] of cases.entries()) {
    const p = join(dir, `case-${i}.onnx`);
    writeFileSync(p, bytes);
    await rejectsWith(readOnnxGraph(p), code, `case ${i}`);
  }
});

test("typed-field initializers are reported but not byte-addressable", async () => {
  const p = join(freshDir(), "typed.onnx");
  writeFileSync(p, modelWithTensor({ name: "t", data_type: 1, dims: [2], float_data: [1, 2] }));
  const g = await readOnnxGraph(p);
  assert.deepEqual(g.initializers[0]?.data, { kind: "typed", field: "float_data" });
  await rejectsWith(readTensorBytes(p, g.initializers[0]!), "MODEL_ONNX_UNSUPPORTED");
});
