// The prose of the sweep codes (REC3021–REC3025): what `sweep` declarations and their planning
// report (semantics/sweep-decl.ts, sweep/plan-sweep.ts). Part of the semantic catalog
// (semantic-diagnostics.ts), kept apart so each file stays readable.

import type { CodeEntry } from "../diagnostics/code-entry.js";

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
      message: `the sweep names \`${a["name"]}\`, which is not ${a["what"]}`,
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
      message: `the sweep's \`${a["name"]}\` needs ${a["expected"]}`,
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
