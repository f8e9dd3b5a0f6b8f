// Lowering: optimized IR → the runtime plan (runtime/src/plan.ts). Steps keep the IR's order;
// liveness gives, for each step, the values last used there, so the executor can free them.

import { constValue, printDim, type Dim } from "../types/dims.js";
import type { TensorType } from "../types/tensor-type.js";
import type { Attr, IrModel } from "../ir/ir.js";
import {
  PLAN_VERSION,
  type Plan,
  type PlanDim,
  type PlanEntry,
  type PlanMetric,
  type PlanParam,
  type PlanSettings,
  type PlanType,
  type PlanValue,
} from "../../../runtime/src/plan.js";
import type { TrainSettings, TrainStage } from "../semantics/model.js";
import type { CheckedSchema } from "../semantics/schema.js";
import { OPS } from "../ops/index.js";

export function lowerToPlan(model: IrModel, train: readonly TrainStage[] = [], schemas: readonly CheckedSchema[] = []): Plan {
  const once = constantSteps(model);
  const steps = model.nodes.map((node) => ({
    id: node.id,
    op: node.op,
    inputs: node.inputs,
    attrs: Object.fromEntries([...node.attrs].map(([k, v]) => [k, planValue(v)])),
    type: planType(node.type),
    ...(node.group !== undefined ? { group: node.group } : {}),
    ...(node.loc ? { loc: [node.loc.line, node.loc.column] as const } : {}),
    ...(once.has(node.id) ? { once: true as const } : {}),
  }));
  const text = (node: number, key: string) => {
    const a = model.nodes[node]!.attrs.get(key);
    return a?.kind === "string" ? a.value : "";
  };
  const params = model.nodes
    .filter((n) => n.op === "param")
    .map((n): PlanParam => {
      const group = planGroup(text(n.id, "group"));
      return {
        name: text(n.id, "name"),
        step: n.id,
        type: planType(n.type),
        init: text(n.id, "init") || "zeros()",
        group,
        ...(group === "embedding" ? tableAccess(model, n.id) : {}),
      };
    });
  const inputs = model.nodes
    .filter((n) => n.op === "input")
    .map((n) => ({
      name: text(n.id, "name"),
      step: n.id,
      type: planType(n.type),
      ...(n.attrs.get("constant")?.kind === "bool" ? { constant: true as const } : {}),
    }));
  const entry = (...roles: string[]): PlanEntry => ({
    outputs: Object.fromEntries(model.outputs.filter((o) => roles.includes(o.role)).map((o) => [o.name, o.node])),
  });
  const { metrics, extraOutputs } = metricAggregates(model);
  const evalEntry = entry("metric");
  return {
    version: PLAN_VERSION,
    model: model.name,
    dims: model.dims,
    params,
    inputs,
    steps,
    entries: {
      train: { ...entry("loss"), ...(model.outputs.some((o) => o.role === "update") ? { updates: entry("update").outputs } : {}) },
      eval: { outputs: { ...evalEntry.outputs, ...extraOutputs } },
      predict: entry("head"),
      encode: entry("encoder"),
      act: entry("policy"),
    },
    freeAfter: liveness(model, Object.values(extraOutputs)),
    train: train.map((stage) => ({ ...(stage.name ? { name: stage.name } : {}), settings: planSettings(stage.settings) })),
    ...(schemas.length ? { schemas: Object.fromEntries(schemas.map((s) => [s.plan.name, s.plan])) } : {}),
    ...(Object.keys(metrics).length ? { metrics } : {}),
  };
}

/**
 * How an embedding table is read: only by row lookups (`lookupOnly`, so it can train sparsely),
 * or whole by some op (`denseReader`, the first, named in the error when a sparse optimizer is
 * asked for). A table nothing reads is neither.
 */
function tableAccess(model: IrModel, param: number): Pick<PlanParam, "lookupOnly" | "denseReader"> {
  const readers = model.nodes.filter((n) => n.inputs.includes(param));
  const whole = readers.find((n) => !OPS.get(n.op)?.rowLookup || n.inputs.indexOf(param) !== 0 || n.inputs.lastIndexOf(param) !== 0);
  if (whole) return { denseReader: { op: whole.op, ...(whole.loc ? { loc: [whole.loc.line, whole.loc.column] as const } : {}) } };
  return readers.length ? { lookupOnly: true } : {};
}

function planGroup(group: string): PlanParam["group"] {
  return group === "embedding" || group === "state" ? group : "dense";
}

