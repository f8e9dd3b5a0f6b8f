// Calls: binding arguments to parameters, then running what is called — a registry op (its
// shape rule and cost), a compile-time builtin (builtins/), a function or reward (its body), a
// module (a new instance, with weights) or an instance (its forward function).

import { ancestors } from "./target-leak.js";
import { suggest } from "../diagnostics/suggest.js";
import type { Span } from "../source/source-file.js";
import type * as A from "../syntax/ast.js";
import type { OpArg, OpDef } from "../ops/types.js";
import type { Builtin } from "./builtins/builtin.js";
import { constDim, constValue, printDim } from "../types/dims.js";
import { OPS } from "../ops/index.js";
import type { GraphBuilder } from "../ir/builder.js";
import type { Elaborator, EvalContext } from "./elaborate.js";
import type { Env } from "./env.js";
import { matchValue, mismatchFacts, newVars, patternOf, patternText, type TypePattern, type Vars } from "./type-patterns.js";
import { describeValue, POISON, type Closure, type TensorValue, type Value } from "./values.js";
import { dtypeName, printShape, type TensorType } from "../types/tensor-type.js";
import { attrOf } from "./attrs-of.js";
import { recordUpdate } from "./state-updates.js";
import { callInstance, defineSignatureDims, instantiate } from "./instances.js";
import type { Attr } from "../ir/ir.js";

export interface EvaluatedArg {
  readonly name?: string;
  readonly value: Value;
  readonly span: Span;
}

export function evalArgs(el: Elaborator, args: readonly A.Argument[], env: Env, ctx: EvalContext): EvaluatedArg[] {
  return args.map((a) => ({ ...(a.name ? { name: a.name.name } : {}), value: el.evalExpr(a.value, env, ctx), span: a.value.span }));
}

export function callValue(el: Elaborator, callee: Value, args: EvaluatedArg[], call: A.Node, ctx: EvalContext, name: string): Value {
  if (callee.kind === "poison" || args.some((a) => containsPoison(a.value))) return POISON;
  switch (callee.kind) {
    case "builtin":
      return callOp(el, callee.op, args, call.span, ctx, name === "this call" ? callee.op.name : name);
    case "closure":
      return el.withinCall(callee.body, { file: ctx.file, span: call.span, name: callee.name }, ctx, () => callClosure(el, callee, args, call.span, ctx));
    case "module":
      return el.withinCall(callee.decl, { file: ctx.file, span: call.span, name: moduleName(callee.decl) }, ctx, () =>
        instantiate(el, callee, args, call.span, ctx),
      );
    case "instance":
      return el.withinCall(callee.module, { file: ctx.file, span: call.span, name: moduleName(callee.module) }, ctx, () =>
        callInstance(el, callee, args, call.span, ctx),
      );
    default:
      el.report(ctx, "REC3012", call.span, { what: `\`${name}\` (${describeValue(callee)})` });
      return POISON;
  }
}

export function moduleName(decl: A.ModuleDecl): string {
  return decl.name.kind === "Ident" ? decl.name.name : "module";
}

function containsPoison(value: Value): boolean {
  if (value.kind === "poison") return true;
  return (value.kind === "list" || value.kind === "tuple") && value.items.some(containsPoison);
}

/** Positional then named arguments onto parameter names; reports REC3009–REC3011. */
export function bind(
  el: Elaborator,
  params: readonly { name: string; hasDefault: boolean }[],
  args: readonly EvaluatedArg[],
  callSpan: Span,
  ctx: EvalContext,
  callee: string,
  openNamed = false,
): Map<string, EvaluatedArg> | undefined {
  const bound = new Map<string, EvaluatedArg>();
  const list = params.map((p) => p.name).join(", ") || "none";
  let ok = true;
  const positional = args.filter((a) => !a.name);
  positional.forEach((a, i) => {
    const param = params[i];
    if (!param) {
      el.report(ctx, "REC3011", a.span, { callee, count: String(params.length), params: list });
      ok = false;
    } else bound.set(param.name, a);
  });
  for (const a of args.filter((x) => x.name)) {
    const known = params.some((p) => p.name === a.name);
    if (!known && !openNamed) {
      const [suggestion] = suggest(
        a.name!,
        params.map((p) => p.name),
        1,
      );
      el.report(ctx, "REC3009", a.span, { callee, name: a.name!, params: list, ...(suggestion ? { suggestion } : {}) });
      ok = false;
    } else if (bound.has(a.name!)) {
      el.report(ctx, "REC3009", a.span, { case: "twice", callee, name: a.name!, params: list });
      ok = false;
    } else bound.set(a.name!, a);
  }
  for (const p of params) {
    if (!bound.has(p.name) && !p.hasDefault) {
      el.report(ctx, "REC3010", callSpan, { callee, name: p.name, params: list });
      ok = false;
    }
  }
  return ok ? bound : undefined;
}

