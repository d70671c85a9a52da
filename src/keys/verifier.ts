/**
 * Verifier keys in the C2SP signed-note form `name+hexkeyid+base64(0x01 ‖ public key)`,
 * parsed once into a Verifier that holds a ready node:crypto KeyObject.
 */
import { concatBytes, fromBase64, toBase64 } from "../core/bytes.js";
import { KeyError } from "./errors.js";
import { ALG_ED25519, assertKeyName, formatKeyId, isValidKeyName, keyHashHex, keyHashOf } from "./key-id.js";
import { ED25519_PUBLIC_KEY_LENGTH, ed25519Verify, publicKeyFromRaw } from "./ed25519.js";

export interface Verifier {
  readonly name: string;
  /** The 32-bit key id (an unsigned number). */
  readonly keyHash: number;
  /** `name+hexkeyid`, the DSSE keyid of signatures made with this key. */
  readonly keyId: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** The verifier key text, `name+hexkeyid+base64(0x01 ‖ publicKey)`. */
  readonly verifierKey: string;
  /** True when `signature` is a valid Ed25519 signature of `message`; never throws on bad input. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

const HEX8 = /^[0-9a-fA-F]{8}$/;

/** Splits at the first `sep`, as the reference implementation's `chop` does. */
export function _chop(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + sep.length)];
}

/**
 * Decodes `name`, `hex id` and `base64(alg ‖ key)` into a checked (name, id, raw key) triple.
 * Shared by verifier and private key parsing; `what` names the text in messages.
 */
export function _decodeKeyParts(
  name: string,
  hash16: string,
  key64: string,
  what: string,
): { name: string; keyHash: number; keyBytes: Uint8Array } {
  if (!isValidKeyName(name)) throw new KeyError("KEY_NAME_INVALID", `${what}: invalid key name`);
  if (!HEX8.test(hash16)) throw new KeyError("KEY_MALFORMED", `${what}: key id must be 8 hex digits`);
  let encoded: Uint8Array;
  try {
    encoded = fromBase64(key64, "key");
  } catch (cause) {
    throw new KeyError("KEY_MALFORMED", `${what}: key is not canonical padded base64`, { cause });
  }
  if (encoded.length === 0) throw new KeyError("KEY_MALFORMED", `${what}: key is empty`);
  if (encoded[0] !== ALG_ED25519) {
    throw new KeyError("KEY_ALGORITHM_UNSUPPORTED", `${what}: algorithm ${encoded[0]} is not Ed25519 (1)`);
  }
  const keyBytes = encoded.subarray(1);
  if (keyBytes.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new KeyError("KEY_MALFORMED", `${what}: an Ed25519 key has 32 bytes, not ${keyBytes.length}`);
  }
  return { name, keyHash: parseInt(hash16, 16) >>> 0, keyBytes };
}

/** The verifier key text of a raw Ed25519 public key. */
function encodeVerifierKey(name: string, keyHash: number, publicKey: Uint8Array): string {
  return `${name}+${keyHashHex(keyHash)}+${toBase64(concatBytes(Uint8Array.of(ALG_ED25519), publicKey))}`;
}

/**
 * Builds a Verifier from a name and a raw 32-byte Ed25519 public key.
 * @throws {KeyError} KEY_NAME_INVALID, KEY_MALFORMED (not a valid Ed25519 public key)
 */
export function verifierFromPublicKey(name: string, publicKey: Uint8Array): Verifier {
  assertKeyName(name);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new KeyError("KEY_MALFORMED", "an Ed25519 public key has 32 bytes");
  }
  let keyObject;
  try {
    keyObject = publicKeyFromRaw(publicKey);
  } catch (cause) {
    throw new KeyError("KEY_MALFORMED", "not a valid Ed25519 public key", { cause });
  }
  const raw = Uint8Array.from(publicKey);
  const keyHash = keyHashOf(name, concatBytes(Uint8Array.of(ALG_ED25519), raw));
  return Object.freeze({
    name,
    keyHash,
    keyId: formatKeyId(name, keyHash),
    publicKey: raw,
    verifierKey: encodeVerifierKey(name, keyHash, raw),
    verify: (message: Uint8Array, signature: Uint8Array) => ed25519Verify(keyObject, message, signature),
  });
}

/**
 * Parses a verifier key `name+hexkeyid+base64(0x01 ‖ 32-byte public key)`.
 * The key id must equal the hash of name and key; hex digits may be upper or lower case.
 * @throws {KeyError} KEY_MALFORMED, KEY_NAME_INVALID, KEY_ALGORITHM_UNSUPPORTED, KEY_HASH_MISMATCH
 * @example parseVerifierKey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
 */
export function parseVerifierKey(vkey: string): Verifier {
  if (typeof vkey !== "string") throw new KeyError("KEY_MALFORMED", "verifier key must be a string");
  const [name, rest] = _chop(vkey, "+");
  const [hash16, key64] = _chop(rest, "+");
  const parts = _decodeKeyParts(name, hash16, key64, "verifier key");
  const verifier = verifierFromPublicKey(parts.name, parts.keyBytes);
  if (verifier.keyHash !== parts.keyHash) {
    throw new KeyError("KEY_HASH_MISMATCH", `verifier key: id ${hash16} is not the hash of name and key`);
  }
  return verifier;
}
