import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fromFloat16Bits, toFloat16Bits } from "../../../src/preprocess/tensor/fp16.js";

test("binary16 reference values (IEEE 754 half precision)", () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // largest half
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [1023 * 2 ** -24, 0x03ff], // largest subnormal
    [1 / 3, 0x3555],
    [0.1, 0x2e66],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
  ];
  for (const [x, bits] of cases) assert.equal(toFloat16Bits(x), bits, `${x}`);
  assert.equal(toFloat16Bits(Number.NaN), 0x7e00);
});

test("rounding: to nearest, ties to even, overflow to infinity", () => {
  assert.equal(toFloat16Bits(65519), 0x7bff); // below the midpoint to 65536
  assert.equal(toFloat16Bits(65520), 0x7c00); // the midpoint: ties to even = 2^16 = overflow
  assert.equal(toFloat16Bits(2 ** -25), 0x0000); // half the smallest subnormal: ties to even (0)
  assert.equal(toFloat16Bits(3 * 2 ** -25), 0x0002); // 1.5 × smallest: ties to even (2)
  assert.equal(toFloat16Bits(2 ** -14 - 2 ** -25), 0x0400); // midpoint of 0x03ff and 0x0400: even
  assert.equal(toFloat16Bits(1 + 2 ** -11), 0x3c00); // midpoint of 1 and next: even (1)
  assert.equal(toFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // midpoint of 0x3c01 and 0x3c02: even
  assert.equal(toFloat16Bits(1 + 2 ** -11 + 2 ** -40), 0x3c01); // just above the midpoint
  assert.equal(toFloat16Bits(1e-10), 0x0000);
});

test("every half value round-trips through a double (exhaustive)", () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const exp = (bits >>> 10) & 0x1f;
    if (exp === 31 && (bits & 0x3ff) !== 0) continue; // NaNs
    assert.equal(toFloat16Bits(fromFloat16Bits(bits)), bits, bits.toString(16));
  }
});

test("property: the result is a nearest half", () => {
  fc.assert(
    fc.property(fc.double({ min: -65504, max: 65504, noNaN: true }), (x) => {
      const bits = toFloat16Bits(x);
      const v = fromFloat16Bits(bits);
      const err = Math.abs(x - v);
      // Neighbours in magnitude (same sign).
      for (const n of [bits - 1, bits + 1]) {
        if ((n & 0x7fff) > 0x7bff || (n & 0x8000) !== (bits & 0x8000)) continue;
        assert.ok(err <= Math.abs(x - fromFloat16Bits(n)), `${x} → ${bits.toString(16)}`);
      }
    }),
    { numRuns: 2000 },
  );
});
