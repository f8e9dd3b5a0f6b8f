// Configuration values for `train` blocks and weight declarations: optimizers, data sources,
// initializers. Compile-time records that the runtime reads; they take any named arguments.

import type { Value } from "../values.js";
import type { Builtin } from "./builtin.js";

function config(name: string, doc: string, positional: readonly string[] = []): Builtin {
  return {
    name,
    category: "config",
    doc,
    params: positional.map((n) => ({ name: n, kind: "any" as const })),
    openNamed: true,
    evaluate: (args): Value => ({ kind: "config", name, args }),
  };
}

export const CONFIG_BUILTINS: readonly Builtin[] = [
  config(
    "sgd",
    "sgd(lr, momentum = 0, sparse = true): stochastic gradient descent; as `embeddings` " +
      "without momentum, tables read only by lookups train sparsely (the same weights as dense " +
      "training).",
  ),
  config("adam", "adam(lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): Adam (Kingma & Ba 2015); two state slots per weight."),
  config("adamw", "adamw(lr, weight_decay, …): Adam with decoupled weight decay (Loshchilov & Hutter 2019); two state slots per weight."),
  config(
    "adagrad",
    "adagrad(lr, initial_accumulator = 0.1, sparse = true): Adagrad, the usual choice for " +
      "embedding tables; one state slot per weight. As `embeddings`, tables read only by lookups " +
      "train sparsely (the same weights as dense training, only the touched rows updated); " +
      "`sparse = false` trains them densely.",
  ),
  config(
    "rowwise_adagrad",
    "rowwise_adagrad(lr, eps = 1e-8, initial_accumulator = 0, weight_decay = 0): Adagrad with " +
      "one accumulator per table row (the mean of the row's squared gradients), as TorchRec and " +
      "DLRM train tables; for `embeddings` only: updates only the rows a batch looked up; one " +
      "float of state per row.",
  ),
  config(
    "lazy_adam",
    "lazy_adam(lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0): Adam that " +
      "updates the moments of the rows a batch looked up only (TensorFlow's LazyAdam); unlike " +
      "dense Adam, a row's moments do not decay in steps that skip it. `weight_decay` (here and " +
      "for rowwise_adagrad) shrinks the touched rows, decoupled as adamw's. For `embeddings` " +
      "only; two state slots per weight.",
  ),
  config("parquet", "parquet(path, schema = S): batches read from a Parquet file.", ["path"]),
  config("jsonl", "jsonl(path, schema = S): batches read from a JSON-lines file.", ["path"]),
  config("csv", "csv(path, schema = S): batches read from a CSV file.", ["path"]),
  config(
    "synthetic",
    "synthetic(world, seed = 0, world_per_seed = false, …): batches from a seeded synthetic " +
      "world; `seed` fixes the world, the run's `--seed` the examples drawn from it; with " +
      "`world_per_seed = true` the run's seed also draws a new world, so a comparison's spread " +
      "over seeds covers the data too. Each world takes its own arguments (sizes, parts); `rec " +
      "data worlds` lists every world with its arguments and fields, and spec/worlds.md is " +
      "generated from the same records.",
    ["world"],
  ),
  config(
    "column",
    'column(name, pad = 0, truncate = "left", vocab = false, tokens = none, min = none): ' +
      "where a schema field comes from in the file. `pad` makes a list column a sequence padded " +
      "(or truncated at the `truncate` end) to the field's length; `vocab = true` maps values to " +
      "ids by a vocabulary built from the training split (id 0 is out of vocabulary); `tokens = " +
      '"unigram" | "bigram" | "trigram"` splits text into tokens mapped the same way; ' +
      "`min` refuses smaller values.",
    ["name"],
  ),
  config(
    "frequency",
    'frequency(name, sketch = "count_min", width = 1_048_576, depth = 2): an `f32` schema ' +
      "field holding log q̂, the log of the column value's share of the training rows read so " +
      'far (the row included), estimated by a count-min sketch (`sketch = "exact"`: exact ' +
      "counts); held-out rows read the counts without adding to them. For logQ correction of a " +
      "sampled softmax.",
    ["name"],
  ),
  config(
    "columns",
    "columns(names, vocab = false): a group of N categorical (or numeric) columns read into " +
      "one list field of length N, one element per column in the order given: `cats: " +
      'id<buckets>[26] = columns(["C" + str(i) for i in range(1, 27)], vocab = true)`; with ' +
      "`vocab = true` each column gets its own vocabulary, so `[Embedding(buckets, d)(cats[:, " +
      "i]) for i in range(26)]` gives each feature its own table.",
    ["names"],
  ),
  config("mask", "mask(field): a `bool[L]` schema field, true where the padded sequence field `field` holds an element.", ["field"]),
  config("glorot_uniform", "glorot_uniform(): uniform in ±sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010)."),
  config("zeros", "zeros(): all zeros."),
  config("ones", "ones(): all ones."),
  config("normal", "normal(stddev = 0.05, mean = 0): Gaussian initialization."),
  config("uniform", "uniform(low = -0.05, high = 0.05): uniform initialization."),
];
