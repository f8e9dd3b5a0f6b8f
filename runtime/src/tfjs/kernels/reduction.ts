// Kernels of the reductions (rules: compiler/src/ops/reduction.ts).

import { tf } from "../tf.js";
import { axesOf, reduce, logSoftmax, type Kernel } from "./kernel.js";

export const REDUCTION_KERNELS: Readonly<Record<string, Kernel>> = {
  sum: reduce((x, axis, keep) => tf.sum(x, axis, keep)),
  mean: reduce((x, axis, keep) => tf.mean(x, axis, keep)),
  max: reduce((x, axis, keep) => tf.max(x, axis, keep)),
  min: reduce((x, axis, keep) => tf.min(x, axis, keep)),
  logsumexp: reduce((x, axis, keep) => tf.logSumExp(x, axis, keep)),
  // The fused kernels (stable: they subtract the max) on the last axis; the composition elsewhere.
  softmax: ([x], ctx) => {
    const axis = axesOf(ctx.step.attrs["axis"], x!.rank)![0]!;
    return axis === x!.rank - 1 ? tf.softmax(x!) : tf.exp(logSoftmax(x!, axis));
  },
  log_softmax: ([x], ctx) => {
    const axis = axesOf(ctx.step.attrs["axis"], x!.rank)![0]!;
    return axis === x!.rank - 1 ? tf.logSoftmax(x!) : logSoftmax(x!, axis);
  },
  argmax: ([x], ctx) => tf.argMax(x!, axesOf(ctx.step.attrs["axis"], x!.rank)![0]!),
  cumsum: ([x], ctx) => tf.cumsum(x!, axesOf(ctx.step.attrs["axis"], x!.rank)![0]!),
};
