import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PULSE_HZ, pulseAt, readPulse, ManualClock } from "../../src/clock/index.js";

test("the seed's example instant", () => {
  const r = pulseAt(1745123600542);
  assert.equal(r.zeqond, 1745123600.542);
  // 1745123600.542 × 1.287 = 2245974073.897554 exactly.
  assert.equal(r.zeqondIndex, 2245974073);
  assert.equal(r.phase, 0.897554);
});

test("phase 0 at the epoch and at every whole pulse", () => {
  assert.deepEqual(pulseAt(0), { unixMs: 0, zeqond: 0, zeqondIndex: 0, phase: 0 });
  // 1287 pulses take exactly 1000 s.
  const r = pulseAt(1_000_000);
  assert.equal(r.zeqondIndex, 1287);
  assert.equal(r.phase, 0);
});

test("one Zeqond is 1/1.287 s", () => {
  assert.equal(PULSE_HZ, 1.287);
  const a = pulseAt(1_700_000_000_000);
  const b = pulseAt(1_700_000_000_000 + 777);
  const c = pulseAt(1_700_000_000_000 + 778);
  // 777 ms is just under one pulse, 778 ms just over.
  assert.equal(b.zeqondIndex - a.zeqondIndex <= 1, true);
  assert.equal(c.zeqondIndex - a.zeqondIndex >= 1, true);
});

test("property: index + phase reconstruct unix_s × 1.287 and phase is in [0, 1)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
      const r = pulseAt(ms);
      assert.ok(r.phase >= 0 && r.phase < 1);
      assert.equal(r.zeqond, ms / 1000);
      const approx = (ms / 1000) * PULSE_HZ;
      assert.ok(Math.abs(r.zeqondIndex + r.phase - approx) < 1e-3 * Math.max(1, approx) * 1e-9 + 1e-5);
      // The exact definition, in integers.
      assert.equal(BigInt(r.zeqondIndex), (BigInt(ms) * 1287n) / 1_000_000n);
    }),
  );
});

test("property: time never runs backwards in index", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 1e7 }), (ms, d) => {
      assert.ok(pulseAt(ms + d).zeqondIndex >= pulseAt(ms).zeqondIndex);
    }),
  );
});

test("an injectable clock drives the reading", () => {
  const clock = new ManualClock(1_000_000);
  assert.equal(readPulse(clock).zeqondIndex, 1287);
  clock.advance(500);
  assert.equal(readPulse(clock).unixMs, 1_000_500);
  assert.throws(() => pulseAt(-1), RangeError);
  assert.throws(() => pulseAt(1.5), RangeError);
});
