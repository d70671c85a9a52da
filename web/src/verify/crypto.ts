/**
 * The two primitives the verifier needs, from the browser's WebCrypto: SHA-256 and
 * Ed25519 verification. Nothing here signs; nothing leaves the page.
 */
import { concatBytes, copyBytes, type Bytes } from "./bytes.js";
import { WebVerifyError } from "./errors.js";

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) {
    throw new WebVerifyError(
      "WEB_VERIFY_UNSUPPORTED",
      "WebCrypto is not available (the page must be served over HTTPS or from localhost)",
    );
  }
  return s;
}

/** SHA-256 of the concatenation of `parts`. */
export async function sha256(...parts: Uint8Array[]): Promise<Bytes> {
  return new Uint8Array(await subtle().digest("SHA-256", concatBytes(...parts)));
}

export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/**
 * Imports a raw 32-byte Ed25519 public key for verification.
 * @throws {WebVerifyError} WEB_VERIFY_KEY_INVALID (wrong length or rejected point),
 *   WEB_VERIFY_UNSUPPORTED (no Ed25519 in this browser)
 */
export async function importEd25519PublicKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new WebVerifyError("WEB_VERIFY_KEY_INVALID", "an Ed25519 public key has 32 bytes");
  }
  try {
    return await subtle().importKey("raw", copyBytes(raw), { name: "Ed25519" }, false, ["verify"]);
  } catch (cause) {
    const name = cause instanceof Error ? cause.name : "";
    if (name === "NotSupportedError") {
      throw new WebVerifyError("WEB_VERIFY_UNSUPPORTED", "this browser's WebCrypto has no Ed25519", {
        cause,
      });
    }
    throw new WebVerifyError("WEB_VERIFY_KEY_INVALID", "the Ed25519 public key was refused", { cause });
  }
}

/** True when `signature` is a valid Ed25519 signature of `message` under `key`. */
export async function ed25519Verify(
  key: CryptoKey,
  signature: Uint8Array,
  message: Uint8Array,
): Promise<boolean> {
  if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  try {
    return await subtle().verify({ name: "Ed25519" }, key, copyBytes(signature), copyBytes(message));
  } catch {
    // Implementations may throw on malformed signature encodings: that is "does not verify".
    return false;
  }
}
