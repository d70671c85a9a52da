import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseTensorInput, TENSOR_MAX_ELEMENTS } from "../../../src/preprocess/tensor/parse-tensor.js";
import { assertPreprocessError } from "../assert-code.js";

test("the Open Inference Protocol example tensors parse to typed arrays", () => {
  const fp32 = parseTensorInput({ name: "input0", shape: [2, 2], datatype: "FP32", data: [1, 2, 3, 4] });
  assert.equal(fp32.ortType, "float32");
  assert.deepEqual(fp32.dims, [2, 2]);
  assert.deepEqual(fp32.data, Float32Array.from([1, 2, 3, 4]));
  const nested = parseTensorInput({
    name: "input0",
    shape: [2, 2],
    datatype: "FP32",
    data: [
      [1, 2],
      [3, 4],
    ],
  });
  assert.deepEqual(nested.data, fp32.data);
  const bytes = parseTensorInput({ name: "text", shape: [2], datatype: "BYTES", data: ["hi", "ünï"] });
  assert.equal(bytes.ortType, "string");
  assert.deepEqual(bytes.data, ["hi", "ünï"]);
  const bools = parseTensorInput({ name: "b", shape: [3], datatype: "BOOL", data: [true, false, true] });
  assert.deepEqual(bools.data, Uint8Array.from([1, 0, 1]));
  assert.equal(bools.ortType, "bool");
});

test("every datatype maps to onnxruntime's type and array", () => {
  const expected: [string, string, unknown][] = [
    ["UINT8", "uint8", Uint8Array],
    ["UINT16", "uint16", Uint16Array],
    ["UINT32", "uint32", Uint32Array],
    ["UINT64", "uint64", BigUint64Array],
    ["INT8", "int8", Int8Array],
    ["INT16", "int16", Int16Array],
    ["INT32", "int32", Int32Array],
    ["INT64", "int64", BigInt64Array],
    ["FP16", "float16", Uint16Array],
    ["FP32", "float32", Float32Array],
    ["FP64", "float64", Float64Array],
  ];
  for (const [datatype, ort, ctor] of expected) {
    const t = parseTensorInput({ name: "x", datatype, shape: [1], data: [1] });
    assert.equal(t.ortType, ort, datatype);
    assert.ok(t.data instanceof (ctor as typeof Uint8Array), datatype);
  }
  assert.deepEqual(
    parseTensorInput({ name: "x", datatype: "FP16", shape: [2], data: [1, -2] }).data,
    Uint16Array.from([0x3c00, 0xc000]),
  );
});

test("integer ranges are enforced per datatype", () => {
  const ok = (datatype: string, v: unknown): void =>
    void parseTensorInput({ name: "x", datatype, shape: [1], data: [v] });
  const bad = (datatype: string, v: unknown): void =>
    assertPreprocessError(() => ok(datatype, v), "PREPROCESS_TENSOR_RANGE", `${datatype} ${String(v)}`);
  ok("UINT8", 255);
  bad("UINT8", 256);
  bad("UINT8", -1);
  ok("INT8", -128);
  bad("INT8", 128);
  ok("INT32", -2147483648);
  bad("INT32", 2147483648);
  ok("UINT32", 4294967295);
  bad("UINT32", 4294967296);
  ok("INT64", "-9223372036854775808");
  bad("INT64", "9223372036854775808");
  ok("UINT64", "18446744073709551615");
  bad("UINT64", "18446744073709551616");
  bad("UINT64", -1);
  bad("FP32", 3.5e38);
  bad("FP16", 65520);
  ok("FP16", 65504);
  ok("FP64", 1.7e308);
});

test("INT64: safe JSON numbers or decimal strings; larger JSON numbers are refused (precision lost)", () => {
  const t = parseTensorInput({
    name: "ids",
    datatype: "INT64",
    shape: [4],
    data: [101, -7, "9007199254740993", "-9223372036854775807"],
  });
  assert.deepEqual(t.data, BigInt64Array.from([101n, -7n, 9007199254740993n, -9223372036854775807n]));
  assertPreprocessError(
    // What a JSON parser makes of 9007199254740993: 9007199254740992, already wrong.
    () =>
      parseTensorInput({
        name: "ids",
        datatype: "INT64",
        shape: [1],
        data: JSON.parse("[9007199254740993]"),
      }),
    "PREPROCESS_TENSOR_RANGE",
  );
  assertPreprocessError(
    () => parseTensorInput({ name: "ids", datatype: "INT64", shape: [1], data: [2 ** 53] }),
    "PREPROCESS_TENSOR_RANGE",
  );
  for (const s of ["1.0", "1e3", "+1", "01", "-0", " 1", "0x10", "", "１"]) {
    assertPreprocessError(
      () => parseTensorInput({ name: "ids", datatype: "INT64", shape: [1], data: [s] }),
      "PREPROCESS_TENSOR_DATA",
      JSON.stringify(s),
    );
  }
});

