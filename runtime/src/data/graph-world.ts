// `interaction_graph`: a user–item interaction graph for graph models (LightGCN), built by
// interaction-graph.ts. The graph's edge list (edge_user, edge_item, edge_weight) is the model's
// constant inputs, fed once (`interactionGraphConstants`); training batches draw (user_id,
// item_id) from the graph's edges, held-out batches from the held-out interactions, which the
// graph does not hold. In: the sizes and seeds. Out: the constants, and a batch stream.

import { floatColumn, idColumn, type Column } from "./columns.js";
import type { ColumnStream } from "./world.js";
import { keepingLast, xorshift32 } from "./random.js";
import { buildInteractionGraph, type GraphSizes } from "./interaction-graph.js";

export interface InteractionGraphOptions extends GraphSizes {
  readonly streamSeed: number;
  readonly split: string;
}

/** The graph last built, by its sizes and seed: the constants and each split's stream share it. */
const lastGraph = keepingLast((sizes: GraphSizes) => buildInteractionGraph(sizes));
const graphOf = ({ users, items, edges, worldSeed, clusters }: GraphSizes) =>
  lastGraph({ users, items, edges, worldSeed, ...(clusters !== undefined ? { clusters } : {}) });

/** The graph's edge list: the model's constant inputs. */
export function interactionGraphConstants(options: GraphSizes): Map<string, Column> {
  const graph = graphOf(options);
  return new Map<string, Column>([
    ["edge_user", idColumn(graph.users, [graph.users.length])],
    ["edge_item", idColumn(graph.items, [graph.items.length])],
    ["edge_weight", floatColumn(graph.weights, [graph.weights.length])],
  ]);
}

export function interactionGraphWorld(options: InteractionGraphOptions): ColumnStream {
  const graph = graphOf(options);
  const [pairUsers, pairItems] = options.split === "train" ? [graph.users, graph.items] : [graph.heldOutUsers, graph.heldOutItems];
  const random = xorshift32(options.streamSeed);
  return {
    next(batchSize: number) {
      const userIds = new Int32Array(batchSize);
      const itemIds = new Int32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        const e = Math.floor(random() * pairUsers.length);
        userIds[b] = pairUsers[e]!;
        itemIds[b] = pairItems[e]!;
      }
      return {
        count: batchSize,
        columns: new Map<string, Column>([
          ["user_id", idColumn(userIds)],
          ["item_id", idColumn(itemIds)],
        ]),
      };
    },
  };
}
