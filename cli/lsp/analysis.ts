// What the language server knows about one open document: its text → the compiler's check (the
// same diagnostics as `rec check`), every name use with its declaration (the resolver's record),
// and the checked models' bindings with their values. The server (server.ts) asks it for hovers,
// definitions, completions, signature help, inlay hints and renames, by offset; it speaks no
// protocol itself, so tests can call it directly.

import { join } from "node:path";
import { checkSource, type CheckResult } from "../../app/compile.js";
import type { ElaboratedModel } from "../../compiler/src/semantics/model.js";
import type { NameUse } from "../../compiler/src/semantics/resolve.js";
import { describeValue, type Value } from "../../compiler/src/semantics/values.js";
import { BUILTINS } from "../../compiler/src/semantics/builtins/index.js";
import { importPath, parsedFileAt, STDLIB_ROOT } from "../../compiler/src/semantics/program.js";
import type * as A from "../../compiler/src/syntax/ast.js";
import type { ParsedFile } from "../../compiler/src/syntax/parse-source.js";
import { printParams, printReturns } from "../../compiler/src/syntax/printer.js";
import { evaluateDim, printDim } from "../../compiler/src/types/dims.js";
import { dtypeName, numel, printShape } from "../../compiler/src/types/tensor-type.js";
import { OPS } from "../../compiler/src/ops/index.js";
import { quickFixes, type QuickFix } from "./quick-fixes.js";

/** A place in a file: its path and the span of an identifier. */
export interface Location {
  readonly file: string;
  readonly span: A.Node["span"];
}

export interface Signature {
  readonly label: string;
  readonly parameters: readonly string[];
  readonly doc?: string;
}

