// Declared types → patterns, and matching values against them. A pattern's dimensions are
// evaluated in scope; a name that is not in scope becomes a dimension variable (generic over
// it), kept in the `vars` map so every occurrence in one signature is the same variable.

import type * as A from "../syntax/ast.js";
import { printDim, subDims, symbolsOf, type Dim } from "../types/dims.js";
import { dtypeName, printShape, type DType, type IdSpace, type TensorType } from "../types/tensor-type.js";
import type { Value } from "./values.js";
import type { Elaborator, EvalContext } from "./elaborate.js";
import type { Env } from "./env.js";

export type TypePattern =
  | { readonly kind: "tensor"; readonly dtype: DType; readonly space?: IdSpace; readonly dims: readonly (Dim | { ellipsis: string })[] }
  | { readonly kind: "scalar"; readonly name: "int" | "float" | "bool" | "string" | "fn" | "any" }
  | { readonly kind: "list"; readonly element: TypePattern }
  | { readonly kind: "tuple"; readonly elements: readonly TypePattern[] };

const TENSOR_DTYPES = new Set(["f32", "i32", "bool", "id"]);
const SCALARS = new Set(["int", "float", "bool", "string"]);

/** Dimension variables of one signature: plain dims and `...` groups. */
export interface Vars {
  readonly dims: Map<string, Dim>;
  readonly groups: Map<string, readonly Dim[]>;
  /** When false, an unknown name in a shape is an error instead of a new variable. */
  readonly allowNew: boolean;
}

export function newVars(allowNew = true, dims = new Map<string, Dim>()): Vars {
  return { dims, groups: new Map(), allowNew };
}

export function patternOf(type: A.TypeExpr, env: Env, vars: Vars, el: Elaborator, ctx: EvalContext): TypePattern {
  switch (type.kind) {
    case "FnType":
      return { kind: "scalar", name: "fn" };
    case "ListType":
      return { kind: "list", element: patternOf(type.element, env, vars, el, ctx) };
    case "TupleType":
      return { kind: "tuple", elements: type.elements.map((t) => patternOf(t, env, vars, el, ctx)) };
    case "Missing":
      return { kind: "scalar", name: "any" };
    case "NamedType": {
      const name = type.name.name;
      if (!type.dims && SCALARS.has(name)) return { kind: "scalar", name: name as "int" };
      if (!TENSOR_DTYPES.has(name)) {
        el.report(ctx, "REC3005", type.name.span, { name, kind: "type" });
        return { kind: "scalar", name: "any" };
      }
      let space: IdSpace | undefined;
      if (name === "id") {
        if (!type.space) {
          el.report(ctx, "REC2011", type.name.span, { param: "id", callee: "the type `id`", expected: "an id space such as `id<items>`", found: "none" });
        } else {
          // A space named by a value in scope (`id<items>`) is that value's space; a name not in
          // scope is a variable (`id<V>` in a signature) and matches ids of any space.
          const isVariable = type.space.kind === "Ident" && !env.lookup(type.space.name);
          const size = el.evalDim(type.space, env, vars, ctx);
          const value = type.space.kind === "Ident" && !isVariable ? el.lookupQuiet(type.space.name, env) : undefined;
          // An int with no name (a literal passed as a module's vocabulary) names no space: any
          // ids of that size fit, and only the size is checked.
          const spaceName = isVariable ? "" : value?.kind === "int" ? (value.name ?? "") : printDim(size);
          space = { name: spaceName, size };
        }
      } else if (type.space) {
        el.report(ctx, "REC2011", type.space.span, { param: "<…>", callee: `the type \`${name}\``, expected: "no id space (only `id` has one)", found: "one" });
      }
      const dims = (type.dims ?? []).map((d): Dim | { ellipsis: string } =>
        d.kind === "EllipsisDim" ? { ellipsis: d.name?.name ?? "..." } : el.evalDim(d, env, vars, ctx),
      );
      return space ? { kind: "tensor", dtype: name as DType, space, dims } : { kind: "tensor", dtype: name as DType, dims };
    }
  }
}

