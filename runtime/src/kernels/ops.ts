// The kernel table: for each op of the plan, how to compute it with TensorFlow.js. Inputs come
// in the order of the op's tensor parameters; attributes as the plan stores them.

import { HASH_MULTIPLIERS, HASH_PRIME } from "../hashing.js";
import type { PlanStep, PlanValue } from "../plan.js";
import { tf, tfDtype, type Tensor } from "../tf.js";

export interface KernelContext {
  readonly step: PlanStep;
  /** Sizes of the model's symbolic dims for this batch. */
  readonly dim: (value: PlanValue | undefined) => number;
  readonly training: boolean;
  readonly seed: number;
  /** The steps of this step's inputs (a constant's value is known without reading a tensor). */
  readonly inputSteps: readonly PlanStep[];
}

export type Kernel = (inputs: Tensor[], ctx: KernelContext) => Tensor;

const dtypeOf = (step: PlanStep) => tfDtype(step.type);

/** `t` in dtype `want` (no op when it already is). */
const castTo = (t: Tensor, want: "float32" | "int32" | "bool") => (t.dtype === want ? t : tf.cast(t, want));

/** Binary ops cast a scalar constant of another dtype (`x ** 2`) to the result's dtype. */
function binary(f: (a: Tensor, b: Tensor) => Tensor, compare = false): Kernel {
  return ([a, b], ctx) => {
    if (!compare && ctx.step.type.dtype !== "bool") {
      const want = dtypeOf(ctx.step);
      return f(castTo(a!, want), castTo(b!, want));
    }
    const g = compare ? withoutGradient(f) : f;
    if (a!.dtype !== b!.dtype) return g(tf.cast(a!, "float32"), tf.cast(b!, "float32"));
    return g(a!, b!);
  };
}

/**
 * A comparison has no gradient: tfjs would refuse to differentiate through it (`u < 0` cast
 * to f32 in a loss), so it is a custom op whose inputs get zero gradients.
 */
function withoutGradient(f: (a: Tensor, b: Tensor) => Tensor): (a: Tensor, b: Tensor) => Tensor {
  return tf.customGrad((a, b, save) => {
    void save;
    // Shapes, not the tensors: the inputs may be gone by the time gradients are computed.
    const [shapeA, shapeB] = [(a as Tensor).shape, (b as Tensor).shape];
    return { value: f(a as Tensor, b as Tensor), gradFunc: () => [tf.zeros(shapeA), tf.zeros(shapeB)] };
  }) as (a: Tensor, b: Tensor) => Tensor;
}

const unary = (f: (x: Tensor) => Tensor): Kernel => ([x]) => f(x!);

const stopGradient = tf.customGrad((x, save) => {
  void save;
  return { value: tf.clone(x as Tensor), gradFunc: (dy: Tensor) => [tf.zerosLike(dy)] };
}) as (x: Tensor) => Tensor;

function axesOf(value: PlanValue | undefined, rank: number): number[] | undefined {
  if (value === null || value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    const n = v as number;
    return n < 0 ? n + rank : n;
  });
}

const reduce = (f: (x: Tensor, axis: number[] | undefined, keep: boolean) => Tensor): Kernel => ([x], ctx) =>
  f(x!, axesOf(ctx.step.attrs["axis"], x!.rank), Boolean(ctx.step.attrs["keepdims"]));

/** Stable in float32: subtracts the max before exponentiating (a row of −1e9 still sums to 1). */
function logSoftmax(x: Tensor, axis: number): Tensor {
  const shifted = tf.sub(x, tf.max(x, axis, true));
  return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
}

function lastAxisOneHotPick(x: Tensor, index: Tensor): Tensor {
  const n = x.shape[x.rank - 1]!;
  return tf.sum(tf.mul(x, tf.cast(tf.oneHot(tf.cast(index, "int32"), n), "float32")), -1);
}

/**
 * `index` with differentiable ops only (tfjs has no gradient for stridedSlice): tf.slice for
 * contiguous ranges, tf.gather for strided ones, then dropped and inserted axes by reshape.
 */
