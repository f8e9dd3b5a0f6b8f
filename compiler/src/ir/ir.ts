// The graph IR: one typed SSA graph per model. Each node is an op of the registry (or one of
// the graph's own leaves: input, param, const) with input nodes, attributes and a tensor type.
// Nodes are hash-consed when built, so equal computations are one node; source locations are
// metadata, not part of a node's identity.

import type { Dim } from "../types/dims.js";
import type { TensorType } from "../types/tensor-type.js";

/** A compile-time attribute: ints are dimensions (possibly symbolic), floats are numbers. */
export type Attr =
  | { readonly kind: "int"; readonly dim: Dim }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "none" }
  | { readonly kind: "list"; readonly items: readonly Attr[] };

export interface Loc {
  readonly line: number;
  readonly column: number;
}

export interface IrNode {
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly number[];
  /** Attributes by name, in the op's parameter order. */
  readonly attrs: ReadonlyMap<string, Attr>;
  readonly type: TensorType;
  readonly loc?: Loc;
  /** A fusion group a backend may run as one kernel (set by the `fuse` pass). */
  readonly group?: number;
}

/** `update`: a module state's value after a training step, named by the state (`update` statements). */
export type OutputRole = "encoder" | "head" | "loss" | "metric" | "policy" | "update";

export interface IrOutput {
  readonly role: OutputRole;
  readonly name: string;
  readonly node: number;
}

export interface IrModel {
  readonly name: string;
  /** The model's symbolic dimensions, in declaration order (the first is the batch). */
  readonly dims: readonly string[];
  /** In topological order: every input of a node comes before it. */
  readonly nodes: readonly IrNode[];
  readonly outputs: readonly IrOutput[];
}

/** Ops that are the graph's leaves rather than registry computations. */
export const LEAF_OPS = new Set(["input", "param", "const"]);

/** The nodes the outputs depend on (and every input, the model's interface), by id. */
export function liveNodes(model: IrModel): Set<number> {
  const live = new Set<number>(model.outputs.map((o) => o.node));
  for (let i = model.nodes.length - 1; i >= 0; i--) {
    const node = model.nodes[i]!;
    if (node.op === "input") live.add(i);
    if (live.has(i)) for (const input of node.inputs) live.add(input);
  }
  return live;
}
