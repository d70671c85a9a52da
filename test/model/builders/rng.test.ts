import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { TensorRng } from "../../../src/model/builders/rng.js";
import { generateTensor, type InitSpec } from "../../../src/model/builders/init.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- vector files are read as loose JSON
const vectors = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../../vectors/models/${name}`, import.meta.url), "utf8"));
const hex = (words: number[]): string[] => words.map((w) => w.toString(16).padStart(8, "0"));

test("xoshiro128** matches the reference implementation's outputs and states", () => {
  const v = vectors("xoshiro128starstar.json");
  const rng = TensorRng.fromState(v.initial_state.map((h: string) => parseInt(h, 16)));
  for (const [i, step] of v.steps.entries()) {
    assert.equal(rng.nextUint32().toString(16).padStart(8, "0"), step.output, `output ${i}`);
    assert.deepEqual(hex(rng.state()), step.state_after, `state after step ${i}`);
  }
});

test("fromState refuses an all-zero or malformed state", () => {
  assert.throws(() => TensorRng.fromState([0, 0, 0, 0]), RangeError);
  assert.throws(() => TensorRng.fromState([1, 2, 3]), RangeError);
  assert.throws(() => TensorRng.fromState([1, 2, 3, 2 ** 32]), RangeError);
});

test("seeded weights match an independent implementation of the documented generator", () => {
  const v = vectors("seeded-weights.json");
  for (const c of v.cases) {
    const init: InitSpec =
      c.init.kind === "normal"
        ? { kind: "normal", std: c.init.std }
        : { kind: "uniform", bound: c.init.bound };
    const [values] = [...generateTensor(c.seed, c.tensor, c.float32_le_hex.length, init)];
    const got = Buffer.from((values as Float32Array).buffer)
      .toString("hex")
      .match(/.{8}/g);
    assert.deepEqual(got, c.float32_le_hex, `${JSON.stringify(c.seed)} / ${JSON.stringify(c.tensor)}`);
  }
});

test("values do not depend on the chunk size", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 64 }),
      fc.string(),
      (n, chunk, name) => {
        const whole = Float32Array.from(
          [...generateTensor("s", name, n, { kind: "normal", std: 1 }, n)].flatMap((c) => [...c]),
        );
        const pieces = Float32Array.from(
          [...generateTensor("s", name, n, { kind: "normal", std: 1 }, chunk)].flatMap((c) => [...c]),
        );
        assert.deepEqual(pieces, whole);
      },
    ),
  );
});

test("different tensor names and seeds give different streams", () => {
  const first = (seed: string, name: string): number => TensorRng.forTensor(seed, name).nextUint32();
  assert.notEqual(first("zeq-np", "a.weight"), first("zeq-np", "b.weight"));
  assert.notEqual(first("zeq-np", "a.weight"), first("other", "a.weight"));
  // The 0x00 separator keeps ("ab", "c") and ("a", "bc") apart.
  assert.notEqual(first("ab", "c"), first("a", "bc"));
});

test("normal and uniform initialisers have the requested moments and range", () => {
  const n = 200_000;
  const [normal] = [...generateTensor("zeq-np", "moments", n, { kind: "normal", std: 0.02 }, n)] as [
    Float32Array,
  ];
  const mean = normal.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(normal.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  assert.ok(Math.abs(mean) < 0.0005, `mean ${mean}`);
  assert.ok(Math.abs(std - 0.02) < 0.0005, `std ${std}`);
  const [uniform] = [...generateTensor("zeq-np", "range", n, { kind: "uniform", bound: 0.5 }, n)] as [
    Float32Array,
  ];
  assert.ok(uniform.every((x) => x >= -0.5 && x < 0.5));
  assert.ok(uniform.some((x) => x < -0.49) && uniform.some((x) => x > 0.49));
  const [ones] = [...generateTensor("zeq-np", "ones", 5, { kind: "constant", value: 1 })] as [Float32Array];
  assert.deepEqual([...ones], [1, 1, 1, 1, 1]);
});
