// Kernels of the reductions (rules: compiler/src/ops/reduction.ts).

import { tf, type Tensor } from "../tf.js";
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
  // Over the last axis only: tfjs's gradient of a cumsum over another axis is wrong (4.22: it
  // sums the wrong elements), so another axis is moved last and back.
  cumsum: ([x], ctx) => cumsumAlong(x!, axesOf(ctx.step.attrs["axis"], x!.rank)![0]!),
};

/** tf.cumsum along `axis`, computed over the last axis (whose gradient tfjs gets right). */
export function cumsumAlong(x: Tensor, axis: number): Tensor {
  const last = x.rank - 1;
  if (axis === last) return tf.cumsum(x, last);
  const order = Array.from({ length: x.rank }, (_, i) => i);
  [order[axis], order[last]] = [order[last]!, order[axis]!];
  return tf.transpose(tf.cumsum(tf.transpose(x, order), last), order);
}
