// Static name resolution over every body of every file — modules and functions included even
// when no model uses them — so a misspelled name in a library is reported where it is written.
// It runs before checking: the driver elaborates only a program whose every name resolves, so
// an unknown name is reported once, here. In a model's loss or metric, an unknown lower-case
// name is most likely data the model forgot to declare, and is worded so (REC2008).

import { unknownName } from "./std-exports.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { quoteList, suggest } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import { OPS } from "../ops/index.js";
import { BUILTINS } from "./builtins/index.js";
import { importPath, type Program } from "./program.js";
import { declaredNames } from "./declared-names.js";
import { semanticDiagnostic } from "./semantic-diagnostics.js";
import { SWEEP_OWN_SETTINGS } from "./sweep-decl.js";

const BUILTIN_NAMES = new Set([...OPS.keys(), ...BUILTINS.keys(), "f32", "i32", "bool", "None"]);

/** An experiment's settings whose names experiment.ts checks (REC3019). */
const EXPERIMENT_NAMING_SETTINGS = new Set(["model", "models", "baseline", "report", "hard_subset", "best_epoch", "paper"]);

function* filtered(names: Iterable<string>, keep: (name: string) => boolean): Generator<string> {
  for (const name of names) if (keep(name)) yield name;
}

class Scope {
  /** Each name and the identifier that declares it (none for builtins). */
  private readonly names = new Map<string, A.Ident | undefined>();
  constructor(readonly parent?: Scope) {}
  add(name: string, declaredBy?: A.Ident) {
    this.names.set(name, declaredBy);
  }
  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }
  /** The identifier declaring `name` where it is visible from here (undefined: a builtin, or not found). */
  declaration(name: string): A.Ident | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) if (scope.names.has(name)) return scope.names.get(name);
    return undefined;
  }
  /** Every visible name, innermost scope first, without copying (a scope can hold thousands). */
  *all(): Generator<string> {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) yield* scope.names.keys();
  }
  child(): Scope {
    return new Scope(this);
  }
}

/**
 * Where a name used in an expression is declared: the identifier of its `let`, parameter,
 * member, top-level declaration or import (an import's local name), in `file`. Editors use it
 * (the language server's definitions, hovers and renames).
 */
export interface NameUse {
  readonly file: string;
  readonly use: A.Ident;
  /** Undefined for a builtin or registry op. */
  readonly declaration?: A.Ident;
}

export function resolveProgram(program: Program, onUse?: (use: NameUse) => void): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const file of program.files.values()) {
    const report = (name: A.Ident, scope: Scope, inLossOrMetric: boolean) => {
      const [suggestion] = suggest(
        name.name,
        filtered(scope.all(), (n) => !BUILTIN_NAMES.has(n) || n.length > 2),
        1,
      );
      const { code, args } = unknownName(name.name, inLossOrMetric, suggestion);
      diagnostics.push(semanticDiagnostic(file.source.path, code, name.span, args));
    };
    reportMissingImports(program, file, diagnostics);
    const top = new Scope();
    for (const name of BUILTIN_NAMES) top.add(name);
    for (const decl of file.ast.decls) {
      if (decl.kind === "ImportDecl") {
        if (decl.namespace) top.add(decl.namespace.name, decl.namespace);
        for (const spec of decl.names ?? []) top.add((spec.alias ?? spec.name).name, spec.alias ?? spec.name);
      } else if (decl.name.kind === "Ident") top.add(decl.name.name, decl.name);
    }
    const walker = new Walker(
      report,
      onUse ? (use, declaration) => onUse({ file: file.source.path, use, ...(declaration ? { declaration } : {}) }) : undefined,
    );
    for (const decl of file.ast.decls) walker.decl(decl, top);
  }
  return diagnostics;
}

/**
 * An imported name the imported file does not declare (REC3004), at the import: the one place
 * it is checked, with the names, so a misspelled import is reported where it is written even
 * when other names of the file fail to resolve (and elaboration never runs).
 */
function reportMissingImports(program: Program, file: Program["files"] extends ReadonlyMap<string, infer F> ? F : never, out: Diagnostic[]): void {
  for (const decl of file.ast.decls) {
    if (decl.kind !== "ImportDecl" || decl.path.kind !== "StringLit" || !decl.names?.length) continue;
    const target = program.files.get(importPath(file.source.path, decl.path.value));
    if (!target) continue;
    const declared = target.ast.decls.flatMap(declaredNames);
    for (const spec of decl.names) {
      if (declared.includes(spec.name.name)) continue;
      const [suggestion] = suggest(spec.name.name, declared, 1);
      out.push(
        semanticDiagnostic(file.source.path, "REC3004", spec.name.span, {
          path: decl.path.value,
          name: spec.name.name,
          ...(suggestion ? { suggestion } : {}),
          available: quoteList(declared.slice(0, 12), "and"),
        }),
      );
    }
  }
}

