// `interaction_graph`: a user–item interaction graph for graph models (LightGCN). Users and items
// fall in latent clusters; each interaction pairs a uniform user with an item of the user's
// cluster (80%, else of a random cluster) by Zipf popularity within the cluster. The first
// `edges` interactions are the graph the model sees, fed whole with every batch as an edge list
// (edge_user, edge_item) and LightGCN's symmetric normalization edge_weight = 1 / √(deg(u)·deg(i));
// the next edges / 9 interactions are held out, removed from the graph. Training batches draw
// (user_id, item_id) from the graph's edges, held-out batches from the held-out interactions.
// In: the sizes and seeds. Out: a batch stream.

import { tf, type Tensor } from "../tf.js";
import type { BatchSource } from "./batch.js";
import { xorshift32 } from "./random.js";

export interface InteractionGraphOptions {
  readonly users: number;
  readonly items: number;
  readonly edges: number;
  readonly worldSeed: number;
  readonly streamSeed: number;
  readonly split: string;
  readonly clusters?: number;
}

interface Graph {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly weights: Float32Array;
  readonly heldOutUsers: Int32Array;
  readonly heldOutItems: Int32Array;
}

function buildGraph(options: InteractionGraphOptions): Graph {
  const random = xorshift32(options.worldSeed * 7_919 + 23);
  const clusters = options.clusters ?? 20;
  const userCluster = Int32Array.from({ length: options.users }, () => Math.floor(random() * clusters));
  const byCluster = Array.from({ length: clusters }, (_, c) => Array.from({ length: options.items }, (_, i) => i).filter((i) => i % clusters === c));
  const cumulative = byCluster.map((members) => {
    let total = 0;
    return members.map((_, rank) => (total += 1 / (rank + 1)));
  });
  const draw = (cluster: number) => {
    const sums = cumulative[cluster]!;
    const u = random() * sums[sums.length - 1]!;
    let low = 0;
    while (sums[low]! < u) low++;
    return byCluster[cluster]![low]!;
  };
  const total = options.edges + Math.ceil(options.edges / 9);
  const users = new Int32Array(total);
  const items = new Int32Array(total);
  for (let e = 0; e < total; e++) {
    const user = Math.floor(random() * options.users);
    users[e] = user;
    items[e] = draw(random() < 0.8 ? userCluster[user]! : Math.floor(random() * clusters));
  }
  const graphUsers = users.slice(0, options.edges);
  const graphItems = items.slice(0, options.edges);
  const userDegree = new Float64Array(options.users);
  const itemDegree = new Float64Array(options.items);
  graphUsers.forEach((u) => (userDegree[u] = userDegree[u]! + 1));
  graphItems.forEach((i) => (itemDegree[i] = itemDegree[i]! + 1));
  const weights = Float32Array.from(graphUsers, (u, e) => 1 / Math.sqrt(userDegree[u]! * itemDegree[graphItems[e]!]!));
  return { users: graphUsers, items: graphItems, weights, heldOutUsers: users.slice(options.edges), heldOutItems: items.slice(options.edges) };
}

export function interactionGraphWorld(options: InteractionGraphOptions): BatchSource {
  const graph = buildGraph(options);
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
          ["edge_user", tf.tensor1d(graph.users, "int32")],
          ["edge_item", tf.tensor1d(graph.items, "int32")],
          ["edge_weight", tf.tensor1d(graph.weights, "float32")],
        ]),
      };
    },
  };
}
