/**
 * Key names and key ids as C2SP signed-note defines them: the id of an Ed25519 key is the
 * first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key).
 * The id is an identifier, not a security property: a verifier always holds the full key.
 */
import { concatBytes, utf8 } from "../core/bytes.js";
import { sha256 } from "../core/hash.js";
import { isWellFormedUtf16 } from "../core/unicode.js";
import { KeyError } from "./errors.js";

/** Signature type byte of Ed25519 in signed notes (C2SP signed-note, "Signature types"). */
export const ALG_ED25519 = 0x01;

// Unicode White_Space is exactly what Go's unicode.IsSpace (used by the reference note code) tests.
const UNICODE_SPACE = /\p{White_Space}/u;

/** True when `name` may name a key: non-empty, no Unicode space, no '+'. */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === "string" &&
    name.length > 0 &&
    isWellFormedUtf16(name) &&
    !UNICODE_SPACE.test(name) &&
    !name.includes("+")
  );
}

/**
 * @throws {KeyError} KEY_NAME_INVALID
 */
export function assertKeyName(name: unknown): asserts name is string {
  if (!isValidKeyName(name)) {
    throw new KeyError(
      "KEY_NAME_INVALID",
      `key name ${JSON.stringify(name)} is invalid: it must be non-empty, without spaces or '+'`,
    );
  }
}

/**
 * The 32-bit key id of an encoded public key (`algorithm byte ‖ key bytes`).
 * @example keyHashOf("PeterNeumann", pubWithAlg) // 0xc74f20a3
 */
export function keyHashOf(name: string, encodedPublicKey: Uint8Array): number {
  const digest = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a), encodedPublicKey));
  return ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
}

/** A key id as 8 lower-case hex digits. */
export function keyHashHex(keyHash: number): string {
  return keyHash.toString(16).padStart(8, "0");
}

/** The `name+hexkeyid` form used as DSSE keyid and in messages. */
export function formatKeyId(name: string, keyHash: number): string {
  return `${name}+${keyHashHex(keyHash)}`;
}

/** The 4 big-endian bytes of a key id, as they prefix a note signature. */
export function keyHashBytes(keyHash: number): Uint8Array {
  return Uint8Array.of(keyHash >>> 24, (keyHash >>> 16) & 0xff, (keyHash >>> 8) & 0xff, keyHash & 0xff);
}
