// The data-contract codes (REC4xxx): a data file that does not fit the schema a model reads it
// with. Reported by `rec check SPEC --data FILE` at the schema field in the spec, naming the
// file and the first offending rows. Each example is a spec plus the JSON lines it is checked
// against (`exampleData`).

import { diagnosticMaker, type CodeEntry } from "../diagnostics/code-entry.js";

/** The spec every example shares, with `FIELDS` and `PARAMS` filled in per code. */
function spec(fields: string, inputs = "", use = "", params = "users = 100") {
  return `import { Embedding } from "std/nn"

schema Events {
  user_id: id<users> = column("uid")
  label: f32 = column("clicked")${fields}
}

model M {
  dims B
  param ${params}
  input user_id: id<users>[B]
  input label: f32[B]${inputs}
  head h = Embedding(users, 4)(user_id) |> sum(axis = -1)${use}
  loss l = mean(h - label)
  train {
    data = jsonl("events.jsonl", schema = Events, valid = 0.5)
  }
}
`;
}

const rows = (n: number, row: (i: number) => object) => Array.from({ length: n }, (_, i) => JSON.stringify(row(i))).join("\n") + "\n";
/** "3 rows of f.jsonl (column `uid`) hold" / "1 row … holds": the count, the place, the verb agreeing. */
const rowsOf = (a: Record<string, string>, verb: [string, string]) =>
  `${a["count"]} ${a["count"] === "1" ? "row" : "rows"} of ${a["file"]} (column \`${a["column"]}\`) ${a["count"] === "1" ? verb[0] : verb[1]}`;

