// The syntax diagnostics (REC1xxx): for each code its severity, title, an example that
// triggers it (spec/diagnostics.md is generated from these), and the prose of the message.
// All words a user reads about a syntax error are written here and nowhere else.

import { diagnosticMaker, type Args, type CodeEntry } from "../diagnostics/code-entry.js";
import type { Diagnostic, Label } from "../diagnostics/diagnostic.js";
import type { SourceFile, Span } from "../source/source-file.js";

export type { CodeEntry };

export /** Where each member keyword is allowed, for REC1025's "belongs in". */
const HOMES: Record<string, string> = {
  weight: "a module",
  input: "a model",
  encoder: "a model",
  head: "a model",
  loss: "a model",
  metric: "a model",
  policy: "a model",
  train: "a model",
  fn: "a module (as its forward function) or at the top level of a file",
  import: "the top level of a file",
  module: "the top level of a file",
  model: "the top level of a file",
  reward: "the top level of a file",
  schema: "the top level of a file",
  experiment: "the top level of a file",
  sweep: "the top level of a file",
  let: "a model, a module, or a function body",
  param: "a model or a module",
  dims: "a model or a module",
};

/** A declaration's container as REC1025 words it: `file` is the top level. */
const placeOf = (container: string | undefined) => (container === "file" ? "the top level of a file" : String(container));

/** REC1010's hints, by the key the parser's error recovery picks (syntax/parse-errors.ts, `hintFor`). */
const PARSE_HINTS: Readonly<Record<string, string>> = {
  lambda: "a lambda is written `fn(x) => body`; `->` introduces a return type",
  bind: "bind with a single `=`; `==` compares",
  setting: "settings are written `name = value`",
  conditional: "a conditional is written `if condition then a else b`",
  branches: "a conditional needs both branches: `if condition then a else b`",
  comprehension: "a comprehension is written `[f(x) for x in xs]`",
  input: "inputs declare their type, as in `input x: f32[B, D]`",
  weight: "weights declare their type, as in `weight w: f32[In, Out]`",
  import: 'an import names its source: `import { MLP } from "std/nn"`',
  comma: "is a `,` missing before this?",
  param: "a `param` needs a default value, as in `param dim = 64`",
};

/** Why a number literal is malformed, by case (REC1004). */
const NUMBER_PROBLEMS: Readonly<Record<string, string>> = {
  "run-on": "a number cannot run straight into a name or another number",
  underscore: "`_` may only stand between two digits",
  "too-large": "it is larger than 9_007_199_254_740_991, the largest integer stored exactly",
};

