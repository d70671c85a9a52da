/**
 * Recognising an image format from its first bytes, before any decoder sees them: only PNG
 * and JPEG are accepted, and the decoder is then told which one to expect.
 */

export type AcceptedImageFormat = "png" | "jpeg";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(text: string): number[] {
  return Array.from(text, (ch) => ch.charCodeAt(0));
}

/** "png" or "jpeg" by signature, undefined for anything else. */
export function sniffAcceptedFormat(bytes: Uint8Array): AcceptedImageFormat | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  return undefined;
}

/**
 * Name of another well-known image format the bytes start like (GIF, WebP, TIFF, BMP,
 * HEIF/AVIF, SVG), so that it can be refused as unsupported rather than as corrupt.
 */
export function sniffOtherImageFormat(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "webp";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return "tiff";
  if (startsWith(bytes, ascii("BM"))) return "bmp";
  if (startsWith(bytes, ascii("ftyp"), 4)) return "heif";
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 256)).trimStart();
  if (head.startsWith("<svg") || head.startsWith("<?xml")) return "svg";
  return undefined;
}