// ── Registry ops ────────────────────────────────────────────────────────────────────────
class OpFailure {
  constructor(
    readonly code: string,
    readonly args: Record<string, string>,
    readonly param?: string,
  ) {}
}

function callOp(el: Elaborator, op: OpDef | Builtin, args: EvaluatedArg[], span: Span, ctx: EvalContext, display: string): Value {
  const builtin = "evaluate" in op ? op : undefined;
  const params: readonly { name: string; kind: string; default?: OpArg | Value }[] = op.params;
  const bound = bind(
    el,
    params.map((p) => ({ name: p.name, hasDefault: p.default !== undefined })),
    args,
    span,
    ctx,
    op.name,
    builtin?.openNamed,
  );
  if (!bound) return POISON;
  // A reward is deterministic: the same outcomes always score the same (REC2027).
  if (ctx.reward && "impure" in op && op.impure) el.report(ctx, "REC2027", span, { name: ctx.reward, op: op.name });
  const values = new Map<string, Value>();
  const tensors: TensorValue[] = [];
  for (const param of params) {
    const arg = bound.get(param.name);
    const value = arg ? coerce(el, op, param.name, param.kind, arg, ctx) : builtin ? (param.default as Value) : valueOfArg(param.default as OpArg);
    if (value.kind === "poison") return POISON;
    values.set(param.name, value);
    if (value.kind === "tensor") tensors.push(value);
    if (value.kind === "list") for (const item of value.items) if (item.kind === "tensor") tensors.push(item);
  }
  if (builtin?.openNamed) for (const [name, arg] of bound) if (!values.has(name)) values.set(name, arg.value);
  const fail = (code: string, failArgs: Record<string, string>, param?: string): never => {
    throw new OpFailure(code, failArgs, param);
  };
  const inputs = unionOfInputs(tensors);
  // What stops the gradient (`stop_gradient`) returns a value no loss can differentiate through.
  const trainable = !("stopsGradient" in op && op.stopsGradient) && tensors.some((t) => t.trainable);
  let result;
  try {
    if (builtin) {
      const call = (fn: Value, callArgs: Value[]) =>
        callValue(
          el,
          fn,
          callArgs.map((value) => ({ value, span })),
          { kind: "Call", span },
          ctx,
          "function",
        );
      return taint(builtin.evaluate(values, { unifier: el.unifier, fail, call }), inputs, trainable);
    }
    result = (op as OpDef).infer(new Map([...values].map(([name, v]) => [name, opArgOf(v)])), { unifier: el.unifier, fail });
  } catch (error) {
    if (!(error instanceof OpFailure)) throw error;
    const at = (error.param && bound.get(error.param)?.span) || span;
    el.report(ctx, error.code, at, { ...error.args, op: display, callee: display, param: error.param ?? "" });
    return POISON;
  }
  const registryOp = op as OpDef;
  const resolved = (type: TensorType): TensorType => ({ ...type, shape: type.shape.map((d) => el.unifier.resolve(d)) });
  const record = (type: TensorType, extra?: [string, Attr]) => recordOp(el, registryOp, values, tensors, type, span, ctx, extra);
  if (!registryOp.tuple) {
    const type = resolved(result as TensorType);
    const node = record(type);
    // Only floats carry a gradient: ids, integers and booleans computed from weights (an argmax) do not.
    return { kind: "tensor", type, inputs, trainable: trainable && type.dtype === "f32", ...(node !== undefined ? { node } : {}) };
  }
  // A tuple (the registry's `tuple` ops, such as topk): one node per element, told apart by `output`.
  const types = (result as readonly TensorType[]).map(resolved);
  if (types.length !== registryOp.tuple.length)
    throw new Error(`internal: ${op.name}'s rule gave ${types.length} tensors for its tuple (${registryOp.tuple.join(", ")})`);
  const items = types.map((type, i): Value => {
    const node = record(type, ["output", { kind: "int", dim: constDim(i) }]);
    return { kind: "tensor", type, inputs, trainable: trainable && type.dtype === "f32", ...(node !== undefined ? { node } : {}) };
  });
  return { kind: "tuple", items };
}

