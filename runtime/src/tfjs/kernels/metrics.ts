// Kernels of the metric ops (rules: compiler/src/ops/metrics.ts), in tensor ops with no read-back
// so they run on GPU backends; each agrees with runtime/src/metrics/ through the reference
// interpreter.

import { tf, type Tensor } from "../tf.js";
import { type Kernel } from "./kernel.js";

/**
 * (Group) AUC over all pairs at once: row i's weight is its group's size over the group's
 * positive×negative pair count, so Σ_i w_i Σ_j wins_ij = Σ_g n_g AUC_g; without groups it is
 * the AUC. Groups of one class get weight 0 and are left out of the denominator.
 */
function groupAucTensor(p: Tensor, y: Tensor, groups?: Tensor): Tensor {
  const labels = tf.cast(tf.greaterEqual(tf.cast(y, "float32"), 0.5), "float32");
  const n = p.shape[0] ?? 1;
  const same = groups ? tf.cast(tf.equal(tf.expandDims(groups, 1), tf.expandDims(groups, 0)), "float32") : tf.ones([n, n]);
  const diff = tf.sub(tf.expandDims(p, 1), tf.expandDims(p, 0));
  const pairs = tf.mul(same, tf.mul(tf.expandDims(labels, 1), tf.expandDims(tf.sub(1, labels), 0)));
  const wins = tf.add(tf.cast(tf.greater(diff, 0), "float32"), tf.mul(tf.cast(tf.equal(diff, 0), "float32"), 0.5));
  const positives = tf.sum(tf.mul(same, tf.expandDims(labels, 0)), -1);
  const negatives = tf.sum(tf.mul(same, tf.expandDims(tf.sub(1, labels), 0)), -1);
  const pairCount = tf.mul(positives, negatives);
  const valid = tf.cast(tf.greater(pairCount, 0), "float32");
  const weight = tf.div(tf.mul(valid, tf.sum(same, -1)), tf.maximum(pairCount, 1));
  const numerator = tf.sum(tf.mul(weight, tf.sum(tf.mul(wins, pairs), -1)));
  const denominator = tf.sum(valid);
  return tf.where(tf.greater(denominator, 0), tf.div(numerator, tf.maximum(denominator, 1)), tf.scalar(0.5));
}

function logLossTensor(p: Tensor, y: Tensor): Tensor {
  const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
  const yy = tf.cast(y, "float32");
  return tf.neg(tf.mean(tf.add(tf.mul(yy, tf.log(q)), tf.mul(tf.sub(1, yy), tf.log(tf.sub(1, q))))));
}

function normalizedEntropyTensor(p: Tensor, y: Tensor): Tensor {
  const base = tf.mean(tf.cast(y, "float32"));
  const entropy = tf.neg(tf.add(tf.mul(base, tf.log(base)), tf.mul(tf.sub(1, base), tf.log(tf.sub(1, base)))));
  const defined = tf.logicalAnd(tf.greater(base, 0), tf.less(base, 1));
  return tf.where(defined, tf.div(logLossTensor(p, y), tf.where(defined, entropy, tf.scalar(1))), tf.scalar(Number.NaN));
}

function calibrationTensor(p: Tensor, y: Tensor): Tensor {
  const observed = tf.sum(tf.cast(y, "float32"));
  return tf.where(tf.greater(observed, 0), tf.div(tf.sum(p), tf.maximum(observed, 1e-30)), tf.scalar(Number.NaN));
}

/** For scores [B, B] with the positive on the diagonal: how many others score at least as high. */
function others(scores: Tensor): Tensor {
  const n = scores.shape[0]!;
  const positive = tf.sum(tf.mul(scores, tf.eye(n)), -1, true);
  return tf.sub(tf.sum(tf.cast(tf.greaterEqual(scores, positive), "float32"), -1), 1);
}

/** The kernel's value, or NaN when a float input holds a non-finite value (metrics/finite.ts). */
export function nanOnNonFinite(kernel: Kernel): Kernel {
  return (inputs, ctx) => {
    const value = kernel(inputs, ctx);
    const floats = inputs.filter((t) => t.dtype === "float32");
    if (!floats.length) return value;
    const broken = floats.map((t) => tf.logicalNot(tf.all(tf.isFinite(t)))).reduce((a, b) => tf.logicalOr(a, b));
    return tf.where(broken, tf.fill(value.shape, Number.NaN), value);
  };
}

const KERNELS: Readonly<Record<string, Kernel>> = {
  in_batch_recall: ([s], ctx) => tf.mean(tf.cast(tf.less(others(s!), ctx.dim(ctx.step.attrs["k"])), "float32")),
  recall_at: ([s], ctx) => tf.mean(tf.cast(tf.less(others(s!), ctx.dim(ctx.step.attrs["k"])), "float32")),
  hit_rate_at: ([s], ctx) => tf.mean(tf.cast(tf.less(others(s!), ctx.dim(ctx.step.attrs["k"])), "float32")),
  ndcg_at: ([s], ctx) => {
    const rank = tf.add(others(s!), 1);
    const gain = tf.div(Math.LN2, tf.log(tf.add(rank, 1)));
    return tf.mean(tf.where(tf.lessEqual(rank, ctx.dim(ctx.step.attrs["k"])), gain, tf.zerosLike(gain)));
  },
  mrr: ([s]) => tf.mean(tf.div(1, tf.add(others(s!), 1))),
  roc_auc: ([p, y]) => groupAucTensor(p!, y!),
  group_auc: ([p, y, g]) => groupAucTensor(p!, y!, g!),
  binary_log_loss: ([p, y]) => logLossTensor(p!, y!),
  normalized_entropy: ([p, y]) => normalizedEntropyTensor(p!, y!),
  calibration: ([p, y]) => calibrationTensor(p!, y!),
  accuracy: ([a, b]) => tf.mean(tf.cast(tf.equal(tf.cast(a!, "int32"), tf.cast(b!, "int32")), "float32")),
};

export const METRICS_KERNELS: Readonly<Record<string, Kernel>> = Object.fromEntries(
  Object.entries(KERNELS).map(([name, kernel]) => [name, nanOnNonFinite(kernel)]),
);
