// Modules and instances: calling a module creates an instance (its weights, under the
// instance's path), calling an instance runs its forward function. In: the module or instance,
// the evaluated arguments. Out: the instance, or the forward function's value. The rest of a
// call (binding, functions, registry ops) is calls.ts.

import type { Span } from "../source/source-file.js";
import type * as A from "../syntax/ast.js";
import { constValue, type Dim } from "../types/dims.js";
import type { Elaborator, EvalContext } from "./elaborate.js";
import type { Env } from "./env.js";
import { matchValue, newVars, patternOf, patternText, tensorOfPattern, type Vars } from "./type-patterns.js";
import { describeValue, POISON, type Instance, type Value } from "./values.js";
import { dtypeName, printShape, type TensorType } from "../types/tensor-type.js";
import { attrOf } from "./attrs-of.js";
import type { Attr } from "../ir/ir.js";
import { bind, checkAgainst, checkReturn, fileOfEnv, paramName, runBody, type EvaluatedArg } from "./calls.js";

export function instantiate(el: Elaborator, module: Extract<Value, { kind: "module" }>, args: EvaluatedArg[], span: Span, ctx: EvalContext): Value {
  const decl = module.decl;
  const name = decl.name.kind === "Ident" ? decl.name.name : "module";
  if (ctx.reward) {
    el.report(ctx, "REC2007", span, { case: "instance", name: ctx.reward, module: name });
    return POISON;
  }
  const bound = bind(
    el,
    decl.params.map((p) => ({ name: paramName(p), hasDefault: p.default !== undefined })),
    args,
    span,
    ctx,
    name,
  );
  if (!bound) return POISON;
  const moduleFile = fileOfEnv(module.env) ?? ctx.file;
  const path = ctx.bindName ? ctx.path : anonymousPath(ctx, name);
  const env = module.env.child();
  const instance: Instance = { kind: "instance", module: decl, path, env, signatureDims: new Map(), weightsCreated: false, span };
  const inner: EvalContext = { ...ctx, file: moduleFile, path, bindName: false };
  for (const param of decl.params) {
    const pname = paramName(param);
    const arg = bound.get(pname);
    const value = arg ? arg.value : param.default ? el.evalExpr(param.default, env, inner) : POISON;
    if (param.type && arg) {
      const vars = newVars(false);
      const failure = matchValue(value, patternOf(param.type, module.env, vars, el, inner), vars, el);
      if (failure) {
        el.report(ctx, "REC2011", arg.span, {
          param: pname,
          callee: name,
          expected: patternText(patternOf(param.type, module.env, vars, el, inner)),
          found: describeValue(value),
        });
        return POISON;
      }
    }
    env.define(pname, { state: "ready", value, used: true, kind: "param" });
    if (pname === "causal" && value.kind === "bool" && !value.value) ctx.model.nonCausal.push({ span, file: ctx.file });
  }
  for (const member of decl.members) {
    if (member.kind === "LetDecl" && member.pattern.kind === "Ident") {
      const letName = member.pattern.name;
      const expr = member.value;
      env.define(letName, {
        state: "pending",
        compute: () => el.evalExpr(expr, env, { ...inner, path: `${path}.${letName}`, bindName: true }),
        source: { expr, env },
        span: member.pattern.span,
        used: true,
        kind: "let",
      });
    } else if (member.kind === "ForwardDecl" && member.name?.kind === "Ident") {
      // A named method (`fn encode(x) …`): a function of the instance's scope, so it reads the
      // module's lets and sub-modules, and the forward function can call it by name.
      const method: Value = {
        kind: "closure",
        name: `${name}.${member.name.name}`,
        params: member.params,
        ...(member.returns ? { returns: member.returns } : {}),
        body: member.body,
        env,
        isReward: false,
        span: member.span,
      };
      env.define(member.name.name, { state: "ready", value: method, used: true, kind: "let" });
    } else if (member.kind === "ParamDecl") {
      for (const item of member.items) {
        if (item.name.kind !== "Ident" || !item.default) continue;
        const expr = item.default;
        env.define(item.name.name, { state: "pending", compute: () => el.evalExpr(expr, env, inner), used: true, kind: "param" });
      }
    }
  }
  return instance;
}

function anonymousPath(ctx: EvalContext, moduleName: string): string {
  const base = `${ctx.path}.${moduleName.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()}`;
  const count = ctx.model.anonymousCounts.get(base) ?? 0;
  ctx.model.anonymousCounts.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}

