// A document's structure for editors: its outline (document symbols: each top-level declaration
// with its members) and the ranges an editor may fold (every declaration and block that spans
// lines). In: a parsed file. Out: plain records by offset; server.ts turns them into the
// protocol's types.

import type * as A from "../../compiler/src/syntax/ast.js";
import type { ParsedFile } from "../../compiler/src/syntax/parse-source.js";

export type SymbolKind = "model" | "module" | "function" | "experiment" | "sweep" | "schema" | "param" | "input" | "weight" | "let" | "output" | "train";

export interface OutlineSymbol {
  readonly name: string;
  readonly kind: SymbolKind;
  /** What the member is, in the editor's detail column: `head`, `loss`, `input`, … */
  readonly detail?: string;
  /** The whole declaration, and its name. */
  readonly span: A.Node["span"];
  readonly nameSpan: A.Node["span"];
  readonly children: readonly OutlineSymbol[];
}

const TOP: Partial<Record<A.Decl["kind"], SymbolKind>> = {
  ModelDecl: "model",
  ModuleDecl: "module",
  FnDecl: "function",
  RewardDecl: "function",
  ExperimentDecl: "experiment",
  SweepDecl: "sweep",
  SchemaDecl: "schema",
};

const named = (name: A.Ident | A.Missing | undefined): name is A.Ident => name?.kind === "Ident";

/** The outline: each declaration but imports, with a model's or module's members as children. */
export function outline(file: ParsedFile): OutlineSymbol[] {
  return file.ast.decls.flatMap((decl): OutlineSymbol[] => {
    const kind = TOP[decl.kind];
    if (!kind || decl.kind === "ImportDecl" || !named(decl.name)) return [];
    const members = decl.kind === "ModelDecl" || decl.kind === "ModuleDecl" ? decl.members.flatMap(memberSymbols) : [];
    return [{ name: decl.name.name, kind, span: decl.span, nameSpan: decl.name.span, children: members }];
  });
}

function memberSymbols(member: A.ModelMember | A.ModuleMember): OutlineSymbol[] {
  const symbol = (name: A.Ident, kind: SymbolKind, detail: string, span = member.span): OutlineSymbol => ({
    name: name.name,
    kind,
    detail,
    span,
    nameSpan: name.span,
    children: [],
  });
  switch (member.kind) {
    case "ParamDecl":
      return member.items.flatMap((p) => (named(p.name) ? [symbol(p.name, "param", "param", p.span)] : []));
    case "InputDecl":
      return named(member.name) ? [symbol(member.name, "input", "input")] : [];
    case "WeightDecl":
      return named(member.name) ? [symbol(member.name, "weight", "weight")] : [];
    case "RoleDecl":
      return named(member.name) ? [symbol(member.name, "output", member.role)] : [];
    case "LetDecl":
      return patternNames(member.pattern).map((name) => symbol(name, "let", "let"));
    case "TrainDecl":
      return [
        { name: member.name?.name ?? "train", kind: "train", detail: "train", span: member.span, nameSpan: member.name?.span ?? member.span, children: [] },
      ];
    default:
      return [];
  }
}

function patternNames(pattern: A.Pattern): A.Ident[] {
  if (pattern.kind === "TuplePattern") return pattern.elements.flatMap(patternNames);
  return pattern.kind === "Ident" ? [pattern] : [];
}

/** Foldable ranges as [first line, last line] (0-based): declarations, blocks and settings blocks that span lines. */
export function foldingRanges(file: ParsedFile): [number, number][] {
  const out: [number, number][] = [];
  const seen = new Set<string>();
  const add = (span: A.Node["span"]) => {
    const first = file.source.position(span.start).line - 1;
    const last = file.source.position(Math.max(span.start, span.end - 1)).line - 1;
    const key = `${first}:${last}`;
    if (last > first && !seen.has(key)) {
      seen.add(key);
      out.push([first, last]);
    }
  };
  const stack: unknown[] = [file.ast.decls];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const kind = (node as { kind?: string }).kind;
    if (kind && /Decl$|^Block$|^SettingsBlock$|^Lambda$/.test(kind)) add((node as A.Node).span);
    for (const [key, value] of Object.entries(node)) if (key !== "span" && typeof value === "object") stack.push(value);
  }
  return out.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
}
