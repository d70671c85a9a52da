/**
 * The geometry of torchvision's ImageNet evaluation transform, Resize(256) then
 * CenterCrop(224), computed exactly as torchvision computes it (including Python's
 * truncation and round-half-to-even), so our crop window is the reference's to the pixel.
 */

/** Python's round(): to the nearest integer, ties to the even one. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Size after Resize(shorter): the shorter side becomes `shorter`, the longer side
 * int(shorter * long / short) (torchvision's _compute_resized_output_size, truncating).
 */
export function resizeShorterSide(
  width: number,
  height: number,
  shorter: number,
): { width: number; height: number } {
  if (width <= height) return { width: shorter, height: Math.trunc((shorter * height) / width) };
  return { width: Math.trunc((shorter * width) / height), height: shorter };
}

/** Top-left corner of CenterCrop(size): int(round((side - size) / 2.0)) on each axis. */
export function centerCropOffsets(
  width: number,
  height: number,
  size: number,
): { left: number; top: number } {
  return { left: roundHalfEven((width - size) / 2), top: roundHalfEven((height - size) / 2) };
}
