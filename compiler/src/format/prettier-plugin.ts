// The formatter, as a prettier plugin for `.rec`: text → our syntax tree (with every ordinary
// comment as a comment node prettier attaches to the nearest node) → prettier's document →
// text. The layout is the canonical one of `rec print` — one member per line, two-space indent,
// the fewest parentheses — with comments kept where they were, blank lines between members
// kept (at most one), and long argument lists, lists, comprehensions, settings and operator
// chains broken the way prettier breaks JavaScript: a group that does not fit the line width
// breaks, a chain of operators breaks before each operator (a `.rec` line may start with one),
// and a call's `(` and an index's `[` stay on their expression's line, as the grammar requires.
// `format.ts` is the one caller; prettier's own CLI and editors can load this plugin too.

import { doc, util, type AstPath, type Doc, type Parser, type ParserOptions, type Plugin, type Printer } from "prettier";
import { SourceFile } from "../source/source-file.js";
import type * as A from "../syntax/ast.js";
import { NEGATE_PRECEDENCE, NOT_PRECEDENCE, PRECEDENCE } from "../syntax/ast.js";
import { parseSource } from "../syntax/parse-source.js";
import { printReturns, printType, quote } from "../syntax/printer.js";

const { group, indent, line, softline, hardline, join, ifBreak, breakParent, lineSuffix } = doc.builders;

/** An ordinary comment (`// …` or `/* … *\/`), for prettier to attach and print. */
export interface CommentNode {
  readonly kind: "Comment";
  readonly text: string;
  /** The same text, where prettier looks for it in its messages. */
  readonly value: string;
  readonly span: { readonly start: number; readonly end: number };
  readonly block: boolean;
}

/** The tree prettier works on: the file, and its comments beside it. */
type Root = A.File & { readonly comments: CommentNode[] };
type Node = A.Node | CommentNode;

export class FormatSyntaxError extends Error {
  override readonly name = "FormatSyntaxError";
}

/** The children each kind prints through prettier's path, so comments may attach to them; the rest print as text. */
const CHILDREN: Readonly<Record<string, readonly string[]>> = {
  File: ["decls"],
  ModuleDecl: ["params", "members"],
  ModelDecl: ["members"],
  FnDecl: ["params", "body"],
  RewardDecl: ["params", "body"],
  SchemaDecl: ["fields"],
  SchemaField: ["source"],
  ExperimentDecl: ["settings"],
  SweepDecl: ["settings"],
  ParamDecl: ["items"],
  Param: ["default"],
  LetDecl: ["value"],
  WeightDecl: ["init"],
  RoleDecl: ["value"],
  TrainDecl: ["settings"],
  Setting: ["value"],
  SettingsBlock: ["settings"],
  ForwardDecl: ["params", "body"],
  Block: ["lets", "result"],
  Binary: ["left", "right"],
  Unary: ["operand"],
  Call: ["callee", "args"],
  Argument: ["value"],
  Index: ["target", "subscripts"],
  Slice: ["start", "stop", "step"],
  Member: ["target"],
  Lambda: ["params", "body"],
  IfExpr: ["condition", "then", "else"],
  ListExpr: ["elements"],
  Comprehension: ["element", "clauses"],
  CompClause: ["iterable", "condition"],
  TupleExpr: ["elements"],
  RecordExpr: ["fields"],
  RecordField: ["value"],
};

const parser: Parser<Node> = {
  astFormat: "rec-ast",
  parse(text, options) {
    const path = (options as { filepath?: string }).filepath ?? "input.rec";
    const parsed = parseSource(new SourceFile(path, text));
    const error = parsed.diagnostics.find((d) => d.severity === "error");
    if (error) throw new FormatSyntaxError(`${error.code}: ${error.message}`);
    // `///` lines directly above a declaration are its doc (printed with it); every other comment is a node.
    const documented = new Set<number>();
    collectDocStarts(
      parsed.ast,
      parsed.comments.filter((c) => c.image.startsWith("///")).map((c) => c.startOffset),
      documented,
    );
    const comments = parsed.comments
      .filter((c) => !documented.has(c.startOffset))
      .map((c): CommentNode => ({
        kind: "Comment",
        text: c.image.replace(/[ \t]+$/, ""),
        value: c.image,
        span: { start: c.startOffset, end: c.startOffset + c.image.length },
        block: c.image.startsWith("/*"),
      }));
    return { ...parsed.ast, comments } as Root;
  },
  locStart: (node) => node.span.start,
  locEnd: (node) => node.span.end,
};

