// Lowering: optimized IR → the runtime plan (runtime/src/plan.ts). Steps keep the IR's order;
// liveness gives, for each step, the values last used there, so the executor can free them.

import { constValue, printDim, type Dim } from "../semantics/dims.js";
import type { TensorType } from "../semantics/tensor-type.js";
import type { Attr, IrModel } from "../ir/ir.js";
import { PLAN_VERSION, type Plan, type PlanDim, type PlanEntry, type PlanSettings, type PlanType, type PlanValue } from "../../../runtime/src/plan.js";
import type { TrainSettings, TrainStage } from "../semantics/model.js";

export function lowerToPlan(model: IrModel, train: readonly TrainStage[] = []): Plan {
  const steps = model.nodes.map((node) => ({
    id: node.id,
    op: node.op,
    inputs: node.inputs,
    attrs: Object.fromEntries([...node.attrs].map(([k, v]) => [k, planValue(v)])),
    type: planType(node.type),
    ...(node.group !== undefined ? { group: node.group } : {}),
    ...(node.loc ? { loc: [node.loc.line, node.loc.column] as const } : {}),
  }));
  const text = (node: number, key: string) => {
    const a = model.nodes[node]!.attrs.get(key);
    return a?.kind === "string" ? a.value : "";
  };
  const params = model.nodes
    .filter((n) => n.op === "param")
    .map((n) => ({ name: text(n.id, "name"), step: n.id, type: planType(n.type), init: text(n.id, "init") || "zeros()", group: text(n.id, "group") === "embedding" ? ("embedding" as const) : ("dense" as const) }));
  const inputs = model.nodes.filter((n) => n.op === "input").map((n) => ({ name: text(n.id, "name"), step: n.id, type: planType(n.type) }));
  const entry = (...roles: string[]): PlanEntry => ({
    outputs: Object.fromEntries(model.outputs.filter((o) => roles.includes(o.role)).map((o) => [o.name, o.node])),
  });
  return {
    version: PLAN_VERSION,
    model: model.name,
    dims: model.dims,
    params,
    inputs,
    steps,
    entries: { train: entry("loss"), eval: entry("metric"), predict: entry("head"), encode: entry("encoder"), act: entry("policy") },
    freeAfter: liveness(model),
    train: train.map((stage) => ({ ...(stage.name ? { name: stage.name } : {}), settings: planSettings(stage.settings) })),
  };
}

/**
 * The step after which each intermediate is dead: its last consumer. Leaves (inputs, params,
 * constants) and outputs are never freed by the plan; the executor owns them.
 */
function liveness(model: IrModel): Record<number, number[]> {
  const lastUse = new Map<number, number>();
  for (const node of model.nodes) for (const input of node.inputs) lastUse.set(input, node.id);
  const outputs = new Set(model.outputs.map((o) => o.node));
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
    case "float": return attr.value;
    case "bool": return attr.value;
    case "string": return attr.value;
    case "none": return null;
    case "list": return attr.items.map(planValue);
  }
}
