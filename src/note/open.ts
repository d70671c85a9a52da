/**
 * Opening a signed note (attacker-controlled input) as C2SP signed-note and the reference
 * implementation do: the text is everything up to the last blank line; each signature line
 * names a key and carries its 4-byte id; signatures by unknown keys are listed but ignored;
 * a known key's signature must verify; at least one known key must have signed.
 */
import { fromBase64, fromUtf8, utf8 } from "../core/bytes.js";
import { isValidKeyName } from "../keys/key-id.js";
import type { VerifierSet } from "../keys/verifier-set.js";
import { NoteError } from "./errors.js";
import { isNoteSafe, SIGNATURE_PREFIX } from "./text.js";

/** We read at most this many signature lines (C2SP asks for at least 16; the reference reads 100). */
export const MAX_NOTE_SIGNATURES = 100;

export interface NoteSignature {
  name: string;
  keyHash: number;
  /** The base64 of key id ‖ signature, as written in the note. */
  base64: string;
  /** True when a trusted key verified it; false for keys we do not know. */
  verified: boolean;
}

export interface OpenedNote {
  /** The signed text, ending in a newline. */
  text: string;
  /** Signatures in note order; repeats of a line (or of a trusted key) are dropped. */
  signatures: NoteSignature[];
}

function malformed(why: string): NoteError {
  return new NoteError("NOTE_MALFORMED", `malformed note: ${why}`);
}

function decodeNote(note: string | Uint8Array): string {
  if (typeof note === "string") return note;
  if (!(note instanceof Uint8Array)) throw malformed("not a string or bytes");
  try {
    return fromUtf8(note);
  } catch {
    throw malformed("invalid UTF-8");
  }
}

/**
 * Verifies a signed note against trusted keys and returns its text and signatures.
 * @throws {NoteError} NOTE_MALFORMED, NOTE_BAD_SIGNATURE (a trusted key's signature fails),
 *   NOTE_UNVERIFIED_KEY (no trusted key signed it)
 */
export function openNote(note: string | Uint8Array, verifiers: VerifierSet): OpenedNote {
  const msg = decodeNote(note);
  if (!isNoteSafe(msg)) throw malformed("control characters or invalid text");
  const split = msg.lastIndexOf("\n\n");
  if (split < 0) throw malformed("no blank line before the signatures");
  const text = msg.slice(0, split + 1);
  const block = msg.slice(split + 2);
  if (block.length === 0 || !block.endsWith("\n")) throw malformed("signature block must end with a newline");

  const textBytes = utf8(text);
  const signatures: NoteSignature[] = [];
  const seenTrusted = new Set<string>();
  const seenUnknown = new Set<string>();
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed("a signature line must start with an em dash");
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(" ");
    const name = space < 0 ? body : body.slice(0, space);
    const b64 = space < 0 ? "" : body.slice(space + 1);
    if (!isValidKeyName(name) || b64 === "") throw malformed("bad key name or empty signature");
    let raw: Uint8Array;
    try {
      raw = fromBase64(b64, "signature");
    } catch {
      throw malformed("signature is not canonical base64");
    }
    if (raw.length < 5) throw malformed("signature too short");
    const keyHash = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    const verifier = verifiers.get(name, keyHash);
    if (verifier === undefined) {
      if (seenUnknown.has(body)) continue;
      seenUnknown.add(body);
      signatures.push({ name, keyHash, base64: b64, verified: false });
      continue;
    }
    // As the reference implementation: a trusted key's first signature is the one checked.
    if (seenTrusted.has(verifier.keyId)) continue;
    seenTrusted.add(verifier.keyId);
    if (!verifier.verify(textBytes, raw.subarray(4))) {
      throw new NoteError("NOTE_BAD_SIGNATURE", `invalid signature for key ${verifier.keyId}`);
    }
    signatures.push({ name, keyHash, base64: b64, verified: true });
  }
  if (seenTrusted.size === 0) {
    throw new NoteError("NOTE_UNVERIFIED_KEY", "note has no signature from a trusted key");
  }
  return { text, signatures };
}