export class Analysis {
  readonly result: CheckResult;
  readonly uses: readonly NameUse[];
  readonly file: ParsedFile;
  /** Every identifier of this document that declares something. */
  private readonly declared: readonly A.Ident[];

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    const uses: NameUse[] = [];
    this.result = checkSource(path, text, { onNameUse: (use) => uses.push(use) });
    this.uses = uses.filter((u) => u.file === path);
    this.file = this.result.files[0]!;
    this.declared = declarations(this.file.ast);
  }

  /** The identifier (a use or a declaration) at an offset of this document. */
  identAt(offset: number): { ident: A.Ident; declaration?: A.Ident; isUse: boolean } | undefined {
    const use = this.uses.find((u) => u.use.span.start <= offset && offset <= u.use.span.end);
    if (use) return { ident: use.use, ...(use.declaration ? { declaration: use.declaration } : {}), isUse: true };
    const declared = this.declared.find((d) => d.span.start <= offset && offset <= d.span.end);
    return declared ? { ident: declared, declaration: declared, isUse: false } : undefined;
  }

  /** Where the name at an offset is declared: in this file, in an imported file, or in the standard library. */
  definition(offset: number): Location | undefined {
    const found = this.identAt(offset);
    if (!found?.declaration) return undefined;
    const imported = this.importOf(found.declaration);
    if (imported) return imported;
    return { file: this.path, span: found.declaration.span };
  }

  /** For an import's local name, the declaration it names in the imported file. */
  private importOf(declaration: A.Ident): Location | undefined {
    for (const decl of this.file.ast.decls) {
      if (decl.kind !== "ImportDecl" || decl.path.kind !== "StringLit") continue;
      const spec = (decl.names ?? []).find((s) => (s.alias ?? s.name) === declaration);
      if (!spec) continue;
      const target = importPath(this.path, decl.path.value);
      const parsed = parsedFileAt(target);
      const found = parsed && declarations(parsed.ast, true).find((d) => d.name === spec.name.name);
      return found ? { file: target, span: found.span } : undefined;
    }
    return undefined;
  }

  /** Quick fixes for this document's diagnostics that overlap [start, end] (quick-fixes.ts). */
  quickFixes(start: number, end: number): QuickFix[] {
    return quickFixes(this.file, this.result.diagnostics, start, end);
  }

  /** What the name at an offset is: its type with shape and id space, a module's parameters, an op's doc. */
  hover(offset: number): string | undefined {
    const found = this.identAt(offset);
    if (!found) return undefined;
    const name = found.ident.name;
    if (!found.declaration) {
      const op = OPS.get(name);
      if (op) return `\`${name}\` (a primitive op)\n\n${op.doc}`;
      return BUILTINS.has(name) ? `\`${name}\` (a compile-time builtin)` : undefined;
    }
    const binding = this.binding(found.declaration);
    if (binding) return `\`${name}\`: ${describe(binding.value, binding.model, name)}`;
    const definition = this.definition(offset);
    const decl = definition && topLevelAt(definition);
    if (decl) return signatureOf(decl)?.label + (decl.doc ? `\n\n${decl.doc}` : "");
    return `\`${name}\`, declared at line ${this.file.source.position(found.declaration.span.start).line}`;
  }

  /** A model-level binding declared by this identifier. */
  private binding(declaration: A.Ident): { value: Value; model: ElaboratedModel } | undefined {
    for (const model of this.result.models) {
      if (model.file !== this.path) continue;
      const b = model.bindings.find((x) => x.span.start === declaration.span.start && x.name === declaration.name);
      if (b) return { value: b.value, model };
    }
    return undefined;
  }

  /** The names a completion may offer here: this file's declarations before the offset, top-level names, ops, builtins. */
  completions(offset: number): { label: string; detail: string; kind: "variable" | "function" | "module" | "op" }[] {
    const out = new Map<string, { label: string; detail: string; kind: "variable" | "function" | "module" | "op" }>();
    const decl = this.file.ast.decls.find((d) => d.span.start <= offset && offset <= d.span.end);
    for (const ident of this.declared) {
      const local = decl && ident.span.start >= decl.span.start && ident.span.end <= decl.span.end;
      if (!local || ident.span.end > offset) continue;
      out.set(ident.name, { label: ident.name, detail: this.hover(ident.span.start)?.split("\n")[0] ?? "", kind: "variable" });
    }
    for (const top of this.file.ast.decls) {
      if (top.kind === "ImportDecl") {
        for (const spec of top.names ?? []) {
          const target =
            top.path.kind === "StringLit" ? topLevelAt({ file: importPath(this.path, top.path.value), span: { start: 0, end: 0 } }, spec.name.name) : undefined;
          const signature = target && signatureOf(target);
          out.set((spec.alias ?? spec.name).name, {
            label: (spec.alias ?? spec.name).name,
            detail: signature?.label ?? "imported",
            kind: target?.kind === "ModuleDecl" ? "module" : "function",
          });
        }
      } else if (top.kind !== "ExperimentDecl" && top.kind !== "SweepDecl" && top.name.kind === "Ident") {
        out.set(top.name.name, {
          label: top.name.name,
          detail: signatureOf(top)?.label ?? top.kind,
          kind: top.kind === "ModuleDecl" ? "module" : top.kind === "ModelDecl" ? "variable" : "function",
        });
      }
    }
    // The standard library's blocks, with their parameters (an import adds them to the file).
    for (const library of ["nn", "losses", "rl", "decode"]) {
      const parsed = parsedFileAt(join(STDLIB_ROOT, `${library}.rec`));
      for (const d of parsed?.ast.decls ?? []) {
        const signature = signatureOf(d);
        if (signature && d.kind !== "ImportDecl" && d.name.kind === "Ident" && !out.has(d.name.name))
          out.set(d.name.name, { label: d.name.name, detail: `${signature.label} (std/${library})`, kind: d.kind === "ModuleDecl" ? "module" : "function" });
      }
    }
    for (const [name, op] of OPS) if (!out.has(name)) out.set(name, { label: name, detail: op.doc.split(":")[0] ?? name, kind: "op" });
    for (const name of BUILTINS.keys()) if (!out.has(name)) out.set(name, { label: name, detail: "compile-time builtin", kind: "function" });
    return [...out.values()];
  }

  /** The signature of the call around an offset, and which argument the offset is in. */
  signatureHelp(offset: number): { signature: Signature; active: number } | undefined {
    let best: A.Call | undefined;
    visit(this.file.ast, (node) => {
      if (node.kind !== "Call") return;
      const call = node as A.Call;
      const open = this.text.indexOf("(", call.callee.span.end);
      if (open < offset && offset <= call.span.end && (!best || call.span.start >= best.span.start)) best = call;
    });
    if (!best || best.callee.kind !== "Ident") return undefined;
    const callee = best.callee;
    const op = OPS.get(callee.name);
    let signature: Signature | undefined;
    const use = this.uses.find((u) => u.use === callee);
    if (use?.declaration) {
      const location = this.importOf(use.declaration) ?? { file: this.path, span: use.declaration.span };
      const decl = topLevelAt(location);
      signature = decl ? signatureOf(decl) : undefined;
    } else if (op) signature = { label: `${op.name}(${op.params.map((p) => p.name).join(", ")})`, parameters: op.params.map((p) => p.name), doc: op.doc };
    if (!signature) return undefined;
    const active = best.args.filter((a) => a.span.end < offset).length;
    return { signature, active: Math.min(active, Math.max(signature.parameters.length - 1, 0)) };
  }

  /** Inferred types of the model's `let`s and outputs, to show after their names. */
  inlayHints(): { offset: number; label: string }[] {
    const hints: { offset: number; label: string }[] = [];
    for (const decl of this.file.ast.decls) {
      if (decl.kind !== "ModelDecl") continue;
      for (const member of decl.members) {
        const ident =
          member.kind === "LetDecl" && member.pattern.kind === "Ident" && !member.type
            ? member.pattern
            : member.kind === "RoleDecl" && !member.type && member.name.kind === "Ident"
              ? member.name
              : undefined;
        if (!ident) continue;
        const binding = this.binding(ident);
        if (binding?.value.kind === "tensor") hints.push({ offset: ident.span.end, label: `: ${typeText(binding.value)}` });
      }
    }
    return hints;
  }

  /** The spans to replace to rename the local binding at an offset (its declaration and every use), or why not. */
  /** The places of this document that name what the identifier at `offset` names, and its declaration when it is here. */
  references(offset: number, includeDeclaration: boolean): A.Node["span"][] {
    const found = this.identAt(offset);
    if (!found?.declaration) return [];
    const declaration = found.declaration;
    const uses = this.uses.filter((u) => u.declaration === declaration).map((u) => u.use.span);
    return includeDeclaration && this.declared.includes(declaration) ? [declaration.span, ...uses] : uses;
  }

  rename(offset: number): { spans: A.Node["span"][] } | { refused: string } {
    const found = this.identAt(offset);
    if (!found?.declaration) return { refused: "no binding here to rename" };
    const declaration = found.declaration;
    const topLevel = this.file.ast.decls.some((d) =>
      d.kind === "ImportDecl" ? (d.names ?? []).some((s) => (s.alias ?? s.name) === declaration) || d.namespace === declaration : d.name === declaration,
    );
    if (topLevel) return { refused: "only local bindings are renamed here: a top-level name or an import may be used by other files" };
    const spans = [declaration.span, ...this.uses.filter((u) => u.declaration === declaration).map((u) => u.use.span)];
    return { spans };
  }
}

