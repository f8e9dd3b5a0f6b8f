// Structural hashes of a graph: in, an optimized IrModel (and the plan lowered from it); out, a
// hash per node, per output and for the whole model. A node's hash covers its op, attributes,
// type and the hashes of its inputs — never its id, its source location or the names of the
// `let` bindings that led to it — so two specs that compute the same thing hash alike however
// they are written. Weights hash by their qualified name and inputs by theirs: renaming a
// weight changes a checkpoint's meaning, renaming a local does not. `rec sweep` trains variants
// of equal model hash once; `rec diff` compares outputs by their hashes.

import { createHash } from "node:crypto";
import type { Plan } from "../../../runtime/src/plan.js";
import { printDim } from "../types/dims.js";
import { dtypeName } from "../types/tensor-type.js";
import type { Attr, IrModel } from "./ir.js";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

function attrText(attr: Attr): string {
  switch (attr.kind) {
    case "int":
      return `i${printDim(attr.dim)}`;
    case "float":
      return `f${attr.value}`;
    case "bool":
    case "string":
      return `${attr.kind[0]}${JSON.stringify(attr.value)}`;
    case "none":
      return "none";
    case "list":
      return `[${attr.items.map(attrText).join(",")}]`;
  }
}

/** Every node's structural hash, by id (the nodes are in topological order). */
export function nodeHashes(model: IrModel): string[] {
  const hashes: string[] = [];
  for (const node of model.nodes) {
    const attrs = [...node.attrs].map(([k, v]) => `${k}=${attrText(v)}`).join(";");
    const type = `${dtypeName(node.type)}[${node.type.shape.map(printDim).join(",")}]`;
    hashes[node.id] = sha(`${node.op}|${attrs}|${type}|${node.inputs.map((i) => hashes[i]).join(",")}`);
  }
  return hashes;
}

/** Each output's hash, by `role name` (`head score`). */
export function outputHashes(model: IrModel): Map<string, string> {
  const nodes = nodeHashes(model);
  return new Map(model.outputs.map((o) => [`${o.role} ${o.name}`, nodes[o.node]!]));
}

/**
 * The model's hash: its outputs' structural hashes with the training settings and data schemas
 * of its plan, everything that decides what a run computes. Equal hashes train alike.
 */
export function modelHash(model: IrModel, plan: Pick<Plan, "train" | "schemas">): string {
  const outputs = [...outputHashes(model)].sort(([a], [b]) => a.localeCompare(b));
  return sha(JSON.stringify({ outputs, train: plan.train, schemas: plan.schemas ?? null }));
}
