/**
 * Ed25519 (RFC 8032) through node:crypto. Raw 32-byte seeds and public keys are wrapped in
 * their fixed PKCS#8 / SPKI DER headers once, so every later sign or verify reuses a parsed
 * KeyObject (re-parsing a key per call costs about ten times the signature itself).
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { concatBytes } from "../core/bytes.js";

// RFC 8410 §7: the DER prefixes of an Ed25519 private key (PKCS#8) and public key (SPKI).
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

export const ED25519_SEED_LENGTH = 32;
export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/**
 * @throws {RangeError} when the seed is not 32 bytes
 */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== ED25519_SEED_LENGTH) throw new RangeError("seed must be 32 bytes");
  return createPrivateKey({
    key: Buffer.from(concatBytes(PKCS8_PREFIX, seed)),
    format: "der",
    type: "pkcs8",
  });
}

/**
 * @throws {RangeError} when the public key is not 32 bytes or not a valid point encoding
 */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_PUBLIC_KEY_LENGTH) throw new RangeError("public key must be 32 bytes");
  try {
    return createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, raw)), format: "der", type: "spki" });
  } catch (cause) {
    throw new RangeError("public key is not a valid Ed25519 point encoding", { cause });
  }
}

/** The raw 32-byte public key of a private or public Ed25519 KeyObject. */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  const der = pub.export({ format: "der", type: "spki" });
  return new Uint8Array(der.subarray(der.length - ED25519_PUBLIC_KEY_LENGTH));
}

export function ed25519Sign(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKey));
}

/** False (never an exception) for a signature of the wrong length or a non-canonical one. */
export function ed25519Verify(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  return verify(null, message, publicKey, signature);
}
