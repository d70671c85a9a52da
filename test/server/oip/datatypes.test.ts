/** OIP datatypes, metadata shapes and output values as JSON. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { OIP_DATATYPE, tensorMetadata, tensorValues } from "../../../src/server/oip/datatypes.js";
import { TENSOR_DTYPES } from "../../../src/record/tensor-digest.js";

test("every record dtype has an OIP datatype name", () => {
  assert.deepEqual(TENSOR_DTYPES.map((d) => OIP_DATATYPE[d]).sort(), [
    "BOOL",
    "FP16",
    "FP32",
    "FP64",
    "INT16",
    "INT32",
    "INT64",
    "INT8",
    "UINT16",
    "UINT32",
    "UINT64",
    "UINT8",
  ]);
});

test("metadata: symbolic dimensions are -1", () => {
  assert.deepEqual(tensorMetadata({ name: "input_ids", dtype: "int64", shape: ["batch", "sequence"] }), {
    name: "input_ids",
    datatype: "INT64",
    shape: [-1, -1],
  });
  assert.deepEqual(
    tensorMetadata({ name: "x", dtype: "float32", shape: [1, 3, 224, 224] }).shape,
    [1, 3, 224, 224],
  );
});

test("values: non-finite floats as strings, 64-bit integers exact, bools as booleans", () => {
  assert.deepEqual(tensorValues("float32", new Float32Array([1.5, NaN, Infinity, -Infinity])), [
    1.5,
    "NaN",
    "Infinity",
    "-Infinity",
  ]);
  assert.deepEqual(tensorValues("int64", new BigInt64Array([1n, -(2n ** 63n), 2n ** 53n - 1n])), [
    1,
    "-9223372036854775808",
    9007199254740991,
  ]);
  assert.deepEqual(tensorValues("uint64", new BigUint64Array([2n ** 64n - 1n])), ["18446744073709551615"]);
  assert.deepEqual(tensorValues("bool", new Uint8Array([0, 1])), [false, true]);
  // binary16: 1.0, NaN, 65504 (largest finite), 2^-24 (smallest subnormal).
  assert.deepEqual(tensorValues("float16", new Uint16Array([0x3c00, 0x7e00, 0x7bff, 0x0001])), [
    1,
    "NaN",
    65504,
    2 ** -24,
  ]);
  // float32 values are exact doubles of the float32: JSON carries them without loss.
  const f = new Float32Array([0.1]);
  assert.equal(Math.fround(tensorValues("float32", f)[0] as number), f[0]);
});
