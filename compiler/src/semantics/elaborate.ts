// The elaborator: evaluates a program at compile time. Compile-time values (numbers, lists,
// functions, modules) are computed; tensors are tracked by type only. Along the way it unrolls
// comprehensions and conditionals, instantiates modules (creating weights with qualified
// names), checks every op against the registry's shape and dtype rules, and adds up costs.

import { unknownName } from "./std-exports.js";
import { foldConstants } from "./fold-constants.js";
import type { WorldContracts } from "./world-check.js";
import type { Diagnostic, Label } from "../diagnostics/diagnostic.js";
import type { SourceLookup } from "../diagnostics/render.js";
import { suggest } from "../diagnostics/suggest.js";
import type { Span } from "../source/source-file.js";
import type * as A from "../syntax/ast.js";
import { OPERATOR_OPS, OPS, UNARY_OPERATOR_OPS } from "../ops/index.js";
import { BUILTINS } from "./builtins/index.js";
import { MAX_UNROLL } from "./builtins/compile-time.js";
import { addDims, constDim, constValue, divDims, mulDims, printDim, subDims, type Dim } from "../types/dims.js";
import { Env, type BindingSource, type Slot } from "./env.js";
import { namesIn } from "../syntax/names-in.js";
import { semanticDiagnostic } from "./semantic-diagnostics.js";
import type { TensorType } from "../types/tensor-type.js";
import { Unifier } from "../types/unify.js";
import { GraphBuilder } from "../ir/builder.js";
import type { Loc } from "../ir/ir.js";
import { POISON, describeValue, type Value } from "./values.js";
import { callValue, evalArgs } from "./calls.js";
import { indexValue } from "./indexing.js";
import { calleeName, evalPipe } from "./pipes.js";
import type { Vars } from "./type-patterns.js";

/** Calls of functions and modules open at once (real models: a few dozen; 2,000 overflowed the stack). */
const MAX_CALL_DEPTH = 200;

/**
 * Forcing nesting past which a binding's dependencies are forced first, in dependency order, so a
 * chain of ten thousand `let`s does not recurse ten thousand times (spec/ARCHITECTURE.md, Limits).
 */
export const FORCE_DEPTH_BEFORE_ORDERING = 64;

export interface WeightInfo {
  readonly path: string;
  readonly type: TensorType;
  readonly init?: Value;
  readonly span: Span;
  readonly file: string;
  group: "embedding" | "dense" | "state"; // embedding: lookup tables; state: `state name: T`
}

/** What one model's elaboration accumulates. */
export interface ModelState {
  /** The model's graph, recorded as it is evaluated. */
  readonly graph: GraphBuilder;
  readonly weights: WeightInfo[];
  readonly anonymousCounts: Map<string, number>;
  /** Attention that sees later positions: a block's `causal = false`, or hand-written weights (`node`) with no causal mask. */
  readonly nonCausal: { span: Span; file: string; node?: number }[];
  readonly updates: Map<string, { node: number; span: Span; file: string }>; // `update` statements
}

export interface EvalContext {
  readonly file: string;
  /** Qualified-name prefix for instances created here. */
  readonly path: string;
  /** When true, a module instantiated by this expression takes `path` itself as its name. */
  readonly bindName: boolean;
  readonly role?: A.Role;
  /** Inside the body of this reward. */
  readonly reward?: string;
  readonly model: ModelState;
}

export function newModelState(): ModelState {
  return { graph: new GraphBuilder(), weights: [], anonymousCounts: new Map(), nonCausal: [], updates: new Map() };
}

/** A call being elaborated: where it is, for "called at" notes on errors inside libraries. */
export interface Frame {
  readonly file: string;
  readonly span: Span;
  readonly name: string;
}

export class Elaborator {
  readonly diagnostics: Diagnostic[] = [];
  readonly unifier = new Unifier();
  private readonly reported = new Set<string>();
  private readonly frames: Frame[] = [];
  /**
   * Block `let`s by declaration (file:start:end): the REC3007 to report if no evaluation uses it,
   * or null once one has. A function body runs once per call and a module's once per instance,
   * and a let a compile-time `if` reads in one instance only is still used (flushUnusedLets).
   */
  private readonly unusedLets = new Map<string, Diagnostic | null>();

