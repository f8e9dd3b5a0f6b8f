// The shape of an op in the registry: its signature, its shape and dtype rule, and its cost.
// The checker reads only this; later the IR, the interpreter and the backends will too.

import type { Dim } from "../../compiler/src/semantics/dims.js";
import type { TensorType } from "../../compiler/src/semantics/tensor-type.js";
import type { Unifier } from "../../compiler/src/semantics/unify.js";
import type { Value } from "../../compiler/src/semantics/values.js";

export type ParamKind =
  | "tensor" // a tensor, or a number used as a scalar tensor
  | "int" // a compile-time int (possibly a symbolic dimension)
  | "float" // a compile-time number
  | "bool"
  | "string"
  | "axis" // an int, a list of ints, or None
  | "ints" // a list of ints (shapes, permutations)
  | "tensors" // a list of tensors
  | "list" // any compile-time list
  | "dtype"
  | "function"
  | "any";

export interface ParamSpec {
  readonly name: string;
  readonly kind: ParamKind;
  /** Absent: required. Otherwise the value used when the call leaves it out. */
  readonly default?: Value;
}

export interface Cost {
  /** Floating-point operations per call, as a polynomial in the symbolic dims. */
  readonly flops: Dim;
}

export type OpCategory = "elementwise" | "reduction" | "linalg" | "shape" | "nn" | "metric" | "rl" | "compile-time" | "config";

export interface OpContext {
  readonly unifier: Unifier;
  /** Reports a diagnostic at the argument `param` (or at the call) and abandons the op. */
  fail(code: string, args: Record<string, string>, param?: string): never;
  /** Calls a compile-time function value (for `fold`). */
  call(fn: Value, args: Value[]): Value;
}

export interface OpDef {
  readonly name: string;
  readonly category: OpCategory;
  /** One paragraph: the math and the shapes. Shown by `rec doc` and in the spec. */
  readonly doc: string;
  readonly params: readonly ParamSpec[];
  /** Config ops (optimizers, data sources) take any named arguments. */
  readonly openNamed?: boolean;
  /** Constant folding: the result for scalar constant inputs (elementwise arithmetic). */
  readonly fold?: (inputs: readonly number[]) => number;
  /**
   * For metrics: `exact` when the metric of a whole evaluation set is not the mean of its
   * batches' values (AUC, normalized entropy, SNIPS); the runtime then gathers the inputs.
   */
  readonly aggregate?: "exact";
  /** Draws random numbers: two calls are two different computations (never merged). */
  readonly impure?: boolean;
  /** The result: a tensor type (run-time) or a compile-time value. */
  infer(args: ReadonlyMap<string, Value>, ctx: OpContext): TensorType | Value;
  cost?(inputs: readonly TensorType[], output: TensorType): Cost;
}

export function isTensorType(x: TensorType | Value): x is TensorType {
  return (x as TensorType).dtype !== undefined && (x as Value).kind === undefined;
}
