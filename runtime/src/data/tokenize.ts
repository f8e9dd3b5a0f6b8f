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

export function tokensOf(raw: unknown, tokenizer: Tokenizer): string[] | undefined {
  if (typeof raw !== "string") return undefined;
  const words = raw.toLowerCase().match(WORD) ?? [];
  if (tokenizer === "unigram") return words;
  if (tokenizer === "bigram") return words.slice(1).map((word, i) => `${words[i]} ${word}`);
  return words.flatMap((word) => {
    const marked = [...`#${word}#`];
    return marked.slice(2).map((_, i) => marked.slice(i, i + 3).join(""));
  });
}
