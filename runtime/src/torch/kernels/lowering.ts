// What a torch lowering is: one op of a plan as a Python expression over torch tensors, written
// into the module `rec export --format pytorch` generates. Each category of the op registry has
// its lowerings in the same-named file here (elementwise.ts, …), beside its tfjs kernel
// (runtime/src/tfjs/kernels/<category>.ts) and its reference (compiler/src/ir/reference/<category>.ts).
// In: the step (attributes, type), its inputs' Python names and ranks. Out: Python source text.
// Helpers with no one-line torch form live in runtime/python/reclang_torch/ops.py (imported as R).

import type { PlanStep, PlanType, PlanValue } from "../../plan.js";
import { pythonString } from "../../literals.js";

export interface TorchContext {
  readonly step: PlanStep;
  /** The Python names of the step's inputs, in the order of the op's tensor parameters. */
  readonly inputs: readonly string[];
  /** The types of the inputs (their ranks are known before any batch is seen). */
  readonly inputTypes: readonly PlanType[];
  /** A dimension attribute (a number or `{dim: "2*L - 1"}`) as a Python int expression. */
  dim(value: PlanValue | undefined): string;
  /** The step's output shape as a Python list expression. */
  shape(): string;
  /** The value of input `i` when it is a scalar constant (a Python number beats a 0-d tensor). */
  constant(i: number): number | undefined;
}

/** A lowering: the step's value as one Python expression. */
export type TorchLowering = (c: TorchContext) => string;

/** The torch dtype of a plan type: ids and ints are int64 (torch indexes with them), bool, float32. */
export function torchDtype(type: PlanType): string {
  return type.dtype === "f32" ? "torch.float32" : type.dtype === "bool" ? "torch.bool" : "torch.int64";
}

/** A Python literal for a plan value (numbers, strings, booleans, lists, None). */
export function py(value: PlanValue | undefined): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : value > 0 ? "math.inf" : value < 0 ? "-math.inf" : "math.nan";
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(py).join(", ")}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pythonString(k)}: ${py(v)}`)
    .join(", ")}}`;
}

/** An axis attribute as non-negative axes for a tensor of rank `rank` (undefined: every axis). */
export function axes(c: TorchContext, rank: number, name = "axis"): number[] | undefined {
  const value = c.step.attrs[name];
  if (value === null || value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((v) => {
    const n = Number(v);
    return n < 0 ? n + rank : n;
  });
}

/** The single axis of an op on input 0 (`extra` widens the rank, as `stack` and `expand_dims` do). */
export function axis(c: TorchContext, extra = 0): number {
  return axes(c, rankOf(c, 0) + extra)![0]!;
}

export const rankOf = (c: TorchContext, i: number) => c.inputTypes[i]!.shape.length;

/** `f(x)` for unary torch functions. */
export const unary =
  (f: string): TorchLowering =>
  (c) =>
    `${f}(${c.inputs[0]})`;

/**
 * A binary op computed in the result's dtype (a scalar constant of another dtype is cast). A
 * scalar constant on the right is written as a Python number of the result's dtype, which torch
 * applies without a broadcast tensor (`x ** 2.0` takes pow's fast path); `scalars` is false for
 * functions that take only tensors (torch.maximum).
 */
export const binary =
  (f: string, scalars = true): TorchLowering =>
  (c) => {
    const dtype = torchDtype(c.step.type);
    const value = scalars ? c.constant(1) : undefined;
    const right =
      value === undefined || !Number.isFinite(value)
        ? `R.as_dtype(${c.inputs[1]}, ${dtype})`
        : dtype === "torch.float32"
          ? pyFloat(value)
          : String(Math.trunc(value));
    return `${f}(R.as_dtype(${c.inputs[0]}, ${dtype}), ${right})`;
  };

const pyFloat = (value: number) => (Number.isInteger(value) ? `${value}.0` : String(value));

/** A comparison: bool out, no gradient; operands of different dtypes compare as floats. */
export const comparison =
  (f: string): TorchLowering =>
  (c) =>
    `R.compare(${f}, ${c.inputs[0]}, ${c.inputs[1]})`;
