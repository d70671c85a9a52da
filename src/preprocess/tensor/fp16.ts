/**
 * IEEE 754 binary16 encoding of a double, rounding to nearest, ties to even, as numpy's
 * float16 conversion and onnxruntime do. onnxruntime-node takes FP16 tensors as the raw
 * 16-bit patterns in a Uint16Array (Node 20 has no Float16Array).
 */

const buf = new DataView(new ArrayBuffer(8));

/**
 * The binary16 bit pattern of `x` (±Infinity beyond the largest half, 65504, after rounding).
 * NaN becomes the quiet NaN 0x7e00.
 */
export function toFloat16Bits(x: number): number {
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const sign = (hi >>> 16) & 0x8000;
  const exp = (hi >>> 20) & 0x7ff;
  // 52-bit mantissa as a high 20 bits and a low 32 bits.
  const mantHi = hi & 0xfffff;
  if (exp === 0x7ff) return sign | (mantHi !== 0 || lo !== 0 ? 0x7e00 : 0x7c00);
  const e = exp - 1023 + 15; // biased half exponent
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): value = m * 2^-24 with m < 1024; round |x| * 2^24 to even.
    if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
    const scaled = Math.abs(x) * 2 ** 24;
    const m = roundHalfEven(scaled);
    return sign | m; // m may reach 1024, which is exactly the smallest normal's pattern
  }
  // Normal: keep 10 mantissa bits, round on the 42 dropped ones (10 of mantHi, 32 of lo).
  let mant = mantHi >>> 10;
  const dropped = ((mantHi & 0x3ff) * 2 ** 32 + lo) / 2 ** 42; // fraction in [0, 1)
  if (dropped > 0.5 || (dropped === 0.5 && (mant & 1) === 1)) mant++;
  let bits = (e << 10) + mant; // a mantissa carry rolls into the exponent, as it should
  if (bits >= 0x7c00) bits = 0x7c00;
  return sign | bits;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The value of a binary16 bit pattern. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
