/**
 * OIP datatypes and output values. binary16 vectors are IEEE 754-2008 examples (the
 * table of half-precision values in the standard's Wikipedia summary: 1, -2, 65504,
 * smallest subnormal 2^-24, smallest normal 2^-14, 1/3 ≈ 0x3555).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  OIP_DATATYPE,
  halfToNumber,
  tensorMetadata,
  tensorValues,
} from "../../../src/server/oip/datatypes.js";
import { TENSOR_DTYPES } from "../../../src/record/tensor-digest.js";

test("binary16 known values", () => {
  const vectors: [number, number][] = [
    [0x0000, 0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0x0400, 2 ** -14],
    [0x3555, 0.333251953125],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  for (const [bits, want] of vectors) assert.equal(halfToNumber(bits), want, `0x${bits.toString(16)}`);
  assert.ok(Object.is(halfToNumber(0x8000), -0));
  assert.ok(Number.isNaN(halfToNumber(0x7e00)));
});

test("binary16: every positive finite pattern is larger than the one before it", () => {
  for (let bits = 1; bits < 0x7c00; bits++) {
    assert.ok(halfToNumber(bits) > halfToNumber(bits - 1), `0x${bits.toString(16)}`);
    assert.equal(halfToNumber(bits | 0x8000), -halfToNumber(bits));
  }
});

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
  assert.deepEqual(tensorValues("float16", new Uint16Array([0x3c00, 0x7e00])), [1, "NaN"]);
  // float32 values are exact doubles of the float32: JSON carries them without loss.
  const f = new Float32Array([0.1]);
  assert.equal(Math.fround(tensorValues("float32", f)[0] as number), f[0]);
});
