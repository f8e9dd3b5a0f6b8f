// Generated parts of spec/: the grammar in EBNF (spliced into spec/language.md), the railroad
// diagrams (spec/grammar.html) and the diagnostic catalog (spec/diagnostics.md), all computed
// from the parser and the catalog. gen-spec.ts writes them; a test fails when they are stale.

import { planSweep } from "../sweep/plan-sweep.js";
import { checkJsonLines, contractDiagnostics } from "../data/check-data.js";
import { createSyntaxDiagramsCode, type ISerializedGast } from "chevrotain";
import { DIAGNOSTIC_CATALOG } from "../diagnostics/catalog.js";
import { renderAll } from "../diagnostics/render.js";
import { decodeSource } from "../source/read-source.js";
import { SourceFile } from "../source/source-file.js";
import { checkSource } from "../driver.js";
import type { WorldContracts } from "../semantics/world-check.js";
import { STDLIB_ROOT } from "../semantics/program.js";
import { parser } from "../syntax/parser.js";
import { syntaxDiagnostic } from "../syntax/syntax-diagnostics.js";
import * as T from "../syntax/tokens.js";
import { ALL_OPS, OPERATOR_OPS } from "../ops/index.js";
import { OP_CATEGORIES, type OpArg } from "../ops/types.js";
import { ALL_BUILTINS } from "../semantics/builtins/index.js";
import { printDim } from "../types/dims.js";

export const EBNF_BEGIN = "<!-- BEGIN GENERATED GRAMMAR: npm run spec:gen -->";
export const EBNF_END = "<!-- END GENERATED GRAMMAR -->";

const TERMINAL_NAMES: Record<string, string> = {
  Identifier: "NAME",
  IntLiteral: "INT",
  FloatLiteral: "FLOAT",
  StringLiteral: "STRING",
};

