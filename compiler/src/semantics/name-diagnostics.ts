// The semantic catalog's later codes: settings, privacy, references (REC2021–REC2029) and names and
// modules (REC3xxx: unknown names, imports, calls, experiments). Part of the semantic catalog
// (semantic-diagnostics.ts), kept apart so each file stays readable.

import { byCase, type Args, type CodeEntry } from "../diagnostics/code-entry.js";

const opt = (key: string, a: Args) => (a[key] ? { help: a[key]! } : {});

/** What a training setting needs (REC2023), by key: a value to show when the report gives none, the need, a label. */
const SETTING_NEEDS: Readonly<Record<string, readonly [value: string | undefined, needs: string, label: string | undefined]>> = {
  "whole-1": [undefined, "a whole number of at least 1", undefined],
  "whole-0": [undefined, "a whole number of at least 0", undefined],
  topk: [undefined, "a fraction in (0, 1]: the share of each gradient's entries sent", undefined],
  bits: [undefined, "a whole number of bits from 2 to 32", undefined],
  "non-negative": [undefined, "a number of at least 0", undefined],
  noise: [undefined, "a clipping bound beside it (`per_example_clip` or `clip`): the noise's scale is σ times that bound", undefined],
  probability: [undefined, "a probability in [0, 1]", undefined],
  polyak: [undefined, "a fraction τ in [0, 1]", undefined],
  temperature: [undefined, "a positive temperature", undefined],
  explore: [undefined, '"epsilon", "boltzmann" or "greedy"', undefined],
  step: [undefined, "a step other than 0", undefined],
  "tasks-block": ["not a block", 'a block such as `tasks { column = "task", shares = [2, 1] }`', undefined],
  "tasks-no-shares": [
    "without `shares`",
    "a share of each batch per task: `shares = [2, 1]` gives task 0 two thirds of every batch and task 1 one third",
    undefined,
  ],
  "tasks-shares": ["not a list of positive numbers", "one positive number per task (task t is the rows whose task column holds t)", undefined],
  "tasks-column": ["not a column name", "the name of the column holding each row's task, as a string", undefined],
  "tasks-world": ["given with a synthetic world", "file data (`parquet`, `jsonl` or `csv`): a world composes its own batches", "a world, not a file"],
  "tasks-epochs": [
    "given with `epochs`",
    "`steps`: composed batches repeat each task at its own pace, so there is no one pass over the data to count",
    "conflicts with `tasks`",
  ],
  "tasks-privacy": [
    "given with `label_privacy`",
    "one or the other: label privacy releases the training split once, as one pass, which composed batches are not",
    "conflicts with `tasks`",
  ],
};

/** What an experiment's name should have been, by kind (REC3019); `of` says whose. */
const EXPERIMENT_NAMES: Readonly<Record<string, (of: string) => string>> = {
  model: () => "a model of this file",
  arm: (role) => `an arm of the experiment (${role === "baseline" ? "the baseline" : "the hard subset's reference"})`,
  metric: (model) => `a metric of ${model}`,
  "arms-metric": () => "a metric of an arm's model",
  head: (model) => `a head of ${model}`,
  "per-example-head": (model) => `a per-example head of ${model} (one number per example, such as f32[B])`,
  mode: () => "a direction for the best epoch (`min` or `max`)",
};

/** Why a reference cannot copy its source, by case (REC2029). */
const REFERENCE_PROBLEMS: Readonly<Record<string, (a: Args) => string>> = {
  unnamed: () => "needs the name of the weights it copies, as a string",
  "no-weights": (a) => `\`${a["prefix"]}\` names no weights of the model`,
  unmatched: (a) => `\`${a["weight"]}\` has no counterpart of its shape under \`${a["source"]}\``,
};

