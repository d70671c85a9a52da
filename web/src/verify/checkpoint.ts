/**
 * C2SP tlog-checkpoint bodies: "origin\nsize\nbase64(root)\n" plus optional non-empty
 * extension lines. Parsed strictly: the text came from the network or a pasted file.
 */
import { fromBase64, type Bytes } from "./bytes.js";
import { malformed } from "./errors.js";
import { openNote, type NoteSignatureLine } from "./note.js";
import type { TrustedKeys } from "./keys.js";

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Bytes;
  extensions: string[];
}

export interface VerifiedCheckpoint {
  checkpoint: Checkpoint;
  /** Key ids of the trusted keys whose signatures verified. */
  signers: string[];
  signatures: NoteSignatureLine[];
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith("\n")) throw malformed("checkpoint text must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw malformed("checkpoint needs origin, size and root hash lines");
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === "") throw malformed("checkpoint origin is empty");
  if (!DECIMAL.test(sizeText)) throw malformed("checkpoint size must be decimal without leading zeros");
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw malformed("checkpoint size is beyond 2^53 - 1");
  const rootHash = fromBase64(rootText, "checkpoint root hash");
  if (rootHash.length !== 32) throw malformed("checkpoint root hash must be 32 bytes");
  if (extensions.some((l) => l === "")) throw malformed("checkpoint extension lines must be non-empty");
  return { origin, size, rootHash, extensions };
}

/**
 * Verifies a signed checkpoint note with trusted keys and parses its body.
 * @throws {WebVerifyError} WEB_VERIFY_MALFORMED, WEB_VERIFY_CHECKPOINT_UNTRUSTED,
 *   WEB_VERIFY_CHECKPOINT_SIGNATURE_INVALID
 */
export async function openCheckpoint(note: string, keys: TrustedKeys): Promise<VerifiedCheckpoint> {
  const opened = await openNote(note, keys);
  const checkpoint = parseCheckpoint(opened.text);
  const signers = opened.signatures.filter((s) => s.verified).map((s) => s.keyId);
  return { checkpoint, signers, signatures: opened.signatures };
}
