// Module state: `update name = value` statements (a block's statements, run in order by
// calls.ts runBody) against the `state` declarations of their module. In: the statement, its
// scope and the model being elaborated. Out: the update recorded on the model (ModelState
// .updates, lowered to the plan's train entry `updates`), or REC2033.

import type * as A from "../syntax/ast.js";
import type { IrNode } from "../ir/ir.js";
import type { Dim } from "../types/dims.js";
import { dtypeName, printShape } from "../types/tensor-type.js";
import type { Elaborator, EvalContext } from "./elaborate.js";
import type { Env } from "./env.js";
import { describeValue } from "./values.js";

/**
 * `update name = value`: the value the state `name` takes after a training step, recorded on the
 * model (REC2033 when `name` is not a state, the value's type differs, or the state was already
 * updated in this step).
 */
export function recordUpdate(el: Elaborator, decl: A.LetDecl, env: Env, ctx: EvalContext) {
  if (decl.pattern.kind !== "Ident") return;
  const name = decl.pattern.name;
  const target = el.lookup(name, env, decl.pattern.span, ctx);
  const value = el.evalExpr(decl.value, env, { ...ctx, bindName: false });
  if (target.kind === "poison" || value.kind === "poison") return;
  const stateName = target.kind === "tensor" && target.node !== undefined ? stateNameOf(ctx.model.graph.node(target.node)) : undefined;
  if (stateName === undefined || target.kind !== "tensor") {
    el.report(ctx, "REC2033", decl.pattern.span, { case: "not-a-state", name });
    return;
  }
  if (value.kind !== "tensor" || value.type.dtype !== target.type.dtype || !sameShape(el, value.type.shape, target.type.shape)) {
    const found = value.kind === "tensor" ? `${dtypeName(value.type)}${printShape(value.type.shape)}` : describeValue(value);
    el.report(ctx, "REC2033", decl.value.span, { case: "type", name, state: `${dtypeName(target.type)}${printShape(target.type.shape)}`, found });
    return;
  }
  if (ctx.model.updates.has(stateName)) {
    el.report(ctx, "REC2033", decl.span, { case: "twice", name: stateName });
    return;
  }
  if (value.node !== undefined) ctx.model.updates.set(stateName, { node: value.node, span: decl.span, file: ctx.file });
}

/** The qualified name of a module state's param node (`group = "state"`); undefined for anything else. */
function stateNameOf(node: IrNode): string | undefined {
  const text = (key: string) => {
    const attr = node.attrs.get(key);
    return attr?.kind === "string" ? attr.value : undefined;
  };
  return node.op === "param" && text("group") === "state" ? text("name") : undefined;
}

function sameShape(el: Elaborator, a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => el.unifier.unify(d, b[i]!));
}