/** A checked argument as the registry's rules read it (tuples of ints are lists there). */
function opArgOf(value: Value): OpArg {
  switch (value.kind) {
    case "tensor":
    case "int":
    case "float":
    case "bool":
    case "string":
    case "dtype":
    case "none":
      return value;
    case "list":
    case "tuple":
      return { kind: "list", items: value.items.map(opArgOf) };
    default:
      throw new Error(`internal: ${describeValue(value)} passed to a registry op after coercion`);
  }
}

/** A parameter's default (never a tensor) as a checker value. */
function valueOfArg(arg: OpArg): Value {
  if (arg.kind === "tensor") throw new Error("internal: a registry default is a tensor");
  return arg.kind === "list" ? { kind: "list", items: arg.items.map(valueOfArg) } : arg;
}

/**
 * Records an op call in the model's graph: tensor arguments become inputs (in parameter order),
 * compile-time arguments become attributes.
 */
function recordOp(
  el: Elaborator,
  op: OpDef,
  values: ReadonlyMap<string, Value>,
  tensors: readonly TensorValue[],
  type: TensorType,
  span: Span,
  ctx: EvalContext,
  extra?: [string, Attr],
): number | undefined {
  if (tensors.some((t) => t.node === undefined)) return undefined;
  const attrs = new Map<string, Attr>();
  for (const param of op.params) {
    if (param.kind === "tensor" || param.kind === "tensors") continue;
    const attr = attrOf(values.get(param.name)!);
    if (attr) attrs.set(param.name, attr);
  }
  if (extra) attrs.set(extra[0], extra[1]);
  const node = ctx.model.graph.add(
    op.name,
    tensors.map((t) => t.node!),
    attrs,
    type,
    el.userLocOf(ctx.file, span),
  );
  if (op.attention === "weights" && el.inUserFile(ctx.file) && !causallyMasked(ctx.model.graph, node)) ctx.model.nonCausal.push({ span, file: ctx.file, node });
  return node;
}

/**
 * Whether attention weights over a square of scores ([…, T, T]) have a causal mask among their
 * inputs. Weights over a non-square score (candidates attending to a history) see no future of
 * their own and count as masked. Attention written by hand in the user's file is checked here;
 * a library block says so by its `causal` parameter.
 */
function causallyMasked(graph: GraphBuilder, node: number): boolean {
  const shape = graph.node(node).type.shape;
  if (shape.length < 2 || printDim(shape[shape.length - 1]!) !== printDim(shape[shape.length - 2]!)) return true;
  return [...ancestors(graph, node)].some((id) => OPS.get(graph.node(id).op)?.attention === "causal");
}

/** The model inputs a result depends on; shares a set when one argument already has them all. */
function unionOfInputs(tensors: readonly TensorValue[]): ReadonlySet<string> {
  let widest: ReadonlySet<string> = EMPTY;
  for (const t of tensors) if (t.inputs.size > widest.size) widest = t.inputs;
  if (tensors.every((t) => t.inputs === widest || t.inputs.size === 0 || [...t.inputs].every((i) => widest.has(i)))) return widest;
  return new Set(tensors.flatMap((t) => [...t.inputs]));
}
const EMPTY: ReadonlySet<string> = new Set();

/** Tensors inside a compile-time result (fold's) inherit their arguments' provenance. */
function taint(value: Value, inputs: ReadonlySet<string>, trainable: boolean): Value {
  if (value.kind === "tensor") return { ...value, inputs: new Set([...value.inputs, ...inputs]), trainable: value.trainable || trainable };
  if (value.kind === "tuple" || value.kind === "list") return { ...value, items: value.items.map((v) => taint(v, inputs, trainable)) };
  return value;
}