/** The offsets of the `///` comments that are docs of some node (the lines just above it). */
function collectDocStarts(node: unknown, docStarts: readonly number[], out: Set<number>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectDocStarts(n, docStarts, out);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const n = node as { doc?: string; span?: { start: number } } & Record<string, unknown>;
  if (n.doc !== undefined && n.span) {
    // The doc's lines end just above the node: take that many `///` comments before its start.
    const before = docStarts.filter((s) => s < n.span!.start);
    for (const start of before.slice(before.length - n.doc.split("\n").length)) out.add(start);
  }
  for (const [key, value] of Object.entries(n)) if (key !== "span") collectDocStarts(value, docStarts, out);
}

const printer: Printer<Node> = {
  // A comment inside a node that has no place for one (`f(/* none */)`) follows the node; a node
  // format.ts could not print with its comments in place prints as written.
  print: (path, options, print) => (isVerbatim(path, options) ? verbatim(path, options) : [printNode(path, options, print), dangling(path, " ")]),
  getVisitorKeys: (node) => [...(CHILDREN[(node as A.Node).kind] ?? [])],
  canAttachComment: (node) => "kind" in node && node.kind !== "Comment" && node.kind in CHILDREN_OR_LEAVES,
  isBlockComment: (node) => (node as CommentNode).block,
  handleComments: { ownLine: afterOpener, endOfLine: afterOpener, remaining: afterOpener },
  printComment(path) {
    return (path.node as CommentNode).text;
  },
};

/**
 * A comment right after an opening bracket (`f( /* c *\/ x)`, `[ // c`) belongs to what follows
 * it: prettier would make it trailing of what comes before (`f /* c *\/(x)`), and the next run
 * would move it back, so formatting twice would differ.
 */
