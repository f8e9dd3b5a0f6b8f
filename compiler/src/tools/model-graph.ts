// A model as a picture (`rec graph`): a checked model and its optimized IR → a Graphviz DOT
// graph of its inputs, its blocks (module instances, by the qualified names of their weights,
// cut at a depth: `user.mlp` at depth 2, `user` at depth 1) with their parameter counts, and its
// outputs by role (encoders, heads, losses, metrics, policies), with the shapes that flow on the
// edges. A block is one node however often it is used, so shared weights are drawn once with an
// edge to each use. Edges come from the graph: an op that reads a block's weight belongs to that
// block; any other op passes its sources through; an output is a source for what reads it.

import type { IrModel } from "../ir/ir.js";
import type { ElaboratedModel } from "../semantics/model.js";
import { summarize } from "../semantics/summary.js";
import { printDim } from "../types/dims.js";
import { dtypeName, type TensorType } from "../types/tensor-type.js";
import { dotString } from "../../../runtime/src/literals.js";

export interface GraphOptions {
  /** How many segments of a weight's qualified name make its block (default 2). */
  readonly depth?: number;
}

/** The picture's parts, before they are written as DOT (tests read these). */
export interface ModelGraph {
  readonly nodes: readonly {
    readonly id: string;
    readonly kind: "input" | "block" | "encoder" | "head" | "loss" | "metric" | "policy";
    readonly label: string;
  }[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly label: string }[];
}

const typeText = (t: TensorType) => `${dtypeName(t)}[${t.shape.map(printDim).join(", ")}]`;

export function modelGraph(model: ElaboratedModel, ir: IrModel, options: GraphOptions = {}): ModelGraph {
  const depth = Math.max(1, options.depth ?? 2);
  const blockOf = (weight: string) => {
    const parts = weight.split(".");
    return parts.slice(0, Math.min(depth, parts.length - 1) || 1).join(".");
  };
  const counts = new Map<string, number>();
  for (const p of summarize(model).parameters) counts.set(blockOf(p.name), (counts.get(blockOf(p.name)) ?? 0) + (p.count ?? 0));
  const nodes: ModelGraph["nodes"][number][] = [];
  const edges = new Map<string, { from: string; to: string; label: string }>();
  const addEdge = (from: string, to: string, type: TensorType) => {
    if (from !== to && !edges.has(`${from}→${to}`)) edges.set(`${from}→${to}`, { from, to, label: typeText(type) });
  };
  for (const input of model.inputs) nodes.push({ id: `input:${input.name}`, kind: "input", label: `${input.name}\n${typeText(input.type)}` });
  for (const [block, count] of counts) nodes.push({ id: `block:${block}`, kind: "block", label: `${block}\n${count.toLocaleString("en-US")} params` });
  // Each IR node's sources — the inputs, blocks and outputs its value comes from most directly —
  // with the type each source's value had when it left it (the shape on the edge).
  const outputsAt = new Map<number, string[]>();
  for (const o of ir.outputs) outputsAt.set(o.node, [...(outputsAt.get(o.node) ?? []), `${o.role}:${o.name}`]);
  const sources: Map<string, TensorType>[] = [];
  const union = (ids: readonly number[]) => {
    const out = new Map<string, TensorType>();
    for (const i of ids) for (const [s, t] of sources[i]!) if (!out.has(s)) out.set(s, t);
    return out;
  };
  for (const node of ir.nodes) {
    let own: Map<string, TensorType>;
    const name = node.attrs.get("name");
    if (node.op === "input" && name?.kind === "string") own = new Map([[`input:${name.value}`, node.type]]);
    else if (node.op === "param" && name?.kind === "string") own = new Map([[`block:${blockOf(name.value)}`, node.type]]);
    else {
      const blocks = [...union(node.inputs.filter((i) => ir.nodes[i]!.op === "param")).keys()];
      if (blocks.length) {
        // An op reading a block's weight is part of that block: what else it reads flows into it.
        for (const [s, t] of union(node.inputs.filter((i) => ir.nodes[i]!.op !== "param"))) for (const b of blocks) addEdge(s, b, t);
        own = new Map(blocks.map((b) => [b, node.type]));
      } else own = union(node.inputs);
    }
    const outputs = outputsAt.get(node.id);
    if (outputs) {
      for (const output of outputs) for (const [s, t] of own) addEdge(s, output, t);
      own = new Map([[outputs[0]!, node.type]]);
    }
    sources[node.id] = own;
  }
  for (const o of model.outputs) nodes.push({ id: `${o.role}:${o.name}`, kind: o.role, label: `${o.role} ${o.name}${o.type ? `\n${typeText(o.type)}` : ""}` });
  // Several outputs on one node: the first carries the value on; the others hang off it.
  for (const names of outputsAt.values())
    for (const other of names.slice(1)) addEdge(names[0]!, other, ir.nodes[ir.outputs.find((o) => `${o.role}:${o.name}` === other)!.node]!.type);
  return { nodes, edges: [...edges.values()] };
}

const STYLE: Record<ModelGraph["nodes"][number]["kind"], string> = {
  input: 'shape=box, style="rounded,filled", fillcolor="#e8f1fb"',
  block: 'shape=box, style=filled, fillcolor="#f4f4f4"',
  encoder: 'shape=box, style="filled", fillcolor="#e6f4ea"',
  head: 'shape=box, style="filled,bold", fillcolor="#d2ecd9"',
  loss: 'shape=octagon, style=filled, fillcolor="#fde7e4"',
  metric: 'shape=ellipse, style=filled, fillcolor="#fff4d6"',
  policy: 'shape=box, style="filled,bold", fillcolor="#ece4fb"',
};

/** The picture as DOT: inputs at the top, outputs at the bottom. */
export function toDot(name: string, graph: ModelGraph): string {
  const quote = dotString;
  const lines = [
    `digraph ${quote(name)} {`,
    '  graph [rankdir=TB, fontname="Helvetica", fontsize=11];',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9, color="#666666"];',
    ...graph.nodes.map((n) => `  ${quote(n.id)} [label=${quote(n.label)}, ${STYLE[n.kind]}];`),
    `  { rank=source; ${graph.nodes
      .filter((n) => n.kind === "input")
      .map((n) => quote(n.id))
      .join("; ")} }`,
    ...graph.edges.map((e) => `  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.label)}];`),
    "}",
  ];
  return `${lines.join("\n")}\n`;
}