/** Converts an argument to what a parameter kind needs (a number as a scalar tensor, …). */
function coerce(el: Elaborator, op: OpDef | Builtin, param: string, kind: string, arg: EvaluatedArg, ctx: EvalContext): Value {
  const v = arg.value;
  /** `expected`: what the parameter takes, or a parameter kind REC2011's catalog words (`axis`, `numbers`). */
  const fail = (expected: string) => {
    if (v.kind === "tensor" && ["int", "float", "bool", "string", "axis", "ints"].includes(kind)) {
      el.report(ctx, "REC2010", arg.span, { what: `\`${param}\` of \`${op.name}\`` });
    } else {
      el.report(ctx, "REC2011", arg.span, { param, callee: op.name, expected, found: describeValue(v) });
    }
    return POISON;
  };
  switch (kind) {
    case "tensor":
      if (v.kind === "tensor") return v;
      if (v.kind === "int" || v.kind === "float" || v.kind === "bool") {
        const type: TensorType = { dtype: v.kind === "int" ? "i32" : v.kind === "float" ? "f32" : "bool", shape: [] };
        const node = ctx.model.graph.add("const", [], new Map([["value", attrOf(v)!]]), type);
        return { kind: "tensor", type, weak: v.kind !== "bool", inputs: new Set(), trainable: false, node };
      }
      return fail("a tensor");
    case "tensors":
      if (v.kind === "list" && v.items.every((i) => i.kind === "tensor")) return v;
      return fail("a list of tensors");
    case "int":
      return v.kind === "int" ? v : fail("an int");
    case "float":
      return v.kind === "float" || v.kind === "int" ? v : fail("a number");
    case "bool":
      return v.kind === "bool" ? v : fail("a bool");
    case "string":
      return v.kind === "string" ? v : fail("a string");
    case "axis":
      return v.kind === "int" || v.kind === "none" || (v.kind === "list" && v.items.every((i) => i.kind === "int")) ? v : fail("axis");
    case "ints":
      return (v.kind === "list" || v.kind === "tuple") && v.items.every((i) => i.kind === "int") ? v : fail("a list of ints");
    case "numbers":
      return isNumberList(v) ? v : fail("numbers");
    case "list":
      return v.kind === "list" || v.kind === "tuple" ? v : fail("a list");
    case "dtype":
      return v.kind === "dtype" ? v : fail("a dtype (`f32`, `i32` or `bool`)");
    case "function":
      return ["closure", "builtin", "instance", "module"].includes(v.kind) ? v : fail("a function");
    default:
      return v;
  }
}

/** A non-empty list of numbers, or of such lists: a tensor's values (constant ints only). */
function isNumberList(v: Value): boolean {
  if ((v.kind !== "list" && v.kind !== "tuple") || v.items.length === 0) return false;
  return v.items.every((i) => i.kind === "float" || (i.kind === "int" && constValue(i.dim) !== undefined)) || v.items.every(isNumberList);
}

// ── Functions and rewards ───────────────────────────────────────────────────────────────
function callClosure(el: Elaborator, fn: Closure, args: EvaluatedArg[], span: Span, ctx: EvalContext): Value {
  const bound = bind(
    el,
    fn.params.map((p) => ({ name: paramName(p), hasDefault: p.default !== undefined })),
    args,
    span,
    ctx,
    fn.name,
  );
  if (!bound) return POISON;
  const fileOf = fileOfEnv(fn.env) ?? ctx.file;
  const inner: EvalContext = { ...ctx, file: fileOf, bindName: false, ...(fn.isReward ? { reward: fn.name } : {}) };
  const scope = fn.env.child();
  const vars = newVars(true);
  for (const param of fn.params) {
    const name = paramName(param);
    const arg = bound.get(name);
    const value = arg ? arg.value : param.default ? el.evalExpr(param.default, fn.env, inner) : POISON;
    if (
      param.type &&
      arg &&
      !checkAgainst(
        el,
        value,
        patternOf(param.type, fn.env, vars, el, inner),
        vars,
        arg.span,
        ctx,
        `argument \`${name}\` of \`${fn.name}\``,
        param.type.span,
        inner.file,
      )
    ) {
      return POISON; // The body would only repeat the mismatch in other words.
    }
    // A reward carries no gradient: an argument computed from trainable weights would let a loss
    // differentiate through it (REC2026), unless the caller stops the gradient first.
    if (fn.isReward && arg && value.kind === "tensor" && value.trainable) el.report(ctx, "REC2026", arg.span, { name: fn.name, param: name });
    scope.define(name, { state: "ready", value, used: true, kind: "arg" });
  }
  defineSignatureDims(el, vars, scope);
  const result = runBody(el, fn.body, scope, inner);
  if (fn.returns && result.kind !== "poison") {
    checkReturn(el, result, patternOf(fn.returns, fn.env, vars, el, inner), vars, fn.body, inner, `the result of \`${fn.name}\``);
  }
  // A reward scores each example: one f32 per example, f32[B] (REC2028).
  if (fn.isReward && result.kind === "tensor" && (result.type.dtype !== "f32" || result.type.shape.length !== 1)) {
    el.report(ctx, "REC2028", span, { name: fn.name, found: `${dtypeName(result.type)}${printShape(result.type.shape)}` });
  }
  return result;
}

