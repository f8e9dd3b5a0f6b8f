// Kernels of the shape ops (rules: compiler/src/ops/shape.ts and index-op.ts).

import type { PlanValue } from "../../plan.js";
import { tf, type Tensor } from "../tf.js";
import { axesOf, gatherAlong, type KernelContext, type Kernel } from "./kernel.js";

/**
 * `index` with differentiable ops only (tfjs has no gradient for stridedSlice): tf.slice for
 * contiguous ranges, tf.gather for strided ones, then dropped and inserted axes by reshape.
 */
function indexKernel([x]: Tensor[], ctx: KernelContext): Tensor {
  const subs = String(ctx.step.attrs["spec"])
    .split(",")
    .map((s) => s.trim());
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
      for (let k = 0; k < x!.rank - consumed; k++, axis++) (begin.push(0), size.push(x!.shape[axis]!), kept.push(true));
      continue;
    }
    const n = x!.shape[axis]!;
    const norm = (v: number) => (v < 0 ? v + n : v);
    if (!sub.includes(":")) {
      (begin.push(norm(dimValue(sub))), size.push(1), kept.push(false));
    } else {
      const [s, e, st] = sub.split(":").map((p) => p.trim());
      const from = s ? norm(dimValue(s)) : 0;
      const to = e ? norm(dimValue(e)) : n;
      const step = st ? dimValue(st) : 1;
      (begin.push(from), size.push(Math.max(0, to - from)), kept.push(true));
      if (step !== 1) strided.push({ axis, step });
    }
    axis++;
  }
  for (; axis < x!.rank; axis++) (begin.push(0), size.push(x!.shape[axis]!), kept.push(true));
  let result = tf.slice(x!, begin, size);
  for (const { axis: at, step } of strided) {
    const picks = Array.from({ length: Math.ceil(size[at]! / step) }, (_, i) => i * step);
    result = tf.gather(result, tf.tensor1d(picks, "int32"), at);
  }
  const shape = ctx.step.type.shape.map((d) => ctx.dim(typeof d === "number" ? d : { dim: d }));
  return tf.reshape(result, shape);
}

export const SHAPE_KERNELS: Readonly<Record<string, Kernel>> = {
  transpose: ([x], ctx) => {
    const perm = axesOf(ctx.step.attrs["perm"], x!.rank);
    if (perm) return tf.transpose(x!, perm);
    const swap = [...Array(x!.rank).keys()];
    [swap[x!.rank - 2], swap[x!.rank - 1]] = [swap[x!.rank - 1]!, swap[x!.rank - 2]!];
    return tf.transpose(x!, swap);
  },
  reshape: ([x], ctx) =>
    tf.reshape(
      x!,
      (ctx.step.attrs["shape"] as PlanValue[]).map((d) => ctx.dim(d)),
    ),
  squeeze: ([x], ctx) =>
    tf.reshape(
      x!,
      ctx.step.type.shape.map((d) => ctx.dim(typeof d === "number" ? d : { dim: d })),
    ),
  expand_dims: ([x], ctx) => tf.expandDims(x!, axesOf(ctx.step.attrs["axis"], x!.rank + 1)![0]!),
  broadcast_to: ([x], ctx) =>
    tf.broadcastTo(
      x!,
      (ctx.step.attrs["shape"] as PlanValue[]).map((d) => ctx.dim(d)),
    ),
  concat: (xs, ctx) => tf.concat(xs, axesOf(ctx.step.attrs["axis"], xs[0]!.rank)![0]!),
  stack: (xs, ctx) => tf.stack(xs, axesOf(ctx.step.attrs["axis"], xs[0]!.rank + 1)![0]!),
  index: indexKernel,
  arange: (_, ctx) => tf.range(0, ctx.dim(ctx.step.attrs["n"]), 1, "int32"),
  eye: (_, ctx) => {
    const n = ctx.dim(ctx.step.attrs["n"]);
    const e = tf.eye(n);
    return ctx.step.attrs["dtype"] === "f32" ? e : tf.cast(e, ctx.step.attrs["dtype"] === "bool" ? "bool" : "int32");
  },
  full: (_, ctx) => {
    const shape = (ctx.step.attrs["shape"] as PlanValue[]).map((d) => ctx.dim(d));
    const value = Number(ctx.step.attrs["value"] ?? 0);
    const dtype = ctx.step.attrs["dtype"];
    return dtype === "bool"
      ? tf.fill(shape, value !== 0 ? 1 : 0, "bool")
      : dtype === "i32"
        ? tf.fill(shape, Math.trunc(value), "int32")
        : tf.fill(shape, value, "float32");
  },
  constant: (_, ctx) => {
    const flat = [ctx.step.attrs["values"]].flat(Infinity as 1).map((v) => ctx.dim(v as PlanValue));
    const shape = ctx.step.type.shape.map((d) => ctx.dim(d));
    const dtype = ctx.step.attrs["dtype"];
    return dtype === "bool"
      ? tf.tensor(
          flat.map((v) => (v !== 0 ? 1 : 0)),
          shape,
          "bool",
        )
      : dtype === "i32"
        ? tf.tensor(flat.map(Math.trunc), shape, "int32")
        : tf.tensor(flat, shape, "float32");
  },
  take: ([x, idx], ctx) => gatherAlong(x!, tf.cast(idx!, "int32"), axesOf(ctx.step.attrs["axis"], x!.rank)![0]!),
};
