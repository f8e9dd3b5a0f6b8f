// Tensor types: a dtype (f32, i32, bool, or ids of one id space) and a shape of symbolic
// dimensions. Printing here is what every type in a diagnostic looks like. Part of the tensor
// vocabulary (compiler/src/types/) that the op registry, the checker and the IR all share.

import { constDim, mulDims, printDim, type Dim } from "./dims.js";

export type DType = "f32" | "i32" | "bool" | "id";

/** Ids `[0, size)` of one named vocabulary; two spaces are equal only if their names are. */
export interface IdSpace {
  readonly name: string;
  readonly size: Dim;
}

export interface TensorType {
  readonly dtype: DType;
  readonly space?: IdSpace;
  readonly shape: readonly Dim[];
}

export function tensorType(dtype: DType, shape: readonly Dim[], space?: IdSpace): TensorType {
  return space ? { dtype, shape, space } : { dtype, shape };
}

export function scalarType(dtype: DType = "f32"): TensorType {
  return { dtype, shape: [] };
}

export function withShape(type: TensorType, shape: readonly Dim[]): TensorType {
  return { ...type, shape };
}

export function dtypeName(type: TensorType): string {
  return type.dtype === "id" ? `id<${type.space ? type.space.name || printDim(type.space.size) : "?"}>` : type.dtype;
}

export function printShape(shape: readonly Dim[]): string {
  return `[${shape.map(printDim).join(", ")}]`;
}

export function printType(type: TensorType): string {
  return `${dtypeName(type)}${printShape(type.shape)}`;
}

export function numel(shape: readonly Dim[]): Dim {
  return shape.reduce<Dim>((acc, d) => mulDims(acc, d), constDim(1));
}

/** Bytes per element of each dtype as stored by the runtime (ids are int32). */
export const DTYPE_BYTES: Record<DType, number> = { f32: 4, i32: 4, bool: 1, id: 4 };
