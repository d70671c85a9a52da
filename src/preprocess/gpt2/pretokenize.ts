/**
 * GPT-2's pre-tokenizer: the text is cut into contractions, runs of letters, of digits, of
 * other symbols (each optionally with one leading space) and runs of whitespace, before BPE
 * sees it; no token ever spans two of these pieces.
 *
 * The pattern is openai/gpt-2's, with \s written as \p{White_Space}: Python's `regex`
 * module (used by the original) and the Oniguruma engine of the Hugging Face tokenizer both
 * read \s as the Unicode White_Space property, while JavaScript's \s adds U+FEFF and leaves
 * out U+0085.
 */
const GPT2_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/**
 * The pieces of `text`, in order; their concatenation is `text` (every character falls in
 * one of the alternatives).
 *
 * @example gpt2Pretokenize("Hello world!") // ["Hello", " world", "!"]
 */
export function gpt2Pretokenize(text: string): string[] {
  const pieces: string[] = [];
  let covered = 0;
  for (const m of text.matchAll(GPT2_PATTERN)) {
    if (m.index !== covered) throw new Error("internal: GPT-2 pattern skipped characters");
    pieces.push(m[0]);
    covered += m[0].length;
  }
  if (covered !== text.length) throw new Error("internal: GPT-2 pattern skipped characters");
  return pieces;
}
