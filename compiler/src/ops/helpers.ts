// Shared pieces of shape rules: reading arguments, broadcasting, axes, costs.

import { constDim, constValue, mulDims, printDim, type Dim } from "../types/dims.js";
import { dtypeName, numel, printShape, tensorType, type DType, type TensorType } from "../types/tensor-type.js";
import type { Cost, OpArg, OpArgs, OpContext, OpDef, OpTensor, ParamKind, ParamSpec } from "./types.js";

export const p = (name: string, kind: ParamKind, defaultValue?: OpArg): ParamSpec =>
  defaultValue === undefined ? { name, kind } : { name, kind, default: defaultValue };

export const NONE: OpArg = { kind: "none" };
export const FALSE: OpArg = { kind: "bool", value: false };
export const int = (n: number): OpArg => ({ kind: "int", dim: constDim(n) });
export const float = (n: number): OpArg => ({ kind: "float", value: n });
export const str = (s: string): OpArg => ({ kind: "string", value: s });

export function tensorArg(args: OpArgs, name: string): OpTensor {
  return args.get(name) as OpTensor;
}

export function intArg(args: OpArgs, name: string): Dim {
  const v = args.get(name);
  return v?.kind === "int" ? v.dim : constDim(0);
}

/** The items of a list argument (empty when absent). */
export function listArg(args: OpArgs, name: string): readonly OpArg[] {
  const v = args.get(name);
  return v?.kind === "list" ? v.items : [];
}

/** Numeric dtype of two operands (a weak scalar adapts); undefined when they cannot combine. */
export function numericDType(op: string, a: OpTensor, b: OpTensor, ctx: OpContext, names: [string, string]): DType {
  for (const [v, name] of [
    [a, names[0]],
    [b, names[1]],
  ] as const) {
    if (v.type.dtype === "id") {
      ctx.fail("REC2004", { op, space: v.type.space?.name ?? "?", found: dtypeName(v.type) }, name);
    }
    if (v.type.dtype === "bool") {
      ctx.fail("REC2002", { op, case: "numbers", found: "bool" }, name);
    }
  }
  if (a.weak) return b.type.dtype;
  if (b.weak) return a.type.dtype;
  if (a.type.dtype !== b.type.dtype) {
    ctx.fail("REC2002", { op, case: "operands", found: `${a.type.dtype} with ${b.type.dtype}` }, names[1]);
  }
  return a.type.dtype;
}

/**
 * Numpy broadcasting over symbolic shapes: align from the right; equal dims (after
 * unification) or a constant 1 on either side; anything else is REC2001.
 */
export function broadcast(op: string, a: readonly Dim[], b: readonly Dim[], ctx: OpContext, names: [string, string]): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i];
    const db = b[b.length - rank + i];
    if (da === undefined) out.push(db!);
    else if (db === undefined) out.push(da);
    else if (ctx.unifier.isOne(da)) out.push(db);
    else if (ctx.unifier.isOne(db)) out.push(da);
    else if (ctx.unifier.unify(da, db)) out.push(ctx.unifier.resolve(da));
    else {
      ctx.fail(
        "REC2001",
        {
          op,
          left: printShape(a.map((d) => ctx.unifier.resolve(d))),
          right: printShape(b.map((d) => ctx.unifier.resolve(d))),
          case: "broadcast",
          axis: String(i - rank),
          first: printDim(ctx.unifier.resolve(da)),
          second: printDim(ctx.unifier.resolve(db)),
        },
        names[1],
      );
    }
  }
  return out;
}

/** Whether two shapes have one rank and dimensions that unify pairwise. */
export function shapesAgree(ctx: OpContext, a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => ctx.unifier.unify(d, b[i]!));
}

/** Normalizes axes (negative counts from the end); REC2013 when out of range. */
export function axes(value: OpArg | undefined, rank: number, ctx: OpContext, param = "axis"): number[] | undefined {
  if (!value || value.kind === "none") return undefined;
  const items = value.kind === "list" ? value.items : [value];
  return items.map((item) => {
    const n = item.kind === "int" ? constValue(item.dim) : undefined;
    if (n === undefined) ctx.fail("REC2011", { param, callee: "this op", expected: "a constant int", found: "something else" }, param);
    const normalized = n < 0 ? n + rank : n;
    if (normalized < 0 || normalized >= rank) {
      ctx.fail("REC2013", { case: "axis", index: String(n), rank: String(rank) }, param);
    }
    return normalized;
  });
}

export function requireRank(op: string, type: TensorType, min: number, ctx: OpContext, param: string, exact?: number): void {
  const ok = exact !== undefined ? type.shape.length === exact : type.shape.length >= min;
  if (!ok) {
    ctx.fail(
      "REC2003",
      {
        op,
        ...(exact !== undefined ? { case: "exact", rank: String(exact) } : { case: "min", rank: String(min) }),
        found: `${dtypeName(type)}${printShape(type.shape)} (rank ${type.shape.length})`,
      },
      param,
    );
  }
}

export function requireDType(op: string, type: TensorType, allowed: readonly DType[], ctx: OpContext, param: string): void {
  if (allowed.includes(type.dtype)) return;
  if (type.dtype === "id" && !allowed.includes("id")) {
    ctx.fail("REC2004", { op, space: type.space?.name ?? "?", found: dtypeName(type) }, param);
  }
  ctx.fail("REC2002", { op, case: "allowed", found: dtypeName(type), allowed: allowed.map((d) => (d === "id" ? "ids" : d)).join(" or ") }, param);
}

/**
 * The shape rule of ops that turn numbers into ids (`as_ids`, `hash_ids`, `hash_ngrams`): the
 * tensor argument `input`, of an allowed dtype, keeps its shape as ids of a space of as many ids
 * as the int argument `size`, named by `spaceName` ("" is unnamed: it fits any table of that size).
 */
export function idsOfShape(op: string, input: string, allowed: readonly DType[], size: string, spaceName: (size: Dim) => string) {
  return (args: OpArgs, ctx: OpContext): TensorType => {
    const x = tensorArg(args, input);
    requireDType(op, x.type, allowed, ctx, input);
    const n = intArg(args, size);
    return tensorType("id", x.type.shape, { name: spaceName(n), size: n });
  };
}

/** Cost of an elementwise op: `perElement` flops for each output element. */
export function elementwiseCost(perElement = 1) {
  return (_inputs: readonly TensorType[], output: TensorType): Cost => ({ flops: mulDims(constDim(perElement), numel(output.shape)) });
}

/** Cost proportional to the size of the first input (reductions). */
export function inputCost(perElement = 1) {
  return (inputs: readonly TensorType[]): Cost => ({ flops: mulDims(constDim(perElement), numel(inputs[0]?.shape ?? [])) });
}

/** A metric that is not a mean over batches (AUC, SNIPS): the runtime computes it on the whole set. */
export function exact(op: OpDef): OpDef {
  return { ...op, aggregate: "exact" };
}