  /**
   * `sources` turns a file's offsets into positions for notes; without it notes are omitted.
   * `worlds`: the synthetic worlds' contracts a `data = synthetic(…)` is checked against (none: unchecked).
   */
  constructor(
    private readonly sources?: SourceLookup,
    readonly worlds?: WorldContracts,
  ) {}

  within<T>(frame: Frame, run: () => T): T {
    this.frames.push(frame);
    try {
      return run();
    } finally {
      this.frames.pop();
    }
  }

  /** The functions and modules being called, by their declaration, with where each call began. */
  private readonly active = new Map<object, number>();

  /**
   * `within` for a call of a function or module (`decl` is its declaration). A call of one that
   * is already being called — directly or through others — is recursion, which the language does
   * not have (a graph is unrolled at compile time, and repetition is `fold` or a comprehension):
   * REC3020, showing the cycle, instead of unrolling until the stack overflows.
   */
  withinCall(decl: object, frame: Frame, ctx: EvalContext, run: () => Value): Value {
    const started = this.active.get(decl);
    if (started !== undefined) {
      const cycle = [...this.frames.slice(started).map((f) => f.name), frame.name].filter((n) => n !== "lambda");
      this.report(ctx, "REC3020", frame.span, { name: frame.name, cycle: cycle.join(" → ") });
      return POISON;
    }
    if (this.frames.length >= MAX_CALL_DEPTH) {
      this.report(ctx, "REC3026", frame.span, { name: frame.name, limit: String(MAX_CALL_DEPTH) });
      return POISON;
    }
    this.active.set(decl, this.frames.length);
    try {
      return this.within(frame, run);
    } finally {
      this.active.delete(decl);
    }
  }

  /** One evaluation of a block `let`: used or not (REC3007 waits for every evaluation: flushUnusedLets). */
  noteBlockLet(ctx: { file: string }, span: Span, name: string, used: boolean): void {
    const key = `${ctx.file}:${span.start}:${span.end}`;
    if (used) this.unusedLets.set(key, null);
    else if (!this.unusedLets.has(key)) {
      const diagnostic = semanticDiagnostic(ctx.file, "REC3007", span, { name }, []);
      this.unusedLets.set(key, { ...diagnostic, notes: [...diagnostic.notes, ...this.callNotes(ctx.file)] });
    }
  }

  /** Reports the block `let`s no evaluation used (after every model of the program is elaborated). */
  flushUnusedLets(): void {
    for (const [key, diagnostic] of this.unusedLets) {
      if (!diagnostic || this.reported.has(`${key}:REC3007`)) continue;
      this.reported.add(`${key}:REC3007`);
      this.diagnostics.push(diagnostic);
    }
    this.unusedLets.clear();
  }

