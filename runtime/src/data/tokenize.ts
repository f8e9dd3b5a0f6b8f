// Tokenisers for text columns (`column("title", tokens = "unigram")`), as OmniSearchSage's
// multi-vocabulary tokeniser: the text lower-cased and split into words (runs of letters and
// digits, any script); `unigram` gives the words, `bigram` each pair of adjacent words ("red
// shoe"), `trigram` the character trigrams of each word with its boundaries marked ("#red#" →
// "#re", "red", "ed#"). The tokens' vocabulary is built from the training split like any
// `vocab = true` field (the most frequent tokens up to the id space, id 0 for the rest). In: a
// cell value and the tokeniser. Out: the tokens, in order; undefined for a value that is not text.

export type Tokenizer = "unigram" | "bigram" | "trigram";

export const TOKENIZERS: readonly Tokenizer[] = ["unigram", "bigram", "trigram"];

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The tokens of a text, the first `limit` of them at most: encoding a row needs only the tokens
 * its field keeps, so a 1 MB title costs its first few words, not a million trigrams on every
 * pass over the data. The vocabulary, built once, reads them all.
 */
export function tokensOf(raw: unknown, tokenizer: Tokenizer, limit = Infinity): string[] | undefined {
  if (typeof raw !== "string") return undefined;
  const out: string[] = [];
  const text = raw.toLowerCase();
  let previous: string | undefined;
  for (const match of text.matchAll(WORD)) {
    if (out.length >= limit) break;
    const word = match[0];
    if (tokenizer === "unigram") out.push(word);
    else if (tokenizer === "bigram") {
      if (previous !== undefined) out.push(`${previous} ${word}`);
      previous = word;
    } else trigramsOf(word, out, limit);
  }
  return out;
}

/** The character trigrams of `#word#` (by code point), appended to `out` up to `limit`. */
function trigramsOf(word: string, out: string[], limit: number): void {
  let [a, b] = ["#", ""];
  for (const char of `${word}#`) {
    if (out.length >= limit) return;
    if (b !== "") out.push(a + b + char);
    [a, b] = b === "" ? [a, char] : [b, char];
  }
}
