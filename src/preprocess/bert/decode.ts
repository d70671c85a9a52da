/**
 * Turning WordPiece tokens back into text the way the Hugging Face tokenizer does for
 * bert-base-uncased: tokens are joined with spaces, "##" pieces are glued to the previous
 * token, and (by default) the spaces the tokenizer put before punctuation and English
 * contractions are removed again ("clean_up_tokenization_spaces").
 *
 * Lower-casing and accent stripping cannot be undone: decode("héllo" ids) is "hello".
 */

/** transformers' clean_up_tokenization, same replacements in the same order. */
export function cleanUpTokenizationSpaces(text: string): string {
  return text
    .replaceAll(" .", ".")
    .replaceAll(" ?", "?")
    .replaceAll(" !", "!")
    .replaceAll(" ,", ",")
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/** Joins WordPiece tokens: a "##" piece continues the previous word, any other starts one. */
export function joinWordPieces(tokens: readonly string[]): string {
  let out = "";
  tokens.forEach((token, i) => {
    if (i === 0) out += token;
    else if (token.startsWith("##")) out += token.slice(2);
    else out += ` ${token}`;
  });
  return out;
}
