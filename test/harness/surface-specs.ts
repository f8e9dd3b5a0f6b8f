// Small specs shared by a surface's test and its fuzzer (test/harness/fuzz-surfaces.ts): a model
// reading titles through the three tokenisers (test/tokenize.test.ts), and one composing its
// batches from two tasks by share (test/task-shares.test.ts).

/** Titles of `titles.csv` through unigram, bigram and trigram fields, each with its own vocabulary. */
export const TITLES_SPEC = `import { EmbeddingBag } from "std/nn"

schema Titles {
  words: id<word_ids>[4] = column("title", tokens = "unigram")
  words_mask: bool[4] = mask("words")
  pairs: id<pair_ids>[3] = column("title", tokens = "bigram")
  pairs_mask: bool[3] = mask("pairs")
  grams: id<gram_ids>[6] = column("title", tokens = "trigram")
  grams_mask: bool[6] = mask("grams")
  label: f32 = column("clicked")
}

model TitleClicks {
  dims B
  param word_ids = 4, pair_ids = 8, gram_ids = 50
  input words: id<word_ids>[B, 4]
  input words_mask: bool[B, 4]
  input pairs: id<pair_ids>[B, 3]
  input pairs_mask: bool[B, 3]
  input grams: id<gram_ids>[B, 6]
  input grams_mask: bool[B, 6]
  input label: f32[B]
  let text = EmbeddingBag(word_ids, 4)(words, words_mask) + EmbeddingBag(pair_ids, 4)(pairs, pairs_mask) + EmbeddingBag(gram_ids, 4)(grams, grams_mask)
  head logit = sum(text, axis = -1)
  loss l = mean(softplus(logit) - label * logit)
  train {
    data = csv("titles.csv", schema = Titles, valid = 0.25)
    batch = 4
    steps = 2
  }
}
`;

/** Two tasks in `rows.jsonl`, batches of 9 composed 2 : 1, with the shuffle given. */
export const tasksSpec = (shuffle: number) => `import { Embedding } from "std/nn"

schema Rows {
  row: f32 = column("row")
  task: id<2> = column("task")
}

model TwoTasks {
  dims B
  input row: f32[B]
  input task: id<2>[B]
  // A bias per task: each task's loss reads its own rows.
  head h = Embedding(2, 1)(task)[:, 0] - row * 0.01
  loss l = mean(h * h)
  train {
    data = jsonl("rows.jsonl", schema = Rows, valid = 0, shuffle = ${shuffle})
    tasks { column = "task", shares = [2, 1] }
    batch = 9
    steps = 3
  }
}
`;
