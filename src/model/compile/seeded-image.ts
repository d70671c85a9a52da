/**
 * The seeded test image of the reference inputs (docs/reference.md): bytes of
 * SHA-256(utf8(seed) ‖ uint32_be(counter)) for counter 0, 1, … concatenated; the first
 * 3·H·W are pixel values u in channel-major order, each element
 * float32(((u / 255) − mean[c]) / std[c]) evaluated in double precision and rounded once.
 * Vectors files carry the recipe instead of 600 KB of pixels.
 */
import { createHash } from "node:crypto";
import { CompileError } from "./errors.js";

export interface ImageGenerator {
  kind: string;
  seed: string;
  height: number;
  width: number;
  mean: number[];
  std: number[];
}

export const SEEDED_IMAGE_KIND = "sha256-ctr-u8-imagenet";

/**
 * The [1, 3, H, W] float32 elements of a seeded image.
 * @throws {CompileError} COMPILE_REFERENCE_INVALID for an unknown recipe or unusable sizes
 */
export function seededImage(g: ImageGenerator): Float32Array {
  const ok =
    g.kind === SEEDED_IMAGE_KIND &&
    Number.isSafeInteger(g.height) &&
    Number.isSafeInteger(g.width) &&
    g.height > 0 &&
    g.width > 0 &&
    g.height * g.width <= 4096 * 4096 &&
    g.mean.length === 3 &&
    g.std.length === 3 &&
    g.std.every((s) => s > 0);
  if (!ok) throw new CompileError("COMPILE_REFERENCE_INVALID", `unknown or unusable image recipe ${g.kind}`);
  const plane = g.height * g.width;
  const u = new Uint8Array(3 * plane);
  const seed = Buffer.from(g.seed, "utf8");
  const counter = Buffer.alloc(4);
  for (let i = 0, filled = 0; filled < u.length; i++, filled += 32) {
    counter.writeUInt32BE(i);
    const block = createHash("sha256").update(seed).update(counter).digest();
    u.set(block.subarray(0, Math.min(32, u.length - filled)), filled);
  }
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) out[c * plane + i] = (u[c * plane + i]! / 255 - g.mean[c]!) / g.std[c]!;
  }
  return out;
}
