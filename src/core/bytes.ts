/**
 * Byte helpers shared by every format we sign: hex, base64, UTF-8 and concatenation.
 * Inputs from outside are validated here so malformed text becomes a TypeError or
 * RangeError naming the argument, never a silently wrong byte string.
 */

const utf8Encoder = new TextEncoder();
const utf8StrictDecoder = new TextDecoder("utf-8", { fatal: true });

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Decodes UTF-8, throwing TypeError on invalid sequences instead of substituting U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return utf8StrictDecoder.decode(bytes);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(hex: string, name = "hex"): Uint8Array {
  if (typeof hex !== "string") throw new TypeError(`${name} must be a string`);
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new RangeError(`${name} must be an even-length hexadecimal string`);
  }
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Strict standard base64 (padded, no whitespace). Node's decoder alone skips characters it
 * does not know; re-encoding the result and comparing refuses every text that is not the
 * canonical encoding of its bytes, invalid characters included.
 */
export function fromBase64(text: string, name = "base64"): Uint8Array {
  if (typeof text !== "string") throw new TypeError(`${name} must be a string`);
  const bytes = new Uint8Array(Buffer.from(text, "base64"));
  if (toBase64(bytes) !== text) throw new RangeError(`${name} is not canonical padded base64`);
  return bytes;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