class Walker {
  /** Whether the walk is inside a model's `loss` or `metric` declaration. */
  private inLossOrMetric = false;

  constructor(
    private readonly reportName: (name: A.Ident, scope: Scope, inLossOrMetric: boolean) => void,
    private readonly onUse?: (use: A.Ident, declaration: A.Ident | undefined) => void,
  ) {}

  private report(name: A.Ident, scope: Scope) {
    this.reportName(name, scope, this.inLossOrMetric);
  }

  decl(decl: A.Decl, top: Scope): void {
    switch (decl.kind) {
      case "ModuleDecl": {
        const scope = top.child();
        for (const p of decl.params) this.addName(p.name, scope);
        for (const m of decl.members) {
          if (m.kind === "LetDecl") this.addPattern(m.pattern, scope);
          else if (m.kind === "WeightDecl") this.addName(m.name, scope);
          else if (m.kind === "ParamDecl") m.items.forEach((i) => this.addName(i.name, scope));
          else if (m.kind === "DimsDecl") m.names.forEach((n) => scope.add(n.name, n));
          else if (m.kind === "ForwardDecl" && m.name) this.addName(m.name, scope); // a named method
        }
        for (const p of decl.params) if (p.default) this.expr(p.default, scope);
        for (const m of decl.members) {
          if (m.kind === "LetDecl") this.expr(m.value, scope);
          else if (m.kind === "WeightDecl" && m.init) this.expr(m.init, scope);
          else if (m.kind === "ParamDecl") m.items.forEach((i) => i.default && this.expr(i.default, scope));
          else if (m.kind === "ForwardDecl") this.callable(m.params, m.returns, m.body, scope);
        }
        break;
      }
      case "FnDecl":
      case "RewardDecl":
        this.callable(decl.params, decl.returns, decl.body, top);
        break;
      case "ModelDecl": {
        const scope = top.child();
        for (const m of decl.members) {
          if (m.kind === "DimsDecl") m.names.forEach((n) => scope.add(n.name, n));
          else if (m.kind === "ParamDecl") m.items.forEach((i) => this.addName(i.name, scope));
          else if (m.kind === "InputDecl" || m.kind === "RoleDecl") this.addName(m.name, scope);
          else if (m.kind === "LetDecl") this.addPattern(m.pattern, scope);
        }
        const stages = scope.child();
        for (const m of decl.members) if (m.kind === "TrainDecl" && m.name) stages.add(m.name.name, m.name);
        for (const m of decl.members) {
          if (m.kind === "ParamDecl") m.items.forEach((i) => i.default && this.expr(i.default, scope));
          else if (m.kind === "LetDecl") this.expr(m.value, scope);
          else if (m.kind === "RoleDecl") {
            this.inLossOrMetric = m.role === "loss" || m.role === "metric";
            this.expr(m.value, scope);
            this.inLossOrMetric = false;
          } else if (m.kind === "TrainDecl") this.settings(m.settings, stages);
        }
        break;
      }
      case "ExperimentDecl":
        // The settings that name arms, models, metrics and heads are checked against the file's
        // models by semantics/experiment.ts, which words each precisely (REC3019); the rest
        // (seeds, steps, variants' values) are ordinary expressions.
        this.settings(
          decl.settings.filter((s) => !EXPERIMENT_NAMING_SETTINGS.has(s.name.name)),
          top,
        );
        break;
      case "SweepDecl":
        // The model, the space, the metric and the constraint are read and checked by
        // semantics/sweep-decl.ts (REC3021–REC3023): a space's values and a constraint's cost
        // names are not names of the file's scope.
        this.settings(
          decl.settings.filter((s) => !SWEEP_OWN_SETTINGS.has(s.name.name)),
          top,
        );
        break;
      case "SchemaDecl":
        for (const f of decl.fields) if (f.source) this.expr(f.source, top);
        break;
      case "ImportDecl":
        break;
    }
  }

  /** Parameters, then the body; names in the signature's shapes are dimension variables. */
  private callable(params: readonly A.Param[], returns: A.TypeExpr | undefined, body: A.Block, outer: Scope) {
    const scope = outer.child();
    for (const p of params) this.addName(p.name, scope);
    for (const p of params) if (p.type) this.typeNames(p.type, scope);
    if (returns) this.typeNames(returns, scope);
    for (const p of params) if (p.default) this.expr(p.default, outer);
    this.block(body, scope);
  }