function indexKernel([x]: Tensor[], ctx: KernelContext): Tensor {
  const subs = String(ctx.step.attrs["spec"]).split(",").map((s) => s.trim());
  const consumed = subs.filter((s) => s !== "None" && s !== "...").length;
  const dimValue = (text: string) => ctx.dim(/^-?\d+$/.test(text) ? Number(text) : { dim: text });
  const begin: number[] = [];
  const size: number[] = [];
  const strided: { axis: number; step: number }[] = [];
  const kept: boolean[] = [];
  let axis = 0;
  for (const sub of subs) {
    if (sub === "None") continue;
    if (sub === "...") {
      for (let k = 0; k < x!.rank - consumed; k++, axis++) begin.push(0), size.push(x!.shape[axis]!), kept.push(true);
      continue;
    }
    const n = x!.shape[axis]!;
    const norm = (v: number) => (v < 0 ? v + n : v);
    if (!sub.includes(":")) {
      begin.push(norm(dimValue(sub))), size.push(1), kept.push(false);
    } else {
      const [s, e, st] = sub.split(":").map((p) => p.trim());
      const from = s ? norm(dimValue(s)) : 0;
      const to = e ? norm(dimValue(e)) : n;
      const step = st ? dimValue(st) : 1;
      begin.push(from), size.push(Math.max(0, to - from)), kept.push(true);
      if (step !== 1) strided.push({ axis, step });
    }
    axis++;
  }
  for (; axis < x!.rank; axis++) begin.push(0), size.push(x!.shape[axis]!), kept.push(true);
  let result = tf.slice(x!, begin, size);
  for (const { axis: at, step } of strided) {
    const picks = Array.from({ length: Math.ceil(size[at]! / step) }, (_, i) => i * step);
    result = tf.gather(result, tf.tensor1d(picks, "int32"), at);
  }
  const shape = ctx.step.type.shape.map((d) => ctx.dim(typeof d === "number" ? d : { dim: d }));
  return tf.reshape(result, shape);
}

/** The modulus of `hash_ngrams` (see its doc): small enough for exact int32 and float32 math. */

/** The reference interpreter's hash, in tensor ops (no read-back, so it runs on GPU backends). */
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

function offPolicy(op: string): Kernel {
  return ([policy, action, reward, propensity], ctx) => {
    const logp = lastAxisOneHotPick(policy!, action!);
    const weight = tf.div(tf.exp(logp), propensity!);
    if (op === "reinforce") {
      const baseline = ctx.step.attrs["baseline"] === "batch_mean" ? tf.mean(reward!) : tf.scalar(0);
      const clip = Number(ctx.step.attrs["clip"] ?? 0);
      const w = stopGradient(clip > 0 ? tf.minimum(weight, clip) : weight);
      return tf.neg(tf.mean(tf.mul(tf.mul(w, tf.sub(reward!, baseline)), logp)));
    }
    const total = tf.sum(tf.mul(weight, reward!));
    if (op === "ips") return tf.div(total, reward!.shape[0]!);
    return tf.divNoNan(total, tf.sum(weight));
  };
}

