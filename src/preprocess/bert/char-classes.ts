/**
 * The character classes of BERT's BasicTokenizer, as the reference implementations define
 * them (google-research/bert tokenization.py, and the Hugging Face BertNormalizer and
 * BertPreTokenizer), as predicates on one code point and as global regular expressions for
 * whole-string passes (native regex passes are an order of magnitude faster than a loop).
 */

/**
 * Control characters are dropped by the cleaning step, with NUL and U+FFFD. Tab, newline and
 * carriage return are whitespace instead; every other Unicode "Other" character (Cc, Cf, Cs,
 * Co, Cn) is control.
 */
export const DROPPED_BY_CLEANING = /[\0\uFFFD]|(?![\t\n\r])\p{C}/gu;

/**
 * Whitespace separates words. The Unicode White_Space property is what the Hugging Face
 * normaliser uses (Rust's char::is_whitespace); the original adds only \t \n \r to Zs, and
 * the two differ only on U+2028/U+2029, which Python's str.split() then splits on anyway.
 */
export const WHITESPACE = /\p{White_Space}/gu;

/**
 * Punctuation becomes a token of its own. BERT counts every ASCII non-alphanumeric printable
 * character (such as "$", "^", "`") as punctuation, though Unicode files some under S*.
 */
export const PUNCTUATION = /[!-/:-@[-`{-~]|\p{P}/gu;

/** Accents are removed after NFD by dropping the nonspacing marks (category Mn). */
export const NONSPACING_MARK = /\p{Mn}/gu;

/**
 * The CJK Unified Ideographs blocks, which BERT splits into one token per character.
 * Hangul, Hiragana and Katakana are deliberately not in the list, exactly as in the reference.
 */
export const CJK_IDEOGRAPH =
  /[\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}]/gu;

function whole(re: RegExp): RegExp {
  return new RegExp(`^(?:${re.source})$`, "u");
}
const CONTROL_1 = whole(/(?![\t\n\r])\p{C}/u);
const WHITESPACE_1 = whole(WHITESPACE);
const PUNCTUATION_1 = whole(PUNCTUATION);
const CJK_1 = whole(CJK_IDEOGRAPH);

/** True for a character BERT treats as control (see DROPPED_BY_CLEANING). */
export function isBertControl(ch: string): boolean {
  return CONTROL_1.test(ch);
}

/** True for a whitespace character (see WHITESPACE). */
export function isBertWhitespace(ch: string): boolean {
  return WHITESPACE_1.test(ch);
}

/** True for a punctuation character (see PUNCTUATION). */
export function isBertPunctuation(ch: string): boolean {
  return PUNCTUATION_1.test(ch);
}

/** True for a CJK ideograph (see CJK_IDEOGRAPH). */
export function isCjkIdeograph(ch: string): boolean {
  return CJK_1.test(ch);
}