/** A tensor type from a pattern with no `...` (inputs, weights). */
export function tensorOfPattern(pattern: TypePattern): TensorType | undefined {
  if (pattern.kind !== "tensor" || pattern.dims.some((d) => "ellipsis" in d)) return undefined;
  const shape = pattern.dims as Dim[];
  return pattern.space ? { dtype: pattern.dtype, space: pattern.space, shape } : { dtype: pattern.dtype, shape };
}

export type MatchFailure = { code: string; args: Record<string, string> };

/** Matches a value against a pattern, binding variables; a failure says why in diagnostic terms. */
export function matchValue(value: Value, pattern: TypePattern, vars: Vars, el: Elaborator): MatchFailure | undefined {
  if (value.kind === "poison") return undefined;
  if (pattern.kind === "scalar") {
    const ok =
      pattern.name === "any" ||
      (pattern.name === "int" && value.kind === "int") ||
      (pattern.name === "float" && (value.kind === "float" || value.kind === "int")) ||
      (pattern.name === "bool" && value.kind === "bool") ||
      (pattern.name === "string" && value.kind === "string") ||
      (pattern.name === "fn" && ["closure", "builtin", "instance", "module"].includes(value.kind));
    return ok ? undefined : { code: "REC2011", args: { expected: `${pattern.name === "int" ? "an" : "a"} ${pattern.name}`, found: describe(value) } };
  }
  if (pattern.kind === "list") {
    if (value.kind !== "list") return { code: "REC2011", args: { expected: "a list", found: describe(value) } };
    for (const item of value.items) {
      const failure = matchValue(item, pattern.element, vars, el);
      if (failure) return failure;
    }
    return undefined;
  }
  if (pattern.kind === "tuple") {
    if (value.kind !== "tuple" || value.items.length !== pattern.elements.length) {
      return { code: "REC2011", args: { expected: `a tuple of ${pattern.elements.length}`, found: describe(value) } };
    }
    for (const [i, item] of value.items.entries()) {
      const failure = matchValue(item, pattern.elements[i]!, vars, el);
      if (failure) return failure;
    }
    return undefined;
  }
  if (value.kind !== "tensor") {
    if ((value.kind === "int" || value.kind === "float") && pattern.dims.length === 0) return undefined;
    return { code: "REC2011", args: { expected: `a tensor ${patternText(pattern)}`, found: describe(value) } };
  }
  const type = value.type;
  if (!value.weak && type.dtype !== pattern.dtype) {
    if (type.dtype === "id" && (pattern.dtype === "f32" || pattern.dtype === "i32")) {
      return { code: "REC2004", args: { space: type.space?.name ?? "?", found: dtypeName(type) } };
    }
    return { code: "REC2002", args: { found: dtypeName(type), expected: patternText(pattern) } };
  }
  if (pattern.dtype === "id" && pattern.space && type.space) {
    if (pattern.space.name && type.space.name && pattern.space.name !== type.space.name) {
      return { code: "REC2005", args: { found: type.space.name, expected: pattern.space.name } };
    }
    // Ids of an unnamed space (`arange(B)`'s) also fit a space provably at least as large:
    // in-batch labels among [B, B + N] logits (in-batch and sampled negatives).
    if (!type.space.name && widens(el.unifier.resolve(type.space.size), el.unifier.resolve(pattern.space.size), (s) => el.unifier.isVariable(s)))
      return matchShape(type.shape, pattern.dims, vars, el, pattern);
    if (!el.unifier.unify(pattern.space.size, type.space.size)) {
      return {
        code: "REC2005",
        args: {
          case: "size",
          found: type.space.name,
          wanted: printDim(el.unifier.resolve(pattern.space.size)),
          size: printDim(el.unifier.resolve(type.space.size)),
        },
      };
    }
  }
  return matchShape(type.shape, pattern.dims, vars, el, pattern);
}

