// The semantic diagnostics: REC2xxx (types and shapes) here, REC3xxx (names and modules) in
// name-diagnostics.ts, and the rollout, world, state and sweep codes in their own files. As for
// syntax, each code's severity, summary, example and prose live in its catalog and nowhere else.

import { byCase, diagnosticMaker, type Args, type CodeEntry } from "../diagnostics/code-entry.js";
import { ROLLOUT_CODES } from "./rollouts-diagnostics.js";
import { STATE_CODES } from "./state-diagnostics.js";
import { WORLD_CODES } from "./world-diagnostics.js";
import { SWEEP_CODES } from "./sweep-diagnostics.js";
import { NAME_CODES } from "./name-diagnostics.js";
const opt = (key: string, a: Args) => (a[key] ? { help: a[key]! } : {});
/** An op name in backticks (`+`, `gather`); a phrase (argument `x` of `Dense`) as it is. */
const place = (op: string | undefined) => (!op ? "this expression" : op.includes(" ") ? op : `\`${op}\``);

/** An id space in a message: its name, or for an unnamed one (arange's, a hash's), what it is. */
const spaceName = (name: string | undefined) => (name ? `\`${name}\`` : "an unnamed space");

/** A schema field's source options that can misfit (REC2020): what was written, and what fits. */
const SOURCE_OPTIONS: Readonly<Record<string, readonly [written: (a: Args) => string, expected: (a: Args) => string]>> = {
  source: [(a) => `the source of \`${a["name"]}\``, () => '`column("name", …)`, `columns([names], …)`, `mask("field")` or `frequency("name", …)`'],
  tokens: [
    (a) => `\`tokens = "${a["value"]}"\``,
    () => '`"unigram"`, `"bigram"` or `"trigram"`, on a list of ids (`title: id<words>[max_tokens] = column("title", tokens = "unigram")`)',
  ],
  vocab: [() => "`vocab = true`", () => "ids (`id<space>`): a vocabulary maps values to ids"],
  truncate: [(a) => `\`truncate = "${a["value"]}"\``, () => '`truncate = "left"` (keep the latest elements) or `"right"`'],
  min: [() => "`min = …`", () => "a number, on a number field (`f32` or `i32`): values below it are bad rows"],
  mask: [(a) => `\`mask("${a["of"]}")\``, () => "the name of a list field of this schema with the mask's length, and a `bool[…]` type for the mask"],
  "columns-source": [(a) => `the source of \`${a["name"]}\``, () => '`columns(["C1", "C2", …])`: a non-empty list of column names'],
  columns: [
    (a) => `\`${a["name"]}\` with ${a["count"]} columns`,
    (a) => `a list field of ${a["count"]} elements, one per column (\`${a["name"]}: ${a["dtype"]}[${a["count"]}]\`)`,
  ],
  frequency: [
    () => "`frequency(…)`",
    () => 'an `f32` field (one log frequency per row), `sketch = "count_min"` (width from 16 to 2²⁶ counters, depth 1 to 8) or `"exact"`',
  ],
};

/** Why two shapes must agree (REC2001, and REC2016 for a declared type), by case; "" for none. */
function shapeDetail(a: Args): string {
  const [first, second, axis] = [a["first"], a["second"], a["axis"]];
  const details: Record<string, () => string> = {
    broadcast: () => `dimension ${axis} differs: ${first} ≠ ${second}; broadcasting needs equal dimensions or 1`,
    inner: () => `the inner dimensions must agree: ${first} ≠ ${second}`,
    square: () => `a square matrix is needed: its last two axes are ${first} and ${second}`,
    solve: () => `the right-hand side needs the matrix's ${first} rows and its batch axes; it has ${second} rows`,
    same: () => `\`${first}\` and \`${second}\` must have one shape`,
    "take-along": () => "the index must have the shape of `x` without the chosen axis",
    mask: () => "the mask must have the shape of `x` without its last axis",
    segments: () => "one segment id per row of `values`",
    actions: () => "one action per row of the policy",
    "per-row": () => `\`${first}\` needs one value per row of the policy`,
    candidates: () => "one score per candidate",
    done: () => "one `done` flag per reward",
    polyak: () => "a target weight and its online weight have one shape",
    "next-values": () => "one row of next-state values per reward",
    concat: () => `every axis but the joined one must agree; axis ${axis} differs`,
    stack: () => `every axis but the new one must agree; axis ${axis} differs`,
    ragged: () => "the nested lists of a tensor's values must all have one length per level",
    ellipsis: () => `\`...${a["name"]}\` stands for ${first} here, but for ${second} in this argument`,
    dimension: () => `dimension ${axis} is ${first}, expected ${second}`,
  };
  return details[a["case"] ?? ""]?.() ?? "";
}

