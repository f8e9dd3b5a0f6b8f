// The interaction graph of the `interaction_graph` world, as plain arrays (no tensors, so `rec
// data synth` writes it without TensorFlow.js). Users and items fall in latent clusters; each
// interaction pairs a uniform user with an item of the user's cluster (80%, else of a random
// cluster) by Zipf popularity within the cluster. The first `edges` interactions are the graph,
// with LightGCN's symmetric normalization 1 / √(deg(u)·deg(i)) as edge weights; the next
// edges / 9 are held out: pairs the graph does not hold. In: sizes and a seed. Out: the arrays.

import { xorshift32 } from "./random.js";

export interface GraphSizes {
  readonly users: number;
  readonly items: number;
  readonly edges: number;
  readonly worldSeed: number;
  readonly clusters?: number;
}

export interface InteractionGraph {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly weights: Float32Array;
  readonly heldOutUsers: Int32Array;
  readonly heldOutItems: Int32Array;
}

export function buildInteractionGraph(options: GraphSizes): InteractionGraph {
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
  const interaction = (): [number, number] => {
    const user = Math.floor(random() * options.users);
    return [user, draw(random() < 0.8 ? userCluster[user]! : Math.floor(random() * clusters))];
  };
  // The held-out interactions are pairs the graph lacks: one the graph holds is drawn again, so no
  // held-out pair is an edge the model sees (test/world-leaks.test.ts).
  const total = options.edges + Math.ceil(options.edges / 9);
  const users = new Int32Array(total);
  const items = new Int32Array(total);
  const inGraph = new Set<number>();
  for (let e = 0; e < total; e++) {
    let [user, item] = interaction();
    while (e >= options.edges && inGraph.has(user * options.items + item)) [user, item] = interaction();
    if (e < options.edges) inGraph.add(user * options.items + item);
    [users[e], items[e]] = [user, item];
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