  report(ctx: { file: string }, code: string, span: Span, args: Record<string, string> = {}, secondary: Label[] = []): void {
    const key = `${ctx.file}:${span.start}:${span.end}:${code}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const diagnostic = semanticDiagnostic(ctx.file, code, span, args, [...secondary, ...this.declarations(ctx.file, args)]);
    this.diagnostics.push({ ...diagnostic, notes: [...diagnostic.notes, ...this.callNotes(ctx.file)] });
  }

  /**
   * For an error inside another file than the user's (a library), the calls that led there,
   * innermost first, ending with the call in the user's own file.
   */
  private callNotes(file: string): string[] {
    const outer = this.frames[0];
    if (!outer || outer.file === file || !this.sources) return [];
    const notes: string[] = [];
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i]!;
      if (frame.name === "lambda") continue;
      const at = this.sources(frame.file)?.position(frame.span.start);
      if (at) notes.push(`in \`${frame.name}\`, used at ${frame.file}:${at.line}:${at.column}`);
      if (frame.file === outer.file) break;
    }
    return notes.length > 3 ? [...notes.slice(0, 2), notes[notes.length - 1]!] : notes;
  }

  /** Labels at the `dims` declarations of the symbolic dims a shape message mentions. */
  private declarations(file: string, args: Record<string, string>): Label[] {
    const text = `${args["left"] ?? ""} ${args["right"] ?? ""} ${args["found"] ?? ""} ${args["declared"] ?? ""}`;
    const labels: Label[] = [];
    for (const [name, span] of this.unifier.declared) {
      if (new RegExp(`\\b${name}\\b`).test(text) && this.declaredIn.get(name) === file) labels.push({ span, message: `\`${name}\` is declared here` });
    }
    return labels;
  }

  /** The file each rigid dim was declared in. */
  readonly declaredIn = new Map<string, string>();

  // ── Names ───────────────────────────────────────────────────────────────────────────
  /** The value of `name`, forcing a lazy binding; reports unknown names and cycles. */
  lookup(name: string, env: Env, span: Span, ctx: EvalContext): Value {
    const slot = env.lookup(name);
    if (!slot) {
      const builtin = (n: string) => OPS.has(n) || BUILTINS.has(n);
      const [suggestion] = suggest(
        name,
        env.visibleNames().filter((n) => !builtin(n) || n.length > 2),
        1,
      );
      const { code, args } = unknownName(name, (ctx.role === "loss" || ctx.role === "metric") && !builtin(name), suggestion);
      this.report(ctx, code, span, args);
      return POISON;
    }
    slot.used = true;
    return this.force(name, slot, span, ctx);
  }

  /** Looks a name up without reporting anything (for id-space names in types). */
  lookupQuiet(name: string, env: Env): Value | undefined {
    const slot = env.lookup(name);
    if (!slot || slot.state === "computing") return undefined;
    slot.used = true;
    return slot.state === "ready" ? slot.value : undefined;
  }

  private readonly computing: string[] = [];

  force(name: string, slot: Slot, span: Span, ctx: { file: string }): Value {
    if (slot.state === "ready") return slot.value;
    if (slot.state === "computing") {
      const cycle = [...this.computing.slice(this.computing.lastIndexOf(name)), name];
      this.report(ctx, "REC3016", span, { name, cycle: cycle.join(" → ") });
      return POISON;
    }
    if (this.computing.length >= FORCE_DEPTH_BEFORE_ORDERING && slot.source) this.forceDependenciesFirst(slot.source, span, ctx);
    // Ordering may have forced the binding itself (it mentions itself through a cycle).
    if ((slot as Slot).state !== "pending") return this.force(name, slot as Slot, span, ctx);
    const compute = slot.compute;
    Object.assign(slot, { state: "computing" });
    this.computing.push(name);
    let value: Value = POISON;
    try {
      value = compute();
    } finally {
      this.computing.pop();
      Object.assign(slot, { state: "ready", value });
    }
    return value;
  }

  /**
   * Forces the pending bindings a binding's expression mentions, and theirs, deepest first, with
   * an explicit stack: after this, forcing the binding itself no longer nests. Used only past
   * FORCE_DEPTH_BEFORE_ORDERING, so ordinary programs keep plain first-use order (which fixes the
   * order weights are created in, and so their seeded initial values).
   */
  private forceDependenciesFirst(source: BindingSource, span: Span, ctx: { file: string }): void {
    type Pending = { name: string; slot: Slot };
    const dependencies = (of: BindingSource): Pending[] =>
      namesIn(of.expr).flatMap((name) => {
        const slot = of.env.lookup(name);
        return slot?.state === "pending" && slot.source ? [{ name, slot }] : [];
      });
    const seen = new Set<Slot>();
    const order: Pending[] = [];
    const stack: Array<{ binding?: Pending; next: Pending[] }> = [{ next: dependencies(source).reverse() }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const dependency = top.next.pop();
      if (!dependency) {
        stack.pop();
        if (top.binding) order.push(top.binding);
      } else if (!seen.has(dependency.slot)) {
        seen.add(dependency.slot);
        const source = dependency.slot.state === "pending" ? dependency.slot.source : undefined;
        stack.push({ binding: dependency, next: source ? dependencies(source).reverse() : [] });
      }
    }
    for (const { name, slot } of order) this.force(name, slot, span, ctx);
  }

  // ── Expressions ─────────────────────────────────────────────────────────────────────
  evalExpr(expr: A.Expr, env: Env, ctx: EvalContext): Value {
    switch (expr.kind) {
      case "NumberLit":
        return expr.isFloat ? { kind: "float", value: expr.value } : { kind: "int", dim: constDim(expr.value) };
      case "StringLit":
        return { kind: "string", value: expr.value };
      case "BoolLit":
        return { kind: "bool", value: expr.value };
      case "Ident":
        return this.lookup(expr.name, env, expr.span, ctx);
      case "Missing":
        return POISON;
      case "Unary":
        return this.unary(expr, env, ctx);
      case "Binary":
        return expr.op === "|>" ? evalPipe(this, expr, env, ctx) : this.binary(expr, env, ctx);
      case "Call":
      case "Index":
      case "Member":
        return this.suffixChain(expr, env, ctx);
      case "Lambda":
        return { kind: "closure", name: "lambda", params: expr.params, body: expr.body, env, isReward: false, span: expr.span };
      case "IfExpr": {
        // Only the branch taken is compiled; an `else if` chain is followed with a loop.
        let node: A.Expr = expr;
        for (; node.kind === "IfExpr"; node = node.else) {
          const condition = this.evalExpr(node.condition, env, { ...ctx, bindName: false });
          if (condition.kind === "poison") return POISON;
          if (condition.kind !== "bool") {
            if (condition.kind === "tensor") this.report(ctx, "REC2010", node.condition.span, { what: "`if … then … else`" });
            else this.report(ctx, "REC2011", node.condition.span, { param: "condition", callee: "if", expected: "a bool", found: describeValue(condition) });
            return POISON;
          }
          if (condition.value) return this.evalExpr(node.then, env, ctx);
        }
        return this.evalExpr(node, env, ctx);
      }
      case "ListExpr":
        return { kind: "list", items: expr.elements.map((e, i) => this.evalExpr(e, env, this.element(ctx, i))) };
      case "TupleExpr":
        return { kind: "tuple", items: expr.elements.map((e, i) => this.evalExpr(e, env, this.element(ctx, i))) };
      case "RecordExpr":
        return { kind: "record", fields: new Map(expr.fields.map((f) => [f.name.name, this.evalExpr(f.value, env, { ...ctx, bindName: false })])) };
      case "Comprehension":
        return this.comprehension(expr, env, ctx);
    }
  }

  /** The context for element `i` of a list bound by name: instances are named `path.i`. */
  private element(ctx: EvalContext, i: number): EvalContext {
    return ctx.bindName ? { ...ctx, path: `${ctx.path}.${i}` } : ctx;
  }

  private comprehension(expr: A.Comprehension, env: Env, ctx: EvalContext): Value {
    const items: Value[] = [];
    // Nested clauses multiply: the limit counts the iterations of every clause together.
    let iterations = 0;
    const loop = (clauseIndex: number, scope: Env): boolean => {
      const clause = expr.clauses[clauseIndex];
      if (!clause) {
        items.push(this.evalExpr(expr.element, scope, this.element(ctx, items.length)));
        return true;
      }
      const iterable = this.evalExpr(clause.iterable, scope, { ...ctx, bindName: false });
      if (iterable.kind === "poison") return false;
      if (iterable.kind !== "list" && iterable.kind !== "tuple") {
        if (iterable.kind === "tensor") this.report(ctx, "REC2010", clause.iterable.span, { what: "a comprehension" });
        else this.report(ctx, "REC2011", clause.iterable.span, { param: "iterable", callee: "for", expected: "a list", found: describeValue(iterable) });
        return false;
      }
      for (const item of iterable.items) {
        if (++iterations > MAX_UNROLL) {
          this.report(ctx, "REC2022", expr.span, { case: "comprehension", limit: String(MAX_UNROLL) });
          return false;
        }
        const inner = scope.child();
        this.bindPattern(clause.pattern, item, inner, ctx, "arg");
        if (clause.condition) {
          const keep = this.evalExpr(clause.condition, inner, { ...ctx, bindName: false });
          if (keep.kind === "tensor") {
            this.report(ctx, "REC2010", clause.condition.span, { what: "a comprehension's `if`" });
            return false;
          }
          if (keep.kind !== "bool" || !keep.value) continue;
        }
        if (!loop(clauseIndex + 1, inner)) return false;
      }
      return true;
    };
    return loop(0, env) ? { kind: "list", items } : POISON;
  }

  /** Binds a `let` or comprehension pattern, destructuring tuples and lists. */
  bindPattern(pattern: A.Pattern, value: Value, env: Env, ctx: EvalContext, kind: "let" | "arg", span?: Span): void {
    if (pattern.kind === "Missing") return;
    if (pattern.kind === "Ident") {
      if (env.has(pattern.name) && kind === "let") this.report(ctx, "REC3006", pattern.span, { name: pattern.name });
      env.define(pattern.name, { state: "ready", value, span: span ?? pattern.span, used: kind === "arg" || pattern.name.startsWith("_"), kind });
      return;
    }
    const items = value.kind === "tuple" || value.kind === "list" ? value.items : undefined;
    if (value.kind !== "poison" && (!items || items.length !== pattern.elements.length)) {
      this.report(ctx, "REC2011", pattern.span, {
        case: "unpack",
        found: items ? `a tuple of ${items.length}` : describeValue(value),
        names: String(pattern.elements.length),
        expected: `a tuple of ${pattern.elements.length}`,
      });
    }
    pattern.elements.forEach((p, i) => this.bindPattern(p, items?.[i] ?? POISON, env, ctx, kind));
  }

  private unary(expr: A.Unary, env: Env, ctx: EvalContext): Value {
    const operand = this.evalExpr(expr.operand, env, { ...ctx, bindName: false });
    if (operand.kind === "poison") return POISON;
    if (expr.op === "-") {
      if (operand.kind === "int") return { kind: "int", dim: subDims(constDim(0), operand.dim) };
      if (operand.kind === "float") return { kind: "float", value: -operand.value };
    } else if (operand.kind === "bool") {
      return { kind: "bool", value: !operand.value };
    }
    const op = OPS.get(UNARY_OPERATOR_OPS[expr.op]!)!;
    return callValue(this, { kind: "builtin", op }, [{ value: operand, span: expr.operand.span }], expr, ctx, op.name);
  }

  /**
   * A chain of binary operators (a sum of thousands of terms) is a left-deep tree: its left spine
   * is walked with a loop, not recursion, so the chain's length is not bounded by the stack.
   */
  private binary(expr: A.Binary, env: Env, ctx: EvalContext): Value {
    const inner = { ...ctx, bindName: false };
    const spine: A.Binary[] = [];
    let node: A.Expr = expr;
    while (node.kind === "Binary" && node.op !== "|>") {
      spine.push(node);
      node = node.left;
    }
    let value = this.evalExpr(node, env, inner);
    for (let i = spine.length - 1; i >= 0; i--) {
      const right = this.evalExpr(spine[i]!.right, env, inner);
      value = this.applyBinary(spine[i]!, value, right, i === 0 ? ctx : inner);
    }
    return value;
  }

  private applyBinary(expr: A.Binary, left: Value, right: Value, ctx: EvalContext): Value {
    if (left.kind === "poison" || right.kind === "poison") return POISON;
    const folded = foldConstants(expr.op, left, right);
    if (folded === "inexact") {
      this.report(ctx, "REC2012", expr.span, { case: "divide", left: printDim((left as { dim: Dim }).dim), right: printDim((right as { dim: Dim }).dim) });
      return POISON;
    }
    if (folded) {
      const length = folded.kind === "list" ? folded.items.length : folded.kind === "string" ? folded.value.length : 0;
      if (length > MAX_UNROLL) {
        this.report(ctx, "REC2022", expr.span, { case: folded.kind === "list" ? "list" : "string", length: String(length), limit: String(MAX_UNROLL) });
        return POISON;
      }
      return folded;
    }
    const opName = OPERATOR_OPS[expr.op];
    const op = opName ? OPS.get(opName) : undefined;
    if (!op) return POISON;
    return callValue(
      this,
      { kind: "builtin", op },
      [
        { value: left, span: expr.left.span },
        { value: right, span: expr.right.span },
      ],
      expr,
      ctx,
      expr.op,
    );
  }

  /**
   * Calls, indexes and member accesses. A chain of them is a left spine (`x.a(1)[0].b`), walked
   * with a loop: the innermost target first, then each suffix in source order, so a chain of
   * thousands needs no recursion. Only the outermost suffix sees the caller's `bindName`.
   */
  private suffixChain(expr: A.Call | A.Index | A.Member, env: Env, ctx: EvalContext): Value {
    const chain: Array<A.Call | A.Index | A.Member> = [];
    let node: A.Expr = expr;
    for (; node.kind === "Call" || node.kind === "Index" || node.kind === "Member"; node = node.kind === "Call" ? node.callee : node.target) chain.push(node);
    const inner = { ...ctx, bindName: false };
    let value = this.evalExpr(node, env, inner);
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i]!;
      const linkCtx = i === 0 ? ctx : inner;
      if (link.kind === "Call") value = callValue(this, value, evalArgs(this, link.args, env, inner), link, linkCtx, calleeName(link.callee));
      else if (link.kind === "Index") value = indexValue(this, link, value, env, linkCtx);
      else value = this.member(link, value, linkCtx);
    }
    return value;
  }

  private member(expr: A.Member, target: Value, ctx: EvalContext): Value {
    if (target.kind === "poison" || expr.name.kind !== "Ident") return POISON;
    const name = expr.name.name;
    const scope = target.kind === "namespace" ? target.env : target.kind === "instance" ? target.env : undefined;
    if (scope) {
      const slot = scope.ownSlot(name);
      if (slot) {
        slot.used = true;
        return this.force(name, slot, expr.name.span, ctx);
      }
      const [suggestion] = suggest(name, [...scope.ownNames()], 1);
      this.report(ctx, "REC3013", expr.name.span, { what: describeValue(target), name, ...(suggestion ? { suggestion } : {}) });
      return POISON;
    }
    if (target.kind === "record") {
      const field = target.fields.get(name);
      if (field) return field;
      const [suggestion] = suggest(name, [...target.fields.keys()], 1);
      this.report(ctx, "REC3013", expr.name.span, { what: "this record", name, ...(suggestion ? { suggestion } : {}) });
      return POISON;
    }
    this.report(ctx, "REC3013", expr.name.span, { what: describeValue(target), name });
    return POISON;
  }

  // ── Dimensions ──────────────────────────────────────────────────────────────────────
  /** Evaluates a dimension expression; unknown names become variables when `vars` allows. */
  evalDim(expr: A.Expr, env: Env, vars: Vars, ctx: EvalContext): Dim {
    if (expr.kind === "Ident") {
      const slot = env.lookup(expr.name);
      if (!slot) {
        const known = vars.dims.get(expr.name);
        if (known) return known;
        if (vars.allowNew) {
          const fresh = this.unifier.fresh(expr.name);
          vars.dims.set(expr.name, fresh);
          return fresh;
        }
        const [suggestion] = suggest(expr.name, env.visibleNames(), 1);
        this.report(ctx, "REC3005", expr.span, { name: expr.name, kind: "dimension", ...(suggestion ? { suggestion } : {}) });
        return this.unifier.fresh(expr.name);
      }
    }
    if (expr.kind === "Binary" && ["+", "-", "*", "/", "%"].includes(expr.op)) {
      const a = this.evalDim(expr.left, env, vars, ctx);
      const b = this.evalDim(expr.right, env, vars, ctx);
      if (expr.op === "+") return addDims(a, b);
      if (expr.op === "-") return subDims(a, b);
      if (expr.op === "*") return mulDims(a, b);
      const q = expr.op === "/" ? divDims(a, b) : undefined;
      if (q) return q;
      const ca = constValue(a);
      const cb = constValue(b);
      if (expr.op === "%" && ca !== undefined && cb) return constDim(ca % cb);
      this.report(ctx, "REC2012", expr.span, { case: "dimension", left: printDim(a), op: expr.op, right: printDim(b) });
      return this.unifier.fresh("?");
    }
    const value = this.evalExpr(expr, env, { ...ctx, bindName: false });
    if (value.kind === "int") return value.dim;
    if (value.kind !== "poison") {
      this.report(ctx, "REC2011", expr.span, { param: "dimension", callee: "a shape", expected: "an int", found: describeValue(value) });
    }
    return this.unifier.fresh("?");
  }

  /** The line and column of an offset, for IR locations. */
  locOf(file: string, span: Span): Loc | undefined {
    const at = this.sources?.(file)?.position(span.start);
    return at ? { line: at.line, column: at.column } : undefined;
  }

  /** Whether code at `file` is the user's own, not a library block called from it. */
  inUserFile = (file: string): boolean => (this.frames[0]?.file ?? file) === file;

  /** An op's place in the user's file (a library op's: the call there that led to it), which run-time errors name. */
  userLocOf(file: string, span: Span): Loc | undefined {
    const outer = this.frames[0];
    return !outer || outer.file === file ? this.locOf(file, span) : this.locOf(outer.file, this.frames.findLast((f) => f.file === outer.file)!.span);
  }
}
