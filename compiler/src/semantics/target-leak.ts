// The causal-leak check's second reading (REC2009): a loss trained on targets taken from the
// sequence its own unmasked attention reads. In: the model's graph, the hand-written attention
// weights found without a causal mask (calls.ts), and the loss outputs. Out: the attention nodes
// that leak. The first reading, by name (a loss or head called `next…`), is in model.ts.
//
// The pattern is next-item training written by hand: ids `seq` are embedded and attended over
// with weights over a square [T, T] of scores, and the loss's targets are an id-valued view of
// the same `seq` (a shifted slice `seq[:, 1:]`, a reshape) that the attention does not read. Each
// position then sees the item it is trained to predict. Targets from another input (a separate
// `target` column) or a view the attention itself reads do not match.

import type { GraphBuilder } from "../ir/builder.js";

/** Every node `node` depends on, itself included. */
export function ancestors(graph: GraphBuilder, node: number): Set<number> {
  const seen = new Set<number>();
  const stack = [node];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...graph.node(id).inputs);
  }
  return seen;
}

/** Whether a loss at `loss` trains on targets from the id sequence the attention at `attention` reads. */
export function trainsOnAttendedSequence(graph: GraphBuilder, attention: number, loss: number): boolean {
  const read = ancestors(graph, attention);
  const lossNodes = ancestors(graph, loss);
  if (!lossNodes.has(attention)) return false;
  // The id inputs the attention reads: the model's inputs holding ids.
  const sequences = [...read].filter((id) => graph.node(id).op === "input" && graph.node(id).type.dtype === "id");
  if (!sequences.length) return false;
  // A view of such a sequence among the loss's values that the attention does not read.
  return [...lossNodes].some((id) => {
    const node = graph.node(id);
    return !read.has(id) && node.type.dtype === "id" && node.inputs.some((input) => sequences.includes(input));
  });
}
