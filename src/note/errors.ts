/** Errors of signed notes (C2SP signed-note). */
import { ZeqError } from "../core/errors.js";

export type NoteErrorCode =
  /** Not a signed note: bad UTF-8, control characters, no blank line before the signatures,
   * a malformed signature line, or more signatures than we read. */
  | "NOTE_MALFORMED"
  /** No signature from a trusted key: the note may be genuine, but not for us. */
  | "NOTE_UNVERIFIED_KEY"
  /** A trusted key's signature does not verify: the note was altered or forged. */
  | "NOTE_BAD_SIGNATURE"
  /** Text given to signNote cannot be a note text (empty, no final newline, control characters). */
  | "NOTE_TEXT_INVALID"
  /** signNote was given no signer. */
  | "NOTE_NO_SIGNER";

export class NoteError extends ZeqError<NoteErrorCode> {}
