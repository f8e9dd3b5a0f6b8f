// What a reference implementation is, and the small array helpers they share. A reference
// computes one op on plain Float64Arrays with loops simple enough to trust; the interpreter
// (../interpret.ts) runs a graph through them, and every backend is checked against it.
// In: the op's input tensors, its node (attributes, type), its concrete output shape.
// Out: the output tensor.

import type { Dim } from "../../types/dims.js";
import type { Attr, IrNode } from "../ir.js";

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export interface ReferenceContext {
  readonly node: IrNode;
  /** The node's output shape, with every dimension given its size. */
  readonly shape: number[];
  /** The size of a symbolic dimension. */
  readonly dim: (d: Dim) => number;
  /**
   * For ops that stop gradients (the registry's `stopsGradient`), the value of the first input
   * at the unperturbed point when the interpreter takes finite differences.
   */
  readonly frozen?: Tensor;
  /** Whether the graph runs as a training step (what `is_training()` returns). */
  readonly training?: boolean;
}

export type Reference = (inputs: readonly Tensor[], ctx: ReferenceContext) => Tensor;

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export const strides = (shape: readonly number[]) => {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
};

export const make = (shape: readonly number[], f: (i: number) => number): Tensor => {
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = f(i);
  return { shape, data };
};

/** The flat index into `t` for output position `index` of `outShape`, broadcasting from the right. */
export function broadcastIndex(t: Tensor, outShape: readonly number[], index: number): number {
  const outStrides = strides(outShape);
  const tStrides = strides(t.shape);
  const offset = outShape.length - t.shape.length;
  let flat = 0;
  for (let axis = 0; axis < t.shape.length; axis++) {
    const coordinate = Math.floor(index / outStrides[axis + offset]!) % outShape[axis + offset]!;
    flat += (t.shape[axis] === 1 ? 0 : coordinate) * tStrides[axis]!;
  }
  return flat;
}

/** A numeric attribute's value (ints are dimensions, given their sizes). */
export function num(attr: Attr | undefined, dim: (d: Dim) => number): number {
  if (attr?.kind === "int") return dim(attr.dim);
  if (attr?.kind === "float") return attr.value;
  if (attr?.kind === "bool") return +attr.value;
  return 0;
}

/** An axis attribute as non-negative axes; None is every axis. */
export function axesOf(attr: Attr | undefined, rank: number, dim: (d: Dim) => number): number[] {
  if (!attr || attr.kind === "none") return [...Array(rank).keys()];
  const items = attr.kind === "list" ? attr.items : [attr];
  return items.map((a) => {
    const n = num(a, dim);
    return n < 0 ? n + rank : n;
  });
}

/** A reference applying `f` to every element. */
export const unary =
  (f: (x: number) => number): Reference =>
  ([x], { shape }) =>
    make(shape, (i) => f(x!.data[i]!));

/** A reference applying `f` to every pair of broadcast elements. */
export const binary =
  (f: (a: number, b: number) => number): Reference =>
  ([x, y], { shape }) =>
    make(shape, (i) => f(x!.data[broadcastIndex(x!, shape, i)]!, y!.data[broadcastIndex(y!, shape, i)]!));
