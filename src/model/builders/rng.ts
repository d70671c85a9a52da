/**
 * The seeded weight generator. Every tensor has its own stream, so a tensor's values depend
 * only on the model seed and the tensor's name (not on build order or chunking):
 *
 *   digest = SHA-256(UTF-8(seed) ‖ 0x00 ‖ UTF-8(tensor name))
 *   state  = xoshiro128** with s0..s3 = digest bytes 0..15 as four little-endian uint32
 *   u      = (a >>> 5) · 2^-27 + (b >>> 6) · 2^-53, from two consecutive outputs a, b (53 bits, [0, 1))
 *   normal = Box–Muller: r = sqrt(−2 ln(1 − u1)), θ = 2π u2, yields r·cos θ then r·sin θ
 *
 * Values are computed in float64 and rounded to float32 when stored. V8's Math.log, cos and
 * sin are deterministic software implementations, so every machine generates the same bytes.
 */
import { utf8 } from "../../core/bytes.js";
import { sha256 } from "../../core/hash.js";

/** Name of this generator, recorded in model metadata. */
export const GENERATOR_ID = "zeq-np/xoshiro128**-box-muller/v1";

const TWO_PI = 2 * Math.PI;

export class TensorRng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  private constructor(state: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = state;
  }

  /** The stream of one tensor: state from SHA-256(UTF-8(seed) ‖ 0x00 ‖ UTF-8(tensor name)). */
  static forTensor(seed: string, tensorName: string): TensorRng {
    const digest = sha256(utf8(seed), new Uint8Array([0]), utf8(tensorName));
    const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
    const words = (base: number): [number, number, number, number] => [
      view.getUint32(base, true),
      view.getUint32(base + 4, true),
      view.getUint32(base + 8, true),
      view.getUint32(base + 12, true),
    ];
    const first = words(0);
    // An all-zero state would be a fixed point; take the digest's second half then.
    return new TensorRng(first.some((w) => w !== 0) ? first : words(16));
  }

  /**
   * A generator with an explicit state (for test vectors).
   * @throws RangeError unless given four uint32 words, not all zero.
   */
  static fromState(state: readonly number[]): TensorRng {
    if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new RangeError("state must be four uint32 words");
    }
    if (state.every((w) => w === 0)) throw new RangeError("state must not be all zero");
    return new TensorRng(state as [number, number, number, number]);
  }

  /** The current state as four uint32 words. */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Next xoshiro128** output, an unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextUniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal (mean 0, variance 1) by Box–Muller, using both values of each pair. */
  nextNormal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u1 = 1 - this.nextUniform(); // (0, 1]: log never sees 0
    const u2 = this.nextUniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = TWO_PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
