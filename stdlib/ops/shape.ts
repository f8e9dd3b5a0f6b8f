// Shape ops: transpose, reshape, concat, stack, squeeze, expand_dims, arange, eye.

import { constDim, constValue, divDims, equalDims, printDim, type Dim } from "../../compiler/src/semantics/dims.js";
import { numel, printShape, tensorType } from "../../compiler/src/semantics/tensor-type.js";
import type { TensorValue, Value } from "../../compiler/src/semantics/values.js";
import { axes, elementwiseCost, int, NONE, p, tensorArg } from "./helpers.js";
import type { OpContext, OpDef } from "./types.js";

const noCost = () => ({ flops: constDim(0) });

function listItems(value: Value | undefined): readonly Value[] {
  return value && (value.kind === "list" || value.kind === "tuple") ? value.items : [];
}

const transpose: OpDef = {
  name: "transpose",
  category: "shape",
  doc: "transpose(x, perm = None): permutes the axes; without `perm`, swaps the last two.",
  params: [p("x", "tensor"), p("perm", "axis", NONE)],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    const rank = x.type.shape.length;
    const perm = axes(args.get("perm"), rank, ctx, "perm");
    if (!perm) {
      if (rank < 2) ctx.fail("REC2003", { op: "transpose", expected: "a tensor of rank 2 or more", found: `rank ${rank}` }, "x");
      const shape = [...x.type.shape];
      [shape[rank - 2], shape[rank - 1]] = [shape[rank - 1]!, shape[rank - 2]!];
      return tensorType(x.type.dtype, shape, x.type.space);
    }
    if (perm.length !== rank || new Set(perm).size !== rank) {
      ctx.fail("REC2012", { message: `\`perm\` must list each of the ${rank} axes once`, label: "not a permutation" }, "perm");
    }
    return tensorType(x.type.dtype, perm.map((i) => x.type.shape[i]!), x.type.space);
  },
  cost: noCost,
};

const reshape: OpDef = {
  name: "reshape",
  category: "shape",
  doc: "reshape(x, shape): same elements, new shape; one entry may be -1 and is inferred. The element counts must be equal as polynomials in the symbolic dims.",
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
        ctx.fail("REC2012", { message: `cannot infer \`-1\` in reshape: ${printDim(total)} elements do not divide by ${printDim(known)}`, label: "this shape" }, "shape");
      }
      shape = entries.map((d, i) => (i === inferredAt ? quotient : d));
    } else if (!equalDims(numel(entries), total)) {
      ctx.fail("REC2012", {
        message: `reshape changes the number of elements: ${printShape(x.type.shape)} has ${printDim(total)}, ${printShape(entries)} has ${printDim(numel(entries))}`,
        label: "this shape",
      }, "shape");
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
      const xs = listItems(args.get("xs")) as TensorValue[];
      if (xs.length === 0) ctx.fail("REC2011", { param: "xs", callee: name, expected: "a non-empty list of tensors", found: "an empty list" }, "xs");
      const first = xs[0]!.type;
      const rank = first.shape.length;
      const [axis] = axes(args.get("axis"), name === "concat" ? rank : rank + 1, ctx)!;
      let along: Dim = constDim(0);
      for (const [i, x] of xs.entries()) {
        if (x.type.dtype !== first.dtype) ctx.fail("REC2002", { op: name, found: `${x.type.dtype} next to ${first.dtype}`, expected: "tensors of one dtype" }, "xs");
        if (x.type.shape.length !== rank) {
          ctx.fail("REC2003", { op: name, expected: `rank ${rank} like the first tensor`, found: `rank ${x.type.shape.length} (tensor ${i})` }, "xs");
        }
        x.type.shape.forEach((d, j) => {
          if (name === "concat" && j === axis) return;
          if (!ctx.unifier.unify(first.shape[j]!, d)) {
            ctx.fail("REC2001", {
              op: name,
              left: printShape(first.shape.map((e) => ctx.unifier.resolve(e))),
              right: printShape(x.type.shape.map((e) => ctx.unifier.resolve(e))),
              detail: `every axis but the ${name === "concat" ? "joined one" : "new one"} must agree; axis ${j} differs`,
            }, "xs");
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
        ctx.fail("REC2012", { message: `cannot squeeze axis ${i} of size ${printDim(ctx.unifier.resolve(d))}`, label: "not of size 1" }, "axis");
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
  doc: "arange(n): the positions 0, 1, …, n − 1 as ids of an unnamed space of n (n may be symbolic, such as the batch B), which fits any table of n rows: position embeddings look them up, in-batch losses use them as labels.",
  params: [p("n", "int")],
  infer(args) {
    const n = args.get("n") as Extract<Value, { kind: "int" }>;
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
    const n = (args.get("n") as Extract<Value, { kind: "int" }>).dim;
    return tensorType((args.get("dtype") as Extract<Value, { kind: "dtype" }>).name, [n, n]);
  },
  cost: elementwiseCost(0),
};

export const SHAPE_OPS: readonly OpDef[] = [
  transpose,
  reshape,
  joinOp("concat", "concat(xs, axis = -1): joins a list of tensors along an existing axis; the other axes must agree."),
  joinOp("stack", "stack(xs, axis = 0): joins a list of equal-shaped tensors along a new axis."),
  squeeze,
  expandDims,
  arange,
  eye,
];

