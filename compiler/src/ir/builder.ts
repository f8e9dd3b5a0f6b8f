// Building a graph: nodes are added in evaluation order (so the graph is topologically
// sorted) and hash-consed on (op, inputs, attributes, type), so computing the same thing twice
// yields one node. Ops with randomness (the registry's `impure` ops: dropout, sampling) are never merged.

import { OPS } from "../ops/index.js";
import type { Dim } from "../types/dims.js";
import type { TensorType } from "../types/tensor-type.js";
import { printAttr } from "./attrs.js";
import type { Attr, IrModel, IrNode, IrOutput, Loc } from "./ir.js";
import { printTensorType } from "./printer.js";

export class GraphBuilder {
  private readonly nodes: IrNode[] = [];
  private readonly interned = new Map<string, number>();

  /** A node added so far (the checker walks a value's inputs: the leak check). */
  node(id: number): IrNode {
    return this.nodes[id]!;
  }

  add(op: string, inputs: readonly number[], attrs: ReadonlyMap<string, Attr>, type: TensorType, loc?: Loc): number {
    const impure = OPS.get(op)?.impure ?? false;
    const key = `${op}(${inputs.join(",")}){${[...attrs].map(([k, v]) => `${k}=${printAttr(v)}`).join(",")}}:${printTensorType(type)}`;
    if (!impure) {
      const existing = this.interned.get(key);
      if (existing !== undefined) return existing;
    }
    const id = this.nodes.length;
    this.nodes.push({ id, op, inputs, attrs, type, ...(loc ? { loc } : {}) });
    if (!impure) this.interned.set(key, id);
    return id;
  }

  size(): number {
    return this.nodes.length;
  }

  /** The graph; `resolveDim` settles dimension variables bound after a node was added. */
  build(name: string, dims: readonly string[], outputs: readonly IrOutput[], resolveDim?: (d: Dim) => Dim): IrModel {
    const nodes = resolveDim ? this.nodes.map((n) => ({ ...n, type: resolveType(n.type, resolveDim) })) : [...this.nodes];
    return { name, dims, nodes, outputs };
  }
}

function resolveType(type: TensorType, resolveDim: (d: Dim) => Dim): TensorType {
  const shape = type.shape.map(resolveDim);
  return type.space ? { ...type, shape, space: { ...type.space, size: resolveDim(type.space.size) } } : { ...type, shape };
}

/** Rebuilds a graph through a rewrite: `rewrite` maps each old node (with inputs already
 * renumbered) to a new node id, or undefined to keep it. Hash-consing merges what becomes equal. */
export function rebuild(model: IrModel, rewrite: (node: IrNode, builder: GraphBuilder, mapped: readonly number[]) => number | undefined): IrModel {
  const builder = new GraphBuilder();
  const map: number[] = [];
  for (const node of model.nodes) {
    const inputs = node.inputs.map((i) => map[i]!);
    const replaced = rewrite({ ...node, inputs }, builder, inputs);
    map[node.id] = replaced ?? builder.add(node.op, inputs, node.attrs, node.type, node.loc);
  }
  const graph = builder.build(
    model.name,
    model.dims,
    model.outputs.map((o) => ({ ...o, node: map[o.node]! })),
  );
  return withGroups(graph, model, map);
}

/** Keeps the fusion groups of nodes that survived a rewrite unchanged. */
function withGroups(graph: IrModel, before: IrModel, map: readonly number[]): IrModel {
  const groups = new Map<number, number>();
  for (const node of before.nodes) if (node.group !== undefined) groups.set(map[node.id]!, node.group);
  if (groups.size === 0) return graph;
  return { ...graph, nodes: graph.nodes.map((n) => (groups.has(n.id) ? { ...n, group: groups.get(n.id)! } : n)) };
}
