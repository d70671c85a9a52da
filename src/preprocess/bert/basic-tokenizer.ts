/**
 * BERT's BasicTokenizer for uncased models: clean the text, put spaces around CJK
 * ideographs, strip accents (NFD, drop Mn), lower-case, then split on whitespace and around
 * every punctuation character. The result is the list of "words" that WordPiece then cuts.
 *
 * The order of the steps follows the Hugging Face BertNormalizer (accents are stripped
 * before lower-casing); the original lower-cases first. The two agree on every input we know
 * of: the one character whose lower case adds a combining mark, U+0130 "İ", ends as "i" both
 * ways.
 */
import {
  CJK_IDEOGRAPH,
  DROPPED_BY_CLEANING,
  NONSPACING_MARK,
  PUNCTUATION,
  WHITESPACE,
} from "./char-classes.js";

/** Drops NUL, U+FFFD and control characters; every whitespace character becomes a space. */
export function cleanText(text: string): string {
  return text.replace(DROPPED_BY_CLEANING, "").replace(WHITESPACE, " ");
}

/** Surrounds every CJK ideograph with spaces so that each becomes a word of its own. */
export function spaceCjkIdeographs(text: string): string {
  return text.replace(CJK_IDEOGRAPH, " $& ");
}

/** Decomposes (NFD) and drops the nonspacing marks: "Héllo" → "Hello". */
export function stripAccents(text: string): string {
  return text.normalize("NFD").replace(NONSPACING_MARK, "");
}

/**
 * Splits on spaces and isolates each punctuation character: "hi,you!" → hi , you !.
 * Expects cleaned text, in which every whitespace character has become a space.
 */
export function splitWordsAndPunctuation(text: string): string[] {
  // Every whitespace character is a plain space by now (see cleanText): splitting on " "
  // is exact and much faster than a Unicode regex.
  return text
    .replace(PUNCTUATION, " $& ")
    .split(" ")
    .filter((w) => w.length > 0);
}

/** The whole BasicTokenizer for an uncased vocabulary (lower case, accents stripped). */
export function basicTokenizeUncased(text: string): string[] {
  return splitWordsAndPunctuation(stripAccents(spaceCjkIdeographs(cleanText(text))).toLowerCase());
}

/*
 * Where the text may be cut so that each piece basic-tokenizes exactly as it would inside
 * the whole: after whitespace that cleaning keeps (U+0085, VT and FF are White_Space but
 * also control characters, which cleaning deletes, joining what was on both sides); and after
 * punctuation or a CJK ideograph, which always end a word, when no combining mark follows
 * (NFD would attach it to the character before). Lower-casing looks across characters in one
 * case only, the final-sigma rule for U+03A3, which sees through Case_Ignorable characters
 * such as "." and "'": text with a capital sigma is cut only after characters that are not.
 */
const KEPT_WHITESPACE = String.raw`[\t\n\r]|(?!\p{C})\p{White_Space}`;
const CHUNK_BOUNDARY = new RegExp(
  String.raw`(?:${KEPT_WHITESPACE}|${PUNCTUATION.source}|${CJK_IDEOGRAPH.source})(?!\p{M})`,
  "u",
);
const CHUNK_BOUNDARY_WITH_SIGMA = new RegExp(
  String.raw`(?:${KEPT_WHITESPACE}|(?!\p{Case_Ignorable})(?:${PUNCTUATION.source})|${CJK_IDEOGRAPH.source})(?!\p{M})`,
  "u",
);

/**
 * Cuts `text` into pieces of about `size` UTF-16 units, each ending at a CHUNK_BOUNDARY, so
 * that the tokenizer can stop early on long input and never holds more than one piece's
 * words in memory. Concatenating the pieces gives `text` back.
 */
export function* basicTokenizerChunks(text: string, size = 4096): Generator<string> {
  const boundary = text.includes("\u03A3") ? CHUNK_BOUNDARY_WITH_SIGMA : CHUNK_BOUNDARY;
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    if (end < text.length) {
      const m = boundary.exec(text.slice(end));
      end = m ? end + m.index + m[0].length : text.length;
    }
    yield text.slice(start, end);
    start = end;
  }
}
