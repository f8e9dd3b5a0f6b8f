// `interaction_graph`: a user–item interaction graph for graph models (LightGCN), built by
// interaction-graph.ts. The graph's edge list (edge_user, edge_item, edge_weight) is the model's
// constant inputs, fed once (`interactionGraphConstants`); training batches draw (user_id,
// item_id) from the graph's edges, held-out batches from the held-out interactions, which the
// graph does not hold. In: the sizes and seeds. Out: the constants, and a batch stream.

import { tf, type Tensor } from "../tf.js";
import type { BatchSource } from "./batch.js";
import { keepingLast, xorshift32 } from "./random.js";
import { buildInteractionGraph, type GraphSizes } from "./interaction-graph.js";

export interface InteractionGraphOptions extends GraphSizes {
  readonly streamSeed: number;
  readonly split: string;
}

/** The graph last built, by its sizes and seed: the constants and each split's stream share it. */
const lastGraph = keepingLast((sizes: GraphSizes) => buildInteractionGraph(sizes));
const graphOf = ({ users, items, edges, worldSeed, clusters }: GraphSizes) => lastGraph({ users, items, edges, worldSeed, ...(clusters !== undefined ? { clusters } : {}) });

/** The graph's edge list: the model's constant inputs. */
export function interactionGraphConstants(options: GraphSizes): Map<string, Tensor> {
  const graph = graphOf(options);
  return new Map<string, Tensor>([
    ["edge_user", tf.tensor1d(graph.users, "int32")],
    ["edge_item", tf.tensor1d(graph.items, "int32")],
    ["edge_weight", tf.tensor1d(graph.weights, "float32")],
  ]);
}

export function interactionGraphWorld(options: InteractionGraphOptions): BatchSource {
  const graph = graphOf(options);
  const [pairUsers, pairItems] = options.split === "train" ? [graph.users, graph.items] : [graph.heldOutUsers, graph.heldOutItems];
  const random = xorshift32(options.streamSeed);
  return {
    async next(batchSize: number) {
      const userIds = new Int32Array(batchSize);
      const itemIds = new Int32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        const e = Math.floor(random() * pairUsers.length);
        userIds[b] = pairUsers[e]!;
        itemIds[b] = pairItems[e]!;
      }
      return {
        size: batchSize,
        feeds: new Map<string, Tensor>([
          ["user_id", tf.tensor1d(userIds, "int32")],
          ["item_id", tf.tensor1d(itemIds, "int32")],
        ]),
      };
    },
  };
}