/** A shape mismatch's case and facts (REC2001's), for a report of the declared type (REC2016); none for other failures. */
export function mismatchFacts(failure: MatchFailure): Record<string, string> {
  if (failure.code !== "REC2001") return {};
  const keys = ["case", "axis", "name", "first", "second"].filter((k) => failure.args[k] !== undefined);
  return Object.fromEntries(keys.map((k) => [k, failure.args[k]!]));
}

function matchShape(
  shape: readonly Dim[],
  dims: TypePattern & { kind: "tensor" } extends { dims: infer D } ? D : never,
  vars: Vars,
  el: Elaborator,
  pattern: TypePattern & { kind: "tensor" },
): MatchFailure | undefined {
  const ellipsisAt = dims.findIndex((d) => "ellipsis" in d);
  const fixed = dims.filter((d) => !("ellipsis" in d)).length;
  /** A shape that does not match: `facts` says where (a case of REC2001's catalog entry and its values). */
  const mismatch = (facts: Record<string, string>): MatchFailure => ({
    code: "REC2001",
    args: { left: printShape(shape.map((d) => el.unifier.resolve(d))), right: patternText(pattern), ...facts },
  });
  if (ellipsisAt < 0 ? shape.length !== dims.length : shape.length < fixed) {
    return {
      code: "REC2003",
      args: {
        expected: `${patternText(pattern)} (rank ${ellipsisAt < 0 ? fixed : `${fixed} or more`})`,
        found: `${printShape(shape.map((d) => el.unifier.resolve(d)))} (rank ${shape.length})`,
      },
    };
  }
  const groupLength = shape.length - fixed;
  let s = 0;
  for (const d of dims) {
    if ("ellipsis" in d) {
      const part = shape.slice(s, s + groupLength);
      const bound = d.ellipsis === "..." ? undefined : vars.groups.get(d.ellipsis);
      if (bound) {
        if (bound.length !== part.length || !bound.every((b, i) => el.unifier.unify(b, part[i]!))) {
          return mismatch({ case: "ellipsis", name: d.ellipsis, first: printShape(bound), second: printShape(part) });
        }
      } else if (d.ellipsis !== "...") vars.groups.set(d.ellipsis, part);
      s += groupLength;
      continue;
    }
    const actual = shape[s]!;
    if (!el.unifier.unify(d, actual)) {
      return mismatch({ case: "dimension", axis: String(s), first: printDim(el.unifier.resolve(actual)), second: printDim(el.unifier.resolve(d)) });
    }
    s++;
  }
  return undefined;
}

export function patternText(pattern: TypePattern): string {
  switch (pattern.kind) {
    case "scalar":
      return pattern.name;
    case "list":
      return `[${patternText(pattern.element)}]`;
    case "tuple":
      return `(${pattern.elements.map(patternText).join(", ")})`;
    case "tensor": {
      const dtype = pattern.dtype === "id" ? `id<${pattern.space?.name || (pattern.space ? printDim(pattern.space.size) : "?")}>` : pattern.dtype;
      return `${dtype}[${pattern.dims.map((d) => ("ellipsis" in d ? (d.ellipsis === "..." ? "..." : `...${d.ellipsis}`) : printDim(d))).join(", ")}]`;
    }
  }
}

function describe(value: Value): string {
  if (value.kind === "tensor") return `${dtypeName(value.type)}${printShape(value.type.shape)}`;
  if (value.kind === "int") return `the int ${printDim(value.dim)}`;
  if (value.kind === "float") return `the float ${value.value}`;
  return value.kind === "list" ? "a list" : value.kind === "bool" ? `\`${value.value}\`` : value.kind;
}

/** Whether `wider − narrower` is a nonzero polynomial with no negative coefficient: a size provably larger. */
function widens(narrower: Dim, wider: Dim, isVariable: (symbol: string) => boolean): boolean {
  const terms = [...subDims(wider, narrower).terms.values()];
  return terms.some((c) => c !== 0) && terms.every((c) => c >= 0) && !symbolsOf(wider).some(isVariable);
}
