import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  centerCropOffsets,
  resizeShorterSide,
  roundHalfEven,
} from "../../../src/preprocess/image/geometry.js";
import { resizeCropOffLoop, INLINE_RESAMPLE_COST } from "../../../src/preprocess/image/resample-offload.js";
import {
  pilSourceRegion,
  resizeCropCost,
  resizeCropPil,
} from "../../../src/preprocess/image/resample-pil.js";

function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

test("torchvision's geometry: Resize truncates, CenterCrop rounds half to even", () => {
  assert.deepEqual(resizeShorterSide(640, 480, 256), { width: 341, height: 256 }); // 341.33 → 341
  assert.deepEqual(resizeShorterSide(480, 640, 256), { width: 256, height: 341 });
  assert.deepEqual(resizeShorterSide(500, 500, 256), { width: 256, height: 256 });
  assert.deepEqual(resizeShorterSide(300, 200, 256), { width: 384, height: 256 });
  assert.deepEqual(centerCropOffsets(341, 256, 224), { left: 58, top: 16 }); // 58.5 → 58
  assert.deepEqual(centerCropOffsets(343, 256, 224), { left: 60, top: 16 }); // 59.5 → 60
  assert.equal(roundHalfEven(0.5), 0);
  assert.equal(roundHalfEven(1.5), 2);
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(2.4999), 2);
});

test("same size is the identity", () => {
  const rgb = noise(50 * 40 * 3, 1);
  const out = resizeCropPil({
    rgb,
    region: { left: 0, top: 0, width: 50, height: 40 },
    inWidth: 50,
    inHeight: 40,
    outWidth: 50,
    outHeight: 40,
    window: { left: 0, top: 0, width: 50, height: 40 },
  });
  assert.deepEqual(out, rgb);
});

test("property: a window equals the same window of the full resize, from the minimal source region", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 60 }),
      fc.nat(),
      (inW, inH, outW, outH, seed) => {
        const rgb = noise(inW * inH * 3, seed);
        const base = { inWidth: inW, inHeight: inH, outWidth: outW, outHeight: outH };
        const full = resizeCropPil({
          ...base,
          rgb,
          region: { left: 0, top: 0, width: inW, height: inH },
          window: { left: 0, top: 0, width: outW, height: outH },
        });
        const left = seed % outW;
        const top = (seed >>> 8) % outH;
        const window = { left, top, width: outW - left, height: outH - top };
        const region = pilSourceRegion(inW, inH, outW, outH, window);
        const sub = new Uint8Array(region.width * region.height * 3);
        for (let y = 0; y < region.height; y++) {
          const from = ((region.top + y) * inW + region.left) * 3;
          sub.set(rgb.subarray(from, from + region.width * 3), y * region.width * 3);
        }
        const part = resizeCropPil({ ...base, rgb: sub, region, window });
        for (let y = 0; y < window.height; y++) {
          const a = full.subarray(((top + y) * outW + left) * 3, ((top + y) * outW + outW) * 3);
          assert.deepEqual(part.subarray(y * window.width * 3, (y + 1) * window.width * 3), a);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test("a region that does not cover the window is refused", () => {
  const job = {
    rgb: new Uint8Array(10 * 10 * 3),
    region: { left: 5, top: 0, width: 10, height: 10 },
    inWidth: 20,
    inHeight: 10,
    outWidth: 20,
    outHeight: 10,
    window: { left: 0, top: 0, width: 4, height: 4 },
  };
  assert.throws(() => resizeCropPil(job), RangeError);
});

test("large jobs run in the worker thread and give the same bytes", async () => {
  const inW = 1800;
  const inH = 1200;
  const rgb = noise(inW * inH * 3, 42);
  const job = {
    rgb,
    region: { left: 0, top: 0, width: inW, height: inH },
    inWidth: inW,
    inHeight: inH,
    outWidth: 384,
    outHeight: 256,
    window: { left: 80, top: 16, width: 224, height: 224 },
  };
  assert.ok(resizeCropCost(job) > INLINE_RESAMPLE_COST);
  const inline = resizeCropPil(job);
  const offloaded = await resizeCropOffLoop({ ...job, rgb: Uint8Array.from(rgb) });
  assert.deepEqual(offloaded, inline);
});
