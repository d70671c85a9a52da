/** Character rules shared by signing and opening: what a note may contain at all. */
import { isWellFormedUtf16 } from "../core/unicode.js";

/** The separator of a signature line: em dash (U+2014) and a space. */
export const SIGNATURE_PREFIX = "\u2014 ";

/** True when `s` is well-formed text with no control character other than newline (C2SP). */
export function isNoteSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return false;
  }
  return isWellFormedUtf16(s);
}
