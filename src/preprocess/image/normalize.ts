/**
 * ToTensor + Normalize: interleaved 8-bit RGB (HWC) → planar float32 (CHW), each value
 * (v / 255 − mean[c]) / std[c]. Every step is rounded to float32 as torchvision's float32
 * tensor arithmetic rounds it (Math.fround of a double result is the float32 result for
 * division and subtraction of float32 operands), so our tensor is the reference's, bit for
 * bit, for the same pixels.
 */

/** ImageNet channel means and standard deviations (torchvision's ResNet-50 weights). */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/** The normalised value of 8-bit level `v` in channel `c` (0 red, 1 green, 2 blue). */
export function normalizeLevel(v: number, c: 0 | 1 | 2): number {
  const f = Math.fround;
  return f(f(f(v / 255) - f(IMAGENET_MEAN[c])) / f(IMAGENET_STD[c]));
}

// The 256 possible results per channel, computed once.
const LOOKUP: readonly Float32Array[] = ([0, 1, 2] as const).map((c) => {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = normalizeLevel(v, c);
  return table;
});

/**
 * Planar, normalised float32 of `rgb` (width * height * 3 bytes, row-major, RGB interleaved).
 *
 * @throws {RangeError} when `rgb` does not hold width * height * 3 bytes.
 */
export function rgbToNormalizedChw(rgb: Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  if (rgb.length !== plane * 3) throw new RangeError(`rgb has ${rgb.length} bytes, expected ${plane * 3}`);
  const out = new Float32Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const table = LOOKUP[c] as Float32Array;
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = table[rgb[i * 3 + c] as number] as number;
  }
  return out;
}
