// Reductions and normalizing maps over axes: sum, mean, max, min, logsumexp, softmax,
// log_softmax, argmax and cumsum. `axis` is an int, a list of ints, or None (all axes); negative axes count
// from the end.

import { tensorType } from "../types/tensor-type.js";
import { axes, elementwiseCost, FALSE, inputCost, NONE, p, requireDType, tensorArg, int } from "./helpers.js";
import type { OpContext, OpDef } from "./types.js";

function reduce(name: string, doc: string, flops = 1): OpDef {
  return {
    name,
    category: "reduction",
    doc,
    params: [p("x", "tensor"), p("axis", "axis", NONE), p("keepdims", "bool", FALSE)],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      requireDType(name, x.type, name === "sum" ? ["f32", "i32"] : ["f32"], ctx, "x");
      const rank = x.type.shape.length;
      const chosen = axes(args.get("axis"), rank, ctx) ?? x.type.shape.map((_, i) => i);
      const keep = (args.get("keepdims") as { value: boolean }).value;
      const shape = x.type.shape.flatMap((d, i) => (chosen.includes(i) ? (keep ? [{ terms: new Map([["", 1]]) }] : []) : [d]));
      return tensorType(x.type.dtype, shape);
    },
    cost: inputCost(flops),
  };
}

function normalize(name: string, doc: string): OpDef {
  return {
    name,
    category: "reduction",
    doc,
    params: [p("x", "tensor"), p("axis", "axis", int(-1))],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      requireDType(name, x.type, ["f32"], ctx, "x");
      axes(args.get("axis"), x.type.shape.length, ctx);
      return x.type;
    },
    cost: elementwiseCost(5),
  };
}

const argmax: OpDef = {
  name: "argmax",
  category: "reduction",
  doc: "argmax(x, axis = -1): the position of the largest element along the axis, as ids of a space of that axis's size.",
  params: [p("x", "tensor"), p("axis", "axis", int(-1))],
  infer(args, ctx: OpContext) {
    const x = tensorArg(args, "x");
    requireDType("argmax", x.type, ["f32", "i32"], ctx, "x");
    const [axis] = axes(args.get("axis"), x.type.shape.length, ctx)!;
    const size = x.type.shape[axis!]!;
    return tensorType(
      "id",
      x.type.shape.filter((_, i) => i !== axis),
      { name: "", size },
    );
  },
  cost: inputCost(1),
};

const cumsum: OpDef = {
  name: "cumsum",
  category: "reduction",
  doc: "cumsum(x, axis = -1): running sums along the axis (prefix sums), same shape.",
  params: [p("x", "tensor"), p("axis", "axis", int(-1))],
  infer(args, ctx) {
    const x = tensorArg(args, "x");
    requireDType("cumsum", x.type, ["f32", "i32"], ctx, "x");
    axes(args.get("axis"), x.type.shape.length, ctx);
    return x.type;
  },
  cost: inputCost(1),
};

export const REDUCTION_OPS: readonly OpDef[] = [
  argmax,
  cumsum,
  reduce("sum", "sum(x, axis = None, keepdims = false): sum over the axes (all when None)."),
  reduce("mean", "mean(x, axis = None, keepdims = false): arithmetic mean over the axes."),
  reduce("max", "max(x, axis = None, keepdims = false): largest element over the axes."),
  reduce("min", "min(x, axis = None, keepdims = false): smallest element over the axes."),
  reduce("logsumexp", "logsumexp(x, axis = None, keepdims = false) = m + log Σ exp(x − m) with m = max(x): stable for large logits.", 4),
  { ...normalize("softmax", "softmax(x, axis = -1) = exp(x − logsumexp(x)): probabilities along the axis."), attention: "weights" },
  normalize("log_softmax", "log_softmax(x, axis = -1) = x − logsumexp(x, axis, keepdims = true)."),
];
