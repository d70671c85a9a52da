/**
 * Verifier keys in the C2SP signed-note form `name+hexkeyid+base64(0x01 ‖ 32-byte key)`,
 * where the key id is the first four bytes (big-endian) of
 * SHA-256(name ‖ "\n" ‖ 0x01 ‖ key). The id is recomputed and must match: a pasted key
 * whose id was edited is refused rather than silently trusted under another id.
 */
import { concatBytes, fromBase64, utf8 } from "./bytes.js";
import { importEd25519PublicKey, sha256 } from "./crypto.js";
import { WebVerifyError } from "./errors.js";

/** Signature type byte of Ed25519 in C2SP signed notes. */
export const ALG_ED25519 = 0x01;

export interface TrustedKey {
  name: string;
  /** The 32-bit key id. */
  keyHash: number;
  /** `name+hexkeyid`, as in DSSE keyids. */
  keyId: string;
  /** The verifier key text it came from. */
  text: string;
  publicKey: Uint8Array;
  cryptoKey: CryptoKey;
}

// Unicode White_Space, as the reference implementation's unicode.IsSpace.
const SPACE = /\p{White_Space}/u;

/** A key name: non-empty, no spaces, no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !SPACE.test(name) && !name.includes("+");
}

export function keyHashHex(keyHash: number): string {
  return keyHash.toString(16).padStart(8, "0");
}

/** The key id of `name` and an encoded key (algorithm byte ‖ key bytes). */
export async function computeKeyHash(name: string, encodedKey: Uint8Array): Promise<number> {
  const d = await sha256(concatBytes(utf8(name), Uint8Array.of(0x0a), encodedKey));
  return ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
}

function invalid(why: string): WebVerifyError {
  return new WebVerifyError("WEB_VERIFY_KEY_INVALID", `invalid verifier key: ${why}`);
}

/**
 * Parses and imports a verifier key text.
 * @throws {WebVerifyError} WEB_VERIFY_KEY_INVALID, WEB_VERIFY_UNSUPPORTED
 * @example await parseVerifierKey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
 */
export async function parseVerifierKey(text: string): Promise<TrustedKey> {
  if (typeof text !== "string") throw invalid("not text");
  const trimmed = text.trim();
  // Split at the first two '+' only: base64 itself may contain '+'.
  const first = trimmed.indexOf("+");
  const second = first < 0 ? -1 : trimmed.indexOf("+", first + 1);
  if (second < 0) throw invalid("expected name+hexkeyid+base64key");
  const name = trimmed.slice(0, first);
  const hash16 = trimmed.slice(first + 1, second);
  const key64 = trimmed.slice(second + 1);
  if (!isValidKeyName(name)) throw invalid("bad key name");
  if (!/^[0-9a-fA-F]{8}$/.test(hash16)) throw invalid("key id must be 8 hex digits");
  let encoded: Uint8Array;
  try {
    encoded = fromBase64(key64, "key");
  } catch {
    throw invalid("key is not canonical base64");
  }
  if (encoded.length === 0 || encoded[0] !== ALG_ED25519)
    throw invalid("not an Ed25519 key (algorithm byte 0x01)");
  if (encoded.length !== 33) throw invalid("an Ed25519 key has 32 bytes");
  const keyHash = await computeKeyHash(name, encoded);
  if (keyHash !== parseInt(hash16, 16)) throw invalid("key id is not the hash of name and key");
  const publicKey = encoded.slice(1);
  const cryptoKey = await importEd25519PublicKey(publicKey);
  return { name, keyHash, keyId: `${name}+${keyHashHex(keyHash)}`, text: trimmed, publicKey, cryptoKey };
}

/** A set of trusted keys, looked up by (name, key id) as notes and DSSE keyids name them. */
export class TrustedKeys {
  private constructor(readonly keys: readonly TrustedKey[]) {}

  /**
   * Parses every key text; blank lines are ignored.
   * @throws {WebVerifyError} WEB_VERIFY_KEY_INVALID naming the first bad key
   */
  static async fromTexts(texts: readonly string[]): Promise<TrustedKeys> {
    const keys: TrustedKey[] = [];
    for (const t of texts) {
      if (t.trim() === "") continue;
      const k = await parseVerifierKey(t);
      if (!keys.some((have) => have.keyId === k.keyId && have.text === k.text)) keys.push(k);
    }
    return new TrustedKeys(keys);
  }

  get size(): number {
    return this.keys.length;
  }

  get(name: string, keyHash: number): TrustedKey | undefined {
    return this.keys.find((k) => k.name === name && k.keyHash === keyHash);
  }

  byKeyId(keyId: string): TrustedKey | undefined {
    return this.keys.find((k) => k.keyId === keyId);
  }
}
