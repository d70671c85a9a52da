/**
 * Byte helpers for the browser verifier: UTF-8, hex and strict base64. Written for the
 * page (no Node Buffer), and strict because every string here may be attacker-controlled:
 * base64 must be canonical and padded, so one byte string has exactly one spelling.
 */
import { malformed } from "./errors.js";

/** Bytes whose buffer is a plain ArrayBuffer, as WebCrypto's BufferSource wants. */
export type Bytes = Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function utf8(text: string): Bytes {
  return encoder.encode(text);
}

/**
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED when the bytes are not UTF-8
 */
export function fromUtf8(bytes: Uint8Array, what = "text"): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw malformed(`${what} is not valid UTF-8`);
  }
}

/** A copy whose buffer is a plain ArrayBuffer. */
export function copyBytes(bytes: Uint8Array): Bytes {
  return new Uint8Array(bytes);
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/**
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED unless `hex` is an even number of hex digits
 */
export function fromHex(hex: string, what = "hex"): Bytes {
  if (typeof hex !== "string" || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw malformed(`${what} is not hex`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes canonical, padded, standard base64 (no whitespace, no URL-safe alphabet, zero
 * unused bits in the last group).
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED naming `what`
 */
export function fromBase64(text: unknown, what = "base64"): Bytes {
  if (typeof text !== "string" || !BASE64.test(text)) throw malformed(`${what} is not padded base64`);
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  // Non-zero unused bits would give a second spelling of the same bytes.
  if (toBase64(out) !== text) throw malformed(`${what} is not canonical base64`);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Bytes {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** True when `s` has no lone surrogate (such text cannot round-trip through UTF-8). */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}
