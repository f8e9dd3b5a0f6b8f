// The language's compile-time builtins: functions the checker evaluates while it elaborates
// (len, range, enumerate, zip, fold, float, int) and configuration records that the runtime
// reads from the plan (optimizers, data sources, initializers). They are not ops: they never
// reach the graph, so they live with the checker rather than in the op registry.
//
// In: arguments as the checker's values. Out: a value.

import type { Unifier } from "../../types/unify.js";
import type { Value } from "../values.js";

export type BuiltinParamKind = "int" | "float" | "list" | "function" | "any";

export interface BuiltinParam {
  readonly name: string;
  readonly kind: BuiltinParamKind;
  /** The value an argument left out takes (`range`'s `step`); without one the argument is required. */
  readonly default?: Value;
}

export interface BuiltinContext {
  readonly unifier: Unifier;
  /** Reports a diagnostic at the argument `param` (or at the call) and abandons the call. */
  fail(code: string, args: Record<string, string>, param?: string): never;
  /** Calls a compile-time function value (for `fold`). */
  call(fn: Value, args: Value[]): Value;
}

export interface Builtin {
  readonly name: string;
  readonly category: "compile-time" | "config";
  /** One paragraph, shown by `rec doc` and in spec/ops.md. */
  readonly doc: string;
  readonly params: readonly BuiltinParam[];
  /** Config records take any named arguments. */
  readonly openNamed?: boolean;
  evaluate(args: ReadonlyMap<string, Value>, ctx: BuiltinContext): Value;
}
