// The shape of an op in the registry. An entry holds every fact about one run-time primitive that
// any stage asks: its signature, its shape and dtype rule, its cost, whether it draws random
// numbers, stops gradients, may join a fusion region or returns a tuple, and the algebraic
// identities the simplifier may use. The checker, the IR builder, the verifier, the passes, the
// reference interpreter and the lowering read these fields; no stage keeps its own list of op names.
//
// In: arguments as `OpArg` (tensor types and compile-time scalars, never the checker's values).
// Out: a tensor type, or one per element for ops that return a tuple.

import type { Dim } from "../types/dims.js";
import type { TensorType } from "../types/tensor-type.js";
import type { Unifier } from "../types/unify.js";

export type ParamKind =
  | "tensor" // a tensor, or a number used as a scalar tensor
  | "int" // a compile-time int (possibly a symbolic dimension)
  | "float" // a compile-time number
  | "bool"
  | "string"
  | "axis" // an int, a list of ints, or None
  | "ints" // a list of ints (shapes, permutations)
  | "numbers" // a list of numbers, nested for more axes (a tensor's values)
  | "tensors" // a list of tensors
  | "dtype";

/** What a shape rule reads: a tensor's type, or a compile-time argument. */
export type OpArg =
  | OpTensor
  | { readonly kind: "int"; readonly dim: Dim }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "dtype"; readonly name: "f32" | "i32" | "bool" }
  | { readonly kind: "none" }
  | { readonly kind: "list"; readonly items: readonly OpArg[] };

export interface OpTensor {
  readonly kind: "tensor";
  readonly type: TensorType;
  /** A bare number used as a tensor: its dtype adapts to the other operand (`x * 2`). */
  readonly weak?: boolean;
}

export type OpArgs = ReadonlyMap<string, OpArg>;

export interface ParamSpec {
  readonly name: string;
  readonly kind: ParamKind;
  /** Absent: required. Otherwise the value used when the call leaves it out. */
  readonly default?: OpArg;
}

export interface Cost {
  /** Floating-point operations per call, as a polynomial in the symbolic dims. */
  readonly flops: Dim;
}

/** The categories; each names the three files of its ops: rule, reference and tfjs kernel. */
export const OP_CATEGORIES = ["elementwise", "reduction", "linalg", "shape", "nn", "metrics", "rl", "random"] as const;
export type OpCategory = (typeof OP_CATEGORIES)[number];

export interface OpContext {
  readonly unifier: Unifier;
  /** Reports a diagnostic at the argument `param` (or at the call) and abandons the op. */
  fail(code: string, args: Record<string, string>, param?: string): never;
}

/** Identities the `simplify` pass may apply; each keeps the node's type. */
export interface Algebra {
  /** `op(x, c) = x` for this constant `c` on the right; also on the left when `commutes`. */
  readonly identityElement?: { readonly value: number; readonly commutes: boolean };
  /** `op(x) = x`. */
  readonly isIdentity?: boolean;
  /** `op(op(x)) = x`; with `whenNone`, only when both calls leave that attribute at None. */
  readonly involution?: true | { readonly whenNone: string };
  /** `op(op(x)) = op(x)`. */
  readonly idempotent?: boolean;
  /** `op(op(x, a), b) = op(x, b)`: the outer call's attributes win. */
  readonly outerWins?: boolean;
}

export interface OpDef {
  readonly name: string;
  readonly category: OpCategory;
  /** One paragraph: the math and the shapes. Shown by `rec doc` and in the spec. */
  readonly doc: string;
  readonly params: readonly ParamSpec[];
  /** Constant folding: the result for scalar constant inputs (elementwise arithmetic). */
  readonly fold?: (inputs: readonly number[]) => number;
  /**
   * For metrics: `exact` when the metric of a whole evaluation set is not the mean of its
   * batches' values (AUC, normalized entropy, SNIPS); the runtime then gathers the inputs.
   */
  readonly aggregate?: "exact";
  /** Draws random numbers (dropout, sampling): two calls are two computations, never merged. */
  readonly impure?: boolean;
  /** Reads whether a training step runs (`is_training`): its value differs between the modes. */
  readonly mode?: boolean;
  /**
   * Treats (part of) its first input as a constant to the gradient: `stop_gradient`, and
   * `reinforce`'s importance weight. The reference interpreter freezes that input when it takes
   * finite differences, so they match the gradient a framework computes.
   */
  readonly stopsGradient?: boolean;
  /**
   * A row lookup: its value is `table[ids[...], :]` with the table its first input and the ids
   * its second, so its gradient with respect to the table touches only the rows it read. An
   * embedding table read by nothing else can train sparsely (the plan marks it `lookupOnly`;
   * spec/language.md, "Sparse embedding tables").
   */
  readonly rowLookup?: boolean;
  /** May join a fusion region (`fuse`): elementwise with one output element per input element. */
  readonly fusable?: boolean;
  /**
   * Its part in attention, for the leak check (REC2009): `weights` normalizes scores into
   * weights over the last axis (softmax); `causal` builds a causal mask. Next-item prediction that
   * reads weights over a square [T, T] of scores with no causal op among their inputs leaks.
   */
  readonly attention?: "weights" | "causal";
  /** Names of the elements when the op returns a tuple (topk: values, indices); one node each. */
  readonly tuple?: readonly string[];
  readonly algebra?: Algebra;
  /** The result: one tensor type, or one per tuple element. */
  infer(args: OpArgs, ctx: OpContext): TensorType | readonly TensorType[];
  cost(inputs: readonly TensorType[], output: TensorType): Cost;
}
