// Indexing and slicing: `xs[i]` on compile-time lists, and numpy-style `x[i, a:b, ..., None]`
// on tensors, whose result shape is computed symbolically (`x[:, 1:-1]` has L − 2 columns).

import type * as A from "../syntax/ast.js";
import { addDims, constDim, constValue, divDims, printDim, subDims, type Dim } from "./dims.js";
import type { Elaborator, EvalContext } from "./elaborate.js";
import type { Env } from "./env.js";
import { dtypeName, printShape } from "./tensor-type.js";
import { describeValue, POISON, type Value } from "./values.js";

export function indexValue(el: Elaborator, expr: A.Index, env: Env, ctx: EvalContext): Value {
  const inner = { ...ctx, bindName: false };
  const target = el.evalExpr(expr.target, env, inner);
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
      else if (index.kind !== "poison") el.report(ctx, "REC2011", sub.span, { param: "index", callee: "a list", expected: "a constant int", found: describeValue(index) });
      return POISON;
    }
    const n = target.items.length;
    const item = target.items[i < 0 ? i + n : i];
    if (!item) {
      el.report(ctx, "REC2013", sub.span, { what: "index", index: String(i), of: `a list of ${n}`, valid: n ? `${-n} to ${n - 1}` : "none (the list is empty)" });
      return POISON;
    }
    return item;
  }
  if (target.kind !== "tensor") {
    el.report(ctx, "REC2011", expr.target.span, { param: "target", callee: "indexing", expected: "a tensor or a list", found: describeValue(target) });
    return POISON;
  }
  const shape = target.type.shape;
  const consumed = expr.subscripts.filter((s) => s.kind !== "EllipsisIndex" && !(s.kind === "Ident" && s.name === "None")).length;
  if (consumed > shape.length) {
    el.report(ctx, "REC2013", expr.span, {
      what: "subscript count",
      index: String(consumed),
      of: `${dtypeName(target.type)}${printShape(shape)}`,
      valid: `at most ${shape.length} subscripts`,
    });
    return POISON;
  }
  const out: Dim[] = [];
  let axis = 0;
  for (const sub of expr.subscripts) {
    if (sub.kind === "EllipsisIndex") {
      const skip = shape.length - consumed;
      out.push(...shape.slice(axis, axis + skip));
      axis += skip;
    } else if (sub.kind === "Ident" && sub.name === "None") {
      out.push(constDim(1));
    } else if (sub.kind === "Slice") {
      out.push(sliceLength(el, shape[axis]!, sub, env, inner));
      axis++;
    } else {
      const index = el.evalExpr(sub, env, inner);
      if (index.kind === "tensor") {
        el.report(ctx, "REC2011", sub.span, { param: "index", callee: "indexing", expected: "a compile-time int or slice (use `gather` or `take_along` for tensor indices)", found: "a tensor" });
        return POISON;
      }
      if (index.kind !== "int") {
        if (index.kind !== "poison") el.report(ctx, "REC2011", sub.span, { param: "index", callee: "indexing", expected: "an int", found: describeValue(index) });
        return POISON;
      }
      const i = constValue(index.dim);
      const size = constValue(el.unifier.resolve(shape[axis]!));
      if (i !== undefined && size !== undefined && (i >= size || i < -size)) {
        el.report(ctx, "REC2013", sub.span, { what: "index", index: String(i), of: `axis ${axis} of size ${size}`, valid: `${-size} to ${size - 1}` });
        return POISON;
      }
      axis++;
    }
  }
  out.push(...shape.slice(axis));
  return { ...target, type: { ...target.type, shape: out } };
}

/** The length of `start:stop:step` over a dimension of size n, symbolically where it can. */
function sliceLength(el: Elaborator, n: Dim, slice: A.Slice, env: Env, ctx: EvalContext): Dim {
  const read = (e: A.Expr | undefined): Dim | undefined => {
    if (!e) return undefined;
    const v = el.evalExpr(e, env, ctx);
    return v.kind === "int" ? v.dim : undefined;
  };
  const normalize = (d: Dim | undefined, dflt: Dim) => {
    if (!d) return dflt;
    const c = constValue(d);
    return c !== undefined && c < 0 ? addDims(n, d) : d;
  };
  const start = normalize(read(slice.start), constDim(0));
  const stop = normalize(read(slice.stop), n);
  const length = subDims(stop, start);
  const step = read(slice.step);
  const stepValue = step ? constValue(step) : 1;
  if (stepValue === 1) return el.unifier.resolve(length);
  const c = constValue(el.unifier.resolve(length));
  if (c !== undefined && stepValue) return constDim(Math.max(0, Math.ceil(c / stepValue)));
  return (step && divDims(length, step)) ?? el.unifier.fresh(`(${printDim(length)})/${stepValue}`);
}
