/**
 * Signing a note: the text (ending in a newline), a blank line, then one line per signer,
 * `— name base64(keyid ‖ Ed25519 signature of the text's UTF-8 bytes)`.
 */
import { concatBytes, toBase64, utf8 } from "../core/bytes.js";
import { keyHashBytes } from "../keys/key-id.js";
import type { Signer } from "../keys/signer.js";
import { NoteError } from "./errors.js";
import { isNoteSafe, SIGNATURE_PREFIX } from "./text.js";

/**
 * Signs `text` with every signer, in order.
 * @throws {NoteError} NOTE_TEXT_INVALID (empty, no final newline, control characters or
 *   lone surrogates), NOTE_NO_SIGNER
 * @example signNote("hello\n", [signer]) // "hello\n\n— name AbCd...=\n"
 */
export function signNote(text: string, signers: readonly Signer[]): string {
  if (typeof text !== "string" || !text.endsWith("\n")) {
    throw new NoteError("NOTE_TEXT_INVALID", "a note text must end with a newline");
  }
  if (!isNoteSafe(text)) {
    throw new NoteError(
      "NOTE_TEXT_INVALID",
      "a note text may not contain control characters other than newline",
    );
  }
  if (signers.length === 0) throw new NoteError("NOTE_NO_SIGNER", "a note needs at least one signer");
  const message = utf8(text);
  const lines = signers.map((s) => {
    const signature = concatBytes(keyHashBytes(s.keyHash), s.sign(message));
    return `${SIGNATURE_PREFIX}${s.name} ${toBase64(signature)}\n`;
  });
  return `${text}\n${lines.join("")}`;
}
