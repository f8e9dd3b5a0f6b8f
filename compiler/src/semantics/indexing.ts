// Indexing and slicing: `xs[i]` on compile-time lists, and numpy-style `x[i, a:b, ..., None]`
// on tensors, whose result shape is computed symbolically (`x[:, 1:-1]` has L − 2 columns).

import type * as A from "../syntax/ast.js";
import { constValue, type Dim } from "../types/dims.js";
import { indexOp, printSubscripts, type Subscript } from "../ops/index-op.js";
import { callValue } from "./calls.js";
import type { Elaborator, EvalContext } from "./elaborate.js";
import type { Env } from "./env.js";
import { describeValue, POISON, type Value } from "./values.js";

/** `expr` applied to its already evaluated `target`. */
export function indexValue(el: Elaborator, expr: A.Index, target: Value, env: Env, ctx: EvalContext): Value {
  const inner = { ...ctx, bindName: false };
  if (target.kind === "poison") return POISON;
  if (target.kind === "list" || target.kind === "tuple") {
    const sub = expr.subscripts[0];
    if (expr.subscripts.length !== 1 || !sub || sub.kind === "Slice" || sub.kind === "EllipsisIndex") {
      if (sub?.kind === "Slice") {
        const n = target.items.length;
        const bound = (e: A.Expr | undefined, dflt: number) => {
          if (!e) return dflt;
          const v = el.evalExpr(e, env, inner);
          const c = v.kind === "int" ? constValue(v.dim) : undefined;
          return c === undefined ? dflt : c < 0 ? c + n : c;
        };
        return { kind: target.kind, items: target.items.slice(bound(sub.start, 0), bound(sub.stop, n)) };
      }
      el.report(ctx, "REC2011", expr.span, { param: "index", callee: "a list", expected: "one int", found: "several subscripts" });
      return POISON;
    }
    const index = el.evalExpr(sub, env, inner);
    const i = index.kind === "int" ? constValue(index.dim) : undefined;
    if (i === undefined) {
      if (index.kind === "tensor") el.report(ctx, "REC2010", sub.span, { what: "indexing a compile-time list" });
      else if (index.kind !== "poison")
        el.report(ctx, "REC2011", sub.span, { param: "index", callee: "a list", expected: "a constant int", found: describeValue(index) });
      return POISON;
    }
    const n = target.items.length;
    const item = target.items[i < 0 ? i + n : i];
    if (!item) {
      el.report(ctx, "REC2013", sub.span, { case: "list", index: String(i), length: String(n) });
      return POISON;
    }
    return item;
  }
  if (target.kind !== "tensor") {
    el.report(ctx, "REC2011", expr.target.span, { param: "target", callee: "indexing", expected: "a tensor or a list", found: describeValue(target) });
    return POISON;
  }
  // Tensors: evaluate the subscripts to compile-time dims, then let the registry's `index`
  // op compute the shape (so the IR records and re-checks the same spec).
  const subs: Subscript[] = [];
  const dimOf = (e: A.Expr | undefined): Dim | undefined | null => {
    if (!e) return undefined;
    const v = el.evalExpr(e, env, inner);
    if (v.kind === "int") return v.dim;
    if (v.kind === "tensor") {
      el.report(ctx, "REC2011", e.span, {
        param: "index",
        callee: "indexing",
        expected: "a compile-time int or slice (use `gather`, `take` or `take_along` for tensor indices)",
        found: "a tensor",
      });
    } else if (v.kind !== "poison") {
      el.report(ctx, "REC2011", e.span, { param: "index", callee: "indexing", expected: "an int", found: describeValue(v) });
    }
    return null;
  };
  for (const sub of expr.subscripts) {
    if (sub.kind === "EllipsisIndex") subs.push({ kind: "rest" });
    else if (sub.kind === "Ident" && sub.name === "None") subs.push({ kind: "new" });
    else if (sub.kind === "Slice") {
      const [start, stop, step] = [dimOf(sub.start), dimOf(sub.stop), dimOf(sub.step)];
      if (start === null || stop === null || step === null) return POISON;
      subs.push({ kind: "slice", ...(start ? { start } : {}), ...(stop ? { stop } : {}), ...(step ? { step } : {}) });
    } else {
      const at = dimOf(sub);
      if (!at) return POISON;
      subs.push({ kind: "index", at });
    }
  }
  return callValue(
    el,
    { kind: "builtin", op: indexOp },
    [
      { value: target, span: expr.target.span },
      { name: "spec", value: { kind: "string", value: printSubscripts(subs) }, span: expr.span },
    ],
    expr,
    ctx,
    "indexing",
  );
}
