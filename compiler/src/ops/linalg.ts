// Matrix products (`a @ b` over the last two axes, broadcasting the leading batch axes) and
// dense linear algebra over square matrices: `inverse`, `cholesky`, `solve` (closed-form and
// linear-autoencoder recommenders such as EASE; spectral graph filters).

import { addDims, constDim, mulDims, printDim, type Dim } from "../types/dims.js";
import { dtypeName, numel, printShape, tensorType } from "../types/tensor-type.js";
import { broadcast, numericDType, p, requireDType, requireRank, tensorArg } from "./helpers.js";
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

/** A square matrix argument [..., N, N], f32; fails with REC2001 (case square) otherwise. */
function squareMatrix(op: string, args: Parameters<OpDef["infer"]>[0], ctx: Parameters<OpDef["infer"]>[1], param: string) {
  const a = tensorArg(args, param);
  requireDType(op, a.type, ["f32"], ctx, param);
  requireRank(op, a.type, 2, ctx, param);
  const [rows, cols] = a.type.shape.slice(-2);
  if (!ctx.unifier.unify(rows!, cols!)) {
    const r = (d: typeof rows) => printDim(ctx.unifier.resolve(d!));
    ctx.fail(
      "REC2001",
      { op, left: `${dtypeName(a.type)}${printShape(a.type.shape)}`, right: "a square matrix", case: "square", first: r(rows), second: r(cols) },
      param,
    );
  }
  return a;
}

/** factor · N³ per matrix of the batch (the order of the work, counted in whole multiples of N³). */
const cubicCost = (factor: number) => (inputs: readonly { shape: readonly Dim[] }[]) => {
  const shape = inputs[0]!.shape;
  const n = shape[shape.length - 1]!;
  return { flops: mulDims(constDim(factor), mulDims(numel(shape), n)) };
};

/** An op from each square matrix [..., N, N] to one of its shape (inverse, cholesky). */
const perSquareMatrix = (name: string, doc: string, cubes: number): OpDef => ({
  name,
  category: "linalg",
  doc,
  params: [p("a", "tensor")],
  infer: (args, ctx) => squareMatrix(name, args, ctx, "a").type,
  cost: cubicCost(cubes),
});

export const inverse = perSquareMatrix(
  "inverse",
  "inverse(a): the inverse of each square matrix a [..., N, N] (leading axes are a batch), as " +
    "torch.linalg.inv; a singular matrix gives non-finite values. Gradient −A⁻ᵀ Ḡ A⁻ᵀ.",
  2,
);

export const cholesky = perSquareMatrix(
  "cholesky",
  "cholesky(a): the lower-triangular L with L Lᵀ = a, for each symmetric positive-definite " +
    "a [..., N, N], as torch.linalg.cholesky; only the lower triangle of a is read. A matrix that " +
    "is not positive definite gives NaN on tfjs (the torch engine raises an error). Gradient as " +
    "PyTorch's (symmetrized).",
  1,
);

export const solve: OpDef = {
  name: "solve",
  category: "linalg",
  doc:
    "solve(a, b): x with a x = b, for square a [..., N, N] and b [..., N, K] with the same leading " +
    "axes (a batch of systems), as torch.linalg.solve; a singular a gives non-finite values. " +
    "Gradients: b̄ = a⁻ᵀ x̄, ā = −b̄ xᵀ.",
  params: [p("a", "tensor"), p("b", "tensor")],
  infer(args, ctx) {
    const a = squareMatrix("solve", args, ctx, "a");
    const b = tensorArg(args, "b");
    requireDType("solve", b.type, ["f32"], ctx, "b");
    requireRank("solve", b.type, a.type.shape.length, ctx, "b", a.type.shape.length);
    const agree = a.type.shape.slice(0, -1).every((d, i) => ctx.unifier.unify(d, b.type.shape[i]!));
    if (!agree) {
      const r = (d: Dim | undefined) => printDim(ctx.unifier.resolve(d!));
      ctx.fail(
        "REC2001",
        {
          op: "solve",
          left: `${dtypeName(a.type)}${printShape(a.type.shape)}`,
          right: `${dtypeName(b.type)}${printShape(b.type.shape)}`,
          case: "solve",
          first: r(a.type.shape[a.type.shape.length - 1]),
          second: r(b.type.shape[b.type.shape.length - 2]),
        },
        "b",
      );
    }
    return tensorType("f32", b.type.shape);
  },
  cost: (inputs) => {
    const [a, b] = [inputs[0]!.shape, inputs[1]!.shape];
    const n = a[a.length - 1]!;
    return { flops: addDims(mulDims(numel(a), n), mulDims(constDim(2), mulDims(numel(b), n))) };
  },
};

export const LINALG_OPS: readonly OpDef[] = [matmul, inverse, cholesky, solve];
