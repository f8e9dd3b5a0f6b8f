// What a kernel is, and the pieces kernels of several categories share. A kernel computes one
// op of a plan with TensorFlow.js; each category of the op registry has its kernels in the
// same-named file here (elementwise.ts, reduction.ts, …), keyed by op name.
// In: the step's input tensors, in the order of the op's tensor parameters, and its context
// (attributes as the plan stores them, dim sizes, training or not, the op's seed).
// Out: the step's output tensor.

import type { PlanStep, PlanValue } from "../../plan.js";
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

export const dtypeOf = (step: PlanStep) => tfDtype(step.type);

/** The step's output shape for this batch (its symbolic dims evaluated). */
export const outputShape = (ctx: KernelContext): number[] => ctx.step.type.shape.map((d) => ctx.dim(typeof d === "number" ? d : { dim: d }));

/** `t` in dtype `want` (no op when it already is). */
export const castTo = (t: Tensor, want: "float32" | "int32" | "bool") => (t.dtype === want ? t : tf.cast(t, want));

/** Binary ops cast a scalar constant of another dtype (`x ** 2`) to the result's dtype. */
export function binary(f: (a: Tensor, b: Tensor) => Tensor, compare = false): Kernel {
  return ([a, b], ctx) => {
    if (!compare && ctx.step.type.dtype !== "bool") {
      const want = dtypeOf(ctx.step);
      return f(castTo(a!, want), castTo(b!, want));
    }
    const g = compare ? withoutGradient(f) : f;
    // Comparisons and logical ops broadcast their operands first: wasm's own broadcasting of
    // them is an element-by-element loop (18 ms for an attention mask of 640,000 elements;
    // 1 ms broadcast by Tile first, kernels/wasm/tile.ts).
    const shape = outputShape(ctx);
    const full = (t: Tensor) => (t.shape.join() === shape.join() ? t : tf.broadcastTo(t, shape));
    if (a!.dtype !== b!.dtype) return g(full(tf.cast(a!, "float32")), full(tf.cast(b!, "float32")));
    return g(full(a!), full(b!));
  };
}

/**
 * A comparison has no gradient: tfjs would refuse to differentiate through it (`u < 0` cast
 * to f32 in a loss), so it is a custom op whose inputs get zero gradients.
 */
export function withoutGradient(f: (a: Tensor, b: Tensor) => Tensor): (a: Tensor, b: Tensor) => Tensor {
  return tf.customGrad((a, b, save) => {
    void save;
    // Shapes, not the tensors: the inputs may be gone by the time gradients are computed.
    const [shapeA, shapeB] = [(a as Tensor).shape, (b as Tensor).shape];
    return { value: f(a as Tensor, b as Tensor), gradFunc: () => [tf.zeros(shapeA), tf.zeros(shapeB)] };
  }) as (a: Tensor, b: Tensor) => Tensor;
}

export const unary =
  (f: (x: Tensor) => Tensor): Kernel =>
  ([x]) =>
    f(x!);

export const stopGradient = tf.customGrad((x, save) => {
  void save;
  return { value: tf.clone(x as Tensor), gradFunc: (dy: Tensor) => [tf.zerosLike(dy)] };
}) as (x: Tensor) => Tensor;

export function axesOf(value: PlanValue | undefined, rank: number): number[] | undefined {
  if (value === null || value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    const n = v as number;
    return n < 0 ? n + rank : n;
  });
}

export const reduce =
  (f: (x: Tensor, axis: number[] | undefined, keep: boolean) => Tensor): Kernel =>
  ([x], ctx) =>
    f(x!, axesOf(ctx.step.attrs["axis"], x!.rank), Boolean(ctx.step.attrs["keepdims"]));

/** Stable in float32: subtracts the max before exponentiating (a row of −1e9 still sums to 1). */
export function logSoftmax(x: Tensor, axis: number): Tensor {
  const shifted = tf.sub(x, tf.max(x, axis, true));
  return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
}

export function lastAxisOneHotPick(x: Tensor, index: Tensor): Tensor {
  const n = x.shape[x.rank - 1]!;
  return tf.sum(tf.mul(x, tf.cast(tf.oneHot(tf.cast(index, "int32"), n), "float32")), -1);
}

/**
 * `tf.gather` along one axis whose indices never take a gradient. tfjs's own gather hands the
 * indices themselves back as their "gradient" and refuses them (not float32) whenever they were
 * computed from a differentiated tensor — the positions `topk` picks by weight, say. Here the
 * indices get zeros and `x` the scatter-add of the output's gradient.
 */
export const gatherAlong = (x: Tensor, index: Tensor, axis: number): Tensor => {
  const shape = x.shape;
  const indexShape = index.shape;
  const run = tf.customGrad((input, idx, save) => {
    (save as tf.GradSaveFunc)([idx as Tensor]);
    return {
      value: tf.gather(input as Tensor, idx as Tensor, axis),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [before, size, after] = [shape.slice(0, axis).reduce((a, b) => a * b, 1), shape[axis]!, shape.slice(axis + 1).reduce((a, b) => a * b, 1)];
        const count = indexShape.reduce((a, b) => a * b, 1);
        const rows = tf.reshape(tf.transpose(tf.reshape(dy, [before, count, after]), [1, 0, 2]), [count, before * after]);
        const summed = tf.unsortedSegmentSum(rows, tf.reshape(saved[0]!, [count]), size);
        const dx = tf.reshape(tf.transpose(tf.reshape(summed, [size, before, after]), [1, 0, 2]), shape);
        return [dx, tf.zeros(indexShape)];
      },
    };
  });
  return (run as (a: Tensor, b: Tensor) => Tensor)(x, index);
};
