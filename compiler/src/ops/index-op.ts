// The `index` op: numpy-style indexing and slicing of a tensor, `x[i, a:b:c, None, ...]`.
// The elaborator writes the subscripts as a spec string (`:, 1:-1, None`) with compile-time
// dimensions, so the IR can print, parse and re-check it like any other attribute.

import { addDims, constDim, constValue, divDims, parseDim, printDim, subDims, type Dim } from "../types/dims.js";
import { dtypeName, printShape, tensorType } from "../types/tensor-type.js";
import { p, tensorArg } from "./helpers.js";
import type { OpContext, OpDef } from "./types.js";

export type Subscript =
  | { readonly kind: "index"; readonly at: Dim }
  | { readonly kind: "slice"; readonly start?: Dim; readonly stop?: Dim; readonly step?: Dim }
  | { readonly kind: "new" }
  | { readonly kind: "rest" };

export function printSubscripts(subs: readonly Subscript[]): string {
  const d = (x?: Dim) => (x ? printDim(x) : "");
  return subs
    .map((s) =>
      s.kind === "index"
        ? printDim(s.at)
        : s.kind === "new"
          ? "None"
          : s.kind === "rest"
            ? "..."
            : `${d(s.start)}:${d(s.stop)}${s.step ? `:${d(s.step)}` : ""}`,
    )
    .join(", ");
}

export function parseSubscripts(spec: string): Subscript[] | undefined {
  const out: Subscript[] = [];
  for (const raw of spec.split(",").map((s) => s.trim())) {
    if (raw === "None") out.push({ kind: "new" });
    else if (raw === "...") out.push({ kind: "rest" });
    else if (raw.includes(":")) {
      const parts = raw.split(":").map((x) => x.trim());
      const read = (x: string | undefined) => (x ? parseDim(x) : undefined);
      const [start, stop, step] = [read(parts[0]), read(parts[1]), read(parts[2])];
      if ((parts[0] && !start) || (parts[1] && !stop) || (parts[2] && !step)) return undefined;
      out.push({ kind: "slice", ...(start ? { start } : {}), ...(stop ? { stop } : {}), ...(step ? { step } : {}) });
    } else {
      const at = parseDim(raw);
      if (!at) return undefined;
      out.push({ kind: "index", at });
    }
  }
  return out;
}

export const indexOp: OpDef = {
  name: "index",
  category: "shape",
  doc:
    "index(x, spec): x[spec] — integers drop an axis, `a:b:c` slices (negative bounds count " +
    "from the end), `None` inserts an axis of size 1, `...` stands for the axes not written. " +
    "Written `x[…]` in the language.",
  params: [p("x", "tensor"), p("spec", "string")],
  infer(args, ctx: OpContext) {
    const x = tensorArg(args, "x");
    const subs = parseSubscripts((args.get("spec") as { value: string }).value);
    if (!subs) ctx.fail("REC2011", { param: "spec", callee: "index", expected: "subscripts", found: "something unreadable" }, "spec");
    const shape = x.type.shape;
    const consumed = subs.filter((s) => s.kind === "index" || s.kind === "slice").length;
    if (consumed > shape.length) {
      ctx.fail(
        "REC2013",
        { case: "subscripts", index: String(consumed), type: `${dtypeName(x.type)}${printShape(shape)}`, rank: String(shape.length) },
        "spec",
      );
    }
    const out: Dim[] = [];
    let axis = 0;
    for (const sub of subs) {
      if (sub.kind === "rest") {
        const skip = shape.length - consumed;
        out.push(...shape.slice(axis, axis + skip));
        axis += skip;
      } else if (sub.kind === "new") {
        out.push(constDim(1));
      } else if (sub.kind === "slice") {
        out.push(sliceLength(ctx, shape[axis]!, sub));
        axis++;
      } else {
        const i = constValue(sub.at);
        const size = constValue(ctx.unifier.resolve(shape[axis]!));
        if (i !== undefined && size !== undefined && (i >= size || i < -size)) {
          ctx.fail("REC2013", { case: "index", index: String(i), axis: String(axis), size: String(size) }, "spec");
        }
        axis++;
      }
    }
    out.push(...shape.slice(axis));
    return tensorType(x.type.dtype, out, x.type.space);
  },
  cost: () => ({ flops: constDim(0) }),
};

/** The length of `start:stop:step` over a dimension of size n, symbolically where it can. */
function sliceLength(ctx: OpContext, n: Dim, slice: { start?: Dim; stop?: Dim; step?: Dim }): Dim {
  const normalize = (d: Dim | undefined, dflt: Dim) => {
    if (!d) return dflt;
    const c = constValue(d);
    return c !== undefined && c < 0 ? addDims(n, d) : d;
  };
  const length = ctx.unifier.resolve(subDims(normalize(slice.stop, n), normalize(slice.start, constDim(0))));
  const step = slice.step ? constValue(slice.step) : 1;
  if (step === 1) return length;
  const c = constValue(length);
  if (c !== undefined && step) return constDim(Math.max(0, Math.ceil(c / step)));
  return (slice.step && divDims(length, slice.step)) ?? ctx.unifier.fresh(`(${printDim(length)})/${step}`);
}