/** What the parameter kinds whose wording is long take (REC2011); other `expected` values are short types. */
const PARAM_KINDS: Readonly<Record<string, string>> = {
  axis: "an int, a list of ints or None",
  numbers: "a list of numbers (nested for more axes)",
};

/** The dtype an op needs and what to do about it, by case (REC2002); `allowed` lists the dtypes itself. */
const DTYPES: Readonly<Record<string, readonly [expected: string, help: string | undefined]>> = {
  numbers: ["numbers (f32 or i32)", "convert with `cast(x, f32)`"],
  operands: ["operands of one dtype", "convert one side with `cast(x, f32)`"],
  allowed: ["", undefined],
  branches: ["both branches of one dtype", undefined],
  tensors: ["tensors of one dtype", undefined],
  action: ["action ids", "declare the logged action as `id<actions>[B]`"],
  candidates: ["candidate ids", "pass the candidate set as ids, such as `as_ids(topk(scores, k).indices, items)`"],
  lookup: ["ids", "look up tables with ids (`id<space>[…]`) or `i32` positions"],
  segments: ["ids of the segments' space", "segment ids say which output row each value goes to: `id<nodes>[E]`"],
};

/** The rank an op needs, by case (REC2003); a type pattern's failure gives its own pattern as `expected`. */
const RANKS: Readonly<Record<string, (rank: string) => string>> = {
  exact: (rank) => `a tensor of rank ${rank}`,
  min: (rank) => `a tensor of rank ${rank} or more`,
  "like-first": (rank) => `rank ${rank} like the first tensor`,
  "at-most": (rank) => `rank ${rank} at most`,
};

