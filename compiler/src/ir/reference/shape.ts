// Reference implementations of the shape ops (rules: compiler/src/ops/shape.ts and index-op.ts).

import { parseSubscripts } from "../../ops/index-op.js";
import type { Dim } from "../../types/dims.js";
import type { Attr } from "../ir.js";
import { axesOf, broadcastIndex, make, num, size, strides, type Reference, type Tensor } from "./reference.js";

/** The same elements in a new shape (reshape, squeeze, expand_dims). */
const sameData: Reference = ([x], { shape }) => ({ shape, data: x!.data });

function join(stack: boolean, xs: readonly Tensor[], shape: readonly number[], axis: number): Tensor {
  const outStrides = strides(shape);
  return make(shape, (i) => {
    const coords = shape.map((s, ax) => Math.floor(i / outStrides[ax]!) % s);
    let which = 0;
    let at = coords[axis]!;
    if (stack) {
      which = at;
      coords.splice(axis, 1);
    } else {
      while (at >= xs[which]!.shape[axis]!) at -= xs[which++]!.shape[axis]!;
      coords[axis] = at;
    }
    const t = xs[which]!;
    const tStrides = strides(t.shape);
    return t.data[coords.reduce((f, c, ax) => f + c * tStrides[ax]!, 0)]!;
  });
}

function index(t: Tensor, spec: string, shape: readonly number[], dim: (d: Dim) => number): Tensor {
  const subs = parseSubscripts(spec) ?? [];
  const consumed = subs.filter((s) => s.kind === "index" || s.kind === "slice").length;
  // For each input axis: a fixed position, or (start, step) read from one output axis.
  const plan: ({ fixed: number } | { start: number; step: number; out: number })[] = [];
  let axis = 0;
  let out = 0;
  for (const sub of subs) {
    if (sub.kind === "new") out++;
    else if (sub.kind === "rest") for (let k = 0; k < t.shape.length - consumed; k++) plan[axis++] = { start: 0, step: 1, out: out++ };
    else if (sub.kind === "index") {
      const i = dim(sub.at);
      plan[axis] = { fixed: i < 0 ? i + t.shape[axis]! : i };
      axis++;
    } else {
      const n = t.shape[axis]!;
      const s = sub.start ? dim(sub.start) : 0;
      plan[axis++] = { start: s < 0 ? s + n : s, step: sub.step ? dim(sub.step) : 1, out: out++ };
    }
  }
  while (axis < t.shape.length) plan[axis++] = { start: 0, step: 1, out: out++ };
  const outStrides = strides(shape);
  const inStrides = strides(t.shape);
  return make(shape, (i) => {
    let flat = 0;
    plan.forEach((p, ax) => {
      const position = "fixed" in p ? p.fixed : p.start + p.step * (Math.floor(i / outStrides[p.out]!) % shape[p.out]!);
      flat += position * inStrides[ax]!;
    });
    return t.data[flat]!;
  });
}

export const SHAPE_REFERENCE: Readonly<Record<string, Reference>> = {
  transpose: ([x], { node, shape, dim }) => {
    const rank = x!.shape.length;
    const perm =
      node.attrs.get("perm")?.kind === "none"
        ? [...Array(rank).keys()].map((i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i))
        : axesOf(node.attrs.get("perm"), rank, dim);
    const inStrides = strides(x!.shape);
    const outStrides = strides(shape);
    return make(shape, (i) => {
      let flat = 0;
      for (let axis = 0; axis < rank; axis++) flat += (Math.floor(i / outStrides[axis]!) % shape[axis]!) * inStrides[perm[axis]!]!;
      return x!.data[flat]!;
    });
  },
  reshape: sameData,
  squeeze: sameData,
  expand_dims: sameData,
  broadcast_to: ([x], { shape }) => make(shape, (i) => x!.data[broadcastIndex(x!, shape, i)]!),
  concat: (xs, { node, shape, dim }) => join(false, xs, shape, axesOf(node.attrs.get("axis"), shape.length, dim)[0]!),
  stack: (xs, { node, shape, dim }) => join(true, xs, shape, axesOf(node.attrs.get("axis"), shape.length, dim)[0]!),
  index: ([x], { node, shape, dim }) => index(x!, (node.attrs.get("spec") as { value: string }).value, shape, dim),
  arange: (_, { shape }) => make(shape, (i) => i),
  eye: (_, { shape }) => make(shape, (i) => +(Math.floor(i / shape[1]!) === i % shape[1]!)),
  full: (_, { node, shape }) => {
    const value = (node.attrs.get("value") as { value?: number } | undefined)?.value ?? 0;
    const dtype = node.type.dtype;
    return make(shape, () => (dtype === "bool" ? +(value !== 0) : dtype === "i32" ? Math.trunc(value) : value));
  },
  constant: (_, { node, shape, dim }) => {
    const flat: number[] = [];
    const walk = (a: Attr) => (a.kind === "list" ? a.items.forEach(walk) : flat.push(num(a, dim)));
    walk(node.attrs.get("values")!);
    const dtype = node.type.dtype;
    return make(shape, (i) => (dtype === "bool" ? +(flat[i]! !== 0) : dtype === "i32" ? Math.trunc(flat[i]!) : flat[i]!));
  },
  take: ([v, idx], { node, shape, dim }) => {
    const [axis] = axesOf(node.attrs.get("axis"), v!.shape.length, dim);
    const inner = strides(v!.shape)[axis!]!;
    const k = size(idx!.shape);
    return make(shape, (i) => {
      const outer = Math.floor(i / (k * inner));
      const j = Math.floor(i / inner) % k;
      return v!.data[(outer * v!.shape[axis!]! + idx!.data[j]!) * inner + (i % inner)]!;
    });
  },
};