/**
 * How each metric combines over an evaluation set, from its op's registry entry. A metric whose
 * op is not decomposable (`aggregate: "exact"`) hands the runtime its op's tensor inputs as
 * extra eval outputs named `metric/arg`, to be gathered over the set.
 */
function metricAggregates(model: IrModel): { metrics: Record<string, PlanMetric>; extraOutputs: Record<string, number> } {
  const metrics: Record<string, PlanMetric> = {};
  const extraOutputs: Record<string, number> = {};
  for (const output of model.outputs) {
    if (output.role !== "metric") continue;
    const node = model.nodes[output.node]!;
    const op = OPS.get(node.op);
    if (op?.aggregate !== "exact") {
      metrics[output.name] = { aggregate: "mean" };
      continue;
    }
    const args = op.params
      .filter((p) => p.kind === "tensor")
      .map((p) => p.name)
      .slice(0, node.inputs.length);
    args.forEach((arg, i) => (extraOutputs[`${output.name}/${arg}`] = node.inputs[i]!));
    metrics[output.name] = { aggregate: "exact", op: op.name, args, attrs: Object.fromEntries([...node.attrs].map(([k, v]) => [k, planValue(v)])) };
  }
  return { metrics, extraOutputs };
}

/**
 * The step after which each intermediate is dead: its last consumer. Leaves (inputs, params,
 * constants) and outputs are never freed by the plan; the executor owns them.
 */
function liveness(model: IrModel, alsoOutputs: readonly number[]): Record<number, number[]> {
  const lastUse = new Map<number, number>();
  for (const node of model.nodes) for (const input of node.inputs) lastUse.set(input, node.id);
  const outputs = new Set([...model.outputs.map((o) => o.node), ...alsoOutputs]);
  const freeAfter: Record<number, number[]> = {};
  for (const [value, step] of lastUse) {
    const node = model.nodes[value]!;
    if (outputs.has(value) || node.op === "input" || node.op === "param" || node.op === "const") continue;
    (freeAfter[step] ??= []).push(value);
  }
  for (const list of Object.values(freeAfter)) list.sort((a, b) => a - b);
  return freeAfter;
}

function planSettings(settings: TrainSettings): PlanSettings {
  return Object.fromEntries([...settings].map(([k, v]) => [k, v instanceof Map ? planSettings(v) : planValue(v as Attr)]));
}

function planDim(dim: Dim): PlanDim {
  return constValue(dim) ?? printDim(dim);
}

function planType(type: TensorType): PlanType {
  return {
    dtype: type.dtype,
    shape: type.shape.map(planDim),
    ...(type.space ? { space: { name: type.space.name, size: planDim(type.space.size) } } : {}),
  };
}

function planValue(attr: Attr): PlanValue {
  switch (attr.kind) {
    case "int": {
      const c = constValue(attr.dim);
      return c !== undefined ? c : { dim: printDim(attr.dim) };
    }
    case "float":
      return attr.value;
    case "bool":
      return attr.value;
    case "string":
      return attr.value;
    case "none":
      return null;
    case "list":
      return attr.items.map(planValue);
  }
}

/**
 * The steps whose value depends on constant inputs alone (and no weight, draw or mode): the
 * runtime computes them once when the constants are fed (a graph's neighbour table), not every
 * step. Only those read by a step that is not such a step are marked, so the runtime keeps the
 * values it reuses and nothing more. Constants and literals by themselves are not marked.
 */
function constantSteps(model: IrModel): Set<number> {
  const derived = new Set<number>();
  const fromConstants = new Set<number>();
  for (const node of model.nodes) {
    if (node.op === "input") {
      if (node.attrs.get("constant")?.kind === "bool") (derived.add(node.id), fromConstants.add(node.id));
      continue;
    }
    if (node.op === "const") derived.add(node.id);
    if (node.op === "param" || node.op === "const") continue;
    const op = OPS.get(node.op);
    if (!op || op.impure || op.mode || !node.inputs.every((i) => derived.has(i))) continue;
    derived.add(node.id);
    if (node.inputs.some((i) => fromConstants.has(i))) fromConstants.add(node.id);
  }
  const marked = new Set<number>();
  const outputs = new Set(model.outputs.map((o) => o.node));
  for (const node of model.nodes) {
    for (const input of node.inputs) {
      const reused = fromConstants.has(input) && model.nodes[input]!.op !== "input";
      if (reused && (!derived.has(node.id) || outputs.has(input))) marked.add(input);
    }
  }
  for (const output of outputs) if (fromConstants.has(output) && model.nodes[output]!.op !== "input") marked.add(output);
  return marked;
}
