// The pipe operator: `x |> f`, `x |> f(a)` and `x |> Module(a)` in. Out: the value of calling
// the stage with the piped value first (a module stage is instantiated, then called). A pipe of
// thousands of stages is a left-deep tree; its stages are applied in a loop, not by recursion.

import type * as A from "../syntax/ast.js";
import { callValue, evalArgs, type EvaluatedArg } from "./calls.js";
import type { Elaborator, EvalContext } from "./elaborate.js";
import type { Env } from "./env.js";
import type { Value } from "./values.js";

export function evalPipe(el: Elaborator, expr: A.Binary, env: Env, ctx: EvalContext): Value {
  const inner = { ...ctx, bindName: false };
  const spine: A.Binary[] = [];
  let node: A.Expr = expr;
  while (node.kind === "Binary" && node.op === "|>") {
    spine.push(node);
    node = node.left;
  }
  let value = el.evalExpr(node, env, inner);
  for (let i = spine.length - 1; i >= 0; i--) value = pipeStage(el, spine[i]!, value, env, i === 0 ? ctx : inner);
  return value;
}

function pipeStage(el: Elaborator, expr: A.Binary, input: Value, env: Env, ctx: EvalContext): Value {
  const right = expr.right;
  const piped: EvaluatedArg = { value: input, span: expr.left.span };
  const inner = { ...ctx, bindName: false };
  if (right.kind === "Call") {
    const callee = el.evalExpr(right.callee, env, inner);
    const args = evalArgs(el, right.args, env, inner);
    if (callee.kind === "module") {
      const instance = callValue(el, callee, args, right, ctx, calleeName(right.callee));
      return callValue(el, instance, [piped], expr, ctx, calleeName(right.callee));
    }
    return callValue(el, callee, [piped, ...args], right, ctx, calleeName(right.callee));
  }
  const fn = el.evalExpr(right, env, inner);
  if (fn.kind === "module") {
    const instance = callValue(el, fn, [], right, ctx, calleeName(right));
    return callValue(el, instance, [piped], expr, ctx, calleeName(right));
  }
  return callValue(el, fn, [piped], expr, ctx, calleeName(right));
}

/** The name a call's message uses for its callee (`f`, `m.f`, `f(a)(b)` → f). */
export function calleeName(expr: A.Expr): string {
  if (expr.kind === "Ident") return expr.name;
  if (expr.kind === "Member" && expr.name.kind === "Ident") return expr.name.name;
  if (expr.kind === "Call") return calleeName(expr.callee);
  return "this call";
}