  private typeNames(type: A.TypeExpr, scope: Scope) {
    const visit = (node: unknown) => {
      if (!node || typeof node !== "object") return;
      if ((node as A.Node).kind === "Ident" && !scope.has((node as A.Ident).name)) scope.add((node as A.Ident).name, node as A.Ident);
      for (const [key, value] of Object.entries(node)) if (key !== "name" || (node as A.Node).kind !== "NamedType") visit(value);
    };
    if (type.kind === "NamedType") {
      if (type.space) visit(type.space);
      for (const d of type.dims ?? []) visit(d);
    } else visit(type);
  }

  private block(block: A.Block, outer: Scope) {
    let scope = outer;
    for (const decl of block.lets) {
      this.expr(decl.value, scope);
      if (decl.update) {
        // `update name = …` names a state of the enclosing module: a use, not a binding.
        if (decl.pattern.kind === "Ident") this.expr(decl.pattern, scope);
        continue;
      }
      scope = scope.child();
      this.addPattern(decl.pattern, scope);
    }
    this.expr(block.result, scope);
  }

  private settings(settings: readonly A.Setting[], scope: Scope) {
    for (const s of settings) {
      if (s.value.kind === "SettingsBlock") this.settings(s.value.settings, scope);
      else this.expr(s.value, scope);
    }
  }

  private addName(name: A.Ident | A.Missing, scope: Scope) {
    if (name.kind === "Ident") scope.add(name.name, name);
  }

  private addPattern(pattern: A.Pattern, scope: Scope) {
    if (pattern.kind === "Ident") scope.add(pattern.name, pattern);
    else if (pattern.kind === "TuplePattern") pattern.elements.forEach((p) => this.addPattern(p, scope));
  }

  expr(expr: A.Expr, scope: Scope): void {
    switch (expr.kind) {
      case "Ident":
        if (!scope.has(expr.name)) this.report(expr, scope);
        else this.onUse?.(expr, scope.declaration(expr.name));
        return;
      case "Binary": {
        // A long chain is a left-deep tree: walk its left spine with a loop, not recursion.
        const rights: A.Expr[] = [];
        let node: A.Expr = expr;
        while (node.kind === "Binary") {
          rights.push(node.right);
          node = node.left;
        }
        this.expr(node, scope);
        for (let i = rights.length - 1; i >= 0; i--) this.expr(rights[i]!, scope);
        return;
      }
      case "Unary":
        this.expr(expr.operand, scope);
        return;
      case "Call":
      case "Index":
      case "Member": {
        // A chain of calls, indexes and members is a left spine: walk it with a loop.
        const suffixes: Array<A.Call | A.Index | A.Member> = [];
        let node: A.Expr = expr;
        for (; node.kind === "Call" || node.kind === "Index" || node.kind === "Member"; node = node.kind === "Call" ? node.callee : node.target)
          suffixes.push(node);
        this.expr(node, scope);
        for (let i = suffixes.length - 1; i >= 0; i--) {
          const suffix = suffixes[i]!;
          if (suffix.kind === "Call") suffix.args.forEach((a) => this.expr(a.value, scope));
          else if (suffix.kind === "Index") {
            for (const s of suffix.subscripts) {
              if (s.kind === "Slice") [s.start, s.stop, s.step].forEach((e) => e && this.expr(e, scope));
              else if (s.kind !== "EllipsisIndex") this.expr(s, scope);
            }
          }
        }
        return;
      }
      case "Lambda": {
        const inner = scope.child();
        expr.params.forEach((p) => this.addName(p.name, inner));
        this.expr(expr.body, inner);
        return;
      }
      case "IfExpr": {
        let node: A.Expr = expr;
        for (; node.kind === "IfExpr"; node = node.else) {
          this.expr(node.condition, scope);
          this.expr(node.then, scope);
        }
        this.expr(node, scope);
        return;
      }
      case "ListExpr":
      case "TupleExpr":
        expr.elements.forEach((e) => this.expr(e, scope));
        return;
      case "RecordExpr":
        expr.fields.forEach((f) => this.expr(f.value, scope));
        return;
      case "Comprehension": {
        let inner = scope;
        for (const clause of expr.clauses) {
          this.expr(clause.iterable, inner);
          inner = inner.child();
          this.addPattern(clause.pattern, inner);
          if (clause.condition) this.expr(clause.condition, inner);
        }
        this.expr(expr.element, inner);
        return;
      }
      default:
        return;
    }
  }
}
