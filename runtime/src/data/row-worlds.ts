// Seeded synthetic worlds that produce rows, for writing example data files (`rec data synth`)
// and for tests of the readers. In: a row count and a seed. Out: the world's columns and its
// rows, generated one at a time.
//
// `ctr`: impressions of ads to users. Users and ads have latent vectors; a click happens with
// probability σ(1.5·u·v + ad bias + an hour-of-day cycle + 0.3·w·x) for 13 dense features x of
// which 4 carry signal. User activity is skewed (a few users see many ads). Rows are in time
// order, one every 30 seconds, so a split by time holds out the latest impressions.
//
// `graph_edges` and `graph_pairs`: the two files of one interaction graph (interaction-graph.ts;
// 2,000 users, 1,000 items) of `--rows` edges, for a graph model reading its graph from a file.
// `graph_edges` holds the graph (user, item, LightGCN weight); `graph_pairs` its interactions in
// time order, the graph's edges first and then a ninth as many held out (not in the graph), so a
// split by time with `valid = 0.1` holds out exactly the interactions the graph lacks.

import { gaussian, xorshift32 } from "./random.js";
import { buildInteractionGraph } from "./interaction-graph.js";

export type ColumnKind = "int" | "float" | "float_list" | "int_list" | "timestamp";

export interface World {
  readonly description: string;
  readonly columns: readonly { readonly name: string; readonly kind: ColumnKind }[];
  rows(count: number, seed: number): Generator<Record<string, number | number[]>>;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const ctr: World = {
  description: "ad impressions with clicks: uid, ad, hour, 13 dense features, label, ts",
  columns: [
    { name: "uid", kind: "int" },
    { name: "ad", kind: "int" },
    { name: "hour", kind: "int" },
    { name: "features", kind: "float_list" },
    { name: "label", kind: "float" },
    { name: "ts", kind: "timestamp" },
  ],
  *rows(count, seed) {
    const random = xorshift32(seed * 7919 + 17);
    const normal = gaussian(random);
    const [users, ads, dim] = [10_000, 2_000, 4];
    const userVectors = Array.from({ length: users }, () => Array.from({ length: dim }, () => normal() * 0.7));
    const adVectors = Array.from({ length: ads }, () => Array.from({ length: dim }, () => normal() * 0.7));
    const adBias = Array.from({ length: ads }, () => -1.2 + 0.5 * normal());
    const weights = Array.from({ length: 13 }, (_, i) => (i < 4 ? normal() : 0));
    for (let i = 0; i < count; i++) {
      const uid = Math.floor(users * random() ** 2);
      const ad = Math.floor(ads * random());
      const hour = Math.floor(i / 120) % 24;
      const features = Array.from({ length: 13 }, () => Math.round(normal() * 1000) / 1000);
      const affinity = userVectors[uid]!.reduce((s, u, k) => s + u * adVectors[ad]![k]!, 0);
      const dense = features.reduce((s, x, k) => s + x * weights[k]!, 0);
      const logit = 1.5 * affinity + adBias[ad]! + 0.4 * Math.sin((2 * Math.PI * hour) / 24) + 0.3 * dense;
      yield { uid, ad, hour, features, label: random() < sigmoid(logit) ? 1 : 0, ts: 1_700_000_000 + 30 * i };
    }
  },
};

const GRAPH_FILE_SIZES = { users: 2_000, items: 1_000 };

const graphEdges: World = {
  description:
    `an interaction graph's edges (${GRAPH_FILE_SIZES.users} users, ${GRAPH_FILE_SIZES.items} ` +
    `items; --rows edges): user, item, weight = 1 / √(deg(user)·deg(item))`,
  columns: [
    { name: "user", kind: "int" },
    { name: "item", kind: "int" },
    { name: "weight", kind: "float" },
  ],
  *rows(count, seed) {
    const graph = buildInteractionGraph({ ...GRAPH_FILE_SIZES, edges: count, worldSeed: seed });
    for (let e = 0; e < count; e++) yield { user: graph.users[e]!, item: graph.items[e]!, weight: graph.weights[e]! };
  },
};

const graphPairs: World = {
  description:
    "the same graph's interactions (--rows as for graph_edges): user, item, ts; the graph's " +
    "edges, then a ninth as many held out (split by time, valid = 0.1)",
  columns: [
    { name: "user", kind: "int" },
    { name: "item", kind: "int" },
    { name: "ts", kind: "timestamp" },
  ],
  *rows(count, seed) {
    const graph = buildInteractionGraph({ ...GRAPH_FILE_SIZES, edges: count, worldSeed: seed });
    const users = [...graph.users, ...graph.heldOutUsers];
    const items = [...graph.items, ...graph.heldOutItems];
    for (let e = 0; e < users.length; e++) yield { user: users[e]!, item: items[e]!, ts: 1_700_000_000 + e };
  },
};

export const ROW_WORLDS: Readonly<Record<string, World>> = { ctr, graph_edges: graphEdges, graph_pairs: graphPairs };
