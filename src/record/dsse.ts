/**
 * DSSE v1 envelopes (Dead Simple Signing Envelope): Ed25519 over
 * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body,
 * LEN being the decimal byte length with no leading zeros. The envelope carries the payload
 * in base64, so what is signed is always the exact payload bytes, never a re-encoding.
 *
 * verifyEnvelope reads attacker-controlled input: every shape error is a DsseError.
 */
import { ZeqError } from "../core/errors.js";
import { toBase64 } from "../core/bytes.js";
import { parseStrictJson } from "../core/canonical-json.js";
import type { Signer } from "../keys/signer.js";
import type { Verifier } from "../keys/verifier.js";
import type { VerifierSet } from "../keys/verifier-set.js";
import { isWellFormedUtf16 } from "../core/unicode.js";

export type DsseErrorCode =
  /** Not a DSSE envelope: wrong shape, types, or base64. */
  | "DSSE_MALFORMED"
  /** No signature in the envelope verifies with a trusted key. */
  | "DSSE_SIGNATURE_INVALID"
  /** The envelope verifies but carries another payload type than required. */
  | "DSSE_PAYLOAD_TYPE"
  /** signEnvelope was given an unusable payload type or payload. */
  | "DSSE_INVALID_ARGUMENT";

export class DsseError extends ZeqError<DsseErrorCode> {}

export interface DsseSignature {
  /** Unauthenticated hint: the signing key's `name+hexkeyid`. */
  keyid?: string;
  /** base64 of the 64-byte Ed25519 signature. */
  sig: string;
}

