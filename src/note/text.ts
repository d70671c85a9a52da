/** Character rules shared by signing and opening: what a note may contain at all. */
import { isWellFormedUtf16 } from "../core/unicode.js";

/** The separator of a signature line: em dash (U+2014) and a space. */
export const SIGNATURE_PREFIX = "\u2014 ";

// C2SP signed-note: no ASCII control character other than newline.
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

/** True when `s` is well-formed text with no control character other than newline. */
export function isNoteSafe(s: string): boolean {
  return isWellFormedUtf16(s) && !FORBIDDEN_CONTROL.test(s);
}