function afterOpener(comment: CommentNode & { precedingNode?: Node; followingNode?: Node }, text: string): boolean {
  const { precedingNode, followingNode } = comment;
  if (!precedingNode || !followingNode) return false;
  if (!/[([{]\s*$/.test(text.slice(precedingNode.span.end, comment.span.start))) return false;
  util.addLeadingComment(followingNode, comment);
  return true;
}

/** Kinds a comment may attach to: those printed through the path (the leaves among them too). */
const CHILDREN_OR_LEAVES: Readonly<Record<string, true>> = Object.fromEntries(
  [...Object.keys(CHILDREN), "ImportDecl", "DimsDecl", "InputDecl", "NumberLit", "StringLit", "BoolLit", "Ident", "EllipsisIndex"]
    .filter((k) => k !== "File")
    .map((k) => [k, true]),
);

/** The keys of a kind's children printed through the path. */
export const printedChildren = (kind: string): readonly string[] => CHILDREN[kind] ?? [];

/** The kinds printed through the path, each of which may be printed verbatim. */
export const PRINTED_KINDS: ReadonlySet<string> = new Set(Object.keys(CHILDREN_OR_LEAVES));

/** A node's key in the `recVerbatim` option (space-separated keys). */
export const verbatimKey = (kind: string, span: { readonly start: number; readonly end: number }) => `${kind}:${span.start}:${span.end}`;

function isVerbatim(path: Path, options: ParserOptions<Node>): boolean {
  const keys = (options as { recVerbatim?: string }).recVerbatim;
  const node = path.node as A.Node;
  return Boolean(keys) && node.kind !== "File" && keys!.split(" ").includes(verbatimKey(node.kind, node.span));
}

/** Marks the comments prettier attached inside `span` (to the node or below it) as printed. */
function markInnerCommentsPrinted(value: unknown, span: { start: number; end: number }): void {
  if (Array.isArray(value)) return value.forEach((v) => markInnerCommentsPrinted(v, span));
  if (typeof value !== "object" || value === null) return;
  for (const [key, field] of Object.entries(value)) {
    if (key === "comments" && Array.isArray(field)) {
      for (const c of field as (CommentNode & { printed?: boolean })[]) if (c.span.start >= span.start && c.span.end <= span.end) c.printed = true;
    } else if (key !== "span") markInnerCommentsPrinted(field, span);
  }
}

/** A node as the user wrote it (its doc aside), its inner comments with it. */
function verbatim(path: Path, options: ParserOptions<Node>): Doc {
  const node = path.node as A.Node;
  markInnerCommentsPrinted(node, node.span);
  // Lines after the first keep their own indentation: hardlines would re-indent them.
  const lines = options.originalText.slice(node.span.start, node.span.end).split("\n");
  return [
    docLines(node as { doc?: string }),
    join(
      doc.builders.literalline,
      lines.map((l, i) => (i ? l.replace(/\s+$/, "") : l)),
    ),
  ];
}

export const recPlugin: Plugin<Node> = {
  languages: [{ name: "rec", parsers: ["rec"], extensions: [".rec"] }],
  parsers: { rec: parser },
  printers: { "rec-ast": printer },
  options: {
    recVerbatim: { type: "string", category: "rec", default: "", description: "Nodes to print as written (set by rec fmt's proof, format.ts)." },
  },
};

// prettier's path is generic over one node type; ours has many kinds, so the path is untyped here
// and each function reads the node kind it was called for.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Path = AstPath<any>;
type Print = (selector?: string | number | (string | number)[]) => Doc;

/** Each element of the array `key`, printed (so comments attached to it print too). */
function each(path: Path, print: Print, key: string): Doc[] {
  return path.map(() => print(), key);
}

function printNode(path: Path, options: ParserOptions<Node>, print: Print): Doc {
  const node = path.node as A.Node;
  const text = options.originalText;
  const lead = docLines(node as { doc?: string });
  switch (node.kind) {
    case "File": {
      const file = node as A.File;
      const decls = path.map(({ node: d, index }: Path) => {
        const previous = file.decls[(index as number) - 1];
        const gap =
          index === 0
            ? ""
            : previous!.kind === "ImportDecl" && d.kind === "ImportDecl" && !(d as A.ImportDecl).doc && !util.isNextLineEmpty(text, previous!.span.end)
              ? hardline
              : [hardline, hardline];
        return [gap, print()];
      }, "decls");
      return [decls, dangling(path, hardline), file.decls.length || hasDangling(node) ? hardline : ""];
    }
    case "ImportDecl": {
      const d = node as A.ImportDecl;
      const what = d.namespace
        ? `* as ${d.namespace.name}`
        : `{ ${(d.names ?? []).map((s) => (s.alias ? `${s.name.name} as ${s.alias.name}` : s.name.name)).join(", ")} }`;
      return [lead, `import ${what} from `, d.path.kind === "StringLit" ? quote(d.path.value) : ""];
    }
    case "ModuleDecl": {
      const d = node as A.ModuleDecl;
      const params = d.params.length ? ["(", paramList(path, print), ")"] : "";
      return [lead, `module ${name(d.name)}`, params, " ", body(path, options, print, "members")];
    }
    case "ModelDecl":
      return [lead, `model ${name((node as A.ModelDecl).name)} `, body(path, options, print, "members")];
    case "FnDecl":
    case "RewardDecl": {
      const d = node as A.FnDecl | A.RewardDecl;
      return [lead, `${d.kind === "FnDecl" ? "fn" : "reward"} ${name(d.name)}(`, paramList(path, print), `)${printReturns(d.returns)} `, print("body")];
    }
    case "SchemaDecl":
      return [lead, `schema ${name((node as A.SchemaDecl).name)} `, body(path, options, print, "fields")];
    case "SchemaField": {
      const f = node as A.SchemaField;
      return [lead, `${name(f.name)}: ${printType(f.type)}`, f.source ? [" = ", print("source")] : ""];
    }
    case "ExperimentDecl":
    case "SweepDecl": {
      const d = node as A.ExperimentDecl | A.SweepDecl;
      return [lead, `${d.kind === "SweepDecl" ? "sweep" : "experiment"} ${name(d.name)} `, settingsBlock(path, options, print)];
    }
    case "DimsDecl":
      return [lead, `dims ${(node as A.DimsDecl).names.map((n) => n.name).join(", ")}`];
    case "ParamDecl":
      return [lead, group(["param ", indent(join([",", line], each(path, print, "items")))])];
    case "Param": {
      const p = node as A.Param;
      return [name(p.name), p.type ? `: ${printType(p.type)}` : "", p.default ? [" = ", print("default")] : ""];
    }
    case "InputDecl": {
      const d = node as A.InputDecl;
      return [lead, `input ${name(d.name)}: ${printType(d.type)}${d.constant ? " constant" : ""}`];
    }
    case "LetDecl": {
      const d = node as A.LetDecl;
      if (d.update) return [lead, `update ${pattern(d.pattern)} = `, print("value")];
      return [lead, `let ${pattern(d.pattern)}${d.type ? `: ${printType(d.type)}` : ""} = `, print("value")];
    }
    case "WeightDecl": {
      const d = node as A.WeightDecl;
      return [lead, `${d.state ? "state" : "weight"} ${name(d.name)}: ${printType(d.type)}`, d.init ? [" = ", print("init")] : ""];
    }
    case "RoleDecl": {
      const d = node as A.RoleDecl;
      return [lead, `${d.role} ${name(d.name)}${d.type ? `: ${printType(d.type)}` : ""} = `, print("value")];
    }
    case "TrainDecl": {
      const d = node as A.TrainDecl;
      return [lead, `train ${d.name ? `${d.name.name} ` : ""}`, settingsBlock(path, options, print)];
    }
    case "Setting": {
      const s = node as A.Setting;
      return [s.name.name, s.value.kind === "SettingsBlock" ? " " : " = ", print("value")];
    }
    case "SettingsBlock":
      return settingsBlock(path, options, print);
    case "ForwardDecl": {
      const d = node as A.ForwardDecl;
      return [lead, `fn ${d.name ? d.name.name : ""}(`, paramList(path, print), `)${printReturns(d.returns)} `, print("body")];
    }
    case "Block": {
      const b = node as A.Block;
      const statements = [...each(path, print, "lets"), ...(b.result.kind === "Missing" ? [] : [print("result")])];
      // A block of one expression written on one line may stay on one line.
      const oneLine = b.lets.length === 0 && !hasDangling(node) && !text.slice(b.span.start, b.span.end).includes("\n");
      if (oneLine) return group(["{", indent([line, statements]), line, "}"]);
      return [
        "{",
        indent([hardline, separated(path, options, statements, b.lets.length ? [...b.lets, b.result] : [b.result])]),
        dangling(path, hardline, true),
        hardline,
        "}",
      ];
    }
    default:
      return printExpression(path, options, print);
  }
}

function printExpression(path: Path, options: ParserOptions<Node>, print: Print): Doc {
  const node = path.node as A.Expr | A.Argument | A.Slice | A.EllipsisIndex | A.CompClause | A.RecordField;
  switch (node.kind) {
    case "NumberLit":
      return node.raw;
    case "StringLit":
      return quote(node.value);
    case "BoolLit":
      return String(node.value);
    case "Ident":
      return node.name;
    case "Missing":
      return "";
    case "Binary":
      return group(binaryChain(path, print, options));
    case "Unary": {
      const operand = node.operand;
      return node.op === "not"
        ? ["not ", child(path, print, "operand", NOT_PRECEDENCE)]
        : ["-", child(path, print, "operand", operand.kind === "Unary" ? 11 : NEGATE_PRECEDENCE)];
    }
    case "Call":
      return [
        child(path, print, "callee", 10),
        "(",
        node.args.length ? group([indent([softline, join([",", line], each(path, print, "args"))]), softline]) : "",
        ")",
      ];
    case "Argument":
      return [node.name ? `${node.name.name} = ` : "", print("value")];
    case "Index":
      return [child(path, print, "target", 10), "[", join(", ", each(path, print, "subscripts")), "]"];
    case "Slice":
      return [node.start ? print("start") : "", ":", node.stop ? print("stop") : "", node.step ? [":", print("step")] : ""];
    case "EllipsisIndex":
      return "...";
    case "Member":
      return [child(path, print, "target", 10), ".", name(node.name)];
    case "Lambda":
      return ["fn(", paramList(path, print), ") => ", print("body")];
    case "IfExpr":
      return group(["if ", print("condition"), indent([line, "then ", print("then")]), indent([line, "else ", print("else")])]);
    case "ListExpr":
      return node.elements.length ? group(["[", indent([softline, join([",", line], each(path, print, "elements"))]), softline, "]"]) : "[]";
    case "Comprehension":
      return group(["[", indent([softline, print("element"), path.map(() => [line, print()], "clauses")]), softline, "]"]);
    case "CompClause":
      return [
        "for ",
        pattern(node.pattern),
        " in ",
        child(path, print, "iterable", PRECEDENCE["|>"]),
        node.condition ? [" if ", child(path, print, "condition", PRECEDENCE["|>"])] : "",
      ];
    case "TupleExpr":
      return group(["(", indent([softline, join([",", line], each(path, print, "elements"))]), softline, ")"]);
    case "RecordExpr":
      return node.fields.length ? group(["{", indent([line, join([",", line], each(path, print, "fields"))]), line, "}"]) : "{}";
    case "RecordField":
      return [node.quoted ? quote(node.name.name) : node.name.name, ": ", print("value")];
  }
}

/** A chain of one precedence level flattened (`a + b - c`), breaking before each operator. */
function binaryChain(path: Path, print: Print, options: ParserOptions<Node>): Doc[] {
  const node = path.node as A.Binary;
  const p = PRECEDENCE[node.op];
  const comparison = p === PRECEDENCE["=="];
  // Left-associative operators keep an equal-precedence left operand bare; `**` is right-associative; comparisons do not chain.
  const leftMin = node.op === "**" || comparison ? p + 1 : p;
  const rightMin = node.op === "**" ? p : p + 1;
  const left = node.left;
  const flatten = left.kind === "Binary" && PRECEDENCE[left.op] === p && !comparison && node.op !== "**" && !hasComments(left);
  // A left operand to print as written goes through print(), not into the chain.
  const head = flatten
    ? (path.call((leftPath) => (isVerbatim(leftPath, options) ? [print()] : binaryChain(leftPath as Path, print, options)), "left") as Doc[])
    : [child(path, print, "left", leftMin)];
  const [first, ...rest] = head;
  return [first!, ...(rest.length ? rest : []), indent([line, node.op, " ", child(path, print, "right", rightMin)])];
}

/** A child expression, parenthesized when it binds more loosely than `minimum`. */
function child(path: Path, print: Print, key: string, minimum: number): Doc {
  const node = (path.node as unknown as Record<string, A.Expr>)[key]!;
  const printed = print(key);
  return precedenceOf(node) < minimum ? ["(", printed, ")"] : printed;
}

function precedenceOf(expr: A.Expr): number {
  switch (expr.kind) {
    case "Binary":
      return PRECEDENCE[expr.op];
    case "Unary":
      return expr.op === "not" ? NOT_PRECEDENCE : NEGATE_PRECEDENCE;
    case "Lambda":
    case "IfExpr":
      return 0;
    default:
      return 10;
  }
}

/** Parameters of a module, function or lambda: on one line, or one per line when they do not fit. */
function paramList(path: Path, print: Print): Doc {
  const params = (path.node as { params: readonly A.Param[] }).params;
  if (!params.length) return "";
  return group([indent([softline, join([",", line], each(path, print, "params"))]), softline]);
}

/** A body of members or fields: one per line, blank lines kept (one at most), dangling comments inside. */
function body(path: Path, options: ParserOptions<Node>, print: Print, key: "members" | "fields"): Doc {
  const items = (path.node as unknown as Record<string, readonly A.Node[]>)[key]!;
  if (!items.length && !hasDangling(path.node)) return "{}";
  return ["{", indent([items.length ? hardline : "", separated(path, options, each(path, print, key), items)]), dangling(path, hardline, true), hardline, "}"];
}

/** A settings block: on one line with commas when it fits and was written on one line, else one setting per line. */
function settingsBlock(path: Path, options: ParserOptions<Node>, print: Print): Doc {
  const node = path.node as { settings: readonly A.Setting[]; span: { start: number; end: number } };
  if (!node.settings.length && !hasDangling(path.node)) return "{}";
  const text = options.originalText;
  const open = text.indexOf("{", node.span.start);
  const first = node.settings[0];
  const brokenInSource = first ? text.slice(open, first.span.start).includes("\n") : true;
  const printed = each(path, print, "settings");
  const oneLine = group([brokenInSource ? breakParent : "", "{", indent([line, join([ifBreak("", ","), line], printed)]), line, "}"]);
  if (!hasDangling(path.node) && !node.settings.some((s, i) => i > 0 && util.isNextLineEmpty(text, node.settings[i - 1]!.span.end))) return oneLine;
  return ["{", indent([node.settings.length ? hardline : "", separated(path, options, printed, node.settings)]), dangling(path, hardline, true), hardline, "}"];
}

/** Items one per line, with a blank line where the source had one after the previous item. */
function separated(path: Path, options: ParserOptions<Node>, printed: Doc[], nodes: readonly A.Node[]): Doc {
  return printed.map((d, i) => (i === 0 ? d : [hardline, util.isNextLineEmpty(options.originalText, nodes[i - 1]!.span.end) ? hardline : "", d]));
}

function hasComments(node: unknown): boolean {
  return ((node as { comments?: unknown[] }).comments ?? []).length > 0;
}

function hasDangling(node: unknown): boolean {
  return ((node as { comments?: { leading?: boolean; trailing?: boolean }[] }).comments ?? []).some((c) => !c.leading && !c.trailing);
}

/** The comments inside a node that attach to no child (an empty body's note), each on its own line. */
function dangling(path: Path, separator: Doc, indented = false): Doc {
  const comments = ((path.node as { comments?: (CommentNode & { leading?: boolean; trailing?: boolean; printed?: boolean })[] }).comments ?? []).filter(
    (c) => !c.leading && !c.trailing && !c.printed,
  );
  if (!comments.length) return "";
  const parts = comments.map((c) => {
    c.printed = true;
    return c.text;
  });
  const printed = [separator, join(hardline, parts), ...(parts.some((_, i) => comments[i]!.block) ? [] : [breakParent])];
  // After a node, a line comment waits for the end of the line (a comma after the node stays out of it).
  if (separator === " " && !comments.some((c) => c.block)) return [lineSuffix(printed), breakParent];
  return indented ? indent(printed) : printed;
}

function docLines(node: { doc?: string }): Doc {
  if (node.doc === undefined) return "";
  return node.doc.split("\n").map((l) => [`///${l ? ` ${l}` : ""}`, hardline]);
}

function name(n: A.Ident | A.Missing): string {
  return n.kind === "Ident" ? n.name : "";
}

function pattern(p: A.Pattern): string {
  return p.kind === "TuplePattern" ? `(${p.elements.map(pattern).join(", ")})` : name(p);
}

// Prettier loads a plugin module by its named exports (`--plugin reclang/prettier`, or
// `"plugins": ["reclang/prettier"]` in a .prettierrc).
export const { languages, parsers, printers } = recPlugin;
export const options = recPlugin.options;
export const defaultOptions = { printWidth: 100, tabWidth: 2 };