export const NAME_CODES: readonly CodeEntry[] = [
  {
    code: "REC2021",
    severity: "error",
    summary: "A weight or input whose size is zero or negative (often from `--set`).",
    example: "model M {\n  dims B\n  param width = 0\n  input x: f32[B, width]\n  head h = sum(x, axis = -1)\n}\n",
    build: (a) => ({
      message: `${a["what"]} has a size of ${a["size"]}`,
      label: `${a["type"]}: every size must be at least 1`,
      help: "give the sizes positive values (check `--set` overrides and the params they come from)",
    }),
  },
  {
    code: "REC2022",
    severity: "error",
    summary: "A compile-time `range`, comprehension or list longer than the unrolling limit (10,000).",
    example:
      "model M {\n  dims B\n  param window = 1_000_000\n  input x: f32[B]\n  head y = x\n  head " +
      "h = sum(stack([x * float(i) for i in range(window)]), axis = 0)\n}\n",
    build: (a) => ({
      message:
        a["case"] === "comprehension"
          ? `this comprehension unrolls more iterations than the limit at compile time; the limit is ${a["limit"]}`
          : a["case"] === "list" || a["case"] === "string"
            ? `this \`+\` builds a ${a["case"]} of ${a["length"]} ` +
              `${a["case"] === "list" ? "elements" : "characters"} at compile time; the limit is ` +
              `${a["limit"]}`
            : `\`range(${a["n"]})\` unrolls ${a["n"]} elements at compile time, more than the limit of ${a["limit"]}`,
      label: "unrolled while checking",
      notes: ["every element of a comprehension over `range` becomes part of the graph, so the checker's time and memory grow with it"],
      help: "use a tensor for long repetitions (`arange(n)`, reductions over an axis), or a smaller value (check `--set` overrides)",
    }),
  },
  {
    code: "REC2023",
    severity: "error",
    summary:
      "A training-procedure setting outside its range: `epochs`, a gradient-pipeline transform " +
      "(`topk`, `bits`, clipping, noise), or task shares (`tasks { … }`).",
    example:
      "model M {\n  dims B\n  input x: f32[B, 4]\n  head h = sum(x, axis = -1)\n  loss l = mean(h * h)\n  train {\n    gradients { topk = 1.5 }\n  }\n}\n",
    build: (a) => {
      const [value, needs, label] = SETTING_NEEDS[a["needs"]!] ?? [undefined, a["needs"], undefined];
      return {
        message: `\`${a["name"]}\` is ${a["value"] ?? value}; it needs ${needs}`,
        label: label ?? "out of range",
        help: "the train block's settings are in spec/language.md §3.7",
      };
    },
  },
  {
    code: "REC2024",
    severity: "error",
    summary: "Label privacy that cannot work: a missing or non-positive ε, or a label that is not an input.",
    example:
      "model M {\n  dims B\n  input x: f32[B, 4]\n  input y: f32[B]\n  head h = sum(x, axis = " +
      '-1)\n  loss l = mean((h - y) * (h - y))\n  train {\n    label_privacy { label = "y", ' +
      "epsilon = 0.0 }\n  }\n}\n",
    build: byCase({
      "no-epsilon": () => ({
        message: "label privacy needs its `epsilon`",
        label: "randomised response needs this",
        help: "add `epsilon = 1.0` (smaller is more private: labels flip with probability 1 / (1 + e^ε))",
      }),
      epsilon: (a) => ({
        message: `\`epsilon\` is ${a["epsilon"]}; it must be positive`,
        label: "randomised response needs this",
        help: "ε = 0 would flip half the labels (no information left); use a positive ε such as 0.5, 1 or 2",
      }),
      "no-label": () => ({
        message: "label privacy needs the `label` it protects",
        label: "randomised response needs this",
        help: 'add `label = "…"`, the input holding the binary label',
      }),
      label: (a) => ({
        message: `\`${a["label"]}\` is not an input of ${a["model"]}`,
        label: "randomised response needs this",
        help: `name the input holding the binary label (${a["inputs"]})`,
      }),
    }),
  },
  {
    code: "REC2025",
    severity: "error",
    summary: "A gradient transform on weights that do not train: `gradients { only = … }` naming no weight, or only frozen ones.",
    example:
      'import { Dense } from "std/nn"\n\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  let ' +
      "tower = Dense(1)\n  head h = tower(x)\n  loss l = mean(h * h)\n  train {\n    freeze = " +
      '["tower"]\n    gradients { only = ["tower"] }\n  }\n}\n',
    build: (a) => ({
      message:
        `\`only\` prefix \`${a["prefix"]}\` ` +
        `${a["case"] === "frozen" ? "names only frozen weights (`freeze`), which have no gradient to transform" : "names no weight of the model"}`,
      label: "no gradient to transform",
      ...(a["known"] ? { notes: [`the model's weights start with: ${a["known"]}`] } : {}),
      help: "name weights that train: drop them from `freeze`, or correct the prefix",
    }),
  },
  {
    code: "REC2026",
    severity: "error",
    summary: "A reward called with a value computed from trainable weights: a loss would differentiate through the reward.",
    example:
      'import { Dense } from "std/nn"\n\nreward Clicked(score: f32[B]) -> f32[B] {\n  ' +
      "score\n}\n\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  let score = Dense(1)(x)[:, 0]\n  " +
      "loss l = mean(Clicked(score))\n}\n",
    build: (a) => ({
      message: `reward \`${a["name"]}\` receives \`${a["param"]}\` computed from trainable weights`,
      label: "carries a gradient",
      notes: ["a reward scores outcomes and carries no gradient; a loss that differentiated through it would let the model change its own reward"],
      help: "pass logged outcomes, or wrap a model output in `stop_gradient(…)` when the reward only reads it",
    }),
  },
  {
    code: "REC2027",
    severity: "error",
    summary: "A reward that draws random numbers: a reward is deterministic.",
    example:
      "reward Noisy(click: f32[B]) -> f32[B] {\n  dropout(click, rate = 0.5)\n}\n\nmodel M {\n  " +
      "dims B\n  input click: f32[B]\n  metric r = mean(Noisy(click))\n}\n",
    build: (a) => ({
      message: `reward \`${a["name"]}\` calls \`${a["op"]}\`, which draws random numbers`,
      label: "random",
      notes: ["the same outcomes must always score the same, or estimates built on the reward cannot be compared"],
      help: "compute the reward from the outcomes alone; randomness belongs in the policy (`sample_categorical`)",
    }),
  },
  {
    code: "REC2028",
    severity: "error",
    summary: "A reward that does not return one f32 per example (`f32[B]`).",
    example: "reward Total(click: f32[B]) -> f32[] {\n  sum(click)\n}\n\nmodel M {\n  dims B\n  input click: f32[B]\n  metric r = Total(click)\n}\n",
    build: (a) => ({
      message: `reward \`${a["name"]}\` returns ${a["found"]}, not one f32 per example`,
      label: "not f32[B]",
      help: "return a score per example (`f32[B]`); estimators and metrics average it over the batch",
    }),
  },
  {
    code: "REC2029",
    severity: "error",
    summary: 'A frozen reference (`reference { copy = "source" }`) whose weights do not match its source\'s, name for name and shape for shape.',
    example:
      'import { Dense } from "std/nn"\n\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  let ' +
      "policy = Dense(3)\n  let anchor = Dense(2)\n  head h = policy(x) + anchor(x)[:, :1]\n  " +
      'loss l = mean(h * h)\n  train {\n    reference { anchor = "policy" }\n  }\n}\n',
    build: (a) => ({
      message: `the reference \`${a["target"]}\` cannot copy its source: ${REFERENCE_PROBLEMS[a["case"]!]!(a)}`,
      label: "not a copy of the same structure",
      help: "a reference is a second instance of the same module as its source (`let ref = MLP([…])` beside `let policy = MLP([…])`)",
    }),
  },
  {
    code: "REC2035",
    severity: "error",
    summary:
      'A name map for weights from another file (`init { map = { "user_tower.0": "user.mlp.layers.0" } }`) ' +
      "that is not a record of strings, or whose model side names no weight of the model.",
    example:
      'import { Dense } from "std/nn"\n\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  head h = Dense(2)(x)\n  ' +
      'train {\n    init { from = "weights.safetensors", map = { "fc": "tower" } }\n  }\n}\n',
    build: byCase({
      "not-record": () => ({
        message: "`map` must be a record from the file's names to the model's",
        label: "not a record",
        help: 'write `map = { "user_tower.0": "user.mlp.layers.0" }`: a checkpoint name or prefix on the left, a weight name or prefix on the right',
      }),
      "not-string": (a) => ({
        message: `the map's entry \`${a["key"]}\` must name the model's weights as a string`,
        label: "not a string",
        help: "the right side is a weight's qualified name or a prefix of some, as `rec build` lists them under `params`",
      }),
      "no-weights": (a) => ({
        message: `the map's entry \`${a["key"]}\` names \`${a["target"]}\`, which is no weight of the model and no prefix of one`,
        label: "names no weights",
        help: `the model's weights start with ${a["known"]}; \`rec build\` lists them all under \`params\``,
      }),
    }),
  },

  {
    code: "REC3001",
    severity: "error",
    summary: "An import of a file that does not exist.",
    example: 'import { Tower } from "./towers"\n',
    build: (a) => ({
      message: `cannot find "${a["path"]}"`,
      label: `no file ${a["file"]}`,
      ...opt("help", a),
    }),
  },
  {
    code: "REC3002",
    severity: "error",
    summary: "An import whose path leaves the project root (or, for `std/…`, the standard library).",
    example: 'import { Tower } from "../../../../../../etc/towers"\n',
    build: (a) =>
      a["scope"]
        ? {
            message: `import "${a["path"]}" leaves ${a["scope"]}`,
            label: "outside the standard library",
            notes: ["`std/…` names a module of the standard library (`stdlib/`); `..` cannot climb out of it"],
            help: "import a standard module such as `std/nn`, or a file of the project by a relative path",
          }
        : {
            message: `import "${a["path"]}" leaves the project`,
            label: "outside the project root",
            notes: [`the project root is \`${a["root"]}\`, the nearest folder above the file with a package.json`],
            help: "import files inside the project, or from the standard library (`std/…`)",
          },
  },
  {
    code: "REC3003",
    severity: "error",
    summary: "Files that import each other in a cycle.",
    example: 'import { M } from "./example"\n\nmodel M {}\n',
    build: (a) => ({
      message: "import cycle",
      label: "this import closes the cycle",
      notes: [`the cycle: ${a["cycle"]}`],
      help: "move what both files need into a third file that both import",
    }),
  },
  {
    code: "REC3004",
    severity: "error",
    summary: "An imported name that the file does not declare.",
    example: 'import { Embeding } from "std/nn"\n',
    build: (a) => ({
      message: `"${a["path"]}" has no \`${a["name"]}\``,
      label: a["suggestion"] ? `did you mean \`${a["suggestion"]}\`?` : "not declared there",
      notes: a["available"] ? [`it declares ${a["available"]}`] : [],
    }),
  },
  {
    code: "REC3005",
    severity: "error",
    summary: "A name that is not defined.",
    example: "model M {\n  dims B\n  input user: f32[B]\n  head h = user + usr\n}\n",
    build: (a) => ({
      message: `cannot find \`${a["name"]}\``,
      label: a["module"] ? `not imported: "${a["module"]}" declares it` : a["suggestion"] ? `did you mean \`${a["suggestion"]}\`?` : "not defined",
      ...(a["module"] ? { help: `import it: \`import { ${a["name"]} } from "${a["module"]}"\`` } : {}),
      // What the name stands for, where the place tells: a type, or a dimension of a shape.
      ...(a["kind"] === "type" ? { help: "types are `f32[…]`, `i32[…]`, `bool[…]`, `id<space>[…]`, `int`, `float`, `bool`, `string`, `fn`, `[T]`" } : {}),
      ...(a["kind"] === "dimension" ? { help: `declare it as a symbolic dimension: \`dims ${a["name"]}\`` } : {}),
    }),
  },
  {
    code: "REC3006",
    severity: "error",
    summary: "Two declarations with the same name in one scope.",
    example: "model M {\n  dims B\n  input x: f32[B]\n  let y = x\n  let y = x * 2.0\n  head h = y\n}\n",
    build: (a) => ({
      message: `\`${a["name"]}\` is defined twice`,
      label: "second definition",
      help: "rename one of them",
    }),
  },
  {
    code: "REC3007",
    severity: "warning",
    summary: "A `let` binding that nothing uses.",
    example: "model M {\n  dims B\n  input x: f32[B]\n  let unused = x * 2.0\n  head h = x\n}\n",
    build: (a) => ({
      message: `\`${a["name"]}\` is never used`,
      label: "unused",
      help: `remove it, or name it \`_${a["name"]}\` to keep it on purpose`,
    }),
  },
  {
    code: "REC3008",
    severity: "warning",
    summary: "A model input that nothing uses.",
    example: "model M {\n  dims B\n  input x: f32[B]\n  input extra: f32[B]\n  head h = x\n}\n",
    build: (a) => ({
      message: `input \`${a["name"]}\` is never used`,
      label: "unused input",
      help: "remove it, or use it in an encoder, head, loss or metric",
    }),
  },
  {
    code: "REC3009",
    severity: "error",
    summary: "A call with an argument name the callee does not have.",
    example: 'import { Dense } from "std/nn"\n\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  head h = Dense(8, activation = relu)(x)\n}\n',
    build: (a) =>
      a["case"] === "twice"
        ? {
            message: `argument \`${a["name"]}\` of \`${a["callee"]}\` is given twice, by position and by name`,
            label: "given again here",
            notes: [`its parameters: ${a["params"]}`],
          }
        : {
            message: `\`${a["callee"]}\` has no parameter \`${a["name"]}\``,
            label: a["suggestion"] ? `did you mean \`${a["suggestion"]}\`?` : "unknown parameter",
            notes: [`its parameters: ${a["params"]}`],
          },
  },
  {
    code: "REC3010",
    severity: "error",
    summary: "A call that leaves out a required argument.",
    example: 'import { Embedding } from "std/nn"\n\nmodel M {\n  dims B\n  param items = 10\n  input i: id<items>[B]\n  head h = Embedding(items)(i)\n}\n',
    build: (a) => ({
      message: `\`${a["callee"]}\` is missing the argument \`${a["name"]}\``,
      label: "this call",
      notes: [`its parameters: ${a["params"]}`],
    }),
  },
  {
    code: "REC3011",
    severity: "error",
    summary: "A call with more positional arguments than the callee takes.",
    example: "model M {\n  dims B\n  input x: f32[B]\n  head h = exp(x, x)\n}\n",
    build: (a) => ({
      message: `\`${a["callee"]}\` takes ${a["count"]} positional argument${a["count"] === "1" ? "" : "s"}`,
      label: "extra argument",
      notes: [`its parameters: ${a["params"]}`],
    }),
  },
  {
    code: "REC3012",
    severity: "error",
    summary: "A call of something that is not a function or module.",
    example: "model M {\n  dims B\n  param dim = 8\n  input x: f32[B]\n  head h = dim(x)\n}\n",
    build: (a) => ({
      message: `${a["what"]} cannot be called`,
      label: "not a function or module",
      ...opt("help", a),
    }),
  },
  {
    code: "REC3013",
    severity: "error",
    summary: "A member access `x.name` that `x` does not have.",
    example: 'import * as nn from "std/nn"\n\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  head h = nn.Dence(4)(x)\n}\n',
    build: (a) => ({
      message: `${a["what"]} has no member \`${a["name"]}\``,
      label: a["suggestion"] ? `did you mean \`${a["suggestion"]}\`?` : "unknown member",
    }),
  },
  {
    code: "REC3014",
    severity: "error",
    summary: "An override (`--set name=value`) of a parameter that does not exist.",
    example: "model M {\n  dims B\n  param dim = 64\n  input x: f32[B, dim]\n  head h = x\n}\n",
    exampleOverrides: { dims: "128" },
    build: (a) => ({
      message: `no parameter \`${a["name"]}\` to set`,
      label: "in this model",
      notes: [`its parameters: ${a["params"]}`],
      ...(a["suggestion"] ? { help: `did you mean \`${a["suggestion"]}\`?` } : {}),
    }),
  },
  {
    code: "REC3015",
    severity: "error",
    summary: "An override whose value has the wrong type for the parameter.",
    example: "model M {\n  dims B\n  param dim = 64\n  input x: f32[B, dim]\n  head h = x\n}\n",
    exampleOverrides: { dim: "0.5" },
    build: (a) => ({
      message: `\`${a["name"]}\` is ${a["expected"]}, but the override \`${a["text"]}\` is ${a["found"]}`,
      label: "declared here",
      help: `write \`--set ${a["name"]}=<${a["expected"]}>\``,
    }),
  },
  {
    code: "REC3016",
    severity: "error",
    summary: "A definition that depends on itself.",
    example: "model M {\n  dims B\n  input x: f32[B]\n  let a = b + x\n  let b = a * 2.0\n  head h = a\n}\n",
    build: (a) => ({
      message: `\`${a["name"]}\` depends on itself`,
      label: "used here while it is being defined",
      notes: [`the cycle: ${a["cycle"]}`],
    }),
  },
  {
    code: "REC3017",
    severity: "error",
    summary: "A module that cannot be used as written: no forward function, or a weight outside a module.",
    example: "module Bag(dim: int) {\n  weight w: f32[dim]\n}\n\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  head h = Bag(4)(x)\n}\n",
    build: byCase({
      "no-forward": (a) => ({
        message: `module \`${a["module"]}\` has no forward function`,
        label: "called here",
        help: "add `fn (x: …) -> … { … }` to the module",
      }),
      "open-weight": () => ({ message: "a weight needs a tensor type without `...`", label: "here" }),
    }),
  },
  {
    code: "REC3018",
    severity: "error",
    summary: "A schema field that names no input of the model reading the data.",
    example:
      'import { Embedding } from "std/nn"\n\nschema Events {\n  user: id<users> = ' +
      'column("uid")\n  label: f32 = column("clicked")\n}\n\nmodel M {\n  dims B\n  param ' +
      "users = 100\n  input user_id: id<users>[B]\n  input label: f32[B]\n  head h = " +
      "Embedding(users, 4)(user_id) |> sum(axis = -1)\n  loss l = mean(h - label)\n  train {\n   " +
      ' data = jsonl("events.jsonl", schema = Events)\n  }\n}\n',
    build: (a) => ({
      message: `schema field \`${a["name"]}\` names no input of the model`,
      label: a["suggestion"] ? `did you mean \`${a["suggestion"]}\`?` : "no input has this name",
      notes: [`the model's inputs are ${a["inputs"]}`, "a field feeds the input of its name; a `timestamp` field orders rows for a split by time"],
    }),
  },
  {
    code: "REC3019",
    severity: "error",
    summary: "An experiment names a model, arm, metric or head that its file does not have (or a best epoch's direction other than min or max).",
    example:
      "model M {\n  dims B\n  param width = 2\n  input x: f32[B, 4]\n  head score = sum(x, axis " +
      "= -1) * float(width)\n  loss l = mean(score)\n  metric average = " +
      "mean(score)\n}\n\nexperiment Widths {\n  model = M\n  variants {\n    narrow { width = 1 " +
      '}\n    wide { width = 4 }\n  }\n  report = ["avrage"]\n}\n',
    build: (a) => ({
      message: `the experiment names \`${a["name"]}\`, which is not ${EXPERIMENT_NAMES[a["kind"]!]!(a["of"] ?? "")}`,
      label: a["suggestion"] ? `did you mean \`${a["suggestion"]}\`?` : "not found",
      notes: [`the candidates are ${a["known"]}`, "`rec compare` runs an experiment's arms and reports these names: each must exist before training starts"],
    }),
  },
  {
    code: "REC3020",
    severity: "error",
    summary: "A function or module that calls itself, directly or through others.",
    example: "fn twice(x: f32[B]) -> f32[B] {\n  twice(x)\n}\n\nmodel M {\n  dims B\n  input x: f32[B]\n  head h = twice(x)\n}\n",
    build: (a) => ({
      message: `\`${a["name"]}\` calls itself`,
      label: "this call is recursive",
      notes: [
        `the cycle: ${a["cycle"]}`,
        "a model's graph is unrolled while it is checked, so a call cannot recurse: repeat with `fold(…)` or a comprehension `[… for i in range(n)]`",
      ],
      help: "build the repetition with `fold` or a list comprehension over `range`",
    }),
  },
  {
    code: "REC3026",
    severity: "error",
    summary: "Calls of functions and modules nested more deeply than the checker follows (200 open at once).",
    example:
      `${Array.from({ length: 201 }, (_, i) => `fn f${i}(x: f32[B]) -> f32[B] {\n  ${i ? `f${i - 1}(x)` : "x"}\n}\n`).join("\n")}\nmodel ` +
      `M {\n  dims B\n  input x: f32[B]\n  head h = f200(x)\n}\n`,
    build: (a) => ({
      message: `calls nest more than ${a["limit"]} deep at \`${a["name"]}\``,
      label: `the call past ${a["limit"]} open calls`,
      notes: ["each function or module called inside another adds one level; the checker unrolls them all"],
      help: "flatten the chain: repeat a block with `fold(…)` or a comprehension instead of a module per step",
    }),
  },
];
