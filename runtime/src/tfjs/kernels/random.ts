// Kernels of the random and mode ops (rules: compiler/src/ops/random.ts). While training each draws
// from its own seeded stream (ctx.seed: the run's seed, the step and the op); otherwise each
// gives the deterministic value its rule documents, as the reference does.

import type { PlanValue } from "../../plan.js";
import { tf, type Tensor } from "../tf.js";
import type { Kernel, KernelContext } from "./kernel.js";

const shapeOf = (ctx: KernelContext) => (ctx.step.attrs["shape"] as PlanValue[]).map((d) => ctx.dim(d));
const attr = (ctx: KernelContext, name: string, fallback: number) => Number(ctx.step.attrs[name] ?? fallback);

/**
 * sample_negatives: ids drawn ∝ weights by inverting the cumulative distribution (a zero weight
 * is never drawn), or outside training the items from the heaviest down, repeated past V.
 */
function sampleNegatives([weights]: Tensor[], ctx: KernelContext): Tensor {
  const n = ctx.dim(ctx.step.attrs["n"]);
  const v = weights!.shape[0]!;
  if (!ctx.training) return tf.gather(tf.topk(weights!, v).indices, tf.mod(tf.range(0, n, 1, "int32"), tf.scalar(v, "int32")));
  const cdf = tf.cumsum(weights!);
  const u = tf.mul(tf.randomUniform([n], 0, 1, "float32", ctx.seed), tf.slice(cdf, [v - 1], [1]));
  return tf.minimum(tf.searchSorted(cdf, u, "right"), tf.scalar(v - 1, "int32"));
}

export const RANDOM_KERNELS: Readonly<Record<string, Kernel>> = {
  random_normal: (_, ctx) => {
    const mean = attr(ctx, "mean", 0);
    return ctx.training ? tf.randomNormal(shapeOf(ctx), mean, attr(ctx, "stddev", 1), "float32", ctx.seed) : tf.fill(shapeOf(ctx), mean, "float32");
  },
  random_uniform: (_, ctx) => {
    const low = attr(ctx, "low", 0);
    const high = attr(ctx, "high", 1);
    return ctx.training ? tf.randomUniform(shapeOf(ctx), low, high, "float32", ctx.seed) : tf.fill(shapeOf(ctx), (low + high) / 2, "float32");
  },
  bernoulli: ([p], ctx) => (ctx.training ? tf.less(tf.randomUniform(p!.shape, 0, 1, "float32", ctx.seed), p!) : tf.greater(p!, 0.5)),
  randint: (_, ctx) => (ctx.training ? tf.randomUniform(shapeOf(ctx), 0, ctx.dim(ctx.step.attrs["n"]), "int32", ctx.seed) : tf.zeros(shapeOf(ctx), "int32")),
  permutation: (_, ctx) => {
    const n = ctx.dim(ctx.step.attrs["n"]);
    return ctx.training ? tf.topk(tf.randomUniform([n], 0, 1, "float32", ctx.seed), n).indices : tf.range(0, n, 1, "int32");
  },
  sample_negatives: sampleNegatives,
  is_training: (_, ctx) => tf.scalar(ctx.training, "bool"),
};