export function runBody(el: Elaborator, body: A.Expr | A.Block, scope: Env, ctx: EvalContext): Value {
  if (body.kind !== "Block") return el.evalExpr(body, scope, ctx);
  let env = scope;
  for (const decl of body.lets) {
    if (decl.update) {
      recordUpdate(el, decl, env, ctx);
      continue;
    }
    env = env.child();
    const value = el.evalExpr(decl.value, env.parent!, { ...ctx, bindName: false });
    el.bindPattern(decl.pattern, value, env, ctx, "let");
    if (decl.type && value.kind !== "poison") {
      const vars = newVars(true);
      checkAgainst(el, value, patternOf(decl.type, env, vars, el, ctx), vars, decl.value.span, ctx, "this value", decl.type.span, ctx.file);
    }
  }
  const result = el.evalExpr(body.result, env, ctx);
  reportUnusedBlockLets(el, env, scope, ctx);
  return result;
}

function reportUnusedBlockLets(el: Elaborator, innermost: Env, scope: Env, ctx: EvalContext) {
  for (let env: Env | undefined = innermost; env && env !== scope; env = env.parent) {
    for (const name of env.ownNames()) {
      const slot = env.ownSlot(name)!;
      const poisoned = slot.state === "ready" && slot.value.kind === "poison";
      if (!poisoned && slot.kind === "let" && slot.span && !name.startsWith("_")) el.noteBlockLet(ctx, slot.span, name, slot.used);
    }
  }
}

/** Matches an argument against its declared type; false (after reporting) when it does not fit. */
export function checkAgainst(
  el: Elaborator,
  value: Value,
  pattern: TypePattern,
  vars: Vars,
  at: Span,
  ctx: EvalContext,
  what: string,
  declaredAt: Span,
  declaredFile: string,
): boolean {
  const failure = matchValue(value, pattern, vars, el);
  if (!failure) return true;
  const secondary = declaredFile === ctx.file ? [{ span: declaredAt, message: `declared as ${patternText(pattern)}` }] : [];
  if (failure.code === "REC2001" || failure.code === "REC2003") {
    el.report(ctx, "REC2016", at, { what, found: valueText(value), declared: patternText(pattern), ...mismatchFacts(failure) }, secondary);
  } else {
    el.report(ctx, failure.code, at, { op: what, param: what, callee: what, ...failure.args }, secondary);
  }
  return false;
}

export function checkReturn(el: Elaborator, value: Value, pattern: TypePattern, vars: Vars, body: A.Expr | A.Block, ctx: EvalContext, what: string) {
  const at = body.kind === "Block" ? body.result.span : body.span;
  const failure = matchValue(value, pattern, vars, el);
  if (failure) el.report(ctx, "REC2016", at, { what, found: valueText(value), declared: patternText(pattern), ...mismatchFacts(failure) });
}

function valueText(value: Value): string {
  return value.kind === "tensor" ? `${dtypeName(value.type)}${printShape(value.type.shape)}` : describeValue(value);
}

export function paramName(p: A.Param): string {
  return p.name.kind === "Ident" ? p.name.name : "";
}

export function fileOfEnv(env: Env): string | undefined {
  for (let e: Env | undefined = env; e; e = e.parent) if (e.file) return e.file;
  return undefined;
}
