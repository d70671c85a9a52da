/**
 * Signing keys in the reference note implementation's private key form
 * `PRIVATE+KEY+name+hexkeyid+base64(0x01 ‖ 32-byte seed)`. The key id is that of the
 * derived public key, so a key text whose id does not match its seed is refused.
 */
import { generateKeyPairSync } from "node:crypto";
import { concatBytes, toBase64 } from "../core/bytes.js";
import { KeyError } from "./errors.js";
import { ALG_ED25519, assertKeyName, keyHashHex } from "./key-id.js";
import { ED25519_SEED_LENGTH, ed25519Sign, privateKeyFromSeed, rawPublicKey } from "./ed25519.js";
import { _chop, _decodeKeyParts, verifierFromPublicKey, type Verifier } from "./verifier.js";

export interface Signer {
  readonly name: string;
  readonly keyHash: number;
  /** `name+hexkeyid`. */
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  /** The verifier key text to publish. */
  readonly verifierKey: string;
  /** The matching verifier (same key, ready to use). */
  readonly verifier: Verifier;
  /** An Ed25519 signature (64 bytes) of `message`. */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * Builds a Signer from a name and a 32-byte Ed25519 seed (RFC 8032's "secret key").
 * @throws {KeyError} KEY_NAME_INVALID, KEY_MALFORMED (seed not 32 bytes)
 */
export function signerFromSeed(name: string, seed: Uint8Array): Signer {
  assertKeyName(name);
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_SEED_LENGTH) {
    throw new KeyError("KEY_MALFORMED", "an Ed25519 seed has 32 bytes");
  }
  const privateKey = privateKeyFromSeed(seed);
  const verifier = verifierFromPublicKey(name, rawPublicKey(privateKey));
  return Object.freeze({
    name,
    keyHash: verifier.keyHash,
    keyId: verifier.keyId,
    publicKey: verifier.publicKey,
    verifierKey: verifier.verifierKey,
    verifier,
    sign: (message: Uint8Array) => ed25519Sign(privateKey, message),
  });
}

/** The private key text of a seed (keep it secret: it is the key). */
export function encodeSigningKey(name: string, seed: Uint8Array): string {
  const signer = signerFromSeed(name, seed);
  const body = toBase64(concatBytes(Uint8Array.of(ALG_ED25519), seed));
  return `PRIVATE+KEY+${name}+${keyHashHex(signer.keyHash)}+${body}`;
}

/**
 * Generates a fresh Ed25519 key and returns its private key text.
 * @throws {KeyError} KEY_NAME_INVALID
 * @example const text = generateSigningKey("log.example/zeq"); parseSigningKey(text).verifierKey
 */
export function generateSigningKey(name: string): string {
  assertKeyName(name);
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  if (typeof jwk.d !== "string") throw new Error("node:crypto did not export the Ed25519 seed");
  return encodeSigningKey(name, new Uint8Array(Buffer.from(jwk.d, "base64url")));
}

/**
 * Parses a private key text `PRIVATE+KEY+name+hexkeyid+base64(0x01 ‖ seed)`.
 * @throws {KeyError} KEY_MALFORMED, KEY_NAME_INVALID, KEY_ALGORITHM_UNSUPPORTED, KEY_HASH_MISMATCH
 */
export function parseSigningKey(text: string): Signer {
  if (typeof text !== "string") throw new KeyError("KEY_MALFORMED", "private key must be a string");
  const [priv1, r1] = _chop(text, "+");
  const [priv2, r2] = _chop(r1, "+");
  const [name, r3] = _chop(r2, "+");
  const [hash16, key64] = _chop(r3, "+");
  if (priv1 !== "PRIVATE" || priv2 !== "KEY") {
    throw new KeyError("KEY_MALFORMED", "private key must start with PRIVATE+KEY+");
  }
  const parts = _decodeKeyParts(name, hash16, key64, "private key");
  const signer = signerFromSeed(parts.name, parts.keyBytes);
  if (signer.keyHash !== parts.keyHash) {
    throw new KeyError("KEY_HASH_MISMATCH", "private key: key id is not the hash of name and public key");
  }
  return signer;
}
