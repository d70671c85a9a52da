/**
 * WordPiece: greedy longest-match-first segmentation of one word into vocabulary pieces,
 * continuation pieces written with the "##" prefix (google-research/bert tokenization.py,
 * WordpieceTokenizer). A word with any position that no piece matches becomes the unknown
 * token as a whole, as do words longer than `maxCharsPerWord` code points.
 */

export interface WordPieceVocab {
  /** Token string (original vocab.txt notation, "##" for continuations) → id. */
  readonly ids: ReadonlyMap<string, number>;
  readonly unkToken: string;
}

/** BERT's limit on the length of one word, in code points. */
export const WORDPIECE_MAX_CHARS_PER_WORD = 100;

/**
 * Cuts `word` into pieces; returns the token strings.
 *
 * @example wordPiece("unaffable", vocab) // ["un", "##aff", "##able"]
 */
export function wordPiece(
  word: string,
  vocab: WordPieceVocab,
  maxCharsPerWord = WORDPIECE_MAX_CHARS_PER_WORD,
): string[] {
  // Offsets of code point boundaries, so substrings never split a surrogate pair.
  const bounds: number[] = [0];
  for (const ch of word) bounds.push((bounds[bounds.length - 1] ?? 0) + ch.length);
  const n = bounds.length - 1;
  if (n > maxCharsPerWord) return [vocab.unkToken];

  const pieces: string[] = [];
  let start = 0;
  while (start < n) {
    let end = n;
    let found: string | undefined;
    while (start < end) {
      const sub = word.slice(bounds[start], bounds[end]);
      const candidate = start > 0 ? `##${sub}` : sub;
      if (vocab.ids.has(candidate)) {
        found = candidate;
        break;
      }
      end--;
    }
    if (found === undefined) return [vocab.unkToken];
    pieces.push(found);
    start = end;
  }
  return pieces;
}
