// Compile-time values: what the elaborator computes for every expression. Tensors are run-time
// values and appear here only as their types; everything else (numbers, lists, functions,
// modules and their instances) is known while compiling and decides the shape of the graph.

import type * as A from "../syntax/ast.js";
import type { Span } from "../source/source-file.js";
import type { Dim } from "../types/dims.js";
import type { TensorType } from "../types/tensor-type.js";
import type { OpDef } from "../ops/types.js";
import type { Builtin } from "./builtins/builtin.js";
import type { Env } from "./env.js";

export type Value =
  /** An int, constant or symbolic; `name` remembers the `param` it came from (it names id spaces). */
  | { readonly kind: "int"; readonly dim: Dim; readonly name?: string }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "none" }
  | { readonly kind: "list"; readonly items: readonly Value[] }
  | { readonly kind: "tuple"; readonly items: readonly Value[] }
  | { readonly kind: "record"; readonly fields: ReadonlyMap<string, Value> }
  | TensorValue
  | Closure
  | { readonly kind: "module"; readonly decl: A.ModuleDecl; readonly env: Env }
  | Instance
  /** A run-time op of the registry, or a compile-time builtin (builtins/). */
  | { readonly kind: "builtin"; readonly op: OpDef | Builtin }
  | { readonly kind: "config"; readonly name: string; readonly args: ReadonlyMap<string, Value> }
  | { readonly kind: "dtype"; readonly name: "f32" | "i32" | "bool" }
  | { readonly kind: "namespace"; readonly path: string; readonly env: Env }
  /** The value of an expression that already reported an error: suppresses follow-on errors. */
  | { readonly kind: "poison" };

export interface TensorValue {
  readonly kind: "tensor";
  readonly type: TensorType;
  /** A bare number used as a tensor: its dtype adapts to the other operand (`x * 2`). */
  readonly weak?: boolean;
  /** Model inputs this tensor depends on (for reachability and loss/metric checks). */
  readonly inputs: ReadonlySet<string>;
  /** Whether it depends on a trainable weight. */
  readonly trainable: boolean;
  /** Its node in the model's graph (absent outside a model, such as in `--set` values). */
  readonly node?: number;
}

export interface Closure {
  readonly kind: "closure";
  readonly name: string;
  readonly params: readonly A.Param[];
  readonly returns?: A.TypeExpr;
  readonly body: A.Expr | A.Block;
  readonly env: Env;
  /** `reward` declarations: may not own weights or call trainable modules. */
  readonly isReward: boolean;
  readonly span: Span;
}

/** A module instance: owns its weights; calling it runs the forward function. */
export interface Instance {
  readonly kind: "instance";
  readonly module: A.ModuleDecl;
  /** The qualified name its weights are prefixed with (`user.mlp.layers.0`). */
  readonly path: string;
  /** The module's parameters and members, evaluated for this instance. */
  readonly env: Env;
  /** Dimension variables of the forward signature, shared by every call (so weights agree). */
  readonly signatureDims: Map<string, Dim>;
  weightsCreated: boolean;
  readonly span: Span;
}

export const POISON: Value = { kind: "poison" };

export function describeValue(value: Value): string {
  switch (value.kind) {
    case "int":
      return "an int";
    case "float":
      return "a float";
    case "bool":
      return "a bool";
    case "string":
      return "a string";
    case "none":
      return "`None`";
    case "list":
      return "a list";
    case "tuple":
      return "a tuple";
    case "record":
      return "a record";
    case "tensor":
      return "a tensor";
    case "closure":
      return `the function \`${value.name}\``;
    case "module":
      return `the module \`${value.decl.name.kind === "Ident" ? value.decl.name.name : "?"}\``;
    case "instance":
      return `an instance of \`${value.module.name.kind === "Ident" ? value.module.name.name : "?"}\``;
    case "builtin":
      return `the primitive \`${value.op.name}\``;
    case "config":
      return `\`${value.name}(…)\``;
    case "dtype":
      return `the dtype \`${value.name}\``;
    case "namespace":
      return `the namespace of "${value.path}"`;
    case "poison":
      return "an erroneous value";
  }
}
