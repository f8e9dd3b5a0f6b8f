// Shape ops: transpose, reshape, concat, stack, squeeze, expand_dims, arange, eye, full, take,
// broadcast_to and indexing (`x[i, a:b, None, ...]`, index-op.ts).

import { constDim, constValue, divDims, equalDims, printDim, type Dim } from "../types/dims.js";
import { numel, printShape, tensorType } from "../types/tensor-type.js";
import { axes, broadcast, elementwiseCost, int, NONE, p, requireDType, tensorArg } from "./helpers.js";
import { indexOp } from "./index-op.js";
import type { OpArg, OpContext, OpDef, OpTensor } from "./types.js";

const noCost = () => ({ flops: constDim(0) });

function listItems(value: OpArg | undefined): readonly OpArg[] {
  return value?.kind === "list" ? value.items : [];
}

const transpose: OpDef = {
  name: "transpose",
  category: "shape",
  algebra: { involution: { whenNone: "perm" } },
  doc: "transpose(x, perm = None): permutes the axes; without `perm`, swaps the last two.",
  params: [p("x", "tensor"), p("perm", "axis", NONE)],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    const rank = x.type.shape.length;
    const perm = axes(args.get("perm"), rank, ctx, "perm");
    if (!perm) {
      if (rank < 2) ctx.fail("REC2003", { op: "transpose", case: "min", rank: "2", found: `rank ${rank}` }, "x");
      const shape = [...x.type.shape];
      [shape[rank - 2], shape[rank - 1]] = [shape[rank - 1]!, shape[rank - 2]!];
      return tensorType(x.type.dtype, shape, x.type.space);
    }
    if (perm.length !== rank || new Set(perm).size !== rank) {
      ctx.fail("REC2012", { case: "perm", rank: String(rank) }, "perm");
    }
    return tensorType(
      x.type.dtype,
      perm.map((i) => x.type.shape[i]!),
      x.type.space,
    );
  },
  cost: noCost,
};

const reshape: OpDef = {
  name: "reshape",
  category: "shape",
  algebra: { outerWins: true },
  doc:
    "reshape(x, shape): same elements, new shape; one entry may be -1 and is inferred. The " +
    "element counts must be equal as polynomials in the symbolic dims.",
  params: [p("x", "tensor"), p("shape", "ints")],
  infer(args, ctx: OpContext) {
    const x = tensorArg(args, "x");
    const entries = listItems(args.get("shape")).map((v) => (v.kind === "int" ? ctx.unifier.resolve(v.dim) : constDim(0)));
    const total = ctx.unifier.resolve(numel(x.type.shape));
    const inferredAt = entries.findIndex((d) => constValue(d) === -1);
    let shape = entries;
    if (inferredAt >= 0) {
      const known = numel(entries.filter((_, i) => i !== inferredAt));
      const quotient = divDims(total, known);
      if (!quotient) {
        ctx.fail("REC2012", { case: "infer", total: printDim(total), known: printDim(known) }, "shape");
      }
      shape = entries.map((d, i) => (i === inferredAt ? quotient : d));
    } else if (!equalDims(numel(entries), total)) {
      ctx.fail(
        "REC2012",
        { case: "reshape", from: printShape(x.type.shape), fromSize: printDim(total), to: printShape(entries), toSize: printDim(numel(entries)) },
        "shape",
      );
    }
    return tensorType(x.type.dtype, shape, x.type.space);
  },
  cost: noCost,
};

