// The prose of the sweep codes (REC3021–REC3025): what `sweep` declarations and their planning
// report (semantics/sweep-decl.ts, sweep/plan-sweep.ts). Part of the semantic catalog
// (semantic-diagnostics.ts), kept apart so each file stays readable.

import type { Args, CodeEntry } from "../diagnostics/code-entry.js";

/** What a sweep's name should have been, by kind (REC3021); `of` says whose. */
const SWEEP_NAMES: Readonly<Record<string, (of: string) => string>> = {
  model: () => "a model of this file",
  param: (model) => `a param of ${model}`,
  callable: () => "a module, function or reward of this file",
  metric: (model) => `a metric of ${model}`,
};

/** What each of a sweep's settings takes, by the key a report names (REC3023). */
const SWEEP_SETTINGS: Readonly<Record<string, (a: Args) => string>> = {
  whole: (a) => `a whole number of at least ${a["min"]}`,
  model: () => "the model to sweep (`model = Name`)",
  search: () => '"grid", "random" or "halving"',
  space: () => "a block of the params to vary (`space { dim = [16, 32] }`)",
  values: () => "values: a list, `range(…)`, `log_range(…)`, `uniform(…)` or `log_uniform(…)`",
  "grid-values": () => 'a list or `range(…)`/`log_range(…)` under grid search: a continuous range needs `search = "random"` or `"halving"`',
  metric: (a) => `the metric to optimise, such as \`metric = "${a["example"]}"\``,
  mode: () => '"max" or "min"',
  seeds: () => "a list of whole numbers, such as `[1, 2, 3]`",
  "random-points": () => "how many points random search draws (`points = 20`)",
  "range-points": () => "how many points to draw from a continuous range (`points = 27`)",
  "halving-steps": () => "the full training budget of successive halving (`steps = 300`)",
  positive: () => "a positive whole number",
  dims: () => "a block of sizes, such as `dims { L = 50 }`",
  where: () => "a condition on the costs, such as `where = params <= 2_000_000 and flops <= 5e6`",
  "some-value": () => "at least one value",
  "constant-value": () => "a constant (a number, string, bool, list) or the name of a module, function or reward",
  "numeric-args": (a) => `numbers as the arguments of \`${a["fn"]}\``,
  range: () => "`range(start, stop[, step])` with start < stop and a positive step (stop is excluded)",
  "log-range": () => "`log_range(low, high, count)` with 0 < low < high and a whole count of at least 2",
  uniform: (a) => `\`${a["fn"]}(low, high)\` with ${a["fn"] === "log_uniform" ? "0 < " : ""}low < high`,
  "axis-call": () => "`range(start, stop[, step])` of ints, `log_range(low, high, count)`, `uniform(low, high)` or `log_uniform(low, high)`",
  axis: () => "a list of values, a range, or one constant",
  cost: (a) => `one of the costs a constraint may name: ${a["costs"]}`,
  constraint: () => "numbers, costs, comparisons, arithmetic, `and`, `or` and `not`",
};