function typeText(value: Extract<Value, { kind: "tensor" }>): string {
  return `${dtypeName(value.type)}${printShape(value.type.shape)}`;
}

function describe(value: Value, model: ElaboratedModel, name: string): string {
  if (value.kind === "tensor") return typeText(value);
  if (value.kind === "instance") {
    const count = model.weights
      .filter((w) => w.path === name || w.path.startsWith(`${name}.`))
      .reduce((n, w) => n + (evaluateDim(numel(w.type.shape), () => undefined) ?? Number.NaN), 0);
    const module = value.module.name.kind === "Ident" ? value.module.name.name : "a module";
    return `an instance of ${module}${Number.isFinite(count) && count > 0 ? `, ${count.toLocaleString("en-US")} parameters` : ""}`;
  }
  if (value.kind === "int") return `an int = ${printDim(value.dim)}`;
  if (value.kind === "float" || value.kind === "bool" || value.kind === "string") return `${describeValue(value)} = ${JSON.stringify(value.value)}`;
  return describeValue(value);
}

/** Every identifier that declares something in a file (top-level names, members, params, lets, patterns). */
function declarations(file: A.File, topLevelOnly = false): A.Ident[] {
  const out: A.Ident[] = [];
  const add = (n: A.Ident | A.Missing | undefined) => {
    if (n?.kind === "Ident") out.push(n);
  };
  const pattern = (p: A.Pattern) => (p.kind === "TuplePattern" ? p.elements.forEach(pattern) : add(p));
  for (const decl of file.decls) {
    if (decl.kind !== "ImportDecl") add(decl.name);
    if (topLevelOnly) continue;
    visit(decl, (node) => {
      switch (node.kind) {
        case "Param":
        case "InputDecl":
        case "WeightDecl":
        case "RoleDecl":
          add((node as A.Param).name);
          break;
        case "LetDecl":
          pattern((node as A.LetDecl).pattern);
          break;
        case "CompClause":
          pattern((node as A.CompClause).pattern);
          break;
        case "DimsDecl":
          (node as A.DimsDecl).names.forEach(add);
          break;
      }
    });
  }
  return out;
}

/**
 * Every node of a tree, in source order, with an explicit stack: a chain of 5,000 indexes or
 * calls is a tree 5,000 deep, which recursion would not survive.
 */
function visit(root: unknown, f: (node: A.Node) => void): void {
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
      continue;
    }
    if ("kind" in node) f(node as A.Node);
    const children = Object.entries(node).filter(([key, value]) => key !== "span" && typeof value === "object");
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]![1]);
  }
}

/** The top-level declaration at a location (or named `name` in that file). */
function topLevelAt(location: Location, name?: string): Exclude<A.Decl, A.ImportDecl> | undefined {
  const parsed = parsedFileAt(location.file);
  return parsed?.ast.decls.find(
    (d): d is Exclude<A.Decl, A.ImportDecl> =>
      d.kind !== "ImportDecl" && d.name.kind === "Ident" && (name ? d.name.name === name : d.name.span.start === location.span.start),
  );
}

/** A module's, function's or reward's signature: its name and parameters. */
function signatureOf(decl: A.Decl): Signature | undefined {
  if (decl.kind === "ModuleDecl" || decl.kind === "FnDecl" || decl.kind === "RewardDecl") {
    const keyword = decl.kind === "ModuleDecl" ? "module" : decl.kind === "FnDecl" ? "fn" : "reward";
    const name = decl.name.kind === "Ident" ? decl.name.name : "";
    const returns = decl.kind === "ModuleDecl" ? "" : printReturns(decl.returns);
    return {
      label: `${keyword} ${name}(${printParams(decl.params)})${returns}`,
      parameters: decl.params.map((p) => printParams([p])),
      ...(decl.doc ? { doc: decl.doc } : {}),
    };
  }
  if (decl.kind === "ModelDecl" || decl.kind === "SchemaDecl")
    return { label: `${decl.kind === "ModelDecl" ? "model" : "schema"} ${decl.name.kind === "Ident" ? decl.name.name : ""}`, parameters: [] };
  return undefined;
}