export const DATA_CODES: readonly CodeEntry[] = [
  {
    code: "REC4001",
    severity: "error",
    summary: "A column the schema reads that the data file does not have.",
    example: spec(""),
    exampleData: rows(4, (i) => ({ uid: i, label: 1 })),
    build: (a) => ({
      message: `${a["file"]} has no column \`${a["column"]}\` for schema field \`${a["field"]}\``,
      label: "read from a column the file lacks",
      notes: [`the file's columns are ${a["available"] || "none"}`],
      help: `name an existing column: \`column("…")\``,
    }),
  },
  {
    code: "REC4002",
    severity: "error",
    summary: "Rows whose value does not have the field's type (a string for an id, a list of the wrong length, a line that is not JSON).",
    example: spec(""),
    exampleData: rows(4, (i) => ({ uid: i === 2 ? "u-17" : i, clicked: 1 })),
    build: (a) => ({
      message: `${rowsOf(a, ["does", "do"])} not fit field \`${a["field"]}\``,
      label: "this type is declared",
      notes: [`first: ${a["first"]}`],
      help: 'fix the data, map string ids with `column("…", vocab = true)`, or skip such rows with `rec train --skip-bad-rows`',
    }),
  },
  {
    code: "REC4003",
    severity: "error",
    summary: "Rows whose id lies outside the field's id space.",
    example: spec(""),
    exampleData: rows(4, (i) => ({ uid: i === 3 ? 250 : i, clicked: 0 })),
    build: (a) => ({
      message: `${rowsOf(a, ["holds an id", "hold ids"])} outside field \`${a["field"]}\`'s space`,
      label: "the id space is declared here",
      notes: [`first: ${a["first"]}`],
      help: 'enlarge the id space (`--set users=…`), or build a vocabulary with `column("…", vocab = true)`',
    }),
  },
  {
    code: "REC4004",
    severity: "error",
    summary: "Rows whose feature is NaN or infinite.",
    example: spec(""),
    exampleData: rows(4, (i) => ({ uid: i, clicked: i === 1 ? "NaN" : 1 })),
    build: (a) => ({
      message: `${rowsOf(a, ["holds", "hold"])} a non-finite value for field \`${a["field"]}\``,
      label: "read into this feature",
      notes: [`first: ${a["first"]}`],
      help: "impute or drop such rows before training, or skip them with `rec train --skip-bad-rows`",
    }),
  },
  {
    code: "REC4005",
    severity: "warning",
    summary: "A vocabulary built from the training split that misses many held-out values (a high out-of-vocabulary rate).",
    example: spec("", "", "", "users = 4").replace('column("uid")', 'column("uid", vocab = true)'),
    exampleData: rows(40, (i) => ({ uid: `user-${i}`, clicked: i % 2 })),
    build: (a) => ({
      message: `${a["rate"]} of held-out values of field \`${a["field"]}\` are out of vocabulary`,
      label: `a vocabulary of ${a["size"]} ids (id 0 is out of vocabulary)`,
      notes: [`${a["file"]}, column \`${a["column"]}\`, has ${a["distinct"]} distinct values in the training split`],
      help: "enlarge the id space so the vocabulary keeps more values",
    }),
  },
  {
    code: "REC4006",
    severity: "warning",
    summary: "A sequence field whose declared length cuts many rows' sequences short.",
    example: spec(
      '\n  history: id<users>[max_len] = column("hist", pad = 0)',
      "\n  input history: id<users>[B, max_len]",
      "\n  head g = sum(Embedding(users, 4)(history), axis = [1, 2])",
      "users = 100, max_len = 2",
    ),
    exampleData: rows(6, (i) => ({ uid: i, clicked: i % 2, hist: [1, 2, 3, 4].slice(0, 1 + (i % 4)) })),
    build: (a) => ({
      message: `${a["rate"]} of the sequences of field \`${a["field"]}\` are longer than its ${a["declared"]} elements`,
      label: "this length is declared",
      notes: [
        `in ${a["file"]}, column \`${a["column"]}\`, the 95th percentile length is ${a["p95"]} and ` +
          `the longest ${a["max"]}; longer sequences keep their ${a["declared"]} latest elements`,
      ],
      help: `declare a longer sequence if the older elements matter (length ≥ ${a["p95"]} covers 95% of rows)`,
    }),
  },
  {
    code: "REC4007",
    severity: "warning",
    summary: "A binary label with almost no positives (or almost no negatives).",
    example: spec(""),
    exampleData: rows(200, (i) => ({ uid: i % 100, clicked: 0 })),
    build: (a) => ({
      message: `field \`${a["field"]}\` is positive in ${a["rate"]} of the rows`,
      label: "this label is nearly constant",
      notes: [`${a["file"]}, column \`${a["column"]}\``],
      help: "check the label column; for rare positives, prefer AUC or normalized entropy to accuracy",
    }),
  },
  {
    code: "REC4008",
    severity: "error",
    summary: "Rows with no value (missing or null) for a field.",
    example: spec(""),
    exampleData: rows(4, (i) => (i === 2 ? { uid: i } : { uid: i, clicked: 1 })),
    build: (a) => ({
      message: `${rowsOf(a, ["has", "have"])} no value for field \`${a["field"]}\``,
      label: "every row needs this field",
      notes: [`first: ${a["first"]}`],
      help: "fill in the values, or skip such rows with `rec train --skip-bad-rows`",
    }),
  },
  {
    code: "REC4009",
    severity: "error",
    summary: "A data file with no rows (empty, or a header alone).",
    example: spec(""),
    exampleData: "",
    build: (a) => ({
      message: `${a["file"]} has no rows`,
      label: "the schema this file is read with",
      notes: ["a model cannot be trained or evaluated on an empty file"],
      help: "check the file's path and how it was written (`rec data synth` writes example files)",
    }),
  },
  {
    code: "REC4010",
    severity: "error",
    summary: "Rows that are not records: a JSON line that is not a JSON object, a CSV row with more fields than the header.",
    example: spec(""),
    exampleData: rows(3, (i) => ({ uid: i, clicked: 1 })) + "this line is not JSON\n",
    build: (a) => ({
      message: `${a["count"]} ${a["count"] === "1" ? "row" : "rows"} of ${a["file"]} ${a["count"] === "1" ? "is" : "are"} not a record`,
      label: "rows read with this schema",
      notes: [`first: ${a["first"]}`],
      help: "fix the file, or skip such rows with `rec train --skip-bad-rows`",
    }),
  },
  {
    code: "REC4011",
    severity: "error",
    summary: 'Rows whose value is below the minimum its field declares (`column("weight", min = 0)`: a graph\'s negative edge weight).',
    example: spec("").replace('column("clicked")', 'column("clicked", min = 0)'),
    exampleData: rows(3, (i) => ({ uid: i, clicked: i - 1 })),
    build: (a) => ({
      message: `${rowsOf(a, ["holds a value", "hold values"])} below the field's minimum`,
      label: "declared with a minimum",
      notes: [`first: ${a["first"]}`],
      help: "fix the file (a weight below zero is usually a sign error), or skip such rows with `rec train --skip-bad-rows`",
    }),
  },
];

export const dataDiagnostic = diagnosticMaker(DATA_CODES);
