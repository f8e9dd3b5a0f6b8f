// CST → AST: turns chevrotain's concrete tree into the typed AST of ast.ts, with a span on
// every node, doc comments attached, and the syntax checks a grammar cannot express
// (argument order, chained comparisons, one `...` per shape, blocks with a result).
// With recovery on, any child may be missing: every access is optional and becomes `Missing`.

import type { CstNode, IToken } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile, Span } from "../source/source-file.js";
import type * as A from "./ast.js";
import { NEGATE_PRECEDENCE, NOT_PRECEDENCE, PRECEDENCE } from "./ast.js";
import { decodeString, tokenEnd } from "./lexer.js";
import { syntaxDiagnostic } from "./syntax-diagnostics.js";

export interface BuildResult {
  readonly ast: A.File;
  readonly diagnostics: Diagnostic[];
}

export function buildAst(cst: CstNode, source: SourceFile, comments: readonly IToken[]): BuildResult {
  const builder = new AstBuilder(source, comments);
  const ast = builder.file(cst);
  return { ast, diagnostics: builder.diagnostics };
}

type Child = CstNode | IToken;

function isToken(child: Child): child is IToken {
  return (child as IToken).image !== undefined;
}

function isReal(token: IToken): boolean {
  return !token.isInsertedInRecovery && Number.isFinite(token.startOffset);
}

