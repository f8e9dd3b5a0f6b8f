// Reference implementations of the reductions (rules: compiler/src/ops/reduction.ts): sums, means,
// extrema and logsumexp over axes, softmax and log_softmax, argmax and cumsum.

import { axesOf, broadcastIndex, make, size, strides, type Reference, type Tensor } from "./reference.js";

function reduce(op: string, t: Tensor, axes: readonly number[], outShape: readonly number[]): Tensor {
  const keptShape = t.shape.map((s, i) => (axes.includes(i) ? 1 : s));
  const count = axes.reduce((n, ax) => n * t.shape[ax]!, 1);
  const out = new Float64Array(size(keptShape)).fill(op === "max" || op === "logsumexp" ? -Infinity : op === "min" ? Infinity : 0);
  const inStrides = strides(t.shape);
  const keptStrides = strides(keptShape);
  const target = (i: number) => {
    let flat = 0;
    for (let axis = 0; axis < t.shape.length; axis++)
      if (!axes.includes(axis)) flat += (Math.floor(i / inStrides[axis]!) % t.shape[axis]!) * keptStrides[axis]!;
    return flat;
  };
  if (op === "logsumexp") {
    for (let i = 0; i < t.data.length; i++) out[target(i)] = Math.max(out[target(i)]!, t.data[i]!);
    const sums = new Float64Array(out.length);
    for (let i = 0; i < t.data.length; i++) sums[target(i)]! += Math.exp(t.data[i]! - out[target(i)]!);
    for (let j = 0; j < out.length; j++) out[j] = out[j]! + Math.log(sums[j]!);
  } else {
    for (let i = 0; i < t.data.length; i++) {
      const j = target(i);
      const v = t.data[i]!;
      out[j] = op === "max" ? Math.max(out[j]!, v) : op === "min" ? Math.min(out[j]!, v) : out[j]! + v;
    }
    if (op === "mean") for (let j = 0; j < out.length; j++) out[j] = out[j]! / count;
  }
  return { shape: outShape, data: out };
}

const reduction =
  (op: string): Reference =>
  ([x], { node, shape, dim }) =>
    reduce(op, x!, axesOf(node.attrs.get("axis"), x!.shape.length, dim), shape);

/** softmax or log_softmax along one axis: x − logsumexp(x), exponentiated for softmax. */
export const normalize =
  (exponentiate: boolean): Reference =>
  ([x], { node, shape, dim }) => {
    const [axis] = axesOf(node.attrs.get("axis"), x!.shape.length, dim);
    const lse = reduce(
      "logsumexp",
      x!,
      [axis!],
      x!.shape.map((s, i) => (i === axis ? 1 : s)),
    );
    return make(shape, (i) => {
      const v = x!.data[i]! - lse.data[broadcastIndex(lse, shape, i)]!;
      return exponentiate ? Math.exp(v) : v;
    });
  };

export const REDUCTION_REFERENCE: Readonly<Record<string, Reference>> = {
  sum: reduction("sum"),
  mean: reduction("mean"),
  max: reduction("max"),
  min: reduction("min"),
  logsumexp: reduction("logsumexp"),
  softmax: normalize(true),
  log_softmax: normalize(false),
  argmax: ([t], { node, shape, dim }) => {
    const [axis] = axesOf(node.attrs.get("axis"), t!.shape.length, dim);
    const n = t!.shape[axis!]!;
    const inner = strides(t!.shape)[axis!]!;
    return make(shape, (i) => {
      const base = Math.floor(i / inner) * inner * n + (i % inner);
      let best = 0;
      for (let j = 1; j < n; j++) if (t!.data[base + j * inner]! > t!.data[base + best * inner]!) best = j;
      return best;
    });
  },
  cumsum: ([x], { node, shape, dim }) => {
    const [axis] = axesOf(node.attrs.get("axis"), shape.length, dim);
    const st = strides(shape);
    const out = new Float64Array(x!.data);
    for (let i = 0; i < out.length; i++) if (Math.floor(i / st[axis!]!) % shape[axis!]! > 0) out[i] = out[i]! + out[i - st[axis!]!]!;
    return { shape, data: out };
  },
};
