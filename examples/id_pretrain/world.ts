// The two-stage ID pre-training world, `id_pretrain` (spec/papers.md, ID pre-training): users and
// items with latent vectors, Zipf item popularity. Part `engagement`: a broad log of (user, item)
// engagements drawn ∝ popularity × exp(u·v) — fields user_id, item_id, item_logq (the log of the
// item's frequency in the log, for logQ correction). Part `impressions`: a narrow log of
// impressions (users uniform, items by popularity) with clicks ~ Bernoulli(σ(u·v + b)) — fields
// user_id, item_id, click and p_true (the click probability, for the achievable ceiling). In: the
// resolved arguments. Out: every example up front, as columns. The record at the end is its contract.

import { drawFromCumulative, gaussian, xorshift32 } from "../../runtime/src/data/random.js";
import { trainAndTest, type Examples } from "../../runtime/src/data/columns.js";
import { arg, f32, finiteArgs, hidden, ids, type FiniteWorld } from "../../runtime/src/data/world.js";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export interface IdPretrainOptions {
  readonly worldSeed: number;
  readonly part: "engagement" | "impressions";
  readonly users: number;
  readonly items: number;
  readonly trainExamples: number;
  readonly testExamples: number;
  /** Drawn after the test examples, so the training and test examples are the same with or without them. */
  readonly validExamples: number;
}

/** The id_pretrain world's users, items and popularity (shared by both parts of one seed). */
function latentWorld(seed: number, users: number, items: number) {
  const random = xorshift32(seed * 7_919 + 101);
  const normal = gaussian(random);
  const d = 8;
  // u·v has a standard deviation of about 1.2: preferences matter without being deterministic.
  const scale = Math.sqrt(1.2 / Math.sqrt(d));
  const userVectors = Float64Array.from({ length: users * d }, () => normal() * scale);
  const itemVectors = Float64Array.from({ length: items * d }, () => normal() * scale);
  // Zipf(1.1) popularity over a random ranking of the items.
  const rank = Int32Array.from({ length: items }, (_, i) => i);
  for (let i = items - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rank[i], rank[j]] = [rank[j]!, rank[i]!];
  }
  const popularity = new Float64Array(items);
  let total = 0;
  for (let i = 0; i < items; i++) total += popularity[i] = 1 / (rank[i]! + 1) ** 1.1;
  for (let i = 0; i < items; i++) popularity[i]! /= total;
  const itemBias = Float64Array.from({ length: items }, () => 0.3 * normal());
  const affinity = (u: number, i: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += userVectors[u * d + k]! * itemVectors[i * d + k]!;
    return s;
  };
  return { popularity, itemBias, affinity };
}

export function idPretrainWorld(options: IdPretrainOptions): { train: Examples; test: Examples; valid?: Examples } {
  const { users, items } = options;
  const world = latentWorld(options.worldSeed, users, items);
  const random = xorshift32(options.worldSeed * 104_729 + (options.part === "engagement" ? 1 : 2));
  const total = options.trainExamples + options.testExamples + options.validExamples;
  const userIds = new Int32Array(total);
  const itemIds = new Int32Array(total);
  if (options.part === "engagement") {
    // Per user, the cumulative table of popularity × exp(u·v): each engagement one binary search.
    const byUser = new Map<number, Float64Array>();
    for (let n = 0; n < total; n++) {
      const u = Math.floor(random() * users);
      let table = byUser.get(u);
      if (!table) {
        table = new Float64Array(items);
        let sum = 0;
        for (let i = 0; i < items; i++) table[i] = sum += world.popularity[i]! * Math.exp(world.affinity(u, i));
        byUser.set(u, table);
      }
      userIds[n] = u;
      itemIds[n] = drawFromCumulative(table, random());
    }
    // logQ: the log of each item's share of the training log (how often in-batch sampling meets it).
    const counts = new Float64Array(items);
    for (let n = 0; n < options.trainExamples; n++) counts[itemIds[n]!]!++;
    const logq = Float32Array.from({ length: total }, (_, n) => Math.log((counts[itemIds[n]!]! + 1) / (options.trainExamples + items)));
    return trainAndTest({ user_id: userIds, item_id: itemIds, item_logq: logq }, {}, options.trainExamples, total, options.testExamples);
  }
  const cumulative = new Float64Array(items);
  let sum = 0;
  for (let i = 0; i < items; i++) cumulative[i] = sum += world.popularity[i]!;
  const clicks = new Float32Array(total);
  const truth = new Float32Array(total);
  for (let n = 0; n < total; n++) {
    const u = Math.floor(random() * users);
    const i = drawFromCumulative(cumulative, random());
    userIds[n] = u;
    itemIds[n] = i;
    truth[n] = sigmoid(world.affinity(u, i) + world.itemBias[i]! - 1);
    clicks[n] = random() < truth[n]! ? 1 : 0;
  }
  return trainAndTest({ user_id: userIds, item_id: itemIds, click: clicks, p_true: truth }, {}, options.trainExamples, total, options.testExamples);
}

export const ID_PRETRAIN: FiniteWorld = {
  name: "id_pretrain",
  kind: "finite",
  doc: "two-stage ID pre-training: users and items with latent vectors and Zipf popularity; a broad engagement log and a narrow click log",
  args: [
    ...finiteArgs({ engagement: 200_000, impressions: 60_000 }, { engagement: 5_000, impressions: 20_000 }),
    arg(
      "valid_examples",
      { engagement: 0, impressions: 20_000 },
      "validation examples, drawn after the test split (an experiment's best epoch is chosen on them)",
    ),
    arg("part", "impressions", "`engagement` or `impressions`"),
    arg("users", 2_000, "users"),
    arg("items", 5_000, "items"),
  ],
  fields: {
    engagement: [
      ids("user_id", [], "users", "the user"),
      ids("item_id", [], "items", "the engaged item"),
      f32("item_logq", [], "log of the item's frequency in the log"),
    ],
    impressions: [
      ids("user_id", [], "users", "the user"),
      ids("item_id", [], "items", "the shown item"),
      f32("click", [], "click"),
      f32("p_true", [], "the true click probability"),
    ],
  },
  // A log's later entries are its test split: the same (user, item) may be shown again there, as
  // in a real log, with its own click; nothing in the world is evaluation-only.
  separation: {
    hidden: [
      hidden("latent user and item vectors, popularity", "training", "both logs' entries and clicks are drawn from them"),
      hidden("click probabilities", "metrics", "for the ceiling only", ["p_true"]),
    ],
  },
  build: (args) =>
    idPretrainWorld({
      worldSeed: args.worldSeed,
      part: args.string("part") as "engagement" | "impressions",
      users: args.number("users"),
      items: args.number("items"),
      trainExamples: args.number("train_examples"),
      testExamples: args.number("test_examples"),
      validExamples: args.number("valid_examples"),
    }),
};
