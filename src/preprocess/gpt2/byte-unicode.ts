/**
 * GPT-2's reversible map between bytes and printable characters (bytes_to_unicode in
 * openai/gpt-2 encoder.py): the 188 bytes that are printable Latin-1 stand for themselves,
 * the other 68 (controls, space, soft hyphen...) are shifted to U+0100 onwards, in byte
 * order. Vocabulary and merges are written in these characters, so BPE works on text while
 * any byte string stays representable.
 */

function buildByteToChar(): string[] {
  const printable = (b: number): boolean =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    table.push(String.fromCharCode(printable(b) ? b : 256 + shifted++));
  }
  return table;
}

/** BYTE_TO_CHAR[b] is the character that stands for byte b. */
export const BYTE_TO_CHAR: readonly string[] = Object.freeze(buildByteToChar());

/** The inverse of BYTE_TO_CHAR. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((ch, b) => [ch, b]));