function joinOp(name: "concat" | "stack", doc: string): OpDef {
  return {
    name,
    category: "shape",
    doc,
    params: [p("xs", "tensors"), p("axis", "axis", int(name === "concat" ? -1 : 0))],
    infer(args, ctx) {
      const xs = listItems(args.get("xs")) as OpTensor[];
      if (xs.length === 0) ctx.fail("REC2011", { param: "xs", callee: name, expected: "a non-empty list of tensors", found: "an empty list" }, "xs");
      const first = xs[0]!.type;
      const rank = first.shape.length;
      const [axis] = axes(args.get("axis"), name === "concat" ? rank : rank + 1, ctx)!;
      let along: Dim = constDim(0);
      for (const [i, x] of xs.entries()) {
        if (x.type.dtype !== first.dtype) ctx.fail("REC2002", { op: name, case: "tensors", found: `${x.type.dtype} next to ${first.dtype}` }, "xs");
        if (x.type.shape.length !== rank) {
          ctx.fail("REC2003", { op: name, case: "like-first", rank: String(rank), found: `rank ${x.type.shape.length} (tensor ${i})` }, "xs");
        }
        x.type.shape.forEach((d, j) => {
          if (name === "concat" && j === axis) return;
          if (!ctx.unifier.unify(first.shape[j]!, d)) {
            ctx.fail(
              "REC2001",
              {
                op: name,
                left: printShape(first.shape.map((e) => ctx.unifier.resolve(e))),
                right: printShape(x.type.shape.map((e) => ctx.unifier.resolve(e))),
                case: name === "concat" ? "concat" : "stack",
                axis: String(j),
              },
              "xs",
            );
          }
        });
        if (name === "concat") along = ctx.unifier.sum(along, x.type.shape[axis!]!);
      }
      const shape = [...first.shape];
      if (name === "concat") shape[axis!] = along;
      else shape.splice(axis!, 0, constDim(xs.length));
      return tensorType(first.dtype, shape, first.space);
    },
    cost: noCost,
  };
}

const squeeze: OpDef = {
  name: "squeeze",
  category: "shape",
  doc: "squeeze(x, axis = None): removes axes of size 1 (the given ones, or all).",
  params: [p("x", "tensor"), p("axis", "axis", NONE)],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    const chosen = axes(args.get("axis"), x.type.shape.length, ctx);
    const shape = x.type.shape.filter((d, i) => {
      const one = ctx.unifier.isOne(d);
      if (chosen?.includes(i) && !one) {
        ctx.fail("REC2012", { case: "squeeze", axis: String(i), size: printDim(ctx.unifier.resolve(d)) }, "axis");
      }
      return chosen ? !chosen.includes(i) : !one;
    });
    return tensorType(x.type.dtype, shape, x.type.space);
  },
  cost: noCost,
};

const expandDims: OpDef = {
  name: "expand_dims",
  category: "shape",
  doc: "expand_dims(x, axis): inserts an axis of size 1 (same as indexing with `None`).",
  params: [p("x", "tensor"), p("axis", "axis")],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    const [axis] = axes(args.get("axis"), x.type.shape.length + 1, ctx)!;
    const shape = [...x.type.shape];
    shape.splice(axis!, 0, constDim(1));
    return tensorType(x.type.dtype, shape, x.type.space);
  },
  cost: noCost,
};

const arange: OpDef = {
  name: "arange",
  category: "shape",
  doc:
    "arange(n): the positions 0, 1, …, n − 1 as ids of an unnamed space of n (n may be " +
    "symbolic, such as the batch B), which fits any table of n rows: position embeddings look " +
    "them up, in-batch losses use them as labels.",
  params: [p("n", "int")],
  infer(args) {
    const n = args.get("n") as Extract<OpArg, { kind: "int" }>;
    return tensorType("id", [n.dim], { name: "", size: n.dim });
  },
  cost: elementwiseCost(0),
};

const eye: OpDef = {
  name: "eye",
  category: "shape",
  doc: "eye(n, dtype = f32): the n × n identity matrix.",
  params: [p("n", "int"), p("dtype", "dtype", { kind: "dtype", name: "f32" })],
  infer(args) {
    const n = (args.get("n") as Extract<OpArg, { kind: "int" }>).dim;
    return tensorType((args.get("dtype") as Extract<OpArg, { kind: "dtype" }>).name, [n, n]);
  },
  cost: elementwiseCost(0),
};

const full: OpDef = {
  name: "full",
  category: "shape",
  doc:
    "full(shape, value = 0.0, dtype = f32): a tensor of the given shape (symbolic dims " +
    "allowed, such as `[B, 4]`) holding `value` everywhere, made at run time: `full([B, D], " +
    "0.0)` for zeros, `full([B], 1.0)` for ones. An i32 value is truncated, a bool one is " +
    "`value != 0`.",
  params: [p("shape", "ints"), p("value", "float", { kind: "float", value: 0 }), p("dtype", "dtype", { kind: "dtype", name: "f32" })],
  infer(args) {
    const shape = listItems(args.get("shape")).map((v) => (v.kind === "int" ? v.dim : constDim(1)));
    return tensorType((args.get("dtype") as Extract<OpArg, { kind: "dtype" }>).name, shape);
  },
  cost: elementwiseCost(0),
};