export function callInstance(el: Elaborator, instance: Instance, args: EvaluatedArg[], span: Span, ctx: EvalContext): Value {
  const decl = instance.module;
  const name = decl.name.kind === "Ident" ? decl.name.name : "module";
  const forward = decl.members.find((m): m is A.ForwardDecl => m.kind === "ForwardDecl" && !m.name);
  if (!forward) {
    el.report(ctx, "REC3017", span, { case: "no-forward", module: name });
    return POISON;
  }
  if (ctx.reward) {
    el.report(ctx, "REC2007", span, { case: "call", name: ctx.reward, module: name });
    return POISON;
  }
  const bound = bind(
    el,
    forward.params.map((p) => ({ name: paramName(p), hasDefault: p.default !== undefined })),
    args,
    span,
    ctx,
    name,
  );
  if (!bound) return POISON;
  const moduleFile = fileOfEnv(instance.env) ?? ctx.file;
  const inner: EvalContext = { ...ctx, file: moduleFile, path: instance.path, bindName: false };
  // Dimension names that weights use are shared by every call of this instance; the others
  // are fresh per call, so one table can look up ids of different shapes.
  const weightNames = weightDimNames(decl);
  const dims = new Map<string, Dim>();
  for (const [k, v] of instance.signatureDims) dims.set(k, v);
  const vars = newVars(true, dims);
  const scope = instance.env.child();
  for (const param of forward.params) {
    const pname = paramName(param);
    const arg = bound.get(pname);
    const value = arg ? arg.value : param.default ? el.evalExpr(param.default, instance.env, inner) : POISON;
    if (
      param.type &&
      arg &&
      !checkAgainst(
        el,
        value,
        patternOf(param.type, instance.env, vars, el, inner),
        vars,
        arg.span,
        ctx,
        `argument \`${pname}\` of \`${name}\``,
        param.type.span,
        inner.file,
      )
    ) {
      return POISON;
    }
    scope.define(pname, { state: "ready", value, used: true, kind: "arg" });
  }
  for (const [k, v] of vars.dims) if (weightNames.has(k)) instance.signatureDims.set(k, v);
  if (!instance.weightsCreated) createWeights(el, instance, vars, inner);
  defineSignatureDims(el, vars, scope);
  const result = runBody(el, forward.body, scope, inner);
  if (forward.returns && result.kind !== "poison") {
    checkReturn(el, result, patternOf(forward.returns, instance.env, vars, el, inner), vars, forward.body, inner, `the result of \`${name}\``);
  }
  return result;
}

/** Makes the dimension names of a signature (`T` in `x: f32[B, T, D]`) usable as ints in the body. */
export function defineSignatureDims(el: Elaborator, vars: Vars, scope: Env) {
  for (const [name, dim] of vars.dims) {
    if (!scope.lookup(name)) scope.define(name, { state: "ready", value: { kind: "int", dim: el.unifier.resolve(dim), name }, used: true, kind: "arg" });
  }
}

const weightDimNamesCache = new WeakMap<A.ModuleDecl, Set<string>>();

function weightDimNames(decl: A.ModuleDecl): Set<string> {
  const cached = weightDimNamesCache.get(decl);
  if (cached) return cached;
  const names = new Set<string>();
  weightDimNamesCache.set(decl, names);
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    if ((node as A.Node).kind === "Ident") names.add((node as A.Ident).name);
    for (const value of Object.values(node)) if (typeof value === "object") visit(value);
  };
  for (const m of decl.members) if (m.kind === "WeightDecl") visit(m.type);
  return names;
}

/**
 * Whether every constant dimension of `type` (and its id space's size) is positive; reports
 * REC2021 at `span` otherwise. A size of 0 or less (`--set dim=-1`) would give a negative
 * parameter count and then a crash when the runtime allocates it.
 */
export function positiveSizes(el: Elaborator, ctx: EvalContext, type: TensorType, span: Span, what: string): boolean {
  const sizes = [...type.shape, ...(type.space ? [type.space.size] : [])];
  const bad = sizes.map((d) => constValue(el.unifier.resolve(d))).find((n) => n !== undefined && n <= 0);
  if (bad === undefined) return true;
  el.report(ctx, "REC2021", span, { what, size: String(bad), type: `${dtypeName(type)}${printShape(type.shape)}` });
  return false;
}

function createWeights(el: Elaborator, instance: Instance, vars: Vars, ctx: EvalContext) {
  instance.weightsCreated = true;
  for (const member of instance.module.members) {
    if (member.kind !== "WeightDecl" || member.name.kind !== "Ident") continue;
    const pattern = patternOf(member.type, instance.env, newVars(false, vars.dims), el, ctx);
    const declared = tensorOfPattern(pattern);
    if (!declared) {
      el.report(ctx, "REC3017", member.type.span, { case: "open-weight" });
      continue;
    }
    const type = { ...declared, shape: declared.shape.map((d) => el.unifier.resolve(d)) };
    if (!positiveSizes(el, ctx, type, member.type.span, `the weight \`${instance.path}.${member.name.name}\``)) {
      instance.env.define(member.name.name, { state: "ready", value: POISON, used: true, kind: "let" });
      continue;
    }
    const init = member.init ? el.evalExpr(member.init, instance.env, ctx) : undefined;
    const group = member.state ? "state" : /embedding/i.test(instance.module.name.kind === "Ident" ? instance.module.name.name : "") ? "embedding" : "dense";
    ctx.model.weights.push({
      path: `${instance.path}.${member.name.name}`,
      type,
      ...(init ? { init } : {}),
      span: member.span,
      file: ctx.file,
      group,
    });
    const attrs = new Map<string, Attr>([["name", { kind: "string", value: `${instance.path}.${member.name.name}` }]]);
    const initAttr = init ? attrOf(init) : undefined;
    if (initAttr) attrs.set("init", initAttr);
    attrs.set("group", { kind: "string", value: group });
    const node = ctx.model.graph.add("param", [], attrs, type, el.userLocOf(ctx.file, member.span));
    instance.env.define(member.name.name, {
      state: "ready",
      value: { kind: "tensor", type, inputs: new Set(), trainable: !member.state, node },
      used: true,
      kind: "let",
    });
  }
}
