// Random and mode-dependent ops: draws from the normal, uniform and Bernoulli distributions,
// random integers, permutations, negative sampling with its log-probabilities, and the mode
// switch `is_training()`. Each random op is `impure` (never merged with another call) and
// draws its own seeded stream while training (runtime/src/tfjs/executor.ts tfSeed); outside
// training — evaluation, prediction, serving, and the reference interpreter — each returns a
// documented deterministic value, the distribution's centre, as dropout is the identity then.
// spec/ops.md lists them as the stochastic and mode-dependent ops.

import { constDim, mulDims } from "../types/dims.js";
import { numel, tensorType } from "../types/tensor-type.js";
import { float, p, requireDType, requireRank, tensorArg } from "./helpers.js";
import type { Cost, OpArg, OpArgs, OpDef } from "./types.js";

/** The dims of a `shape` argument (symbolic ones allowed, such as `[B, 4]`). */
function shapeOf(args: OpArgs): ReturnType<typeof constDim>[] {
  const value = args.get("shape");
  const items: readonly OpArg[] = value?.kind === "list" ? value.items : [];
  return items.map((v) => (v.kind === "int" ? v.dim : constDim(1)));
}

/** A few operations per drawn number. */
const perDraw = (_: unknown, output: { shape: readonly ReturnType<typeof constDim>[] }): Cost => ({ flops: mulDims(constDim(4), numel(output.shape)) });

/** A draw of f32[shape] from a distribution with the given parameters (after `shape`). */
function floatDraw(name: string, doc: string, params: OpDef["params"]): OpDef {
  return {
    name,
    category: "random",
    impure: true,
    doc,
    params: [p("shape", "ints"), ...params],
    infer: (args) => tensorType("f32", shapeOf(args)),
    cost: perDraw,
  };
}

const randomNormal = floatDraw(
  "random_normal",
  "random_normal(shape, mean = 0.0, stddev = 1.0): f32[shape] drawn from N(mean, stddev²) " +
    "while training (the reparameterisation noise of a VAE); `mean` everywhere outside " +
    "training.",
  [p("mean", "float", float(0)), p("stddev", "float", float(1))],
);

const randomUniform = floatDraw(
  "random_uniform",
  "random_uniform(shape, low = 0.0, high = 1.0): f32[shape] drawn uniformly from [low, high) while training; the midpoint (low + high) / 2 outside training.",
  [p("low", "float", float(0)), p("high", "float", float(1))],
);

const bernoulli: OpDef = {
  name: "bernoulli",
  category: "random",
  impure: true,
  doc:
    "bernoulli(p): bool[...] of p's shape, each element true with its probability p while " +
    "training (masking for a masked-item model: `bernoulli(full([B, T], 0.2))`); the most " +
    "likely value, p > 0.5, outside training.",
  params: [p("p", "tensor")],
  infer(args, ctx) {
    const prob = tensorArg(args, "p");
    requireDType("bernoulli", prob.type, ["f32"], ctx, "p");
    return tensorType("bool", prob.type.shape);
  },
  cost: perDraw,
};

const randint: OpDef = {
  name: "randint",
  category: "random",
  impure: true,
  doc:
    "randint(shape, n): ids of an unnamed space of n, each uniform over 0 … n − 1 while " +
    "training (random negatives of a catalogue of n items fit any table of n rows); 0 outside " +
    "training.",
  params: [p("shape", "ints"), p("n", "int")],
  infer(args) {
    const n = args.get("n") as Extract<OpArg, { kind: "int" }>;
    return tensorType("id", shapeOf(args), { name: "", size: n.dim });
  },
  cost: perDraw,
};

const permutation: OpDef = {
  name: "permutation",
  category: "random",
  impure: true,
  doc:
    "permutation(n): the positions 0 … n − 1 in a random order while training (shuffling the " +
    "rows of a batch: `take(x, permutation(B))`), as ids of an unnamed space of n; in order " +
    "outside training.",
  params: [p("n", "int")],
  infer(args) {
    const n = (args.get("n") as Extract<OpArg, { kind: "int" }>).dim;
    return tensorType("id", [n], { name: "", size: n });
  },
  cost: (_, output) => ({ flops: mulDims(constDim(8), numel(output.shape)) }),
};

const sampleNegatives: OpDef = {
  name: "sample_negatives",
  category: "random",
  impure: true,
  doc:
    "sample_negatives(weights, n): n negatives drawn with replacement from a catalogue of V " +
    "items with probability q_i = weights_i / Σ weights (weights f32[V], non-negative: " +
    "popularity counts, or `full([V], 1.0)` for uniform sampling), as ids of an unnamed space " +
    "of V [n]; `std/nn`'s `negatives_with_log_q` also returns log q, which a sampled softmax " +
    "subtracts from the negatives' logits (the logQ correction, Yi et al., 2019). Outside " +
    "training: the items from the heaviest down, ties to the lower id (the i-th is the (i mod " +
    "V)-th heaviest).",
  params: [p("weights", "tensor"), p("n", "int")],
  infer(args, ctx) {
    const weights = tensorArg(args, "weights");
    requireDType("sample_negatives", weights.type, ["f32"], ctx, "weights");
    requireRank("sample_negatives", weights.type, 1, ctx, "weights", 1);
    const n = (args.get("n") as Extract<OpArg, { kind: "int" }>).dim;
    return tensorType("id", [n], { name: "", size: weights.type.shape[0]! });
  },
  cost: (inputs, output) => ({ flops: mulDims(constDim(4), mulDims(numel(inputs[0]!.shape), numel(output.shape))) }),
};

const isTraining: OpDef = {
  name: "is_training",
  category: "random",
  mode: true,
  doc:
    "is_training(): bool[] true while a training step runs and false in evaluation, prediction " +
    "and serving: the switch of mode-dependent blocks (BatchNorm uses the batch's statistics " +
    "while training and its running ones otherwise: `where(is_training(), batch, running)`).",
  params: [],
  infer: () => tensorType("bool", []),
  cost: () => ({ flops: constDim(0) }),
};

export const RANDOM_OPS: readonly OpDef[] = [randomNormal, randomUniform, bernoulli, randint, permutation, sampleNegatives, isTraining];