/** The shape of nested number lists, or undefined when they are ragged. */
function nestedShape(value: OpArg): number[] | undefined {
  if (value.kind !== "list") return [];
  const shapes = value.items.map(nestedShape);
  const first = shapes[0];
  if (!first || shapes.some((s) => !s || s.join() !== first.join())) return undefined;
  return [value.items.length, ...first];
}

/** The lengths of the first two rows that differ, for the message. */
function raggedRows(value: OpArg): [number, number] {
  if (value.kind !== "list") return [0, 0];
  const lengths = value.items.map((i) => (i.kind === "list" ? i.items.length : 0));
  const other = lengths.find((n) => n !== lengths[0]);
  return other !== undefined ? [lengths[0]!, other] : raggedRows(value.items.find((i) => !nestedShape(i)) ?? value.items[0]!);
}

const tensorOp: OpDef = {
  name: "constant",
  category: "shape",
  doc:
    "constant(values, dtype = f32): a tensor from a compile-time list of numbers, nested for " +
    "more axes (`constant([[1.0, 0.0], [0.5, 0.5]])` is f32[2, 2]; `constant([0.1 * k for k in " +
    "range(4)])`); the lists must be rectangular. An i32 value is truncated, a bool one is " +
    "`value != 0`.",
  params: [p("values", "numbers"), p("dtype", "dtype", { kind: "dtype", name: "f32" })],
  infer(args, ctx) {
    const values = args.get("values")!;
    const shape = nestedShape(values);
    if (!shape) {
      const rows = raggedRows(values);
      return ctx.fail(
        "REC2001",
        {
          op: "constant",
          left: `a row of ${rows[0]}`,
          right: `a row of ${rows[1]}`,
          case: "ragged",
        },
        "values",
      );
    }
    return tensorType((args.get("dtype") as Extract<OpArg, { kind: "dtype" }>).name, shape.map(constDim));
  },
  cost: noCost,
};

const take: OpDef = {
  name: "take",
  category: "shape",
  doc:
    "take(x, index, axis = 0): the slices of x at the positions `index` along the axis (numpy " +
    "take): x [..., N, ...] with index i32[K] or ids gives [..., K, ...].",
  params: [p("x", "tensor"), p("index", "tensor"), p("axis", "axis", int(0))],
  infer(args, ctx: OpContext) {
    const x = tensorArg(args, "x");
    const index = tensorArg(args, "index");
    if (index.type.dtype !== "i32" && index.type.dtype !== "id") requireDType("take", index.type, ["i32", "id"], ctx, "index");
    const [axis] = axes(args.get("axis"), x.type.shape.length, ctx)!;
    const shape = [...x.type.shape.slice(0, axis), ...index.type.shape, ...x.type.shape.slice(axis! + 1)];
    return tensorType(x.type.dtype, shape, x.type.space);
  },
  cost: () => ({ flops: constDim(0) }),
};

const broadcastTo: OpDef = {
  name: "broadcast_to",
  category: "shape",
  doc: "broadcast_to(x, shape): x repeated along axes of size 1 (and new leading axes) to `shape`.",
  params: [p("x", "tensor"), p("shape", "ints")],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    const target = ((args.get("shape") as Extract<OpArg, { kind: "list" }>).items as Extract<OpArg, { kind: "int" }>[]).map((v) => v.dim);
    const result = broadcast("broadcast_to", x.type.shape, target, ctx, ["x", "shape"]);
    if (result.length !== target.length) {
      ctx.fail("REC2003", { op: "broadcast_to", case: "at-most", rank: String(target.length), found: printShape(x.type.shape) }, "x");
    }
    return tensorType(x.type.dtype, target, x.type.space);
  },
  cost: elementwiseCost(0),
};

export const SHAPE_OPS: readonly OpDef[] = [
  take,
  broadcastTo,
  indexOp,
  transpose,
  reshape,
  joinOp("concat", "concat(xs, axis = -1): joins a list of tensors along an existing axis; the other axes must agree."),
  joinOp("stack", "stack(xs, axis = 0): joins a list of equal-shaped tensors along a new axis."),
  squeeze,
  expandDims,
  arange,
  eye,
  full,
  tensorOp,
];
