// Data schemas against the model that reads them. In: a `schema` declaration named by a train
// block's `data = parquet(…, schema = S)` and the model's inputs. Out: the schema with every
// field's per-example type made concrete (for the plan), or diagnostics where a field names no
// input, has another type than its input, leaves an input without a column, or has a
// sequence length that is not fixed.

import type * as A from "../syntax/ast.js";
import type { Span } from "../source/source-file.js";
import { quoteList, suggest } from "../diagnostics/suggest.js";
import { constValue, printDim } from "../types/dims.js";
import type { Elaborator, EvalContext } from "./elaborate.js";
import type { Env } from "./env.js";
import { newVars, patternOf, tensorOfPattern } from "./type-patterns.js";
import { dtypeName, printType, type TensorType } from "../types/tensor-type.js";
import type { Value } from "./values.js";
import type { PlanDataField, PlanSchema } from "../../../runtime/src/plan.js";
import { TOKENIZERS, type Tokenizer } from "../../../runtime/src/data/tokenize.js";

/** The declaration behind each schema value, so a `schema = S` argument leads back to it. */
const SCHEMA_DECLS = new WeakMap<object, { decl: A.SchemaDecl; file: string }>();

/** The value a `schema` declaration binds its name to. */
export function schemaValue(decl: A.SchemaDecl, file: string): Value {
  const name = decl.name.kind === "Ident" ? decl.name.name : "schema";
  const value: Value = { kind: "config", name: "schema", args: new Map([["name", { kind: "string", value: name }]]) };
  SCHEMA_DECLS.set(value, { decl, file });
  return value;
}

/** A checked schema: the plan's form, and where each field is declared (for data diagnostics). */
export interface CheckedSchema {
  readonly plan: PlanSchema;
  readonly file: string;
  readonly spans: ReadonlyMap<string, Span>;
}

const TRUNCATE = new Set(["left", "right"]);

/**
 * Checks the schema named by a `data = …` setting against the model's inputs. `dataSpan` is
 * the setting's value (where a missing input is reported); `env` is the model's scope, so
 * `id<users>` and `[max_len]` mean what they mean in the model.
 */