export interface DsseEnvelope {
  /** base64 of the payload bytes. */
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

export interface VerifiedEnvelope {
  payloadType: string;
  /** The exact payload bytes that were signed. */
  payload: Uint8Array;
  /** `name+hexkeyid` of the trusted key whose signature verified. */
  keyid: string;
  verifier: Verifier;
}

/** Envelopes with more signatures are refused: it bounds the work an input can cause. */
export const MAX_ENVELOPE_SIGNATURES = 16;

/**
 * The DSSE v1 pre-authentication encoding.
 * @example new TextDecoder().decode(pae("http://example.com/HelloWorld", utf8("hello world")))
 *   // "DSSEv1 29 http://example.com/HelloWorld 11 hello world"
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  // One allocation: PAE is built for every signature checked.
  const header = `DSSEv1 ${Buffer.byteLength(payloadType, "utf8")} ${payloadType} ${payload.length} `;
  const headerLength = Buffer.byteLength(header, "utf8");
  const out = new Uint8Array(headerLength + payload.length);
  Buffer.from(out.buffer, out.byteOffset, headerLength).write(header, "utf8");
  out.set(payload, headerLength);
  return out;
}

/**
 * Signs `payload` as a one-signature envelope; keyid is the signer's `name+hexkeyid`.
 * @throws {DsseError} DSSE_INVALID_ARGUMENT
 */
export function signEnvelope(payloadType: string, payload: Uint8Array, signer: Signer): DsseEnvelope {
  if (typeof payloadType !== "string" || payloadType === "" || !isWellFormedUtf16(payloadType)) {
    throw new DsseError("DSSE_INVALID_ARGUMENT", "payloadType must be non-empty well-formed text");
  }
  if (!(payload instanceof Uint8Array)) throw new DsseError("DSSE_INVALID_ARGUMENT", "payload must be bytes");
  const sig = signer.sign(pae(payloadType, payload));
  return {
    payload: toBase64(payload),
    payloadType,
    signatures: [{ keyid: signer.keyId, sig: toBase64(sig) }],
  };
}

/**
 * DSSE allows standard or URL-safe base64; either must be canonical and padded here.
 * (Canonical means: re-encoding the decoded bytes gives the text back, which also rules out
 * the characters and whitespace Node's lenient decoder would skip.)
 */
function decodeBase64(text: unknown, what: string): Uint8Array {
  if (typeof text !== "string") throw new DsseError("DSSE_MALFORMED", `${what} must be a string`);
  const urlSafe = text.includes("-") || text.includes("_");
  const bytes = Buffer.from(text, urlSafe ? "base64url" : "base64");
  let canonical = bytes.toString("base64");
  if (urlSafe) canonical = canonical.replace(/\+/g, "-").replace(/\//g, "_");
  if (canonical !== text) throw new DsseError("DSSE_MALFORMED", `${what} is not canonical padded base64`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An envelope whose shape was checked and whose base64 was decoded (not yet verified). */
export interface ParsedEnvelope {
  payloadType: string;
  payload: Uint8Array;
  signatures: { keyid: string | undefined; sig: Uint8Array }[];
}

/**
 * Checks the shape of an envelope (an object, or its JSON text) and decodes it.
 * @throws {DsseError} DSSE_MALFORMED
 */
export function parseEnvelope(envelope: unknown): ParsedEnvelope {
  let value = envelope;
  if (typeof value === "string") {
    try {
      value = parseStrictJson(value);
    } catch (cause) {
      throw new DsseError("DSSE_MALFORMED", "envelope is not strict JSON", { cause });
    }
  }
  if (!isRecord(value)) throw new DsseError("DSSE_MALFORMED", "envelope must be a JSON object");
  const { payloadType, payload, signatures } = value;
  // A lone surrogate would be signed as U+FFFD: two different strings, one signature.
  if (typeof payloadType !== "string" || !isWellFormedUtf16(payloadType)) {
    throw new DsseError("DSSE_MALFORMED", "payloadType must be well-formed text");
  }
  if (!Array.isArray(signatures) || signatures.length === 0) {
    throw new DsseError("DSSE_MALFORMED", "signatures must be a non-empty array");
  }
  if (signatures.length > MAX_ENVELOPE_SIGNATURES) {
    throw new DsseError("DSSE_MALFORMED", `more than ${MAX_ENVELOPE_SIGNATURES} signatures`);
  }
  const decoded = signatures.map((s: unknown, i) => {
    if (!isRecord(s)) throw new DsseError("DSSE_MALFORMED", `signatures[${i}] must be an object`);
    if (s.keyid !== undefined && typeof s.keyid !== "string") {
      throw new DsseError("DSSE_MALFORMED", `signatures[${i}].keyid must be a string`);
    }
    return { keyid: s.keyid as string | undefined, sig: decodeBase64(s.sig, `signatures[${i}].sig`) };
  });
  return { payloadType, payload: decodeBase64(payload, "payload"), signatures: decoded };
}

/**
 * Verifies an envelope against trusted keys. A signature's keyid, when it names a trusted
 * key, narrows the check to that key; otherwise every trusted key is tried (DSSE: the keyid
 * is a hint, never a security decision). The first signature that verifies wins.
 * @param envelope the envelope object or its JSON text (attacker-controlled)
 * @param options.payloadType when given, the envelope must carry exactly this type
 * @throws {DsseError} DSSE_MALFORMED, DSSE_SIGNATURE_INVALID, DSSE_PAYLOAD_TYPE
 */
export function verifyEnvelope(
  envelope: unknown,
  verifiers: VerifierSet,
  options: { payloadType?: string } = {},
): VerifiedEnvelope {
  return verifyParsedEnvelope(parseEnvelope(envelope), verifiers, options);
}

/**
 * {@link verifyEnvelope} for an envelope already decoded by {@link parseEnvelope}.
 * @throws {DsseError} DSSE_SIGNATURE_INVALID, DSSE_PAYLOAD_TYPE
 */
export function verifyParsedEnvelope(
  parsed: ParsedEnvelope,
  verifiers: VerifierSet,
  options: { payloadType?: string } = {},
): VerifiedEnvelope {
  const message = pae(parsed.payloadType, parsed.payload);
  let accepted: Verifier | undefined;
  for (const { keyid, sig } of parsed.signatures) {
    const hinted = keyid === undefined ? undefined : verifiers.getByKeyId(keyid);
    const candidates = hinted === undefined ? verifiers : [hinted];
    for (const v of candidates) {
      if (v.verify(message, sig)) {
        accepted = v;
        break;
      }
    }
    if (accepted !== undefined) break;
  }
  if (accepted === undefined) {
    throw new DsseError("DSSE_SIGNATURE_INVALID", "no envelope signature verifies with a trusted key");
  }
  if (options.payloadType !== undefined && parsed.payloadType !== options.payloadType) {
    throw new DsseError(
      "DSSE_PAYLOAD_TYPE",
      `payloadType is ${JSON.stringify(parsed.payloadType)}, expected ${JSON.stringify(options.payloadType)}`,
    );
  }
  return {
    payloadType: parsed.payloadType,
    payload: parsed.payload,
    keyid: accepted.keyId,
    verifier: accepted,
  };
}
