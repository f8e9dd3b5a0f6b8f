// Further primitives the papers need (papers.md §3): argmax, clipping, dropout, cumulative
// sums, stable log-sigmoid, squares and reciprocal square roots, gathering along an axis,
// broadcasting, and sampling actions from a policy.

import { constDim, mulDims } from "../../compiler/src/semantics/dims.js";
import { numel, printShape, tensorType } from "../../compiler/src/semantics/tensor-type.js";
import type { Value } from "../../compiler/src/semantics/values.js";
import { axes, broadcast, elementwiseCost, float, inputCost, int, p, requireDType, requireRank, tensorArg } from "./helpers.js";
import type { OpContext, OpDef } from "./types.js";

function unaryF32(name: string, doc: string, flops: number): OpDef {
  return {
    name,
    category: "elementwise",
    doc,
    params: [p("x", "tensor")],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      requireDType(name, x.type, ["f32"], ctx, "x");
      return tensorType("f32", x.type.shape);
    },
    cost: elementwiseCost(flops),
  };
}

export const EXTRA_OPS: readonly OpDef[] = [
  unaryF32("square", "square(x) = x².", 1),
  unaryF32("rsqrt", "rsqrt(x) = 1 / √x.", 2),
  unaryF32("log_sigmoid", "log_sigmoid(x) = −softplus(−x), stable for large |x|: the log-likelihood term of BCE and DPO.", 4),
  {
    name: "clip",
    category: "elementwise",
    doc: "clip(x, low, high) = min(max(x, low), high); the gradient is zero outside [low, high].",
    params: [p("x", "tensor"), p("low", "float"), p("high", "float")],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      requireDType("clip", x.type, ["f32"], ctx, "x");
      return x.type;
    },
    cost: elementwiseCost(2),
  },
  {
    name: "dropout",
    category: "nn",
    impure: true,
    doc: "dropout(x, rate): during training, zeroes each element with probability `rate` and scales the rest by 1/(1 − rate); the identity in evaluation.",
    params: [p("x", "tensor"), p("rate", "float", float(0.1))],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      requireDType("dropout", x.type, ["f32"], ctx, "x");
      return x.type;
    },
    cost: elementwiseCost(2),
  },
  {
    name: "argmax",
    category: "reduction",
    doc: "argmax(x, axis = -1): the position of the largest element along the axis, as ids of a space of that axis's size.",
    params: [p("x", "tensor"), p("axis", "axis", int(-1))],
    infer(args, ctx: OpContext) {
      const x = tensorArg(args, "x");
      requireDType("argmax", x.type, ["f32", "i32"], ctx, "x");
      const [axis] = axes(args.get("axis"), x.type.shape.length, ctx)!;
      const size = x.type.shape[axis!]!;
      return tensorType("id", x.type.shape.filter((_, i) => i !== axis), { name: "", size });
    },
    cost: inputCost(1),
  },
  {
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
  },
  {
    name: "take",
    category: "shape",
    doc: "take(x, index, axis = 0): the slices of x at the positions `index` along the axis (numpy take): x [..., N, ...] with index i32[K] or ids gives [..., K, ...].",
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
  },
  {
    name: "broadcast_to",
    category: "shape",
    doc: "broadcast_to(x, shape): x repeated along axes of size 1 (and new leading axes) to `shape`.",
    params: [p("x", "tensor"), p("shape", "ints")],
    infer(args, ctx) {
      const x = tensorArg(args, "x");
      const target = ((args.get("shape") as Extract<Value, { kind: "list" }>).items as Extract<Value, { kind: "int" }>[]).map((v) => v.dim);
      const result = broadcast("broadcast_to", x.type.shape, target, ctx, ["x", "shape"]);
      if (result.length !== target.length) {
        ctx.fail("REC2003", { op: "broadcast_to", expected: `rank ${target.length} at most`, found: printShape(x.type.shape) }, "x");
      }
      return tensorType(x.type.dtype, target, x.type.space);
    },
    cost: elementwiseCost(0),
  },
  {
    name: "sample_categorical",
    category: "rl",
    impure: true,
    doc: "sample_categorical(policy, temperature = 1.0): one action per row drawn from a policy's log-probabilities f32[B, A] (seeded), as ids of a space of A; exploration for RL.",
    params: [p("policy", "tensor"), p("temperature", "float", float(1))],
    infer(args, ctx) {
      const policy = tensorArg(args, "policy");
      requireRank("sample_categorical", policy.type, 2, ctx, "policy", 2);
      return tensorType("id", [policy.type.shape[0]!], { name: "", size: policy.type.shape[1]! });
    },
    cost: (inputs) => ({ flops: mulDims(constDim(3), numel(inputs[0]!.shape)) }),
  },
];
