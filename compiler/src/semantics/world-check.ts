// Checking a model's inputs against the synthetic world its `data = synthetic(…)` names, as file
// schemas are checked, before anything runs. In: the data setting's value, the model's inputs
// and declaration (for spans). Out: REC2032 for an unknown world or part, an input the world
// does not feed, another dtype or shape, or ids the world draws beyond the input's id space.
// The worlds' contracts are an input of the check (CheckOptions.worlds): the application assembles
// them (app/worlds.ts) from the runtime's generic worlds and the papers' own; the compiler imports none.

import { constValue } from "../types/dims.js";
import { printType, type TensorType } from "../types/tensor-type.js";
import type * as A from "../syntax/ast.js";
import type { Span } from "../source/source-file.js";
import { defaultPart, defaultSize, evaluateSize, worldFields, type WorldContract, type WorldSize } from "../../../runtime/src/data/world.js";
import type { Elaborator } from "./elaborate.js";
import type { Value } from "./values.js";

/** The worlds' contracts by name, as the compiler receives them. */
export type WorldContracts = ReadonlyMap<string, WorldContract>;

/**
 * A contract size's value under the given arguments. An argument that follows the model (its
 * default is "model": an input's id space or dimension) takes the size `fromModel` reads off the
 * model's inputs, as the world will at run time; without it, or when the model has no such
 * input, undefined.
 */
export function resolveWorldSize(
  size: WorldSize,
  world: WorldContract,
  given: ReadonlyMap<string, Value>,
  fromModel?: (model: NonNullable<WorldContract["args"][number]["model"]>) => number | undefined,
): number | undefined {
  const part = given.get("part");
  const lookup = (name: string): number | undefined => {
    const value = given.get(name);
    if (value?.kind === "int") return constValue(value.dim);
    if (value?.kind === "float") return value.value;
    const arg = world.args.find((a) => a.name === name);
    if (arg?.default === "model" && arg.model && fromModel) return fromModel(arg.model) ?? arg.model.fallback;
    return arg ? defaultSize(arg, part?.kind === "string" ? part.value : defaultPart(world), lookup) : undefined;
  };
  return evaluateSize(size, lookup);
}

/** Where a model declares an input's type (the declaration itself when it has no such input). */
export function inputTypeSpan(decl: A.ModelDecl, input: string): Span {
  const member = decl.members.find((m): m is A.InputDecl => m.kind === "InputDecl" && m.name.kind === "Ident" && m.name.name === input);
  return member?.type.span ?? decl.name.span;
}

export function checkWorld(
  el: Elaborator,
  data: Value,
  dataSpan: Span,
  inputs: readonly { name: string; type: TensorType; constant?: true }[],
  decl: A.ModelDecl,
  ctx: { file: string },
): void {
  if (data.kind !== "config" || data.name !== "synthetic") return;
  const nameValue = data.args.get("world");
  if (nameValue?.kind !== "string") return;
  const report = (span: Span, facts: Record<string, string>) => el.report(ctx, "REC2032", span, { world: nameValue.value, ...facts });
  const worlds = el.worlds;
  if (!worlds) return;
  const world = worlds.get(nameValue.value);
  if (!world || world.kind === "interactive") {
    const data = [...worlds.values()].filter((w) => w.kind !== "interactive").map((w) => w.name);
    report(dataSpan, { case: world ? "interactive" : "unknown-world", worlds: data.join(", ") });
    return;
  }
  const part = data.args.get("part");
  const fields = worldFields(world, part?.kind === "string" ? part.value : undefined);
  if (!fields) {
    report(dataSpan, { case: "no-part", part: part?.kind === "string" ? part.value : "?", parts: Object.keys(world.fields).join(", ") });
    return;
  }
  // A count (an argument whose default is a positive whole number: examples, items, steps) of
  // zero or less leaves the world empty, which would stop the run at its first batch.
  for (const arg of world.args) {
    const given = data.args.get(arg.name);
    const count = given?.kind === "int" ? constValue(given.dim) : given?.kind === "float" ? given.value : undefined;
    // Per part, the default of the part the setting reads.
    const chosen = part?.kind === "string" ? part.value : defaultPart(world);
    const fallback = typeof arg.default === "object" ? arg.default[chosen ?? ""] : arg.default;
    if (typeof fallback === "number" && Number.isInteger(fallback) && fallback > 0 && count !== undefined && count < 1) {
      report(dataSpan, { case: "empty", argument: arg.name, count: String(count), default: String(fallback) });
    }
  }
  const nameOf = (field: string) => {
    if (!field.startsWith("arg:")) return field;
    const named = data.args.get(field.slice(4));
    return named?.kind === "string" ? named.value : String(world.args.find((a) => a.name === field.slice(4))?.default);
  };
  const byName = new Map(fields.map((f) => [nameOf(f.name), f]));
  // A size the world takes from the model: the named input's id space, or its dimension `axis`
  // (counting the batch), as runtime/src/data/world-args.ts reads it from the plan.
  const sizeFromModel = (model: { input: string; axis?: number }): number | undefined => {
    const type = inputs.find((i) => i.name === nameOf(model.input))?.type;
    if (!type) return undefined;
    const dim = model.axis === undefined ? type.space?.size : type.shape[model.axis];
    return dim === undefined ? undefined : constValue(dim);
  };
  const spanOf = (input: string): Span => inputTypeSpan(decl, input);
  for (const input of inputs) {
    const field = byName.get(input.name);
    if (!field) {
      report(spanOf(input.name), { case: "not-fed", input: input.name, fields: [...byName.keys()].join(", ") });
      continue;
    }
    if (Boolean(field.whole) !== Boolean(input.constant)) {
      report(spanOf(input.name), { case: field.whole ? "fed-whole" : "fed-per-example", input: input.name });
      continue;
    }
    const type = input.type;
    const dtypeFits = field.dtype === "id" ? type.dtype === "id" || type.dtype === "i32" : type.dtype === field.dtype;
    const shape = field.whole ? type.shape : type.shape.slice(1);
    const sizes = field.shape.map((d) => resolveWorldSize(d, world, data.args));
    const shapeFits =
      shape.length === sizes.length && shape.every((d, i) => sizes[i] === undefined || constValue(d) === undefined || constValue(d) === sizes[i]);
    const fed = `${field.dtype}[${field.whole ? "" : "B, "}${field.shape.map((d, i) => sizes[i] ?? d).join(", ")}]`.replace(/\[B, \]/, "[B]");
    if (!dtypeFits || !shapeFits) {
      report(spanOf(input.name), { case: "type", input: input.name, fed, declared: printType(type) });
      continue;
    }
    const range = field.ids === undefined ? undefined : resolveWorldSize(field.ids, world, data.args, sizeFromModel);
    const space = type.space ? constValue(type.space.size) : undefined;
    if (range !== undefined && space !== undefined && type.dtype === "id" && range > space) {
      report(spanOf(input.name), {
        case: "ids-beyond",
        input: input.name,
        range: String(range),
        space: String(space),
        arguments: world.args.map((a) => a.name).join(", "),
      });
    }
  }
}
