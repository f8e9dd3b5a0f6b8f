// Kernels of the nn ops (rules: compiler/src/ops/nn.ts): lookups, masks, hashing, top-k and dropout (seeded per op).

import { HASH_MULTIPLIERS, HASH_PRIME } from "../../hashing.js";
import { tf, type Tensor } from "../tf.js";
import { axesOf, gatherAlong, lastAxisOneHotPick, type KernelContext, type Kernel } from "./kernel.js";

/** `hash_ids`: seeded multiplicative hashes of ids into `buckets` (runtime/src/hashing.ts). */
function hashIds([ids]: Tensor[], ctx: KernelContext): Tensor {
  const buckets = ctx.dim(ctx.step.attrs["buckets"]);
  const multiplier = HASH_MULTIPLIERS[ctx.dim(ctx.step.attrs["seed"] ?? 0) % HASH_MULTIPLIERS.length]!;
  const x = tf.add(tf.mod(tf.cast(ids!, "int32"), HASH_PRIME), 1);
  return tf.mod(tf.mod(tf.mul(x, tf.scalar(multiplier, "int32")), HASH_PRIME), buckets);
}

function hashNgrams([ids]: Tensor[], ctx: KernelContext): Tensor {
  const order = ctx.dim(ctx.step.attrs["order"]);
  const buckets = ctx.dim(ctx.step.attrs["buckets"]);
  const l = ids!.shape[ids!.rank - 1]!;
  const x = tf.mod(tf.cast(ids!, "int32"), HASH_PRIME);
  let h: Tensor = tf.zerosLike(x);
  // Oldest to newest: shift the ids right by k; positions before the start leave h unchanged.
  for (let k = order - 1; k >= 0; k--) {
    const pad = ids!.shape.map((_, i) => (i === ids!.rank - 1 ? [k, 0] : [0, 0])) as [number, number][];
    const shifted = k ? tf.slice(tf.pad(x, pad), new Array(ids!.rank).fill(0), x.shape) : x;
    const valid = tf.greaterEqual(tf.range(0, l, 1, "int32"), k);
    h = tf.where(tf.broadcastTo(valid, x.shape), tf.mod(tf.add(tf.add(tf.mul(h, 31), shifted), 1), HASH_PRIME), h);
  }
  return tf.mod(h, buckets);
}

export const NN_KERNELS: Readonly<Record<string, Kernel>> = {
  dropout: ([x], ctx) => (ctx.training ? tf.dropout(x!, Number(ctx.step.attrs["rate"] ?? 0.1), undefined, ctx.seed) : x!),
  // Fed ids take tfjs's own gather; computed ones (picked by topk from a differentiated score) the
  // one whose indices take no gradient, which tfjs's refuses.
  gather: ([table, ids], ctx) =>
    ctx.inputSteps[1]?.op === "input" ? tf.gather(table!, tf.cast(ids!, "int32")) : gatherAlong(table!, tf.cast(ids!, "int32"), 0),
  segment_sum: ([values, segments], ctx) => tf.unsortedSegmentSum(values!, tf.cast(segments!, "int32") as tf.Tensor1D, ctx.dim(ctx.step.type.shape[0])),
  take_along: ([x, index], ctx) => {
    const axis = axesOf(ctx.step.attrs["axis"], x!.rank)![0]!;
    if (axis === x!.rank - 1) return lastAxisOneHotPick(x!, index!);
    const perm = [...Array(x!.rank).keys()].filter((i) => i !== axis).concat(axis);
    return lastAxisOneHotPick(tf.transpose(x!, perm), index!);
  },
  one_hot: ([ids], ctx) => tf.cast(tf.oneHot(tf.cast(ids!, "int32"), ctx.dim(ctx.step.type.shape[ctx.step.type.shape.length - 1]!)), "float32"),
  causal_mask: (_, ctx) => {
    const n = ctx.dim(ctx.step.attrs["n"]);
    return tf.cast(tf.linalg.bandPart(tf.ones([n, n]), -1, 0), "bool");
  },
  // A masked sum as one batched product, [N, 1, L] @ [N, L, D]: reductions only over the last
  // axis (webgpu's reduction over another axis transposes, and fails for a cast mask).
  masked_mean: ([x, mask]) => {
    const [l, d] = x!.shape.slice(-2) as [number, number];
    const lead = x!.shape.slice(0, -2);
    const m = tf.reshape(tf.cast(mask!, "float32"), [-1, 1, l]);
    const total = tf.matMul(m, tf.reshape(x!, [-1, l, d]));
    const count = tf.maximum(tf.sum(m, -1, true), 1);
    return tf.reshape(tf.div(total, count), [...lead, d]);
  },
  hash_ngrams: hashNgrams,
  hash_ids: hashIds,
  topk: ([x], ctx) => {
    registerTopkGradient();
    const { values, indices } = tf.topk(x!, ctx.dim(ctx.step.attrs["k"]));
    return Number(ctx.step.attrs["output"] ?? 0) === 1 ? indices : values;
  },
};

/**
 * tfjs has no gradient for TopK: the values' gradient goes back to the positions they were
 * taken from (PyTorch's topk does the same); the indices take none.
 */
function registerTopkGradient(): void {
  if (tf.getGradient("TopK")) return;
  tf.registerGradient({
    kernelName: "TopK",
    inputsToSave: ["x"],
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [x, indices] = saved as [Tensor, Tensor];
      const dValues = (Array.isArray(dy) ? dy[0] : dy) as Tensor;
      return {
        x: () => {
          const n = x.shape[x.rank - 1]!;
          const rows = x.size / n;
          const flat = tf.add(indices, tf.mul(tf.reshape(tf.range(0, rows, 1, "int32"), [...x.shape.slice(0, -1), 1]), tf.scalar(n, "int32")));
          return tf.reshape(tf.unsortedSegmentSum(tf.reshape(dValues, [-1]), tf.reshape(flat, [-1]), x.size), x.shape);
        },
      };
    },
  });
}