function terminal(name: string): string {
  if (TERMINAL_NAMES[name]) return TERMINAL_NAMES[name]!;
  const type = T.allTokens.find((t) => t.name === name);
  const label = type?.LABEL?.replace(/`/g, "") ?? name;
  return `"${label}"`;
}

/** One production's right-hand side in EBNF. */
function ebnf(items: readonly ISerializedGast[]): string {
  return items.map(term).join(" ");
}

function term(item: ISerializedGast): string {
  const node = item as ISerializedGast & { name?: string; definition?: ISerializedGast[]; separator?: ISerializedGast & { name: string } };
  const body = () => ebnf(node.definition ?? []);
  const group = (text: string) => {
    const single = (node.definition?.length ?? 0) === 1;
    if (single && node.definition![0]!.type === "Alternation") return text;
    return !single || text.includes(" ") ? `( ${text} )` : text;
  };
  switch (item.type) {
    case "NonTerminal":
      return node.name!;
    case "Terminal":
      return terminal(node.name!);
    case "Alternative":
      return body();
    case "Alternation":
      return `( ${(node.definition ?? []).map(term).join(" | ")} )`;
    case "Option":
      return `${group(body())}?`;
    case "Repetition":
      return `${group(body())}*`;
    case "RepetitionMandatory":
      return `${group(body())}+`;
    case "RepetitionWithSeparator": {
      const sep = terminal(node.separator!.name);
      return `( ${body()} ( ${sep} ${body()} )* )?`;
    }
    case "RepetitionMandatoryWithSeparator": {
      const sep = terminal(node.separator!.name);
      return `${body()} ( ${sep} ${body()} )*`;
    }
    default:
      return item.type;
  }
}

export function grammarEbnf(): string {
  const rules = parser.getSerializedGastProductions() as (ISerializedGast & { name: string; definition: ISerializedGast[] })[];
  const width = Math.max(...rules.map((r) => r.name.length));
  const lines = rules.map((r) => `${r.name.padEnd(width)} ::= ${ebnf(r.definition)}`);
  return ["```ebnf", ...lines, "```"].join("\n");
}

export function grammarHtml(): string {
  return createSyntaxDiagramsCode(parser.getSerializedGastProductions());
}

/** Replaces the generated-grammar section of language.md with the current grammar. */
export function spliceGrammar(languageMd: string): string {
  const begin = languageMd.indexOf(EBNF_BEGIN);
  const end = languageMd.indexOf(EBNF_END);
  if (begin < 0 || end < begin) throw new Error("spec/language.md lacks the generated-grammar markers");
  return `${languageMd.slice(0, begin + EBNF_BEGIN.length)}\n${grammarEbnf()}\n${languageMd.slice(end)}`;
}

/** The example of a catalog entry, rendered exactly as `rec check` would print it. */
/** A catalog entry's example checked and rendered; `worlds`: the synthetic worlds' contracts the examples name (REC2032). */
export function renderExample(code: string, worlds?: WorldContracts): { source: string; rendered: string; codes: string[] } | undefined {
  const path = "example.rec";
  const entry = DIAGNOSTIC_CATALOG.find((e) => e.code === code)!;
  if (code === "REC1022") {
    // Bytes that are not UTF-8: "café" saved as Latin-1.
    const bytes = Buffer.from('model M {\n  param name = "caf\xe9"\n}\n', "latin1");
    const read = decodeSource(path, bytes);
    if (read.kind !== "bad-text") return undefined;
    return { source: '(the bytes of `"café"` saved as Latin-1, not UTF-8)', rendered: render([read.diagnostic], read.source), codes: [code] };
  }
  if (code === "REC1023") {
    const source = new SourceFile(path, "");
    const diagnostic = syntaxDiagnostic(source, code, { start: 0, end: 0 }, { size: "17.0 MiB", limit: "16.0 MiB" });
    return { source: "(any file larger than 16 MiB)", rendered: render([diagnostic], source), codes: [code] };
  }
  if (!entry.example) return undefined;
  const overrides = new Map(Object.entries(entry.exampleOverrides ?? {}));
  if (entry.sweepExample) {
    // A code of the sweep planner: the example checks clean; planning its sweep reports the code.
    const planned = planSweep({ path, text: entry.example }, { overrides });
    const rendered = renderAll(planned.diagnostics.filter((d) => d.code === code).slice(0, 1), (p) => planned.base.sources.get(p), "text", { color: false });
    return { source: entry.example, rendered, codes: planned.diagnostics.map((d) => d.code) };
  }
  const result = checkSource(path, entry.example, { overrides, ...(worlds ? { worlds } : {}) });
  const schema = result.models[0]?.schemas[0];
  if (entry.exampleData !== undefined && schema && result.diagnostics.length === 0) {
    // A data code: the example spec is clean; its data file is what breaks the contract.
    const found = contractDiagnostics(checkJsonLines(entry.exampleData, "events.jsonl", schema, 0.5), schema);
    const rendered = renderAll(found.filter((d) => d.code === code).slice(0, 1), (p) => result.sources.get(p), "text", { color: false });
    return { source: entry.example, rendered, codes: found.map((d) => d.code) };
  }
  const diagnostics = [...result.diagnostics].sort((a, b) => Number(b.file === path) - Number(a.file === path) || a.primary.span.start - b.primary.span.start);
  const first = diagnostics.filter((d) => d.code === code).slice(0, 1);
  const rendered = renderAll(first, (p) => result.sources.get(p), "text", { color: false });
  return { source: entry.example, rendered: rendered.replaceAll(STDLIB_ROOT, "stdlib"), codes: diagnostics.map((d) => d.code) };
}

function render(diagnostics: Parameters<typeof renderAll>[0], source: SourceFile): string {
  return renderAll(diagnostics, () => source, "text", { color: false });
}

export function diagnosticsMarkdown(worlds?: WorldContracts): string {
  const out = [
    "# Diagnostics",
    "",
    "<!-- Generated from the diagnostic catalog by `npm run spec:gen`; do not edit by hand. -->",
    "",
    "Every diagnostic the compiler reports has a stable code:",
    "`REC1xxx` syntax, `REC2xxx` types and shapes, `REC3xxx` names and modules, `REC9xxx` internal errors.",
    "Each entry gives when it is reported, a minimal example and the message `rec check` prints for it.",
    "",
    "| code | severity | when |",
    "|---|---|---|",
    ...DIAGNOSTIC_CATALOG.map((e) => `| [${e.code}](#${e.code.toLowerCase()}) | ${e.severity} | ${e.summary.replace(/\|/g, "\\|")} |`),
    "",
  ];
  for (const entry of DIAGNOSTIC_CATALOG) {
    out.push(`## ${entry.code}`, "", `**${entry.severity}.** ${entry.summary}`, "");
    const example = renderExample(entry.code, worlds);
    if (!example) {
      out.push("This code has no example: it reports a failure of the compiler itself.", "");
      continue;
    }
    if (entry.exampleOverrides) {
      const flags = Object.entries(entry.exampleOverrides)
        .map(([k, v]) => `--set ${k}=${v}`)
        .join(" ");
      out.push(`Checked with \`rec check ${flags} example.rec\`:`, "");
    }
    if (entry.example) out.push("```rec", entry.example.trimEnd(), "```", "");
    if (entry.exampleData)
      out.push(
        "Checked with `rec check --data events.jsonl example.rec`, where events.jsonl holds:",
        "",
        "```json",
        ...entry.exampleData.trimEnd().split("\n").slice(0, 6),
        ...(entry.exampleData.trimEnd().split("\n").length > 6 ? ["…"] : []),
        "```",
        "",
      );
    else out.push(`Example: ${example.source}`, "");
    out.push("```text", example.rendered.trimEnd(), "```", "");
  }
  return out.join("\n");
}

/** spec/ops.md: every primitive of the op registry, by category, with its signature, doc and facts; then the compile-time builtins. */
export function opsMarkdown(): string {
  const out = [
    "# Primitive ops",
    "",
    "<!-- Generated from the op registry (compiler/src/ops) and the checker's builtins by `npm run spec:gen`; do not edit by hand. -->",
    "",
    "Every run-time primitive the language has, from the one registry that the checker, the IR, the passes, the reference interpreter and the backends read.",
    "Each op states its signature; its shape and dtype rule and its cost are code in " +
      "`compiler/src/ops/<category>.ts`, its reference implementation in " +
      "`compiler/src/ir/reference/<category>.ts` and its TensorFlow.js kernel in " +
      "`runtime/src/tfjs/kernels/<category>.ts`.",
    "Facts: *random* ops draw numbers (never merged, seeded per op), *mode* ops read whether a " +
      "training step runs, *stops gradient* ops treat an input as a constant to the gradient, " +
      "*fusable* ops may join a fusion region, *tuple* ops return several tensors, *whole set* " +
      "metrics are computed over the whole evaluation set.",
    "Standard-library blocks (`std/nn`, `std/losses`) are written in .rec over these.",
    "",
  ];
  for (const category of OP_CATEGORIES) {
    out.push(`## ${category}`, "", "| op | signature | facts | meaning |", "|---|---|---|---|");
    for (const op of ALL_OPS.filter((o) => o.category === category)) {
      const params = op.params.map((p) => `${p.name}: ${p.kind}${p.default ? ` = ${showDefault(p.default)}` : ""}`);
      const facts = [
        op.impure && "random",
        op.mode && "mode",
        op.stopsGradient && "stops gradient",
        op.fusable && "fusable",
        op.tuple && `tuple (${op.tuple.join(", ")})`,
        op.aggregate === "exact" && "whole set",
      ].filter(Boolean);
      out.push(`| \`${op.name}\` | \`${op.name}(${params.join(", ")})\` | ${facts.join(", ")} | ${op.doc.replace(/\|/g, "\\|")} |`);
    }
    out.push("");
  }
  const modal = ALL_OPS.filter((o) => o.impure || o.mode);
  out.push(
    "## Stochastic and mode-dependent ops",
    "",
    "These ops behave differently while a training step runs and otherwise (evaluation, " +
      "prediction, serving, the reference interpreter): random ones draw from a stream seeded by " +
      "the run's seed, the step and the op while training and give the deterministic value their " +
      "doc states otherwise (except `sample_categorical`, which samples whenever it runs: " +
      "exploration); `is_training()` reads the mode. Module state (`state` and `update`, " +
      "spec/language.md §3.2) changes only after a training step.",
    "",
    ...modal.map((o) => `- \`${o.name}\` (${o.category}): ${o.doc.replace(/\|/g, "\\|")}`),
    "",
  );
  const operators = Object.entries(OPERATOR_OPS).map(([symbol, name]) => `\`${symbol}\` → \`${name}\``);
  out.push("## Operators", "", `The language's operators are these ops: ${operators.join(", ")}; unary \`-\` is \`neg\` and \`not\` is \`logical_not\`.`, "");
  out.push(
    "## Compile-time builtins",
    "",
    "Not ops: the checker evaluates these while it elaborates " +
      "(`compiler/src/semantics/builtins/`), and they never reach the graph. `config` builtins " +
      "are records the runtime reads from the plan (optimizers, data sources, initializers).",
    "",
    "| builtin | kind | signature | meaning |",
    "|---|---|---|---|",
  );
  for (const b of ALL_BUILTINS) {
    const params = [...b.params.map((p) => `${p.name}: ${p.kind}`), ...(b.openNamed ? ["…named settings"] : [])];
    out.push(`| \`${b.name}\` | ${b.category} | \`${b.name}(${params.join(", ")})\` | ${b.doc.replace(/\|/g, "\\|")} |`);
  }
  out.push("");
  return out.join("\n");
}

function showDefault(value: OpArg): string {
  switch (value.kind) {
    case "int":
      return printDim(value.dim);
    case "float":
      return String(value.value);
    case "bool":
      return String(value.value);
    case "string":
      return JSON.stringify(value.value);
    case "none":
      return "None";
    case "dtype":
      return value.name;
    default:
      return value.kind;
  }
}
