/**
 * ResNet-50 input from image bytes: torchvision's ImageNet evaluation transform
 * (Resize(256), CenterCrop(224), ToTensor, Normalize) on a PIL image, reproduced exactly.
 *
 * sharp (libvips) decodes, in its thread pool off the event loop, to 8-bit RGB (only the
 * region the crop needs); the resize is Pillow's antialiased bilinear resize, recomputed to
 * the bit for the crop window only (resample-pil.ts; large images in a worker thread); the
 * normalisation rounds as torch's float32 arithmetic does.
 * For the same decoded pixels, the tensor equals torchvision's bit for bit.
 *
 * Choices that follow PIL's Image.open(...).convert("RGB"), which the reference uses:
 * - alpha is dropped, not composited on a background (the colour under a transparent pixel
 *   is kept as it is stored);
 * - embedded ICC profiles are ignored and EXIF orientation is not applied;
 * - grey images are replicated to three channels; 16-bit images keep their high byte.
 * What can still differ from PIL is decoding itself: JPEG decoders (libjpeg-turbo in both,
 * but with different IDCT and upsampling settings) may differ by a level or two, and CMYK
 * JPEGs are converted by libvips' own rules.
 */
import sharp, { type Metadata, type OutputInfo } from "sharp";
import { PreprocessError } from "../errors.js";
import { checkIntOption, checkOptions } from "../text-input.js";
import { centerCropOffsets, resizeShorterSide } from "./geometry.js";
import { rgbToNormalizedChw } from "./normalize.js";
import { resizeCropOffLoop } from "./resample-offload.js";
import { pilSourceRegion } from "./resample-pil.js";
import { sniffAcceptedFormat, sniffOtherImageFormat } from "./sniff.js";

/** Default pixel limit: 40 megapixels (decoding one costs about 120 MB). */
export const IMAGE_MAX_PIXELS = 40_000_000;

export interface PreprocessImageOptions {
  /** Refuse images with more pixels than this. Default IMAGE_MAX_PIXELS. */
  maxPixels?: number;
  /** Length of the shorter side after resizing. Default 256. */
  resize?: number;
  /** Side of the centre crop, at most `resize`. Default 224. */
  crop?: number;
}

export interface ImageTensor {
  /** Planar RGB float32, normalised with the ImageNet mean and std: NCHW with N = 1. */
  data: Float32Array;
  dims: [1, 3, number, number];
}

function invalid(message: string, cause?: unknown): PreprocessError {
  return new PreprocessError(
    "PREPROCESS_IMAGE_INVALID",
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** Maps a libvips/sharp failure to our codes; its message names the decoder's complaint. */
function fromSharpError(err: unknown): PreprocessError {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new PreprocessError("PREPROCESS_IMAGE_TOO_LARGE", `image exceeds the pixel limit: ${message}`, {
      cause: err,
    });
  }
  return invalid(`image cannot be decoded: ${message}`, err);
}

/**
 * Normalised NCHW float32 tensor of a PNG or JPEG image, ready for ResNet-50.
 *
 * @example const { data, dims } = await preprocessImage(pngBytes) // dims [1, 3, 224, 224]
 * @throws {PreprocessError} PREPROCESS_IMAGE_INVALID (empty, corrupt or truncated bytes),
 *   PREPROCESS_IMAGE_UNSUPPORTED (another image format), PREPROCESS_IMAGE_TOO_LARGE (more
 *   than maxPixels), PREPROCESS_OPTION_INVALID (bad options).
 */
export async function preprocessImage(
  bytes: Uint8Array,
  options?: PreprocessImageOptions,
): Promise<ImageTensor> {
  const opts: PreprocessImageOptions = checkOptions(options);
  const maxPixels = checkIntOption(opts.maxPixels, "maxPixels", 1, 268_402_689, IMAGE_MAX_PIXELS);
  const resize = checkIntOption(opts.resize, "resize", 1, 4096, 256);
  const crop = checkIntOption(opts.crop, "crop", 1, resize, Math.min(224, resize));
  if (!(bytes instanceof Uint8Array) || bytes.length === 0)
    throw invalid("image bytes must be a non-empty Uint8Array");

  const format = sniffAcceptedFormat(bytes);
  if (format === undefined) {
    const other = sniffOtherImageFormat(bytes);
    if (other !== undefined) {
      throw new PreprocessError(
        "PREPROCESS_IMAGE_UNSUPPORTED",
        `${other} images are not accepted: send PNG or JPEG`,
      );
    }
    throw invalid("bytes are neither PNG nor JPEG");
  }

  // failOn "error": corrupt or truncated pixel data is refused, mere decoder warnings are not.
  const input = {
    failOn: "error",
    limitInputPixels: maxPixels,
    ignoreIcc: true,
    sequentialRead: true,
  } as const;
  let meta: Metadata;
  try {
    meta = await sharp(bytes, input).metadata();
  } catch (err) {
    throw fromSharpError(err);
  }
  if (meta.format !== format)
    throw invalid(`bytes start like ${format} but decode as ${String(meta.format)}`);
  const { width, height } = meta;
  if (!(width > 0 && height > 0)) throw invalid("image has no pixels");
  if (width * height > maxPixels) {
    throw new PreprocessError(
      "PREPROCESS_IMAGE_TOO_LARGE",
      `image is ${width}×${height} = ${width * height} pixels; at most ${maxPixels} are accepted`,
    );
  }

  const size = resizeShorterSide(width, height, resize);
  const { left, top } = centerCropOffsets(size.width, size.height, crop);
  const window = { left, top, width: crop, height: crop };
  // Decode only the part of the image that the crop window's resize reads.
  const region = pilSourceRegion(width, height, size.width, size.height, window);
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, input)
      .extract(region)
      .removeAlpha()
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw fromSharpError(err);
  }
  const { info } = decoded;
  if (info.channels !== 3 || info.width !== region.width || info.height !== region.height) {
    throw invalid(
      `decoder returned ${info.width}×${info.height}×${info.channels}, expected ${region.width}×${region.height}×3`,
    );
  }
  const rgb = await resizeCropOffLoop({
    rgb: decoded.data,
    region,
    inWidth: width,
    inHeight: height,
    outWidth: size.width,
    outHeight: size.height,
    window,
  });
  return { data: rgbToNormalizedChw(rgb, crop, crop), dims: [1, 3, crop, crop] };
}