export const SYNTAX_CODES: readonly CodeEntry[] = [
  {
    code: "REC1001",
    severity: "error",
    summary: "A character that cannot start any token.",
    example: "model M {\n  param cost = $5\n}\n",
    build: (a) => ({
      message: `unexpected character \`${a["char"]}\``,
      label: "no token of .rec starts with this character",
      help: "names use letters, digits and `_`; strings go between double quotes",
    }),
  },
  {
    code: "REC1002",
    severity: "error",
    summary: "A string literal whose closing quote is missing before the end of the line.",
    example: 'import { MLP } from "std/nn\n',
    build: () => ({
      message: "unterminated string",
      label: 'this string has no closing `"` on its line',
      help: 'add a `"` where the string ends; strings cannot span lines (use `\\n`)',
    }),
  },
  {
    code: "REC1003",
    severity: "error",
    summary: "A block comment `/* …` that is never closed.",
    example: "/* a comment that never ends\nmodel M {}\n",
    build: () => ({
      message: "unterminated block comment",
      label: "this comment is never closed",
      notes: ["everything after `/*` to the end of the file was read as part of the comment"],
      help: "close the comment with `*/`",
    }),
  },
  {
    code: "REC1004",
    severity: "error",
    summary: "A malformed number literal.",
    example: "model M {\n  param dim = 64d\n}\n",
    build: (a) => ({
      message: `invalid number \`${a["text"]}\``,
      label: "this is not a number",
      notes: [NUMBER_PROBLEMS[a["case"]!] ?? ""],
      help: "write integers as `1000` or `1_000`, floats as `0.5`, `1e-3` or `2.5e4`",
    }),
  },
  {
    code: "REC1005",
    severity: "error",
    summary: "An escape sequence that .rec strings do not have.",
    example: 'import { MLP } from "std\\nn"\nimport { Dense } from "std\\q"\n',
    build: (a) => ({
      message: `unknown escape \`${a["escape"]}\` in a string`,
      label: "unknown escape",
      help: 'the escapes are `\\n`, `\\r`, `\\t`, `\\0`, `\\\\` and `\\"`; write `\\\\` for a backslash',
    }),
  },
  {
    code: "REC1006",
    severity: "error",
    summary: "A logical operator spelled as in C or JavaScript.",
    example: "fn both(a: bool, b: bool) -> bool {\n  a && b\n}\n",
    build: (a) => ({
      message: `\`${a["found"]}\` is not an operator in .rec`,
      label: `write \`${a["word"]}\` here`,
      help: `logical operators are words in .rec: \`and\`, \`or\`, \`not\`; replace \`${a["found"]}\` with \`${a["word"]}\``,
    }),
  },
  {
    code: "REC1007",
    severity: "error",
    summary: "A semicolon: .rec separates declarations by their keywords, not by `;`.",
    example: "model M {\n  param dim = 64;\n}\n",
    build: () => ({
      message: "unexpected `;`",
      label: "remove this `;`",
      help: "declarations and statements need no terminator; put each on its own line",
    }),
  },
  {
    code: "REC1008",
    severity: "error",
    summary: "An opening `(`, `[` or `{` that is never closed.",
    example: "model M {\n  param dim = max(64, 32\n}\n",
    build: (a) => ({
      message: `unclosed \`${a["open"]}\``,
      label: `this \`${a["open"]}\` is never closed`,
      help: `add the matching \`${a["close"]}\``,
    }),
  },
  {
    code: "REC1009",
    severity: "error",
    summary: "A closing `)`, `]` or `}` that does not match the innermost open delimiter.",
    example: "model M {\n  param dim = max(64, 32]\n}\n",
    build: (a) =>
      a["open"]
        ? {
            message: `mismatched \`${a["close"]}\``,
            label: `expected \`${a["expected"]}\` to close the \`${a["open"]}\``,
            help: `replace \`${a["close"]}\` with \`${a["expected"]}\`, or check the brackets in between`,
          }
        : {
            message: `unexpected \`${a["close"]}\``,
            label: "nothing is open here to close",
            help: "remove it, or add the opening delimiter it belongs to",
          },
  },
  {
    code: "REC1010",
    severity: "error",
    summary: "A token other than the one the grammar requires at this point.",
    example: "model M {\n  let x 3\n}\n",
    build: (a) => {
      // A body's member: what the container may hold; else the tokens the parser expected, with a hint.
      const expected = a["member"] ? `a ${a["member"]} or \`}\`` : a["expected"];
      const help = a["member"] ? `${placeOf(a["container"])} contains declarations that start with ${a["choices"]}` : PARSE_HINTS[a["hint"] ?? ""];
      return {
        message: `expected ${expected}, found ${a["found"]}`,
        label: `expected ${expected}${a["where"] ? ` ${a["where"]}` : ""}`,
        ...(help ? { help } : {}),
      };
    },
  },
  {
    code: "REC1011",
    severity: "error",
    summary: "A place that needs an expression holds something else.",
    example: "model M {\n  param dim = \n}\n",
    build: (a) => ({
      message: `expected an expression, found ${a["found"]}`,
      label: `expected an expression${a["where"] ? ` ${a["where"]}` : ""}`,
      help: a["help"] ?? "an expression is a name, a number, a string, a call such as `f(x)`, a list `[…]` or an operation such as `a + b`",
    }),
  },
  {
    code: "REC1012",
    severity: "error",
    summary: "Something at the top level of a file that is not a declaration.",
    example: "model M {}\n42\n",
    build: (a) => ({
      message: `expected a declaration, found ${a["found"]}`,
      label: "not a declaration",
      notes: ["a file holds `import`, `module`, `model`, `fn`, `reward`, `schema`, `experiment` and `sweep` declarations"],
      ...(a["help"] ? { help: a["help"] } : {}),
    }),
  },
  {
    code: "REC1013",
    severity: "error",
    summary: "A word where a declaration keyword belongs, usually a misspelled keyword.",
    example: "model M {\n  dims B\n  inptu x: f32[B]\n}\n",
    build: (a) => ({
      message: `unknown ${a["context"]} \`${a["found"]}\``,
      label: a["suggestion"] ? `did you mean \`${a["suggestion"]}\`?` : `expected ${a["expected"]}`,
      notes: [`${a["context"]}s start with one of: ${a["choices"]}`],
      ...(a["suggestion"] ? { help: `replace \`${a["found"]}\` with \`${a["suggestion"]}\`` } : {}),
    }),
  },
  {
    code: "REC1014",
    severity: "error",
    summary: "A reserved keyword used where a name is required.",
    example: "model M {\n  let fn = 3\n}\n",
    build: (a) => ({
      message: `\`${a["word"]}\` is a reserved word and cannot be a name`,
      label: "reserved word",
      notes: ["reserved words: `import`, `fn`, `let`, `for`, `in`, `if`, `then`, `else`, `and`, `or`, `not`, `true`, `false`"],
      help: `choose another name, such as \`${a["word"]}_\``,
    }),
  },
  {
    code: "REC1015",
    severity: "error",
    summary: "A positional argument after a named one.",
    example: "model M {\n  let x = concat(axis = 1, [1, 2])\n}\n",
    build: () => ({
      message: "positional argument after a named argument",
      label: "this positional argument follows a named one",
      help: "put positional arguments first, or name this one too",
    }),
  },
  {
    code: "REC1016",
    severity: "error",
    summary: "The same named argument given twice in one call.",
    example: "model M {\n  let x = mean([1, 2], axis = 0, axis = 1)\n}\n",
    build: (a) => ({
      message: `argument \`${a["name"]}\` is given twice`,
      label: "second value",
      help: `keep one \`${a["name"]} = …\``,
    }),
  },
  {
    code: "REC1017",
    severity: "error",
    summary: "Comparisons chained as in `a < b < c`.",
    example: "fn between(a: f32, b: f32, c: f32) -> bool {\n  a < b < c\n}\n",
    build: () => ({
      message: "comparisons cannot be chained",
      label: "second comparison",
      notes: ["`a < b < c` would compare a boolean with `c`"],
      help: "write `a < b and b < c`",
    }),
  },
  {
    code: "REC1018",
    severity: "error",
    summary: "More than one `...` in one shape.",
    example: "fn f(x: f32[..., D, ...]) -> f32[..., D] {\n  x\n}\n",
    build: () => ({
      message: "a shape may contain `...` only once",
      label: "second `...`",
      notes: ["`...` stands for all the leading (or middle) dimensions not written out"],
      help: "remove one of them",
    }),
  },
  {
    code: "REC1019",
    severity: "error",
    summary: "An index or slice with nothing between the brackets.",
    example: "fn f(x: f32[N]) -> f32[N] {\n  x[]\n}\n",
    build: () => ({
      message: "empty index",
      label: "nothing inside `[]`",
      help: "write an index such as `x[0]`, a slice such as `x[1:]`, or `x[:]` for everything",
    }),
  },
  {
    code: "REC1020",
    severity: "error",
    summary:
      "A block `{ … }` of a function whose last item is a `let`, so it has no result — also when " +
      "the result line starts with `-`, which continues the line above as a subtraction.",
    example: "fn f(x: f32[N]) -> f32[N] {\n  let y = x * 2\n}\n",
    build: (a) =>
      a["case"] === "minus"
        ? {
            message: "this block has no result: the line starting with `-` continues the `let` above",
            label: "read as a subtraction from the line above",
            notes: [
              "a line that starts with an operator continues the expression above it, " + `so \`-${a["operand"]}\` on its own line is \`… - ${a["operand"]}\``,
            ],
            help: `write the result as \`neg(${a["operand"]})\` or \`(-${a["operand"]})\``,
          }
        : {
            message: "this block has no result",
            label: "a block ends with the expression it returns",
            help: "add the result as the last line of the block, for example the name bound by the last `let`",
          },
  },
  {
    code: "REC1021",
    severity: "warning",
    summary: "The file holds no declarations.",
    example: "// only a comment\n",
    build: () => ({
      message: "this file declares nothing",
      label: "empty file",
      help: "add a declaration such as `model`, or delete the file",
    }),
  },
  {
    code: "REC1022",
    severity: "error",
    summary: "The file is not UTF-8 text.",
    example: "",
    build: (a) => ({
      message: "this file is not UTF-8 text",
      label: `byte ${a["byte"]} at offset ${a["offset"]} is not valid UTF-8`,
      help: "save the file as UTF-8; .rec files are text",
    }),
  },
  {
    code: "REC1023",
    severity: "error",
    summary: "The file is larger than the compiler reads.",
    example: "",
    build: (a) => ({
      message: `this file is too large (${a["size"]})`,
      label: "file too large",
      notes: [`the compiler reads .rec files of at most ${a["limit"]}`],
      help: "split the file into modules and import them",
    }),
  },
  {
    code: "REC1024",
    severity: "error",
    summary:
      "Brackets, conditionals inside conditionals, lambdas inside lambdas, runs of prefix " +
      "operators or chains of `**`, nested more deeply than the parser follows (256 levels).",
    example: `model M {\n  param x = ${"(".repeat(260)}1${")".repeat(260)}\n}\n`,
    build: (a) => ({
      message: "expressions are nested too deeply",
      label: `nesting passes ${a["limit"]} levels here`,
      help: "bind inner parts to names with `let`",
    }),
  },
  {
    code: "REC1025",
    severity: "error",
    summary: "A declaration that is valid somewhere, but not in this kind of body.",
    example: "model M {\n  weight w: f32[4, 4]\n}\n",
    build: (a) => ({
      message: `\`${a["keyword"]}\` is not allowed in ${placeOf(a["container"])}`,
      label: `\`${a["keyword"]}\` declarations belong in ${HOMES[a["keyword"]!]}`,
      notes: [`${placeOf(a["container"])} may contain: ${a["choices"]}`],
      ...(a["keyword"] === "weight" ? { help: "wrap the weight in a `module` and instantiate it in the model" } : {}),
    }),
  },
  {
    code: "REC1026",
    severity: "error",
    summary: "A place that needs a type holds something else.",
    example: "model M {\n  input x: 3\n}\n",
    build: (a) => ({
      message: `expected a type, found ${a["found"]}`,
      label: "expected a type",
      help: "types look like `f32[B, D]`, `id<items>[B]`, `int`, `[int]` or `fn`",
    }),
  },
  {
    code: "REC1027",
    severity: "error",
    summary: "A lambda whose body is a block: a lambda's body is one expression.",
    example: "model M {\n  dims B\n  input x: f32[B, 4]\n  head h = (fn(a) => { a * 2.0 })(x)\n}\n",
    build: () => ({
      message: "a lambda's body is one expression, not a block",
      label: "a block starts here",
      help: "write the expression itself (`fn(a) => a * 2.0`), or use a named `fn` whose block has `let` steps before its result",
    }),
  },
  {
    code: "REC9001",
    severity: "error",
    summary: "The compiler failed on this input: a bug in reclang, not in the spec.",
    example: "",
    build: (a) => ({
      message: `internal compiler error: ${a["detail"]}`,
      label: "while reading this file",
      help: "this is a bug in reclang; please report it with the file that caused it",
    }),
  },
];

const make = diagnosticMaker(SYNTAX_CODES);

export function syntaxDiagnostic(source: SourceFile, code: string, span: Span, args: Args = {}, secondary: Label[] = []): Diagnostic {
  return make(source.path, code, span, args, secondary);
}
