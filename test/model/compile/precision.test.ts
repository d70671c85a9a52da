/**
 * The precision measures: relative max delta as the design defines it, argmax and top-5
 * agreement per row, near ties, and NaN never passing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compareTensor, summarizePrecision, top5Of } from "../../../src/model/compile/precision.js";
import type { RefTensor } from "../../../src/model/compile/reference-vectors.js";

function ref(data: number[], dims: number[], extra: Partial<RefTensor> = {}): RefTensor {
  return {
    name: "logits",
    dtype: "float32",
    dims,
    sha256: null,
    data: Float32Array.from(data),
    maxAbs: null,
    top5: null,
    ...extra,
  };
}

test("top5Of equals a full sort (descending, ties by lower index)", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 40 }), (values) => {
      const expected = values
        .map((v, i) => [v, i] as const)
        .sort((a, b) => b[0] - a[0] || a[1] - b[1])
        .slice(0, 5)
        .map(([, i]) => i);
      assert.deepEqual(top5Of(values), expected);
    }),
  );
});

test("delta = max|a − r| / max|r|, argmax and top-5 per row", () => {
  const r = ref([1, -4, 2, 0.5, 3, 0, 0, 1, 0, 0, 0, 0], [2, 6]);
  const a = Float32Array.from([1, -4, 2, 0.5, 3.002, 0, 0, 1, 0, 0, 0, 0]);
  const c = compareTensor("in", a, r, 1e-3);
  assert.ok(Math.abs(c.delta - 0.002 / 4) < 1e-7);
  assert.equal(c.rows, 2);
  assert.equal(c.argmax_agree, 2);
  assert.equal(c.top5_agree, 2);
  assert.equal(c.compared_elements, 12);
});

test("an argmax flip is tolerated only as a near tie", () => {
  const r = ref([1, 0.99995, 0, 0, 0, 0], [1, 6]);
  const tie = compareTensor("in", Float32Array.from([0.99996, 0.99997, 0, 0, 0, 0]), r, 1e-3);
  assert.equal(tie.argmax_agree, 0);
  assert.equal(tie.argmax_flips, 0, "within tolerance of the reference's maximum: a near tie");
  const flip = compareTensor(
    "in",
    Float32Array.from([0.5, 0.99997, 0, 0, 0, 0]),
    ref([1, 0.5, 0, 0, 0, 0], [1, 6]),
    1e-3,
  );
  assert.equal(flip.argmax_flips, 1);
});

test("NaN or infinity in our output makes the delta infinite; a zero reference is exact only when matched", () => {
  const r = ref([1, 2, 3], [3]);
  assert.equal(compareTensor("in", Float32Array.from([1, NaN, 3]), r, 1e-3).delta, Infinity);
  assert.equal(compareTensor("in", Float32Array.from([1, Infinity, 3]), r, 1e-3).delta, Infinity);
  const zeros = ref([0, 0], [2]);
  assert.equal(compareTensor("in", Float32Array.from([0, 0]), zeros, 1e-3).delta, 0);
  assert.equal(compareTensor("in", Float32Array.from([0, 1e-9]), zeros, 1e-3).delta, Infinity);
});

test("without embedded data the top-5 values are compared", () => {
  const r = ref([], [1, 6], {
    data: null,
    maxAbs: 4,
    top5: { indices: [[4, 2, 0, 3, 1]], values: [[3, 2, 1, 0.5, -4]] },
  });
  const c = compareTensor("in", Float32Array.from([1, -4, 2, 0.5, 3.004, -5]), r, 1e-3);
  assert.equal(c.compared_elements, 5);
  assert.ok(Math.abs(c.delta - 0.001) < 1e-6);
  assert.equal(c.top5_agree, 1);
});

test("the summary takes the worst delta and judges argmax on logits only", () => {
  const logits = compareTensor("a", Float32Array.from([1, 0]), ref([1, 0], [1, 2]), 1e-3);
  const cache = compareTensor(
    "a",
    Float32Array.from([0, 1.5]),
    { ...ref([1, 1], [1, 2]), name: "present.0.key" },
    1e-3,
  );
  const s = summarizePrecision([logits, cache]);
  assert.equal(s.logits_max_delta_vs_torch, 1);
  assert.equal(s.error_pct_logits, 100);
  assert.equal(s.rows, 1);
  assert.equal(s.argmax_agree, 1);
});

test("property: any single perturbation ε of a logit gives delta = |ε| / max|r|", () => {
  fc.assert(
    fc.property(
      fc.array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), {
        minLength: 2,
        maxLength: 30,
      }),
      fc.nat(),
      fc.float({ min: Math.fround(0.001), max: 1, noNaN: true }),
      (values, at, eps) => {
        const r = Float32Array.from(values);
        const max = r.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        fc.pre(max > 1);
        const a = Float32Array.from(r);
        const i = at % a.length;
        a[i] = a[i]! + eps;
        const c = compareTensor("p", a, ref(Array.from(r), [r.length]), 1e-3);
        assert.ok(Math.abs(c.delta - Math.abs(a[i]! - r[i]!) / max) <= 1e-12);
      },
    ),
  );
});
