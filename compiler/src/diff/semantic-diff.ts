// What changed in meaning between two compiled specs (or two variants of one): in, two compile
// results; out, per model, the params whose values differ, the inputs, weights and outputs
// added, removed or changed (an output changes when its graph's structural hash does:
// ir/hash.ts), the training settings that differ, and the deltas of parameters, training memory
// and FLOPs. Formatting, comments and the names of locals change none of these, so they show
// no difference. `rec diff` prints this; the API returns it.

import type { CompileResult } from "../driver.js";
import { modelHash, outputHashes } from "../ir/hash.js";
import type { ElaboratedModel } from "../semantics/model.js";
import { summarize, type SummaryJson } from "../semantics/summary.js";
import { describeValue, type Value } from "../semantics/values.js";
import { printDim } from "../types/dims.js";
import { dtypeName, printShape, type TensorType } from "../types/tensor-type.js";

export interface Change {
  readonly name: string;
  /** Absent: added in B. */
  readonly a?: string;
  /** Absent: removed in B. */
  readonly b?: string;
}

export interface ModelDiff {
  readonly model: string;
  /** The model exists only in A (`removed`) or only in B (`added`). */
  readonly presence?: "added" | "removed";
  readonly params: readonly Change[];
  readonly inputs: readonly Change[];
  /** Weights by qualified name: `f32[5000, 32] (160,000)`. */
  readonly weights: readonly Change[];
  /** Outputs by `role name`; a changed graph of an unchanged type reads `graph changed`. */
  readonly outputs: readonly Change[];
  /** Training settings by path (`train.optimizer`). */
  readonly train: readonly Change[];
  /** Both sides train the same graph the same way (ir/hash.ts's model hash): changed params have no effect. */
  readonly sameModel: boolean;
  readonly totals: {
    readonly params: { readonly a: number | null; readonly b: number | null };
    readonly trainingBytes: { readonly a: number | null; readonly b: number | null };
    readonly flopsPerExample: { readonly a: string; readonly b: string };
  };
}

/** Whether a model's diff holds any change of meaning. */
export function hasChanges(diff: ModelDiff): boolean {
  return diff.presence !== undefined || [diff.params, diff.inputs, diff.weights, diff.outputs, diff.train].some((c) => c.length > 0);
}

/** The models of A and B compared by name (models of either; both results compiled without errors). */
export function semanticDiff(a: CompileResult, b: CompileResult): ModelDiff[] {
  const names = [...new Set([...a.models.map((m) => m.name), ...b.models.map((m) => m.name)])];
  return names.map((name) => {
    const [ia, ib] = [a.models.findIndex((m) => m.name === name), b.models.findIndex((m) => m.name === name)];
    return diffModel(name, ia < 0 ? undefined : { result: a, index: ia }, ib < 0 ? undefined : { result: b, index: ib });
  });
}

interface Side {
  readonly result: CompileResult;
  readonly index: number;
}

function diffModel(name: string, a: Side | undefined, b: Side | undefined): ModelDiff {
  const facts = (side: Side | undefined) => {
    if (!side) return undefined;
    const model = side.result.models[side.index]!;
    const summary = summarize(model);
    const [optimized, plan] = [side.result.optimized[side.index]!, side.result.plans[side.index]!];
    return { model, summary, outputs: outputHashes(optimized), train: flatten("train", plan.train), hash: modelHash(optimized, plan) };
  };
  const [fa, fb] = [facts(a), facts(b)];
  const totals = (f: typeof fa) => ({
    params: f?.summary.totals.count ?? null,
    trainingBytes: f?.summary.totals.trainingBytes ?? null,
    flops: f?.summary.flops.perExample ?? "",
  });
  const [ta, tb] = [totals(fa), totals(fb)];
  return {
    model: name,
    ...(fa && !fb ? { presence: "removed" as const } : !fa && fb ? { presence: "added" as const } : {}),
    params: changes(paramTexts(fa?.model), paramTexts(fb?.model)),
    inputs: changes(new Map(fa?.model.inputs.map((i) => [i.name, typeText(i.type)])), new Map(fb?.model.inputs.map((i) => [i.name, typeText(i.type)]))),
    weights: changes(weightTexts(fa?.summary), weightTexts(fb?.summary)),
    outputs: outputChanges(fa, fb),
    train: changes(fa?.train ?? new Map(), fb?.train ?? new Map()),
    sameModel: fa !== undefined && fa.hash === fb?.hash,
    totals: {
      params: { a: ta.params, b: tb.params },
      trainingBytes: { a: ta.trainingBytes, b: tb.trainingBytes },
      flopsPerExample: { a: ta.flops, b: tb.flops },
    },
  };
}