export const SWEEP_CODES: readonly CodeEntry[] = [
  {
    code: "REC3021",
    severity: "error",
    summary: "A sweep names a model, param, metric or definition that its file does not have.",
    example:
      'import { Embedding } from "std/nn"\n\nmodel M {\n  dims B\n  param dim = 8, items = ' +
      "100, lr = 0.01\n  input item: id<items>[B]\n  input label: f32[B]\n  head score = " +
      "Embedding(items, dim)(item) |> sum(axis = -1)\n  loss l = mean((score - label) * (score - " +
      "label))\n  metric mse = mean((score - label) * (score - label))\n  train { optimizer = " +
      "adam(lr = lr), steps = 10 }\n}\n\nsweep Width {\n  model = M\n  space { width = [4, 8] " +
      '}\n  metric = "mse", mode = "min"\n}\n',
    build: (a) => ({
      message: `the sweep names \`${a["name"]}\`, which is not ${SWEEP_NAMES[a["kind"]!]!(a["of"] ?? "")}`,
      label: a["suggestion"] ? `did you mean \`${a["suggestion"]}\`?` : "not found",
      notes: [`the candidates are ${a["known"]}`, "a sweep's space varies the model's params; its metric is one the model reports"],
    }),
  },
  {
    code: "REC3022",
    severity: "error",
    summary: "A value in a sweep's space that its param cannot take.",
    example:
      'import { Embedding } from "std/nn"\n\nmodel M {\n  dims B\n  param dim = 8, items = ' +
      "100, lr = 0.01\n  input item: id<items>[B]\n  input label: f32[B]\n  head score = " +
      "Embedding(items, dim)(item) |> sum(axis = -1)\n  loss l = mean((score - label) * (score - " +
      "label))\n  metric mse = mean((score - label) * (score - label))\n  train { optimizer = " +
      "adam(lr = lr), steps = 10 }\n}\n\nsweep Width {\n  model = M\n  space { dim = [8, 16.5] " +
      '}\n  metric = "mse", mode = "min"\n}\n',
    build: (a) => ({
      message: `\`${a["param"]}\` is ${a["expected"]}, and the sweep gives it ${a["found"]}`,
      label: `not ${a["expected"]}`,
      notes: ["each value of a space must have the kind of the param's default, as `--set` requires (an int also fits a float)"],
    }),
  },
  {
    code: "REC3023",
    severity: "error",
    summary: "A sweep setting with a value it cannot have (a search kind, range, count or constraint).",
    example:
      'import { Embedding } from "std/nn"\n\nmodel M {\n  dims B\n  param dim = 8, items = ' +
      "100, lr = 0.01\n  input item: id<items>[B]\n  input label: f32[B]\n  head score = " +
      "Embedding(items, dim)(item) |> sum(axis = -1)\n  loss l = mean((score - label) * (score - " +
      "label))\n  metric mse = mean((score - label) * (score - label))\n  train { optimizer = " +
      "adam(lr = lr), steps = 10 }\n}\n\nsweep Rates {\n  model = M\n  space { lr = " +
      'log_uniform(1e-4, 1e-1) }\n  metric = "mse", mode = "min"\n}\n',
    build: (a) => ({
      message: `the sweep's \`${a["name"]}\` needs ${SWEEP_SETTINGS[a["expects"]!]!(a)}`,
      label: "not accepted here",
      notes: ["spec/language.md §3.8 lists a sweep's settings"],
    }),
  },
  {
    code: "REC3024",
    severity: "error",
    summary: "A sweep's cost constraint that no point of its space meets.",
    sweepExample: true,
    example:
      'import { Embedding } from "std/nn"\n\nmodel M {\n  dims B\n  param dim = 8, items = ' +
      "100, lr = 0.01\n  input item: id<items>[B]\n  input label: f32[B]\n  head score = " +
      "Embedding(items, dim)(item) |> sum(axis = -1)\n  loss l = mean((score - label) * (score - " +
      "label))\n  metric mse = mean((score - label) * (score - label))\n  train { optimizer = " +
      "adam(lr = lr), steps = 10 }\n}\n\nsweep Width {\n  model = M\n  space { dim = [8, 16, 32] " +
      '}\n  metric = "mse", mode = "min"\n  where = params <= 500\n}\n',
    build: (a) => ({
      message: `no point of the sweep \`${a["name"]}\` meets its constraint`,
      label: "no point meets this",
      notes: [`the space's ${a["count"]} points reach at best ${a["best"]}`, "loosen the constraint or change the space"],
    }),
  },
  {
    code: "REC3025",
    severity: "error",
    summary: "A point of a sweep's space that does not check.",
    sweepExample: true,
    example:
      'import { Embedding } from "std/nn"\n\nmodel M {\n  dims B\n  param dim = 16, items = ' +
      "100, lr = 0.01\n  input item: id<items>[B]\n  input label: f32[B]\n  head score = " +
      "Embedding(items, dim)(item)[:, 8] |> sum(axis = -1)\n  loss l = mean((score - label) * " +
      "(score - label))\n  metric mse = mean((score - label) * (score - label))\n  train { " +
      "optimizer = adam(lr = lr), steps = 10 }\n}\n\nsweep Width {\n  model = M\n  space { dim = " +
      '[16, 4] }\n  metric = "mse", mode = "min"\n}\n',
    build: (a) => ({
      message: `the point ${a["point"]} of the sweep \`${a["name"]}\` does not check`,
      label: "this value breaks the model",
      notes: [`with it: ${a["error"]}`, "`rec check --set …` with the point's values shows the whole diagnostic"],
    }),
  },
];
