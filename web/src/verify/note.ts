/**
 * Opening a C2SP signed note (attacker-controlled text), as the reference implementation
 * does: the signed text is everything up to and including the newline before the last
 * blank line; each following line is "— <name> <base64(4-byte key id ‖ signature)>".
 * Signatures by keys we do not trust are listed and ignored; a trusted key's signature
 * must verify; at least one trusted key must have signed.
 */
import { fromBase64, isWellFormed, utf8 } from "./bytes.js";
import { ed25519Verify } from "./crypto.js";
import { malformed, WebVerifyError } from "./errors.js";
import { isValidKeyName, keyHashHex, type TrustedKeys } from "./keys.js";

/** Em dash and a space: how every signature line starts. */
const SIGNATURE_PREFIX = "\u2014 ";
const MAX_SIGNATURES = 100;
/** True when `s` has an ASCII control character other than newline (notes may not). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

export interface NoteSignatureLine {
  name: string;
  keyHash: number;
  /** `name+hexkeyid`. */
  keyId: string;
  verified: boolean;
}

export interface OpenedNote {
  /** The signed text, ending in a newline. */
  text: string;
  signatures: NoteSignatureLine[];
}

/**
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED, WEB_VERIFY_CHECKPOINT_SIGNATURE_INVALID
 *   (a trusted key's signature fails), WEB_VERIFY_CHECKPOINT_UNTRUSTED (no trusted signer)
 */
export async function openNote(note: string, keys: TrustedKeys): Promise<OpenedNote> {
  if (typeof note !== "string") throw malformed("a signed note must be text");
  if (!isWellFormed(note) || hasControl(note)) throw malformed("note has control characters or invalid text");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw malformed("note has no blank line before its signatures");
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === "" || !block.endsWith("\n")) throw malformed("note signature block must end with a newline");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw malformed(`note has more than ${MAX_SIGNATURES} signatures`);

  const message = utf8(text);
  const signatures: NoteSignatureLine[] = [];
  const checked = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX))
      throw malformed("a note signature line must start with an em dash");
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(" ");
    const name = space < 0 ? body : body.slice(0, space);
    const b64 = space < 0 ? "" : body.slice(space + 1);
    if (!isValidKeyName(name) || b64 === "")
      throw malformed("note signature line has a bad key name or no signature");
    const raw = fromBase64(b64, "note signature");
    if (raw.length < 5) throw malformed("note signature is too short");
    const keyHash = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    const keyId = `${name}+${keyHashHex(keyHash)}`;
    const key = keys.get(name, keyHash);
    if (key === undefined) {
      signatures.push({ name, keyHash, keyId, verified: false });
      continue;
    }
    // Only a trusted key's first signature counts, as in the reference implementation.
    if (checked.has(keyId)) continue;
    checked.add(keyId);
    if (!(await ed25519Verify(key.cryptoKey, raw.subarray(4), message))) {
      throw new WebVerifyError(
        "WEB_VERIFY_CHECKPOINT_SIGNATURE_INVALID",
        `signature by ${keyId} does not verify`,
      );
    }
    signatures.push({ name, keyHash, keyId, verified: true });
  }
  if (checked.size === 0) {
    const names = signatures.map((s) => s.keyId).join(", ");
    throw new WebVerifyError(
      "WEB_VERIFY_CHECKPOINT_UNTRUSTED",
      `no trusted key signed the note (signed by: ${names})`,
    );
  }
  return { text, signatures };
}