/** The entries that differ between two maps of texts, in A's order then B's new names. */
function changes(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): Change[] {
  const out: Change[] = [];
  for (const [name, text] of a) if (b.get(name) !== text) out.push({ name, a: text, ...(b.has(name) ? { b: b.get(name)! } : {}) });
  for (const [name, text] of b) if (!a.has(name)) out.push({ name, b: text });
  return out;
}

function outputChanges(
  a: { model: ElaboratedModel; outputs: Map<string, string> } | undefined,
  b: { model: ElaboratedModel; outputs: Map<string, string> } | undefined,
): Change[] {
  const types = (side: typeof a) => new Map(side?.model.outputs.map((o) => [`${o.role} ${o.name}`, o.type ? typeText(o.type) : "?"]));
  const [typesA, typesB] = [types(a), types(b)];
  const out: Change[] = [];
  for (const [key, hash] of a?.outputs ?? []) {
    const other = b?.outputs.get(key);
    if (other === hash) continue;
    if (other === undefined) out.push({ name: key, a: typesA.get(key)! });
    else if (typesA.get(key) !== typesB.get(key)) out.push({ name: key, a: typesA.get(key)!, b: typesB.get(key)! });
    else out.push({ name: key, a: `${typesA.get(key)}`, b: `${typesB.get(key)}, graph changed` });
  }
  for (const key of b?.outputs.keys() ?? []) if (!a?.outputs.has(key)) out.push({ name: key, b: typesB.get(key)! });
  return out;
}

function paramTexts(model: ElaboratedModel | undefined): Map<string, string> {
  return new Map([...(model?.params ?? [])].map(([name, value]) => [name, valueText(value)]));
}

function weightTexts(summary: SummaryJson | undefined): Map<string, string> {
  return new Map(summary?.parameters.map((p) => [p.name, `${p.dtype}${p.shape} (${p.count === null ? "?" : p.count.toLocaleString("en-US")})`]));
}

function typeText(type: TensorType): string {
  return `${dtypeName(type)}${printShape(type.shape)}`;
}

/** A compile-time value as .rec would write it (a module or function by its name). */
export function valueText(value: Value): string {
  switch (value.kind) {
    case "int":
      return printDim(value.dim);
    case "float":
      return Number.isInteger(value.value) ? `${value.value}.0` : String(value.value);
    case "bool":
      return String(value.value);
    case "string":
      return JSON.stringify(value.value);
    case "list":
    case "tuple": {
      const items = value.items.map(valueText).join(", ");
      return value.kind === "list" ? `[${items}]` : `(${items})`;
    }
    case "module":
      return value.decl.name.kind === "Ident" ? value.decl.name.name : "module";
    case "closure":
      return value.name;
    default:
      return describeValue(value);
  }
}

/** Nested settings as `path → JSON text` (`train.0.optimizer`), so one changed setting is one line. */
function flatten(prefix: string, value: unknown, out = new Map<string, string>()): Map<string, string> {
  // Records and lists of records are walked; a list of plain values is one setting.
  const walk = value !== null && typeof value === "object" && (!Array.isArray(value) || value.some((v) => v !== null && typeof v === "object"));
  if (walk) {
    for (const [k, v] of Object.entries(value)) flatten(`${prefix}.${k}`, v, out);
  } else out.set(prefix, JSON.stringify(value));
  return out;
}