test("element types are checked: non-integers, non-finite numbers, wrong JSON types", () => {
  const data = (datatype: string, v: unknown): void =>
    void parseTensorInput({ name: "x", datatype, shape: [1], data: [v] });
  for (const [datatype, v] of [
    ["INT32", 1.5],
    ["INT32", "1"],
    ["INT32", true],
    ["INT32", null],
    ["INT32", Number.NaN],
    ["FP32", Number.POSITIVE_INFINITY],
    ["FP32", Number.NaN],
    ["FP32", "1.0"],
    ["FP64", {}],
    ["BOOL", 1],
    ["BOOL", "true"],
    ["BYTES", 5],
    ["BYTES", "\ud800"],
  ] as [string, unknown][]) {
    assertPreprocessError(() => data(datatype, v), "PREPROCESS_TENSOR_DATA", `${datatype} ${String(v)}`);
  }
});

test("shape and data must agree", () => {
  const shape = (s: unknown, d: unknown): void =>
    void parseTensorInput({ name: "x", datatype: "FP32", shape: s, data: d });
  for (const [s, d] of [
    [
      [2, 2],
      [1, 2, 3],
    ],
    [
      [2, 2],
      [[1, 2], [3]],
    ],
    [
      [2, 2],
      [[1, 2, 3], [4]],
    ],
    [[2], [[1], [2]]],
    [
      [2, 1],
      [[1], [[2]]],
    ],
    [[3], 5],
    [[-1], []],
    [[1.5], [1]],
    ["2", [1, 2]],
    [[2], undefined],
    [new Array(17).fill(1), [1]],
  ] as [unknown, unknown][]) {
    assertPreprocessError(() => shape(s, d), "PREPROCESS_TENSOR_SHAPE", JSON.stringify([s, d]));
  }
  assert.deepEqual(
    parseTensorInput({ name: "x", datatype: "FP32", shape: [], data: [7] }).data,
    Float32Array.from([7]),
  );
  assert.equal(parseTensorInput({ name: "x", datatype: "FP32", shape: [0, 5], data: [] }).data.length, 0);
  assert.equal(
    parseTensorInput({ name: "x", datatype: "FP32", shape: [2, 0], data: [[], []] }).data.length,
    0,
  );
});

test("object form, names, datatypes and limits are checked", () => {
  const base = { name: "x", datatype: "FP32", shape: [1], data: [1] };
  for (const v of [
    null,
    [],
    "x",
    5,
    { ...base, extra: 1 },
    { ...base, name: "" },
    { ...base, name: 5 },
    { ...base, name: "n".repeat(257) },
    { ...base, parameters: [] },
  ]) {
    assertPreprocessError(() => parseTensorInput(v), "PREPROCESS_TENSOR_INVALID", JSON.stringify(v));
  }
  assert.equal(parseTensorInput({ ...base, parameters: { binary_data: false } }).name, "x");
  for (const datatype of ["fp32", "BF16", "FLOAT", 1, undefined]) {
    assertPreprocessError(
      () => parseTensorInput({ ...base, datatype }),
      "PREPROCESS_TENSOR_DATATYPE",
      String(datatype),
    );
  }
  assertPreprocessError(
    () => parseTensorInput({ name: "x", datatype: "UINT8", shape: [4096, 4096], data: [] }),
    "PREPROCESS_TENSOR_TOO_LARGE",
  );
  assertPreprocessError(
    () => parseTensorInput({ name: "x", datatype: "UINT8", shape: [2 ** 40, 2 ** 40], data: [] }),
    "PREPROCESS_TENSOR_TOO_LARGE",
  );
  assertPreprocessError(
    () => parseTensorInput({ ...base, shape: [3], data: [1, 2, 3] }, { maxElements: 2 }),
    "PREPROCESS_TENSOR_TOO_LARGE",
  );
  assertPreprocessError(() => parseTensorInput(base, { maxElements: -1 }), "PREPROCESS_OPTION_INVALID");
  assert.equal(TENSOR_MAX_ELEMENTS, 4_194_304);
});

test("property: any float32 matrix survives nested and flat forms identically", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 25, maxLength: 25 }),
      (rows, cols, pool) => {
        const flat = pool.slice(0, rows * cols);
        const nested = Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
        const a = parseTensorInput({ name: "m", datatype: "FP32", shape: [rows, cols], data: flat });
        const b = parseTensorInput({ name: "m", datatype: "FP32", shape: [rows, cols], data: nested });
        assert.deepEqual(a.data, b.data);
        assert.deepEqual(a.data, Float32Array.from(flat));
      },
    ),
  );
});

test("property: arbitrary JSON never escapes as anything but a PreprocessError", () => {
  fc.assert(
    fc.property(
      fc.record(
        {
          name: fc.anything(),
          datatype: fc.oneof(fc.constantFrom("INT64", "FP32", "BOOL", "BYTES", "FP16"), fc.anything()),
          shape: fc.oneof(fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 3 }), fc.anything()),
          data: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      (json) => {
        try {
          parseTensorInput(json);
        } catch (err) {
          assert.equal((err as Error).constructor.name, "PreprocessError", String(err));
        }
      },
    ),
    { numRuns: 1000 },
  );
});
