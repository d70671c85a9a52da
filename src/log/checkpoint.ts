/**
 * Checkpoints (signed tree heads) as C2SP tlog-checkpoint defines their note text:
 *
 *   origin\n
 *   tree size in decimal, no leading zeros\n
 *   base64 of the 32-byte RFC 6962 root hash\n
 *   optional non-empty extension lines\n
 *
 * The text is then a signed note (src/note). Parsing is strict and treats the text as
 * attacker-controlled: anything that is not exactly this shape is a coded error.
 */
import { ZeqError } from "../core/errors.js";
import { fromBase64, toBase64 } from "../core/bytes.js";
import type { Signer } from "../keys/signer.js";
import type { VerifierSet } from "../keys/verifier-set.js";
import { openNote, type NoteSignature } from "../note/open.js";
import { signNote } from "../note/sign.js";
import { isNoteSafe } from "../note/text.js";

export type CheckpointErrorCode =
  /** The text is not origin / size / root hash (/ extensions), each line as specified. */
  | "LOG_CHECKPOINT_MALFORMED"
  /** formatCheckpoint was given a value that cannot be written as a checkpoint. */
  | "LOG_CHECKPOINT_INVALID_ARGUMENT"
  /** The checkpoint is for another log than the one expected. */
  | "LOG_CHECKPOINT_ORIGIN_MISMATCH";

export class CheckpointError extends ZeqError<CheckpointErrorCode> {}

export const ROOT_HASH_LENGTH = 32;

export interface Checkpoint {
  /** The log's identity, e.g. "log.example/zeq-np". */
  origin: string;
  /** Number of leaves; a safe integer (the log never nears 2^53). */
  size: number;
  /** RFC 6962 root hash of the first `size` leaves. */
  rootHash: Uint8Array;
  /** Opaque extension lines; we write none by default (log monitors cannot audit them). */
  extensions?: string[];
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

function invalid(why: string): CheckpointError {
  return new CheckpointError("LOG_CHECKPOINT_INVALID_ARGUMENT", `cannot format checkpoint: ${why}`);
}

function isLine(s: unknown): s is string {
  return typeof s === "string" && s !== "" && !s.includes("\n") && isNoteSafe(s);
}

/**
 * Writes the note text of a checkpoint.
 * @throws {CheckpointError} LOG_CHECKPOINT_INVALID_ARGUMENT
 * @example formatCheckpoint({ origin: "go.sum database tree", size: 123456789012, rootHash })
 *   // "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n"
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (!isLine(origin)) throw invalid("origin must be one non-empty line of text");
  if (!Number.isSafeInteger(size) || size < 0) throw invalid("size must be a non-negative safe integer");
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== ROOT_HASH_LENGTH) {
    throw invalid("root hash must be 32 bytes");
  }
  if (!Array.isArray(extensions) || !extensions.every(isLine)) {
    throw invalid("extension lines must be non-empty single lines");
  }
  return [origin, String(size), toBase64(rootHash), ...extensions].map((l) => `${l}\n`).join("");
}

function malformed(why: string): CheckpointError {
  return new CheckpointError("LOG_CHECKPOINT_MALFORMED", `malformed checkpoint: ${why}`);
}

/**
 * Parses a checkpoint note text (the text of the note, not the signed note).
 * @throws {CheckpointError} LOG_CHECKPOINT_MALFORMED
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== "string" || !text.endsWith("\n")) throw malformed("text must end with a newline");
  if (!isNoteSafe(text)) throw malformed("control characters or invalid text");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw malformed("needs origin, size and root hash lines");
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === "") throw malformed("origin is empty");
  if (!DECIMAL.test(sizeText)) throw malformed("size must be decimal without leading zeros");
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw malformed("size beyond 2^53 - 1");
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootText, "root hash");
  } catch {
    throw malformed("root hash is not canonical base64");
  }
  if (rootHash.length !== ROOT_HASH_LENGTH) throw malformed("root hash must be 32 bytes");
  if (extensions.some((l) => l === "")) throw malformed("extension lines must be non-empty");
  return extensions.length > 0 ? { origin, size, rootHash, extensions } : { origin, size, rootHash };
}

/**
 * Formats and signs a checkpoint: the signed note a log publishes.
 * @throws {CheckpointError} LOG_CHECKPOINT_INVALID_ARGUMENT; NoteError NOTE_NO_SIGNER
 */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly Signer[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  /** The exact note text that was signed. */
  text: string;
  signatures: NoteSignature[];
}

/**
 * Verifies a signed checkpoint note and parses its text. When `expectedOrigin` is given the
 * checkpoint must be for that log.
 * @throws {NoteError} NOTE_MALFORMED, NOTE_BAD_SIGNATURE, NOTE_UNVERIFIED_KEY
 * @throws {CheckpointError} LOG_CHECKPOINT_MALFORMED, LOG_CHECKPOINT_ORIGIN_MISMATCH
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: VerifierSet,
  expectedOrigin?: string,
): OpenedCheckpoint {
  const opened = openNote(note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (expectedOrigin !== undefined && checkpoint.origin !== expectedOrigin) {
    throw new CheckpointError(
      "LOG_CHECKPOINT_ORIGIN_MISMATCH",
      `checkpoint is for log ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(expectedOrigin)}`,
    );
  }
  return { checkpoint, text: opened.text, signatures: opened.signatures };
}
