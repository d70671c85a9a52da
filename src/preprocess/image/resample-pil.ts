/**
 * Pillow's antialiased bilinear resize (Image.resize with BILINEAR, libImaging/Resample.c),
 * reproduced to the bit, for just the window that a centre crop keeps.
 *
 * torchvision's Resize on a PIL image is this resize, so computing it exactly makes our
 * ResNet-50 input identical to the reference pipeline's, not merely close. libvips (sharp)
 * resamples differently: up to 2 levels off when reducing, and far off when enlarging.
 *
 * The algorithm, as Pillow has it: per output pixel, a triangle filter centred at
 * (x + 0.5) * scale, stretched by the scale when reducing; weights normalised to sum 1 then
 * converted to 22-bit fixed point with rounding; a horizontal pass into an 8-bit
 * intermediate (rounded and clipped), then a vertical pass over it. Only the source rows and
 * output columns that the crop window needs are computed; each output pixel depends on
 * nothing else, so the window equals the same window of the full resize.
 */

const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);
const ONE = 1 << PRECISION_BITS;

interface Coefficients {
  /** First source index used by each output index of the window. */
  readonly first: Int32Array;
  /** Number of source indices used by each output index of the window. */
  readonly count: Int32Array;
  /** Fixed-point weights, `ksize` slots per output index. */
  readonly weights: Int32Array;
  readonly ksize: number;
}

function triangle(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

/**
 * Pillow's precompute_coeffs + normalize_coeffs_8bpc for output indices
 * [start, start + length) of a resize from `inSize` to `outSize`.
 */
function coefficients(inSize: number, outSize: number, start: number, length: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle's support is 1
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(length);
  const count = new Int32Array(length);
  const weights = new Int32Array(length * ksize);
  const raw = new Float64Array(ksize);
  for (let i = 0; i < length; i++) {
    const center = (start + i + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const w = triangle((x + xmin - center + 0.5) / filterScale);
      raw[x] = w;
      sum += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = sum !== 0 ? (raw[x] as number) / sum : (raw[x] as number);
      weights[i * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    first[i] = xmin;
    count[i] = xmax;
  }
  return { first, count, weights, ksize };
}

/** Pillow's clip8: drop the fraction bits (floor) and clamp to a byte. */
function clip8(acc: number): number {
  const v = Math.floor(acc / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The part of the source image that the resize to outWidth × outHeight reads to produce
 * `window`: decoding just this region is enough for resizeCropPil.
 */
export function pilSourceRegion(
  inWidth: number,
  inHeight: number,
  outWidth: number,
  outHeight: number,
  window: Rect,
): Rect {
  const h = coefficients(inWidth, outWidth, window.left, window.width);
  const v = coefficients(inHeight, outHeight, window.top, window.height);
  const left = h.first[0] as number;
  const top = v.first[0] as number;
  const right = (h.first[window.width - 1] as number) + (h.count[window.width - 1] as number);
  const bottom = (v.first[window.height - 1] as number) + (v.count[window.height - 1] as number);
  return { left, top, width: right - left, height: bottom - top };
}

/** What resizeCropPil needs; plain data, so it can be posted to a worker thread. */
export interface ResizeCropJob {
  /** Interleaved RGB bytes of `region` of the source image. */
  rgb: Uint8Array;
  /** The part of the source held in `rgb` (at least pilSourceRegion's). */
  region: Rect;
  inWidth: number;
  inHeight: number;
  outWidth: number;
  outHeight: number;
  /** The part of the resized image to compute. */
  window: Rect;
}

/** Number of multiply-adds resizeCropPil will do: a measure of its cost. */
export function resizeCropCost(job: Omit<ResizeCropJob, "rgb">): number {
  const hTaps = Math.ceil(Math.max(job.inWidth / job.outWidth, 1)) * 2 + 1;
  const vTaps = Math.ceil(Math.max(job.inHeight / job.outHeight, 1)) * 2 + 1;
  return 3 * job.window.width * (job.region.height * hTaps + job.window.height * vTaps);
}

/**
 * The window of the resize of the source (inWidth × inHeight) to outWidth × outHeight, as
 * interleaved RGB bytes, computed from the source region held in job.rgb.
 *
 * @throws {RangeError} when the sizes do not fit together.
 */
export function resizeCropPil(job: ResizeCropJob): Uint8Array {
  const { rgb, region, inWidth, inHeight, outWidth, outHeight } = job;
  const { left, top, width, height } = job.window;
  if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > outWidth || top + height > outHeight) {
    throw new RangeError("crop window is not inside the resized image");
  }
  if (rgb.length !== region.width * region.height * 3) throw new RangeError("rgb does not hold the region");
  // Pillow skips a pass whose size does not change; the coefficients of such a pass are the
  // identity anyway (one weight of exactly 1.0 per pixel), so computing it changes nothing.
  const h = coefficients(inWidth, outWidth, left, width);
  const v = coefficients(inHeight, outHeight, top, height);
  const rowFirst = v.first[0] as number;
  const rowEnd = (v.first[height - 1] as number) + (v.count[height - 1] as number);
  const colFirst = h.first[0] as number;
  const colEnd = (h.first[width - 1] as number) + (h.count[width - 1] as number);
  if (
    region.left > colFirst ||
    region.top > rowFirst ||
    region.left + region.width < colEnd ||
    region.top + region.height < rowEnd ||
    region.left + region.width > inWidth ||
    region.top + region.height > inHeight
  ) {
    throw new RangeError("the region does not cover what the window needs");
  }

  // Horizontal pass: source rows [rowFirst, rowEnd) → width columns, 8-bit, rounded.
  const rows = rowEnd - rowFirst;
  const mid = new Uint8Array(rows * width * 3);
  for (let y = 0; y < rows; y++) {
    const src = ((rowFirst - region.top + y) * region.width - region.left) * 3;
    for (let x = 0; x < width; x++) {
      const xmin = h.first[x] as number;
      const n = h.count[x] as number;
      const k = x * h.ksize;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let t = 0; t < n; t++) {
        const w = h.weights[k + t] as number;
        const p = src + (xmin + t) * 3;
        r += (rgb[p] as number) * w;
        g += (rgb[p + 1] as number) * w;
        b += (rgb[p + 2] as number) * w;
      }
      const o = (y * width + x) * 3;
      mid[o] = clip8(r);
      mid[o + 1] = clip8(g);
      mid[o + 2] = clip8(b);
    }
  }

  // Vertical pass over the intermediate rows.
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const ymin = (v.first[y] as number) - rowFirst;
    const n = v.count[y] as number;
    const k = y * v.ksize;
    for (let x = 0; x < width; x++) {
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let t = 0; t < n; t++) {
        const w = v.weights[k + t] as number;
        const p = ((ymin + t) * width + x) * 3;
        r += (mid[p] as number) * w;
        g += (mid[p + 1] as number) * w;
        b += (mid[p + 2] as number) * w;
      }
      const o = (y * width + x) * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return out;
}