export function checkDataSchema(
  el: Elaborator,
  data: Value,
  dataSpan: Span,
  env: Env,
  inputs: readonly { name: string; type: TensorType }[],
  modelCtx: EvalContext,
  /** Whether every input needs a field (REC2018); not for one of several constants files, each feeding some. */
  everyInput = true,
): CheckedSchema | undefined {
  if (data.kind !== "config") return undefined;
  const schemaArg = data.args.get("schema");
  const found = schemaArg ? SCHEMA_DECLS.get(schemaArg) : undefined;
  if (!found) return undefined;
  const { decl, file } = found;
  const ctx: EvalContext = { ...modelCtx, file };
  const byName = new Map(inputs.map((i) => [i.name, i.type]));
  const fields: PlanDataField[] = [];
  // Field name → its span; the schema itself under "" (for problems of the whole file).
  const spans = new Map<string, Span>([["", decl.name.span]]);
  const sequences = new Set<string>();
  const masks: { field: A.SchemaField; of: string }[] = [];

  for (const field of decl.fields) {
    if (field.name.kind !== "Ident") continue;
    const name = field.name.name;
    spans.set(name, field.name.span);
    const loc = el.locOf(file, field.span);
    const at = loc ? { loc: [loc.line, loc.column] as const } : {};
    const source = field.source ? el.evalExpr(field.source, env, ctx) : undefined;
    const options = source?.kind === "config" ? source.args : new Map<string, Value>();
    const text = (key: string) => {
      const v = options.get(key);
      return v?.kind === "string" ? v.value : undefined;
    };
    if (field.source && (source?.kind !== "config" || !["column", "columns", "mask", "frequency"].includes(source.name))) {
      badOption(el, ctx, field.source.span, "source", { name });
      continue;
    }
    if (field.type.kind === "NamedType" && field.type.name.name === "timestamp" && !field.type.dims) {
      // A timestamp orders the rows for a split by time; named like an input, it feeds it too.
      const fed = byName.get(name);
      if (fed && !((fed.dtype === "f32" || fed.dtype === "i32") && fed.shape.length === 1)) {
        el.report(ctx, "REC2017", field.type.span, {
          name,
          found: "timestamp",
          input: printType(fed),
        });
        continue;
      }
      fields.push({
        name,
        column: text("name") ?? name,
        kind: "timestamp",
        dtype: fed?.dtype === "i32" ? "i32" : "f32",
        shape: [],
        ...(fed ? { feeds: true as const } : {}),
        ...at,
      });
      continue;
    }
    const input = byName.get(name);
    if (!input) {
      const [suggestion] = suggest(name, byName.keys(), 1);
      el.report(ctx, "REC3018", field.name.span, { name, ...(suggestion ? { suggestion } : {}), inputs: quoteList([...byName.keys()].slice(0, 12), "and") });
      continue;
    }
    const type = tensorOfPattern(patternOf(field.type, env, newVars(false), el, ctx));
    if (!type) continue;
    const expected: TensorType = { ...input, shape: input.shape.slice(1) };
    const resolved: TensorType = { ...type, shape: type.shape.map((d) => el.unifier.resolve(d)) };
    if (!sameType(resolved, expected)) {
      el.report(ctx, "REC2017", field.type.span, { name, found: printType(resolved), expected: printType(expected), input: printType(input) });
      continue;
    }
    const shape = resolved.shape.map((d) => constValue(d));
    const size = resolved.space ? constValue(el.unifier.resolve(resolved.space.size)) : undefined;
    if (shape.some((d) => d === undefined) || (resolved.space && size === undefined) || shape.length > 1) {
      const symbolic = resolved.shape
        .concat(resolved.space ? [resolved.space.size] : [])
        .map(printDim)
        .filter((d) => !/^\d+$/.test(d));
      el.report(ctx, "REC2019", field.type.span, {
        name,
        type: printType(resolved),
        ...(shape.length > 1 ? { case: "nested" } : { case: "symbolic", dims: symbolic.map((d) => `\`${d}\``).join(", ") }),
      });
      continue;
    }
    if (source?.kind === "config" && source.name === "frequency") {
      const frequency = frequencySettings(el, ctx, field, options, resolved, shape);
      if (frequency) fields.push({ name, column: text("name") ?? name, kind: "value", dtype: "f32", shape: [], frequency, ...at });
      continue;
    }
    if (source?.kind === "config" && source.name === "mask") {
      masks.push({ field, of: text("field") ?? "" });
      fields.push({ name, column: "", kind: "mask", dtype: resolved.dtype, shape: shape as number[], ...at });
      continue;
    }
    // `tokens = "unigram"`: a text column split into tokens, mapped through a vocabulary, padded.
    const tokens = text("tokens");
    if (tokens !== undefined && (!(TOKENIZERS as readonly string[]).includes(tokens) || resolved.dtype !== "id" || shape.length !== 1)) {
      badOption(el, ctx, field.source!.span, "tokens", { value: String(tokens) });
      continue;
    }
    const ids = tokens !== undefined || (options.get("vocab")?.kind === "bool" && (options.get("vocab") as { value: boolean }).value) ? "vocab" : "given";
    if (source?.kind === "config" && source.name === "columns") {
      const parts = columnGroup(el, ctx, field, name, source.args.get("names"), shape as number[], resolved, ids, at);
      if (parts) fields.push(...parts);
      continue;
    }
    if (ids === "vocab" && resolved.dtype !== "id") {
      badOption(el, ctx, field.source!.span, "vocab");
      continue;
    }
    // Text keeps its first tokens; a history its latest elements.
    const truncate = text("truncate") ?? (tokens !== undefined ? "right" : "left");
    if (!TRUNCATE.has(truncate)) {
      badOption(el, ctx, field.source!.span, "truncate", { value: String(truncate) });
      continue;
    }
    const min = options.get("min");
    const minValue = min?.kind === "int" ? constValue(min.dim) : min?.kind === "float" ? min.value : undefined;
    if (min && (minValue === undefined || resolved.dtype === "id" || resolved.dtype === "bool")) {
      badOption(el, ctx, field.source!.span, "min");
      continue;
    }
    const pad = options.get("pad");
    const padValue = pad?.kind === "int" ? (constValue(pad.dim) ?? 0) : pad?.kind === "float" ? pad.value : tokens !== undefined ? 0 : undefined;
    if (padValue !== undefined) sequences.add(name);
    fields.push({
      name,
      column: text("name") ?? name,
      kind: "value",
      dtype: resolved.dtype,
      shape: shape as number[],
      ...(resolved.space ? { space: { name: resolved.space.name, size: size! }, ids } : {}),
      ...(padValue !== undefined ? { sequence: { pad: padValue, truncate: truncate as "left" | "right" } } : {}),
      ...(minValue !== undefined ? { min: minValue } : {}),
      ...(tokens !== undefined ? { tokenize: tokens as Tokenizer } : {}),
      ...at,
    });
  }

  // A mask names a sequence field of the same schema and length; that field becomes padded.
  for (const { field, of } of masks) {
    const name = (field.name as A.Ident).name;
    const target = fields.find((f) => f.name === of && f.kind === "value");
    const mask = fields.find((f) => f.name === name)!;
    if (!target || target.shape.length !== 1 || target.shape[0] !== mask.shape[0] || mask.dtype !== "bool") {
      badOption(el, ctx, field.source!.span, "mask", { of: String(of) });
      continue;
    }
    const index = fields.indexOf(target);
    if (!target.sequence) fields[index] = { ...target, sequence: { pad: 0, truncate: "left" } };
    fields[fields.indexOf(mask)] = { ...mask, column: fields[index]!.column };
  }

  // Fields already reported count as given, so one mistake is not reported twice.
  const given = new Set(decl.fields.flatMap((f) => (f.name.kind === "Ident" ? [f.name.name] : [])));
  const missing = inputs.filter((i) => !given.has(i.name)).map((i) => i.name);
  const schemaName = decl.name.kind === "Ident" ? decl.name.name : "schema";
  if (missing.length && everyInput)
    el.report(modelCtx, "REC2018", dataSpan, { schema: schemaName, missing: quoteList(missing, "and"), count: String(missing.length) });
  return { plan: { name: schemaName, fields }, file, spans };
}