class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly docComments: IToken[];

  constructor(
    private readonly source: SourceFile,
    comments: readonly IToken[],
  ) {
    this.docComments = comments.filter((c) => c.image.startsWith("///"));
  }

  // ── Generic access ──────────────────────────────────────────────────────────────────
  // These accessors run for every CST node, so they avoid allocating: the builder's garbage
  // was a third of the front end's time before they did.
  private nodes(node: CstNode | undefined, key: string): CstNode[] {
    const children = node?.children[key] as Child[] | undefined;
    if (!children) return NO_NODES;
    return children.every((c) => !isToken(c)) ? (children as CstNode[]) : children.filter((c): c is CstNode => !isToken(c));
  }

  private node(node: CstNode | undefined, key: string, index = 0): CstNode | undefined {
    const child = (node?.children[key] as Child[] | undefined)?.[index];
    return child && !isToken(child) ? child : undefined;
  }

  private tokens(node: CstNode | undefined, key: string): IToken[] {
    const children = node?.children[key] as Child[] | undefined;
    if (!children) return NO_TOKENS;
    return children.filter((c): c is IToken => isToken(c) && isReal(c));
  }

  private token(node: CstNode | undefined, key: string, index = 0): IToken | undefined {
    const children = node?.children[key] as Child[] | undefined;
    if (!children) return undefined;
    let seen = 0;
    for (const child of children) if (isToken(child) && isReal(child) && seen++ === index) return child;
    return undefined;
  }

  /** All real tokens directly under `node` whose keys are in `keys`, in source order. */
  private tokensOf(node: CstNode | undefined, keys: readonly string[]): IToken[] {
    let found: IToken[] | undefined;
    for (const key of keys) {
      const children = node?.children[key] as Child[] | undefined;
      if (!children) continue;
      for (const child of children) if (isToken(child) && isReal(child)) (found ??= []).push(child);
    }
    if (!found) return NO_TOKENS;
    return found.length > 1 ? found.sort((a, b) => a.startOffset - b.startOffset) : found;
  }

  private span(node: CstNode | undefined, fallback?: Span): Span {
    const loc = node?.location;
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset)) {
      return { start: loc.startOffset, end: (loc.endOffset ?? loc.startOffset) + 1 };
    }
    // Recovered nodes may lack a location: fall back to the extent of their real tokens.
    let start = Infinity;
    let end = -Infinity;
    const visit = (n: CstNode) => {
      for (const children of Object.values(n.children)) {
        for (const child of children as Child[]) {
          if (isToken(child)) {
            if (isReal(child)) {
              start = Math.min(start, child.startOffset);
              end = Math.max(end, tokenEnd(child));
            }
          } else visit(child);
        }
      }
    };
    if (node) visit(node);
    if (start !== Infinity) return { start, end };
    return fallback ?? { start: this.source.text.length, end: this.source.text.length };
  }

  private tokenSpan(token: IToken): Span {
    return { start: token.startOffset, end: tokenEnd(token) };
  }

  private missing(span: Span): A.Missing {
    return { kind: "Missing", span: { start: span.end, end: span.end } };
  }

  private ident(token: IToken | undefined, fallback: Span): A.Ident | A.Missing {
    return token ? { kind: "Ident", name: token.image, span: this.tokenSpan(token) } : this.missing(fallback);
  }

  private report(code: string, span: Span, args: Record<string, string> = {}) {
    this.diagnostics.push(syntaxDiagnostic(this.source, code, span, args));
  }

  /** The `///` lines directly above `start`, joined; undefined when there are none. */
  private docAbove(start: number): string | undefined {
    const lines: string[] = [];
    let cursor = start;
    // Binary search for the last doc comment that starts before `start`, then walk upwards.
    let low = 0;
    let high = this.docComments.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.docComments[mid]!.startOffset < start) low = mid + 1;
      else high = mid;
    }
    for (let i = low - 1; i >= 0; i--) {
      const comment = this.docComments[i]!;
      const end = tokenEnd(comment);
      if (end > cursor) continue;
      const between = this.source.text.slice(end, cursor);
      if (!/^[ \t]*(\r\n|\r|\n)?[ \t]*$/.test(between)) break;
      lines.unshift(comment.image.slice(3).replace(/^ /, ""));
      cursor = comment.startOffset;
    }
    return lines.length ? lines.join("\n") : undefined;
  }

  private withDoc<T extends A.Node>(node: T): T {
    const doc = this.docAbove(node.span.start);
    return doc === undefined ? node : { ...node, doc };
  }

  // ── Declarations ────────────────────────────────────────────────────────────────────
  file(cst: CstNode): A.File {
    const decls: A.Decl[] = [];
    for (const top of this.nodes(cst, "topDecl")) {
      const decl = this.topDecl(top);
      if (decl) decls.push(decl);
    }
    return { kind: "File", span: { start: 0, end: this.source.text.length }, decls };
  }

  private topDecl(node: CstNode): A.Decl | undefined {
    const [key, child] = firstChild(node);
    if (!child) return undefined;
    switch (key) {
      case "importDecl":
        return this.withDoc(this.importDecl(child));
      case "moduleDecl":
        return this.withDoc(this.moduleDecl(child));
      case "modelDecl":
        return this.withDoc(this.modelDecl(child));
      case "fnDecl":
        return this.withDoc(this.callableDecl(child, "FnDecl"));
      case "rewardDecl":
        return this.withDoc(this.callableDecl(child, "RewardDecl"));
      case "schemaDecl":
        return this.withDoc(this.schemaDecl(child));
      case "experimentDecl":
        return this.withDoc(this.experimentDecl(child));
      case "sweepDecl":
        return this.withDoc(this.sweepDecl(child));
      default:
        return undefined;
    }
  }

  private importDecl(node: CstNode): A.ImportDecl {
    const span = this.span(node);
    const path = this.token(node, "StringLiteral");
    const namespace = this.token(node, "namespace");
    const specs = this.nodes(node, "importSpec").map((spec): A.ImportSpec => {
      const specSpan = this.span(spec, span);
      const name = this.token(spec, "name");
      const alias = this.token(spec, "alias");
      return {
        kind: "ImportSpec",
        span: specSpan,
        name: name ? { kind: "Ident", name: name.image, span: this.tokenSpan(name) } : { kind: "Ident", name: "", span: specSpan },
        ...(alias ? { alias: { kind: "Ident", name: alias.image, span: this.tokenSpan(alias) } } : {}),
      };
    });
    return {
      kind: "ImportDecl",
      span,
      ...(namespace ? { namespace: { kind: "Ident", name: namespace.image, span: this.tokenSpan(namespace) } as A.Ident } : { names: specs }),
      path: path ? { kind: "StringLit", value: decodeString(path.image), span: this.tokenSpan(path) } : this.missing(span),
    };
  }

  private moduleDecl(node: CstNode): A.ModuleDecl {
    const span = this.span(node);
    const members: A.ModuleMember[] = [];
    for (const member of this.nodes(node, "moduleMember")) {
      const [key, child] = firstChild(member);
      if (!child) continue;
      if (key === "letDecl") members.push(this.withDoc(this.letDecl(child)));
      else if (key === "weightDecl") members.push(this.withDoc(this.weightDecl(child)));
      else if (key === "paramDecl") members.push(this.withDoc(this.paramDecl(child)));
      else if (key === "dimsDecl") members.push(this.withDoc(this.dimsDecl(child)));
      else if (key === "forwardDecl") members.push(this.withDoc(this.forwardDecl(child)));
    }
    const paramList = this.node(node, "paramList");
    return {
      kind: "ModuleDecl",
      span,
      name: this.ident(this.token(node, "Identifier"), span),
      params: paramList ? this.paramList(paramList) : [],
      members,
    };
  }

  private modelDecl(node: CstNode): A.ModelDecl {
    const span = this.span(node);
    const members: A.ModelMember[] = [];
    for (const member of this.nodes(node, "modelMember")) {
      const [key, child] = firstChild(member);
      if (!child) continue;
      if (key === "dimsDecl") members.push(this.withDoc(this.dimsDecl(child)));
      else if (key === "paramDecl") members.push(this.withDoc(this.paramDecl(child)));
      else if (key === "inputDecl") members.push(this.withDoc(this.inputDecl(child)));
      else if (key === "letDecl") members.push(this.withDoc(this.letDecl(child)));
      else if (key === "roleDecl") members.push(this.withDoc(this.roleDecl(child)));
      else if (key === "trainDecl") members.push(this.withDoc(this.trainDecl(child)));
    }
    return { kind: "ModelDecl", span, name: this.ident(this.token(node, "Identifier"), span), members };
  }

  private callableDecl<K extends "FnDecl" | "RewardDecl">(decl: CstNode, kind: K) {
    const span = this.span(decl);
    const node = this.node(decl, "callable");
    const returns = this.node(node, "returnType");
    return {
      kind,
      span,
      name: this.ident(this.token(node, "Identifier"), span),
      params: this.paramList(this.node(node, "paramList")),
      ...(returns ? { returns: this.type(this.node(returns, "type"), this.span(returns)) } : {}),
      body: this.block(this.node(node, "block"), span),
    };
  }

  private schemaDecl(node: CstNode): A.SchemaDecl {
    const span = this.span(node);
    const fields = this.nodes(node, "schemaField").map((field): A.SchemaField => {
      const fieldSpan = this.span(field, span);
      const source = this.node(field, "expr");
      return this.withDoc({
        kind: "SchemaField",
        span: fieldSpan,
        name: this.ident(this.token(field, "Identifier"), fieldSpan),
        type: this.type(this.node(field, "type"), fieldSpan),
        ...(source ? { source: this.expr(source, fieldSpan) } : {}),
      });
    });
    return { kind: "SchemaDecl", span, name: this.ident(this.token(node, "Identifier"), span), fields };
  }

  private sweepDecl(node: CstNode): A.SweepDecl {
    const span = this.span(node);
    return { kind: "SweepDecl", span, name: this.ident(this.token(node, "Identifier"), span), settings: this.settings(this.node(node, "settingsBlock")) };
  }

  private experimentDecl(node: CstNode): A.ExperimentDecl {
    const span = this.span(node);
    return {
      kind: "ExperimentDecl",
      span,
      name: this.ident(this.token(node, "Identifier"), span),
      settings: this.settings(this.node(node, "settingsBlock")),
    };
  }

  // ── Members ─────────────────────────────────────────────────────────────────────────
  private dimsDecl(node: CstNode): A.DimsDecl {
    const names = this.tokens(node, "Identifier").map((t): A.Ident => ({ kind: "Ident", name: t.image, span: this.tokenSpan(t) }));
    return { kind: "DimsDecl", span: this.span(node), names };
  }

  private paramDecl(node: CstNode): A.ParamDecl {
    return { kind: "ParamDecl", span: this.span(node), items: this.nodes(node, "paramItem").map((p) => this.param(p)) };
  }

  private inputDecl(node: CstNode): A.InputDecl {
    const span = this.span(node);
    return {
      kind: "InputDecl",
      span,
      name: this.ident(this.token(node, "Identifier"), span),
      type: this.type(this.node(node, "type"), span),
      ...(node.children["Constant"] ? { constant: true as const } : {}),
    };
  }

  private letDecl(node: CstNode): A.LetDecl {
    const span = this.span(node);
    const type = this.node(node, "type");
    return {
      kind: "LetDecl",
      span,
      pattern: this.pattern(this.node(node, "pattern"), span),
      ...(type ? { type: this.type(type, span) } : {}),
      value: this.expr(this.node(node, "expr"), span),
    };
  }

  private updateDecl(node: CstNode): A.LetDecl {
    const span = this.span(node);
    return { kind: "LetDecl", span, pattern: this.ident(this.token(node, "Identifier"), span), value: this.expr(this.node(node, "expr"), span), update: true };
  }

  private weightDecl(node: CstNode): A.WeightDecl {
    const span = this.span(node);
    const init = this.node(node, "expr");
    return {
      kind: "WeightDecl",
      ...(this.token(node, "State") ? { state: true as const } : {}),
      span,
      name: this.ident(this.token(node, "Identifier"), span),
      type: this.type(this.node(node, "type"), span),
      ...(init ? { init: this.expr(init, span) } : {}),
    };
  }

  private roleDecl(node: CstNode): A.RoleDecl {
    const span = this.span(node);
    const roleToken = this.tokensOf(node, ["Encoder", "Head", "Loss", "Metric", "Policy"])[0];
    const type = this.node(node, "type");
    return {
      kind: "RoleDecl",
      span,
      role: (roleToken?.image ?? "head") as A.Role,
      name: this.ident(this.token(node, "Identifier"), span),
      ...(type ? { type: this.type(type, span) } : {}),
      value: this.expr(this.node(node, "expr"), span),
    };
  }

  private trainDecl(node: CstNode): A.TrainDecl {
    const name = this.token(node, "Identifier");
    return {
      kind: "TrainDecl",
      span: this.span(node),
      ...(name ? { name: { kind: "Ident", name: name.image, span: this.tokenSpan(name) } as A.Ident } : {}),
      settings: this.settings(this.node(node, "settingsBlock")),
    };
  }

  private settings(block: CstNode | undefined): A.Setting[] {
    return this.nodes(block, "setting").flatMap((setting): A.Setting[] => {
      const name = this.token(setting, "Identifier");
      if (!name) return [];
      const span = this.span(setting);
      const nested = this.node(setting, "settingsBlock");
      const value: A.Expr | A.SettingsBlock = nested
        ? { kind: "SettingsBlock", span: this.span(nested), settings: this.settings(nested) }
        : this.expr(this.node(setting, "expr"), span);
      return [{ kind: "Setting", span, name: { kind: "Ident", name: name.image, span: this.tokenSpan(name) }, value }];
    });
  }

  private forwardDecl(node: CstNode): A.ForwardDecl {
    const span = this.span(node);
    const name = this.token(node, "Identifier");
    const returns = this.node(node, "returnType");
    return {
      kind: "ForwardDecl",
      span,
      ...(name ? { name: { kind: "Ident", name: name.image, span: this.tokenSpan(name) } as A.Ident } : {}),
      params: this.paramList(this.node(node, "paramList")),
      ...(returns ? { returns: this.type(this.node(returns, "type"), this.span(returns)) } : {}),
      body: this.block(this.node(node, "block"), span),
    };
  }

  private paramList(node: CstNode | undefined): A.Param[] {
    return this.nodes(node, "param").map((p) => this.param(p));
  }

  /** Shared by `param` (module and function parameters) and `paramItem` (`param` members). */
  private param(node: CstNode): A.Param {
    const span = this.span(node);
    const type = this.node(node, "type");
    const value = this.node(node, "expr");
    const hasEquals = this.token(node, "Equals") !== undefined;
    return {
      kind: "Param",
      span,
      name: this.ident(this.token(node, "Identifier"), span),
      ...(type ? { type: this.type(type, span) } : {}),
      ...(value || hasEquals ? { default: this.expr(value, span) } : {}),
    };
  }

  private block(node: CstNode | undefined, fallback: Span): A.Block {
    const span = this.span(node, fallback);
    const lets = [
      ...this.nodes(node, "letDecl").map((l) => this.withDoc(this.letDecl(l))),
      ...this.nodes(node, "updateDecl").map((u) => this.withDoc(this.updateDecl(u))),
    ].sort((a, b) => a.span.start - b.span.start);
    const result = this.node(node, "expr");
    if (!result && node && this.token(node, "RBrace")) {
      const close = this.token(node, "RBrace")!;
      const joined = this.minusStartingLine(lets.at(-1));
      if (joined) this.report("REC1020", joined.span, { case: "minus", operand: joined.operand });
      else this.report("REC1020", this.tokenSpan(close));
    }
    return { kind: "Block", span, lets, result: this.expr(result, span) };
  }

  /**
   * The `-` that starts a line inside the last `let`'s value, if any: an operator at the start of a
   * line continues the expression above (as the formatter writes long sums), so a result line
   * `-a` became `let … = x * 2.0 - a` and the block lost its result.
   */
  private minusStartingLine(last: A.LetDecl | undefined): { span: Span; operand: string } | undefined {
    if (!last) return undefined;
    let value: A.Expr = last.value;
    while (value.kind === "Binary" && value.op !== "-") value = value.right;
    if (value.kind !== "Binary") return undefined;
    const between = this.source.text.slice(value.left.span.end, value.right.span.start);
    const at = between.indexOf("-");
    if (at < 0 || !/\n[ \t]*$/.test(between.slice(0, at))) return undefined;
    const start = value.left.span.end + at;
    const operand = this.source.text.slice(value.right.span.start, value.right.span.end);
    return { span: { start, end: start + 1 }, operand: operand.length <= 30 && !operand.includes("\n") ? operand : "…" };
  }

  private pattern(node: CstNode | undefined, fallback: Span): A.Pattern {
    if (!node) return this.missing(fallback);
    const span = this.span(node, fallback);
    const nested = this.nodes(node, "pattern");
    if (this.token(node, "LParen") || nested.length) {
      return { kind: "TuplePattern", span, elements: nested.map((p) => this.pattern(p, span)) };
    }
    return this.ident(this.token(node, "Identifier"), span);
  }

  // ── Types ───────────────────────────────────────────────────────────────────────────
  private type(node: CstNode | undefined, fallback: Span): A.TypeExpr {
    if (!node) return this.missing(fallback);
    const span = this.span(node, fallback);
    if (this.token(node, "Fn")) return { kind: "FnType", span };
    const named = this.node(node, "namedType");
    if (named) return this.namedType(named, span);
    const list = this.node(node, "listType");
    if (list) return { kind: "ListType", span, element: this.type(this.node(list, "type"), span) };
    const tuple = this.node(node, "tupleType");
    if (tuple) return { kind: "TupleType", span, elements: this.nodes(tuple, "type").map((t) => this.type(t, span)) };
    return this.missing(span);
  }

  private namedType(node: CstNode, fallback: Span): A.NamedType {
    const span = this.span(node, fallback);
    const nameToken = this.token(node, "Identifier");
    const space = this.node(node, "dimExpr");
    const hasBrackets = this.token(node, "LBracket") !== undefined;
    const dims = this.nodes(node, "dim").map((d) => this.dim(d, span));
    const ellipses = dims.filter((d) => d.kind === "EllipsisDim");
    if (ellipses.length > 1) this.report("REC1018", ellipses[1]!.span);
    return {
      kind: "NamedType",
      span,
      name: nameToken ? { kind: "Ident", name: nameToken.image, span: this.tokenSpan(nameToken) } : { kind: "Ident", name: "", span },
      ...(space ? { space: this.expr(space, span) } : {}),
      ...(hasBrackets ? { dims } : {}),
    };
  }

  private dim(node: CstNode, fallback: Span): A.Dim {
    const span = this.span(node, fallback);
    if (this.token(node, "Ellipsis")) {
      const name = this.token(node, "Identifier");
      return {
        kind: "EllipsisDim",
        span,
        ...(name ? { name: { kind: "Ident", name: name.image, span: this.tokenSpan(name) } as A.Ident } : {}),
      };
    }
    return this.expr(this.node(node, "dimExpr"), span);
  }

  // ── Expressions ─────────────────────────────────────────────────────────────────────
  /** Builds any expression-level CST node (the rule name says which). */
  expr(node: CstNode | undefined, fallback: Span): A.Expr {
    if (!node) return this.missing(fallback);
    const span = this.span(node, fallback);
    switch (node.name) {
      case "expr": {
        const lambda = this.node(node, "lambdaExpr");
        if (lambda) return this.expr(lambda, span);
        const conditional = this.node(node, "ifExpr");
        if (conditional) return this.expr(conditional, span);
        return this.climb(node, "BinaryOperator", span);
      }
      case "lambdaExpr":
        return {
          kind: "Lambda",
          span,
          params: this.paramList(this.node(node, "paramList")),
          body: this.expr(this.node(node, "expr"), span),
        };
      case "ifExpr": {
        // An `else if` chain nests in the tree (each `else` holds the next conditional), built
        // from its last branch backwards so a long chain needs no recursion.
        const conditions = this.nodes(node, "condition");
        const thens = this.nodes(node, "then");
        const ifs = this.tokensOf(node, ["If"]);
        let result = this.expr(this.node(node, "else"), span);
        for (let i = Math.max(1, conditions.length, thens.length) - 1; i >= 0; i--) {
          const start = ifs[i]?.startOffset ?? span.start;
          const branchSpan = { start, end: span.end };
          result = { kind: "IfExpr", span: branchSpan, condition: this.expr(conditions[i], branchSpan), then: this.expr(thens[i], branchSpan), else: result };
        }
        return result;
      }
      case "dimExpr":
        return this.climb(node, "ArithmeticOperator", span);
      case "operand":
        return this.climb(node, "", span);
      default:
        return this.missing(span);
    }
  }

  /**
   * Precedence climbing over the flat `operand (op operand)*` list of an expr or dimExpr.
   * Prefix operators bind looser than `**` and tighter than `*`, (`-x ** 2` is `-(x ** 2)`), and
   * `not` binds looser than comparisons; comparisons may not chain (REC1017).
   */
  private climb(node: CstNode, opKey: string, span: Span): A.Expr {
    // An operand on its own (reached only through `expr` of a lone operand) climbs over itself.
    const operands = node.name === "operand" ? [node] : this.nodes(node, "operand");
    const ops = opKey ? this.tokensOf(node, [opKey]) : NO_TOKENS;
    let position = 0;
    let opIndex = 0;
    const operand = (minimum: number): A.Expr => {
      const cst = operands[position++];
      const prefixes = this.tokensOf(cst, ["Minus", "Not"]);
      const base = cst ? this.postfix(cst, this.span(cst, span)) : this.missing(span);
      return applyPrefixes(prefixes, 0, base, minimum);
    };
    // A prefix applies to everything that binds tighter than itself, starting at its operand.
    const applyPrefixes = (prefixes: IToken[], i: number, base: A.Expr, _minimum: number): A.Expr => {
      if (i >= prefixes.length) return base;
      const prefix = prefixes[i]!;
      const isNot = prefix.image === "not";
      const inner = applyPrefixes(prefixes, i + 1, base, 0);
      const body = continueFrom(inner, (isNot ? NOT_PRECEDENCE : NEGATE_PRECEDENCE) + 1);
      return { kind: "Unary", span: { start: prefix.startOffset, end: Math.max(body.span.end, tokenEnd(prefix)) }, op: isNot ? "not" : "-", operand: body };
    };
    const continueFrom = (start: A.Expr, minimum: number): A.Expr => {
      let left = start;
      let comparisons = 0;
      while (opIndex < ops.length) {
        const op = ops[opIndex]!;
        const symbol = op.image as A.BinaryOp;
        const precedence = PRECEDENCE[symbol];
        if (precedence < minimum) break;
        opIndex++;
        if (precedence === PRECEDENCE["=="] && ++comparisons > 1) this.report("REC1017", this.tokenSpan(op));
        const right = continueFrom(operand(0), symbol === "**" ? precedence : precedence + 1);
        left = { kind: "Binary", span: { start: left.span.start, end: Math.max(right.span.end, tokenEnd(op)) }, op: symbol, left, right };
      }
      return left;
    };
    const first = operand(0);
    return continueFrom(first, 0);
  }

  /** The primary part of an operand with its calls, indexes and member accesses applied. */
  private postfix(node: CstNode, span: Span): A.Expr {
    let target = this.primary(node, span);
    const suffixes = [...this.nodes(node, "callSuffix"), ...this.nodes(node, "indexSuffix"), ...this.nodes(node, "memberSuffix")].sort(
      (a, b) => this.span(a, span).start - this.span(b, span).start,
    );
    for (const suffix of suffixes) {
      const suffixSpan = this.span(suffix, span);
      const whole = { start: target.span.start, end: suffixSpan.end };
      if (suffix.name === "callSuffix") {
        target = { kind: "Call", span: whole, callee: target, args: this.args(suffix, suffixSpan) };
      } else if (suffix.name === "indexSuffix") {
        const subscripts = this.nodes(suffix, "subscript").map((s) => this.subscript(s, suffixSpan));
        if (subscripts.length === 0 || subscripts.some((s) => s.kind === "Missing")) this.report("REC1019", suffixSpan);
        target = { kind: "Index", span: whole, target, subscripts };
      } else {
        target = { kind: "Member", span: whole, target, name: this.ident(this.token(suffix, "Identifier"), suffixSpan) };
      }
    }
    return target;
  }

  private args(node: CstNode, span: Span): A.Argument[] {
    const args = this.nodes(node, "argument").map((arg): A.Argument => {
      const argSpan = this.span(arg, span);
      const name = this.token(arg, "name");
      return {
        kind: "Argument",
        span: argSpan,
        ...(name ? { name: { kind: "Ident", name: name.image, span: this.tokenSpan(name) } as A.Ident } : {}),
        value: this.expr(this.node(arg, "expr"), argSpan),
      };
    });
    const seen = new Set<string>();
    let sawNamed = false;
    for (const arg of args) {
      if (arg.name) {
        sawNamed = true;
        if (seen.has(arg.name.name)) this.report("REC1016", arg.span, { name: arg.name.name });
        seen.add(arg.name.name);
      } else if (sawNamed) {
        this.report("REC1015", arg.span);
      }
    }
    return args;
  }

  private subscript(node: CstNode, fallback: Span): A.Subscript {
    const span = this.span(node, fallback);
    if (this.token(node, "Ellipsis")) return { kind: "EllipsisIndex", span };
    const start = this.node(node, "start");
    if (!this.token(node, "Colon")) return this.expr(start, span);
    const stop = this.node(node, "stop");
    const step = this.node(node, "step");
    return {
      kind: "Slice",
      span,
      ...(start ? { start: this.expr(start, span) } : {}),
      ...(stop ? { stop: this.expr(stop, span) } : {}),
      ...(step ? { step: this.expr(step, span) } : {}),
    };
  }

  private primary(node: CstNode, span: Span): A.Expr {
    let literal: IToken | undefined;
    for (const key of LITERAL_KEYS) {
      const child = (node.children[key] as Child[] | undefined)?.[0];
      if (child && isToken(child) && isReal(child)) literal = child;
    }
    if (literal) {
      const type = literal.tokenType.name;
      const s = this.tokenSpan(literal);
      if (type === "IntLiteral" || type === "FloatLiteral") {
        return { kind: "NumberLit", span: s, raw: literal.image, value: Number(literal.image.replace(/_/g, "")), isFloat: type === "FloatLiteral" };
      }
      if (type === "StringLiteral") return { kind: "StringLit", span: s, value: decodeString(literal.image) };
      if (type === "True" || type === "False") return { kind: "BoolLit", span: s, value: type === "True" };
      return { kind: "Ident", span: s, name: literal.image };
    }
    const paren = this.node(node, "parenExpr");
    if (paren) {
      const elements = this.nodes(paren, "expr").map((e) => this.expr(e, span));
      const commas = this.tokens(paren, "Comma").length;
      if (elements.length === 1 && commas === 0) return elements[0]!;
      return { kind: "TupleExpr", span, elements };
    }
    const list = this.node(node, "listExpr");
    if (list) {
      const elements = this.nodes(list, "expr").map((e) => this.expr(e, span));
      const clauses = this.nodes(list, "compClause");
      if (clauses.length) {
        return {
          kind: "Comprehension",
          span,
          element: elements[0] ?? this.missing(span),
          clauses: clauses.map((c): A.CompClause => {
            const cSpan = this.span(c, span);
            const condition = this.node(c, "condition");
            return {
              kind: "CompClause",
              span: cSpan,
              pattern: this.pattern(this.node(c, "pattern"), cSpan),
              iterable: this.expr(this.node(c, "iterable"), cSpan),
              ...(condition ? { condition: this.expr(condition, cSpan) } : {}),
            };
          }),
        };
      }
      return { kind: "ListExpr", span, elements };
    }
    const record = this.node(node, "recordExpr");
    if (record) {
      return {
        kind: "RecordExpr",
        span,
        fields: this.nodes(record, "recordField").flatMap((f): A.RecordField[] => {
          const name = this.token(f, "Identifier");
          const quoted = this.token(f, "StringLiteral");
          const fSpan = this.span(f, span);
          if (!name && !quoted) return [];
          return [
            {
              kind: "RecordField",
              span: fSpan,
              name: { kind: "Ident", name: name ? name.image : decodeString(quoted!.image), span: this.tokenSpan((name ?? quoted)!) },
              ...(quoted ? { quoted: true as const } : {}),
              value: this.expr(this.node(f, "expr"), fSpan),
            },
          ];
        }),
      };
    }
    return this.missing(span);
  }
}

const NO_NODES: CstNode[] = [];
const LITERAL_KEYS = ["IntLiteral", "FloatLiteral", "StringLiteral", "True", "False", "Identifier"];
const NO_TOKENS: IToken[] = [];

/** The single child of an alternation node (topDecl, moduleMember, expr, …). */
function firstChild(node: CstNode): [string, CstNode | undefined] {
  for (const key in node.children) {
    for (const child of node.children[key] as Child[]) if (!isToken(child)) return [key, child];
  }
  return ["", undefined];
}