export const KERNELS: Readonly<Record<string, Kernel>> = {
  add: binary(tf.add), sub: binary(tf.sub), mul: binary(tf.mul), div: binary(tf.div), pow: binary(tf.pow),
  mod: binary((a, b) => tf.mod(tf.add(tf.mod(a, b), b), b)),
  maximum: binary(tf.maximum), minimum: binary(tf.minimum),
  eq: binary(tf.equal, true), ne: binary(tf.notEqual, true), lt: binary(tf.less, true), le: binary(tf.lessEqual, true),
  gt: binary(tf.greater, true), ge: binary(tf.greaterEqual, true),
  logical_and: binary(tf.logicalAnd, true), logical_or: binary(tf.logicalOr, true), logical_not: unary(tf.logicalNot),
  neg: unary(tf.neg), exp: unary(tf.exp), log: unary(tf.log), log1p: unary(tf.log1p), sqrt: unary(tf.sqrt), abs: unary(tf.abs),
  relu: unary(tf.relu), sigmoid: unary(tf.sigmoid), tanh: unary(tf.tanh), sin: unary(tf.sin), cos: unary(tf.cos), softplus: unary(tf.softplus),
  gelu: unary((x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))))),
  silu: unary((x) => tf.mul(x, tf.sigmoid(x))), identity: unary((x) => x), stop_gradient: unary(stopGradient),
  square: unary(tf.square), rsqrt: unary(tf.rsqrt), log_sigmoid: unary((x) => tf.neg(tf.softplus(tf.neg(x)))), // tf.logSigmoid's own gradient reads a freed tensor under variableGrads.
  clip: ([x], ctx) => tf.clipByValue(x!, Number(ctx.step.attrs["low"]), Number(ctx.step.attrs["high"])),
  dropout: ([x], ctx) => (ctx.training ? tf.dropout(x!, Number(ctx.step.attrs["rate"] ?? 0.1), undefined, ctx.seed) : x!),
  where: ([c, a, b], ctx) => {
    const want = dtypeOf(ctx.step);
    const shape = ctx.step.type.shape.map((d) => ctx.dim(typeof d === "number" ? d : { dim: d }));
    // tf.where broadcasts the condition; the branches must be full-sized (a scalar mask value is
    // filled once rather than broadcast by a copy of every operand).
    const full = (t: Tensor, i: number) => {
      const typed = castTo(t, want);
      if (typed.shape.join() === shape.join()) return typed;
      const constant = ctx.inputSteps[i]?.op === "const" ? Number(ctx.inputSteps[i]!.attrs["value"]) : undefined;
      return constant !== undefined && Number.isFinite(constant) ? tf.fill(shape, constant, want === "bool" ? "bool" : want) : tf.broadcastTo(typed, shape);
    };
    return tf.where(c!.shape.join() === shape.join() ? c! : tf.broadcastTo(c!, shape), full(a!, 1), full(b!, 2));
  },
  cast: ([x], ctx) => tf.cast(x!, dtypeOf(ctx.step)),
  as_ids: ([x]) => tf.cast(x!, "int32"),
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
  matmul: ([a, b], ctx) => {
    const want = dtypeOf(ctx.step);
    const [p, q] = [castTo(a!, want), castTo(b!, want)];
    // [..., M, K] @ [K, N]: one 2-D product over the flattened leading axes (a Dense layer),
    // never a broadcast copy of the weight per batch element.
    if (q.rank === 2 && p.rank > 2) {
      const lead = p.shape.slice(0, -1);
      return tf.reshape(tf.matMul(tf.reshape(p, [-1, p.shape[p.rank - 1]!]), q), [...lead, q.shape[1]!]);
    }
    if (p.rank === q.rank) return tf.matMul(p, q);
    const batch = (p.rank > q.rank ? p : q).shape.slice(0, -2);
    const widen = (t: Tensor) => (t.rank - 2 === batch.length ? t : tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]));
    return tf.matMul(widen(p), widen(q));
  },
  transpose: ([x], ctx) => {
    const perm = axesOf(ctx.step.attrs["perm"], x!.rank);
    if (perm) return tf.transpose(x!, perm);
    const swap = [...Array(x!.rank).keys()];
    [swap[x!.rank - 2], swap[x!.rank - 1]] = [swap[x!.rank - 1]!, swap[x!.rank - 2]!];
    return tf.transpose(x!, swap);
  },
  reshape: ([x], ctx) => tf.reshape(x!, (ctx.step.attrs["shape"] as PlanValue[]).map((d) => ctx.dim(d))),
  squeeze: ([x], ctx) => tf.reshape(x!, ctx.step.type.shape.map((d) => ctx.dim(typeof d === "number" ? d : { dim: d }))),
  expand_dims: ([x], ctx) => tf.expandDims(x!, axesOf(ctx.step.attrs["axis"], x!.rank + 1)![0]!),
  broadcast_to: ([x], ctx) => tf.broadcastTo(x!, (ctx.step.attrs["shape"] as PlanValue[]).map((d) => ctx.dim(d))),
  concat: (xs, ctx) => tf.concat(xs, axesOf(ctx.step.attrs["axis"], xs[0]!.rank)![0]!),
  stack: (xs, ctx) => tf.stack(xs, axesOf(ctx.step.attrs["axis"], xs[0]!.rank + 1)![0]!),
  index: indexKernel,
  arange: (_, ctx) => tf.range(0, ctx.dim(ctx.step.attrs["n"]), 1, "int32"),
  eye: (_, ctx) => {
    const n = ctx.dim(ctx.step.attrs["n"]);
    const e = tf.eye(n);
    return ctx.step.attrs["dtype"] === "f32" ? e : tf.cast(e, ctx.step.attrs["dtype"] === "bool" ? "bool" : "int32");
  },
  take: ([x, idx], ctx) => tf.gather(x!, tf.cast(idx!, "int32"), axesOf(ctx.step.attrs["axis"], x!.rank)![0]!),
  gather: ([table, ids]) => tf.gather(table!, tf.cast(ids!, "int32")),
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
    const { values, indices } = tf.topk(x!, ctx.dim(ctx.step.attrs["k"]));
    return Number(ctx.step.attrs["output"] ?? 0) === 1 ? indices : values;
  },
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
  categorical: ([x]) => logSoftmax(x!, -1),
  reinforce: offPolicy("reinforce"),
  snips: offPolicy("snips"),
  ips: offPolicy("ips"),
  // The Gumbel-max trick, argmax(logits / T + Gumbel noise), rather than tf.multinomial: tfjs's
  // cpu multinomial restarts its generator for every row, so all rows drew the same action.
  sample_categorical: ([p], ctx) => {
    const uniform = tf.randomUniform(p!.shape, 1e-7, 1, "float32", ctx.seed);
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniform))));
    return tf.argMax(tf.add(tf.div(p!, Number(ctx.step.attrs["temperature"] ?? 1)), gumbel), -1);
  },
};
