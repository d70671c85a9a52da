/**
 * DSSE v1 envelopes: Ed25519 over PAE(type, body) =
 * "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN the decimal byte length.
 * The envelope is attacker-controlled: its shape is checked before anything is verified.
 */
import { concatBytes, fromBase64, isWellFormed, utf8, type Bytes } from "./bytes.js";
import { ed25519Verify } from "./crypto.js";
import { malformed, WebVerifyError } from "./errors.js";
import type { TrustedKey, TrustedKeys } from "./keys.js";

const MAX_SIGNATURES = 16;

export interface ParsedEnvelope {
  payloadType: string;
  payload: Bytes;
  signatures: { keyid: string | undefined; sig: Bytes }[];
}

/** The DSSE v1 pre-authentication encoding. */
export function pae(payloadType: string, payload: Uint8Array): Bytes {
  const type = utf8(payloadType);
  return concatBytes(utf8(`DSSEv1 ${type.length} `), type, utf8(` ${payload.length} `), payload);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** DSSE allows the URL-safe alphabet too; either way the text must be canonical. */
function decodeDsseBase64(text: unknown, what: string): Bytes {
  if (typeof text === "string" && /[-_]/.test(text)) {
    if (/[+/]/.test(text)) throw malformed(`${what} mixes base64 alphabets`);
    return fromBase64(text.replace(/-/g, "+").replace(/_/g, "/"), what);
  }
  return fromBase64(text, what);
}

/**
 * Checks an envelope's shape and decodes its base64.
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED
 */
export function parseEnvelope(value: unknown): ParsedEnvelope {
  if (!isObject(value)) throw malformed("envelope must be a JSON object");
  const { payloadType, payload, signatures } = value;
  if (typeof payloadType !== "string" || !isWellFormed(payloadType)) {
    throw malformed("envelope payloadType must be text");
  }
  if (!Array.isArray(signatures) || signatures.length === 0 || signatures.length > MAX_SIGNATURES) {
    throw malformed(`envelope must carry 1 to ${MAX_SIGNATURES} signatures`);
  }
  const sigs = signatures.map((s: unknown, i) => {
    if (!isObject(s)) throw malformed(`signatures[${i}] must be an object`);
    if (s.keyid !== undefined && typeof s.keyid !== "string")
      throw malformed(`signatures[${i}].keyid must be text`);
    return { keyid: s.keyid as string | undefined, sig: decodeDsseBase64(s.sig, `signatures[${i}].sig`) };
  });
  return { payloadType, payload: decodeDsseBase64(payload, "envelope payload"), signatures: sigs };
}

/**
 * Verifies the envelope's signatures over PAE with the trusted keys. A keyid naming a
 * trusted key narrows the check to it; otherwise every trusted key is tried (the keyid is
 * a hint, never a decision).
 * @returns the key whose signature verified
 * @throws {WebVerifyError} WEB_VERIFY_ENVELOPE_SIGNATURE_INVALID
 */
export async function verifyEnvelope(envelope: ParsedEnvelope, keys: TrustedKeys): Promise<TrustedKey> {
  const message = pae(envelope.payloadType, envelope.payload);
  for (const { keyid, sig } of envelope.signatures) {
    const hinted = keyid === undefined ? undefined : keys.byKeyId(keyid);
    for (const key of hinted === undefined ? keys.keys : [hinted]) {
      if (await ed25519Verify(key.cryptoKey, sig, message)) return key;
    }
  }
  throw new WebVerifyError(
    "WEB_VERIFY_ENVELOPE_SIGNATURE_INVALID",
    "no envelope signature verifies with a trusted key",
  );
}