export const SEMANTIC_CODES: readonly CodeEntry[] = [
  // ── Types and shapes ─────────────────────────────────────────────────────────────────
  {
    code: "REC2001",
    severity: "error",
    summary: "Two shapes that must agree do not.",
    example: "model M {\n  dims B, N\n  input a: f32[B, 8]\n  input b: f32[N, 8]\n  head h = a + b\n}\n",
    build: (a) => ({
      message: `shape mismatch in ${place(a["op"])}: ${a["left"]} and ${a["right"]}`,
      label: a["case"] === "broadcast" ? "shapes that cannot broadcast" : a["case"] === "inner" ? "inner dimensions differ" : "these shapes do not agree",
      notes: [shapeDetail(a), ...(a["where"] ? [a["where"]] : [])].filter(Boolean),
      ...(a["case"] === "inner" ? { help: "transpose one side (`transpose(b)`) if its axes are swapped" } : {}),
    }),
  },
  {
    code: "REC2002",
    severity: "error",
    summary: "A tensor of the wrong element type (f32, i32, bool).",
    example: "model M {\n  dims B\n  input mask: bool[B]\n  input x: f32[B]\n  head h = x * mask\n}\n",
    build: (a) => {
      const [expected, help] = DTYPES[a["case"]!] ?? [a["expected"] ?? "another dtype", undefined];
      return {
        message: `expected ${a["case"] === "allowed" ? a["allowed"] : expected}, found ${a["found"]}`,
        label: `this is ${a["found"]}`,
        notes: [`in ${place(a["op"])}`],
        ...(help ? { help } : {}),
      };
    },
  },
  {
    code: "REC2003",
    severity: "error",
    summary: "A tensor of the wrong rank (number of dimensions).",
    example: "model M {\n  dims B\n  input x: f32[B]\n  head h = x @ x\n}\n",
    build: (a) => ({
      message: `${place(a["op"])} needs ${RANKS[a["case"]!]?.(a["rank"]!) ?? a["expected"]}, found ${a["found"]}`,
      label: `this is ${a["found"]}`,
      ...opt("help", a),
    }),
  },
  {
    code: "REC2004",
    severity: "error",
    summary: "Categorical ids used as numbers.",
    example: "model M {\n  dims B\n  param items = 100\n  input item: id<items>[B]\n  head h = item * 0.5\n}\n",
    build: (a) => ({
      message: `ids of ${spaceName(a["space"])} are used as numbers in ${place(a["op"])}`,
      label: `this is ${a["found"]}: category ids, not quantities`,
      help: a["help"] ?? "look the ids up in a table first, such as `Embedding(vocab, dim)(ids)`, or `cast` them if they really are numbers",
    }),
  },
  {
    code: "REC2005",
    severity: "error",
    summary: "Ids of one id space used with a table or op of another.",
    example:
      'import { Embedding } from "std/nn"\n\nmodel M {\n  dims B\n  param users = 100, items = ' +
      "100\n  input user: id<users>[B]\n  let item_table = Embedding(items, 8)\n  head h = " +
      "item_table(user)\n}\n",
    build: (a) => {
      const found = spaceName(a["found"]);
      const label = `these are ids of ${found}`;
      switch (a["case"]) {
        case "size":
          return {
            message: `ids of ${found} used where ids of a space of ${a["wanted"]} are expected`,
            label,
            notes: [`they come from a space of ${a["size"]} ids`],
            help: "use ids of a space of that size",
          };
        case "actions":
          return {
            message: `ids of ${found} used where one of the policy's ${a["wanted"]} actions is expected`,
            label,
            notes: [`the policy has ${a["wanted"]} actions but ${found} has ${a["size"]}`],
            help: `give the policy one output per action (${a["size"]})`,
          };
        case "rows":
          return {
            message: `ids of ${found} used where row numbers of a table with ${a["wanted"]} rows are expected`,
            label,
            notes: [`the table has ${a["wanted"]} rows but ${a["found"] ? found : "the ids' unnamed space"} has ${a["size"]} ids`],
            help: "size the table by the id space it is looked up with, as in `Embedding(items, dim)`",
          };
        default:
          return {
            message: `ids of ${found} used where ids of ${spaceName(a["expected"])} are expected`,
            label,
            notes: [a["case"] === "compare" ? `\`${a["op"]}\` compares ids of one space` : "id spaces are told apart by name, even when their sizes are equal"],
            help: `use a table of ${found}, or map the ids into ${spaceName(a["expected"])} explicitly`,
          };
      }
    },
  },
  {
    code: "REC2006",
    severity: "error",
    summary: "A loss that is not a scalar.",
    example: "model M {\n  dims B\n  input x: f32[B]\n  loss l = x * x\n}\n",
    build: (a) => ({
      message: `loss \`${a["name"]}\` is ${a["found"]}, not a scalar`,
      label: "a loss must reduce to f32[]",
      help: "reduce it, for example with `mean(…)` or `sum(…)`",
    }),
  },
  {
    code: "REC2007",
    severity: "error",
    summary: "A reward graph that owns weights or calls a trainable module.",
    example:
      'import { Dense } from "std/nn"\n\nreward R(x: f32[B, 4]) -> f32[B, 1] {\n  ' +
      "Dense(1)(x)\n}\n\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  metric r = mean(R(x))\n}\n",
    build: (a) => {
      const instance = a["case"] === "instance";
      return {
        message:
          `reward \`${a["name"]}\` ` +
          `${instance ? `creates an instance of \`${a["module"]}\`, which owns weights` : `calls \`${a["module"]}\`, a trainable module`}`,
        label: instance ? "creates weights" : "trainable call",
        notes: ["a reward scores outcomes; training through it would let the model change its own reward"],
        help: "compute the reward from logged outcomes only; move learned parts into the model",
      };
    },
  },
  {
    code: "REC2008",
    severity: "error",
    summary: "A loss or metric that refers to data the model does not declare as an input.",
    example: "model M {\n  dims B\n  input x: f32[B]\n  loss l = mean((x - label) ** 2)\n}\n",
    build: (a) => ({
      message: `\`${a["name"]}\` is not an input of this model`,
      label: "not declared",
      help: `declare it, for example \`input ${a["name"]}: f32[B]\`${a["suggestion"] ? `, or did you mean \`${a["suggestion"]}\`?` : ""}`,
    }),
  },
  {
    code: "REC2009",
    severity: "warning",
    summary:
      "Next-item prediction (a loss or head named `next…`, or a loss whose targets are a view " +
      "of the id sequence its attention reads, such as `items[:, 1:]`) over a sequence encoded " +
      "with non-causal attention: a block's `causal = false`, or attention weights written by " +
      "hand over a square of scores with no `causal_mask` among their inputs.",
    example:
      'import { TransformerBlock } from "std/nn"\n\nmodel M {\n  dims B, T\n  input seq: ' +
      "f32[B, T, 8]\n  input pad: bool[B, T]\n  let block = TransformerBlock(2, 8, causal = " +
      "false)\n  head next_item = block(seq, pad)\n  loss l = mean(next_item)\n}\n",
    build: () => ({
      message: "next-item prediction with non-causal attention",
      label: "this attention sees future positions",
      notes: ["each position can attend to the items it is trained to predict, so training leaks the targets"],
      help: "use `causal = true`",
    }),
  },
  {
    code: "REC2010",
    severity: "error",
    summary: "A run-time tensor where a compile-time value is required.",
    example: "model M {\n  dims B\n  input flag: bool[B]\n  head h = if flag then 1.0 else 0.0\n}\n",
    build: (a) => ({
      message: `${a["what"]} needs a compile-time value, found ${a["found"] ?? "a tensor"}`,
      label: "this is only known at run time",
      // The remedy depends on what needed the value: a range, a comprehension, a choice.
      help:
        a["what"] === "`range`"
          ? "`range` unrolls at compile time; use `arange(n)` for a tensor of positions"
          : a["what"] === "a comprehension"
            ? "comprehensions unroll over compile-time lists; use tensor ops over tensors"
            : "use tensor operations such as `where(cond, a, b)` for run-time choices",
    }),
  },
  {
    code: "REC2011",
    severity: "error",
    summary: "An argument of the wrong kind (a tensor where an int is expected, a list where a tensor is).",
    example: 'model M {\n  dims B\n  input x: f32[B, 4]\n  head h = sum(x, axis = "rows")\n}\n',
    build: (a) => {
      const expected = PARAM_KINDS[a["expected"]!] ?? a["expected"];
      return {
        message:
          a["case"] === "unpack"
            ? `cannot unpack ${a["found"]} into ${a["names"]} names`
            : `\`${a["param"]}\` of \`${a["callee"]}\` must be ${expected}, found ${a["found"]}`,
        label: `expected ${expected}`,
        ...opt("help", a),
      };
    },
  },
  {
    code: "REC2012",
    severity: "error",
    summary: "Dimension arithmetic that has no exact result (a division that leaves a remainder, a reshape that changes the size).",
    example:
      'import { MultiHeadAttention } from "std/nn"\n\nmodel M {\n  dims B, T\n  input x: ' +
      "f32[B, T, 10]\n  input m: bool[B, T, T]\n  let attn = MultiHeadAttention(3, 10)\n  head h " +
      "= attn(x, x, m)\n}\n",
    build: byCase({
      divide: (a) => ({
        message: `${a["left"]} / ${a["right"]} is not a whole number`,
        label: "this division leaves a remainder",
        notes: ["sizes computed from compile-time ints must divide exactly"],
      }),
      perm: (a) => ({ message: `\`perm\` must list each of the ${a["rank"]} axes once`, label: "not a permutation" }),
      infer: (a) => ({ message: `cannot infer \`-1\` in reshape: ${a["total"]} elements do not divide by ${a["known"]}`, label: "this shape" }),
      reshape: (a) => ({
        message: `reshape changes the number of elements: ${a["from"]} has ${a["fromSize"]}, ${a["to"]} has ${a["toSize"]}`,
        label: "this shape",
      }),
      squeeze: (a) => ({ message: `cannot squeeze axis ${a["axis"]} of size ${a["size"]}`, label: "not of size 1" }),
      dimension: (a) => ({ message: `${a["left"]} ${a["op"]} ${a["right"]} is not a whole dimension`, label: "here" }),
    }),
  },
  {
    code: "REC2013",
    severity: "error",
    summary: "An axis or index outside the tensor's rank or the list's length.",
    example: "model M {\n  dims B\n  input x: f32[B, 4]\n  head h = sum(x, axis = 2)\n}\n",
    build: byCase({
      axis: (a) => {
        const rank = Number(a["rank"]);
        return {
          message: `axis ${a["index"]} is out of range for a tensor of rank ${rank}`,
          label: `valid: ${rank ? `${-rank} to ${rank - 1}` : "none (a scalar has no axes)"}`,
        };
      },
      list: (a) => {
        const n = Number(a["length"]);
        return { message: `index ${a["index"]} is out of range for a list of ${n}`, label: `valid: ${n ? `${-n} to ${n - 1}` : "none (the list is empty)"}` };
      },
      subscripts: (a) => ({ message: `subscript count ${a["index"]} is out of range for ${a["type"]}`, label: `valid: at most ${a["rank"]} subscripts` }),
      index: (a) => {
        const size = Number(a["size"]);
        return { message: `index ${a["index"]} is out of range for axis ${a["axis"]} of size ${size}`, label: `valid: ${-size} to ${size - 1}` };
      },
    }),
  },
  {
    code: "REC2014",
    severity: "warning",
    summary: "A head that depends on no input: it predicts the same value for every example.",
    example: "model M {\n  dims B\n  input x: f32[B]\n  head positions = cast(arange(8), f32)\n  loss l = mean(x)\n}\n",
    build: (a) => ({
      message: `head \`${a["name"]}\` does not depend on any input`,
      label: "reachable from no input",
      help: "a head should be computed from the model's inputs",
    }),
  },
  {
    code: "REC2015",
    severity: "error",
    summary: "Training would allocate more than this machine's memory (weights, gradients, optimizer state, a batch's values).",
    example:
      'import { Embedding } from "std/nn"\n\nmodel M {\n  dims B\n  param items = ' +
      "100_000_000_000\n  input item: id<items>[B]\n  head h = Embedding(items, 64)(item)\n  " +
      "loss l = mean(h)\n}\n",
    build: (a) => ({
      message: `training needs about ${a["needed"]}, more than this machine's ${a["available"]}`,
      label: "largest parameter",
      notes: [
        `weights ${a["weights"]}, gradients ${a["gradients"]}, optimizer state ${a["state"]}` +
          (a["batch"] ? `, the values of a batch of ${a["batch"]} and their gradients ${a["values"]}` : "") +
          `; the largest weight is \`${a["largest"]}\` ${a["shape"]}: ${a["size"]}`,
      ],
      help: "shrink the largest tables (fewer rows, hashing, smaller dim)",
    }),
  },
  {
    code: "REC2016",
    severity: "error",
    summary: "A value whose declared type differs from the type it has.",
    example: "fn f(x: f32[N]) -> f32[N, N] {\n  x\n}\n\nmodel M {\n  dims B\n  input x: f32[B]\n  head h = f(x)\n}\n",
    build: (a) => ({
      message: `${a["what"]} is ${a["found"]}, but ${a["declared"]} was declared`,
      label: `this is ${a["found"]}`,
      notes: [shapeDetail(a)].filter(Boolean),
      ...opt("help", a),
    }),
  },
  {
    code: "REC2017",
    severity: "error",
    summary: "A schema field whose type differs from the model input it feeds (per example, without the batch dimension).",
    example:
      'import { Embedding } from "std/nn"\n\nschema Events {\n  user_id: id<users> = ' +
      'column("uid")\n  label: f32[2] = column("clicked")\n}\n\nmodel M {\n  dims B\n  param ' +
      "users = 100\n  input user_id: id<users>[B]\n  input label: f32[B]\n  head h = " +
      "Embedding(users, 4)(user_id) |> sum(axis = -1)\n  loss l = mean(h - label)\n  train {\n   " +
      ' data = jsonl("events.jsonl", schema = Events)\n  }\n}\n',
    build: (a) => ({
      message: `schema field \`${a["name"]}\` is ${a["found"]}, but input \`${a["name"]}\` is ${a["input"]}`,
      label: `this is ${a["found"]} per example`,
      // A timestamp field feeds the input of its name too (one number per example).
      ...(a["found"] === "timestamp"
        ? {
            notes: ["a timestamp feeds the input of its name one number per example: seconds since the epoch"],
            help: `declare the input as \`input ${a["name"]}: f32[B]\` (or i32[B]), or rename the field so it only orders the rows`,
          }
        : {
            notes: [`a field has its input's type without the batch dimension: ${a["expected"]}`],
            help: `declare the field as \`${a["name"]}: ${a["expected"]}\``,
          }),
    }),
  },
  {
    code: "REC2018",
    severity: "error",
    summary: "A data source whose schema gives no column for some model input.",
    example:
      'import { Embedding } from "std/nn"\n\nschema Events {\n  user_id: id<users> = ' +
      'column("uid")\n}\n\nmodel M {\n  dims B\n  param users = 100\n  input user_id: ' +
      "id<users>[B]\n  input label: f32[B]\n  head h = Embedding(users, 4)(user_id) |> sum(axis " +
      '= -1)\n  loss l = mean(h - label)\n  train {\n    data = jsonl("events.jsonl", schema = ' +
      "Events)\n  }\n}\n",
    build: (a) => ({
      message: `schema \`${a["schema"]}\` gives no column for ${a["count"] === "1" ? "input" : "inputs"} ${a["missing"]}`,
      label: "this data cannot feed every input",
      help: `add a field per missing input to \`schema ${a["schema"]}\`, such as \`name: type = column("…")\``,
    }),
  },
  {
    code: "REC2019",
    severity: "error",
    summary: "A schema field whose per-example shape is not a fixed scalar or list length, so rows cannot be padded to it.",
    example:
      'import { Embedding } from "std/nn"\n\nschema Events {\n  user_id: id<users> = ' +
      'column("uid")\n  label: f32 = column("clicked")\n  history: id<users>[L] = ' +
      'column("hist", pad = 0)\n}\n\nmodel M {\n  dims B, L\n  param users = 100\n  input ' +
      "user_id: id<users>[B]\n  input label: f32[B]\n  input history: id<users>[B, L]\n  head h " +
      "= Embedding(users, 4)(user_id) |> sum(axis = -1) + sum(Embedding(users, 4)(history), axis " +
      '= [1, 2])\n  loss l = mean(h - label)\n  train {\n    data = jsonl("events.jsonl", ' +
      "schema = Events)\n  }\n}\n",
    build: (a) => ({
      message: `schema field \`${a["name"]}\` has no fixed shape: ${a["type"]}`,
      label: "rows cannot be padded to this",
      notes: [
        a["case"] === "nested"
          ? "a field holds a scalar or one list per example"
          : `${a["dims"]} ${a["dims"]?.includes(",") ? "are not fixed numbers" : "is not a fixed number"}`,
      ],
      help: "give the length as a `param` (`param max_len = 50`) and use it in the input's type and the field's",
    }),
  },
  {
    code: "REC2020",
    severity: "error",
    summary: "A schema field's source or column option that cannot apply to it.",
    example:
      'import { Embedding } from "std/nn"\n\nschema Events {\n  user_id: id<users> = ' +
      'column("uid")\n  label: f32 = column("clicked", vocab = true)\n}\n\nmodel M {\n  dims ' +
      "B\n  param users = 100\n  input user_id: id<users>[B]\n  input label: f32[B]\n  head h = " +
      "Embedding(users, 4)(user_id) |> sum(axis = -1)\n  loss l = mean(h - label)\n  train {\n   " +
      ' data = jsonl("events.jsonl", schema = Events)\n  }\n}\n',
    build: (a) => ({
      message: `${SOURCE_OPTIONS[a["option"]!]![0](a)} does not fit here`,
      label: "not applicable to this field",
      notes: [`expected ${SOURCE_OPTIONS[a["option"]!]![1](a)}`],
    }),
  },
  ...ROLLOUT_CODES,
  ...WORLD_CODES,
  ...STATE_CODES,
  ...NAME_CODES,
  ...SWEEP_CODES,
];

export const semanticDiagnostic = diagnosticMaker(SEMANTIC_CODES);