/**
 * `columns([names], vocab = …)`: a list field of length N read from N columns, one element each.
 * Each column becomes a scalar field of its own (`cats.C1`: its own vocabulary, its own rows in
 * the data contract) marked as part `index` of the input `of`, which the batcher assembles.
 */
function columnGroup(
  el: Elaborator,
  ctx: EvalContext,
  field: A.SchemaField,
  name: string,
  names: Value | undefined,
  shape: number[],
  type: TensorType,
  ids: "vocab" | "given",
  at: { loc?: readonly [number, number] },
): PlanDataField[] | undefined {
  const columns =
    names && (names.kind === "list" || names.kind === "tuple") && names.items.every((i) => i.kind === "string")
      ? names.items.map((i) => (i as { value: string }).value)
      : undefined;
  if (!columns || columns.length === 0) {
    badOption(el, ctx, field.source!.span, "columns-source", { name });
    return undefined;
  }
  if (shape.length !== 1 || shape[0] !== columns.length) {
    badOption(el, ctx, field.type.span, "columns", { name, count: String(columns.length), dtype: dtypeName(type) });
    return undefined;
  }
  const space = type.space ? { name: type.space.name, size: constValue(el.unifier.resolve(type.space.size))! } : undefined;
  return columns.map((column, index) => ({
    name: `${name}.${column}`,
    column,
    kind: "value" as const,
    dtype: type.dtype,
    shape: [],
    ...(space ? { space, ids } : {}),
    part: { of: name, index, count: columns.length },
    ...at,
  }));
}

function sameType(a: TensorType, b: TensorType): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false;
  if ((a.space?.name ?? "") !== (b.space?.name ?? "")) return false;
  return a.shape.every((d, i) => printDim(d) === printDim(b.shape[i]!));
}

/** A field's source option that does not fit: `option` keys REC2020's catalog entry (semantic-diagnostics.ts). */
function badOption(el: Elaborator, ctx: EvalContext, span: Span, option: string, facts: Record<string, string> = {}) {
  el.report(ctx, "REC2020", span, { option, ...facts });
}

/** `frequency("item", sketch = "count_min", width = 1_048_576, depth = 2)`: on an `f32` scalar only. */
function frequencySettings(
  el: Elaborator,
  ctx: EvalContext,
  field: A.SchemaField,
  options: ReadonlyMap<string, Value>,
  type: TensorType,
  shape: readonly (number | undefined)[],
): PlanDataField["frequency"] {
  const number = (key: string, fallback: number) => {
    const v = options.get(key);
    return v === undefined ? fallback : v.kind === "int" ? (constValue(v.dim) ?? Number.NaN) : Number.NaN;
  };
  const sketch = options.get("sketch");
  const kind = sketch === undefined ? "count_min" : sketch.kind === "string" ? sketch.value : "";
  const [width, depth] = [number("width", 1_048_576), number("depth", 2)];
  if (
    type.dtype !== "f32" ||
    shape.length !== 0 ||
    (kind !== "count_min" && kind !== "exact") ||
    !(width >= 16 && width <= 1 << 26) ||
    !(depth >= 1 && depth <= 8)
  ) {
    badOption(el, ctx, field.source!.span, "frequency");
    return undefined;
  }
  return { sketch: kind, width, depth };
}
