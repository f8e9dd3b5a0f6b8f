// Matrix products: `a @ b` over the last two axes, broadcasting the leading (batch) axes.

import { constDim, mulDims, printDim } from "../types/dims.js";
import { dtypeName, numel, printShape, tensorType } from "../types/tensor-type.js";
import { broadcast, numericDType, p, requireRank, tensorArg } from "./helpers.js";
import type { OpDef } from "./types.js";

export const matmul: OpDef = {
  name: "matmul",
  category: "linalg",
  doc: "matmul(a, b) = a @ b: a [..., M, K] times b [..., K, N] gives [..., M, N]; leading axes broadcast. Cost 2·M·K·N per batch element.",
  params: [p("a", "tensor"), p("b", "tensor")],
  infer(args, ctx) {
    const a = tensorArg(args, "a");
    const b = tensorArg(args, "b");
    const dtype = numericDType("@", a, b, ctx, ["a", "b"]);
    requireRank("@", a.type, 2, ctx, "a");
    requireRank("@", b.type, 2, ctx, "b");
    const [m, k1] = a.type.shape.slice(-2);
    const [k2, n] = b.type.shape.slice(-2);
    if (!ctx.unifier.unify(k1!, k2!)) {
      const r = (d: typeof k1) => printDim(ctx.unifier.resolve(d!));
      ctx.fail(
        "REC2001",
        {
          op: "@",
          left: `${dtypeName(a.type)}${printShape(a.type.shape.map((d) => ctx.unifier.resolve(d)))}`,
          right: `${dtypeName(b.type)}${printShape(b.type.shape.map((d) => ctx.unifier.resolve(d)))}`,
          case: "inner",
          first: r(k1),
          second: r(k2),
        },
        "b",
      );
    }
    const batch = broadcast("@", a.type.shape.slice(0, -2), b.type.shape.slice(0, -2), ctx, ["a", "b"]);
    return tensorType(dtype, [...batch, m!, n!]);
  },
  cost(inputs, output) {
    const k = inputs[0]!.shape[inputs[0]!.shape.length - 1] ?? constDim(1);
    return { flops: mulDims(constDim(2), mulDims(numel(output.shape), k)) };
  },
};

export const LINALG_OPS: readonly OpDef[] = [matmul];
