/** C2SP signed notes: text plus signature lines by named Ed25519 keys. */
export { NoteError, type NoteErrorCode } from "./errors.js";
export { signNote } from "./sign.js";
export { MAX_NOTE_SIGNATURES, openNote, type NoteSignature, type OpenedNote } from "./open.js";
