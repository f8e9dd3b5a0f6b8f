// PinRec's world, `outcome_sequences` (spec/papers.md, PinRec): drifting histories of
// Zipf-popular items with click or save outcomes, and the next events. In: the resolved
// arguments. Out: batches as columns. The record at the end is the world's contract.

import { xorshift32 } from "../../runtime/src/data/random.js";
import { idColumn, type Column } from "../../runtime/src/data/columns.js";
import { arg, hidden, ids, modelArg, SEED_ARGS, wholeExamples, type ColumnStream, type GeneratedWorld } from "../../runtime/src/data/world.js";

/**
 * `outcome_sequences` (spec/papers.md, PinRec's toy world): items in 30 clusters (item i is in
 * cluster i mod 30); within every cluster half the items are mostly saved and half mostly clicked
 * (item i is a save item when ⌊i / 30⌋ is even: saved 80% of the time, else clicked 80%), and
 * popularity within a cluster is Zipf over that rank (weight 1 / (⌊i / 30⌋ + 1)). Each user
 * prefers 3 clusters and drifts between them (the current cluster changes with probability 0.2
 * per event), so the next event mostly continues the current interest while the later events of
 * a window return to the user's other interests. An example is a history of `history_length`
 * events (item, outcome: 1 click, 2 save) and the next `window` events. Fields: history,
 * history_outcomes, future, future_outcomes (0 click, 1 save).
 */
export function outcomeSequencesWorld(options: {
  items: number;
  users: number;
  historyLength: number;
  window: number;
  worldSeed: number;
  streamSeed: number;
}): ColumnStream {
  const clusters = 30;
  const world = xorshift32(options.worldSeed);
  const preferred = Array.from({ length: options.users }, () => [0, 1, 2].map(() => Math.floor(world() * clusters)));
  const random = xorshift32(options.streamSeed);
  const pick = (n: number) => Math.floor(random() * n);
  const perCluster = Math.floor(options.items / clusters);
  // Zipf popularity within a cluster (rank r has weight 1 / (r + 1)): a few items of each
  // interest are popular, so which interests a top 10 covers decides its recall.
  const popularity = Array.from({ length: perCluster }, (_, r) => 1 / (r + 1));
  const total = popularity.reduce((a, b) => a + b, 0);
  const rank = () => {
    let u = random() * total;
    for (let r = 0; r < perCluster; r++) if ((u -= popularity[r]!) <= 0) return r;
    return perCluster - 1;
  };
  const event = (cluster: number) => {
    const item = cluster + clusters * rank();
    const saveItem = Math.floor(item / clusters) % 2 === 0;
    return { item, outcome: random() < (saveItem ? 0.8 : 0.2) ? 2 : 1 };
  };
  return {
    next(batchSize: number) {
      const [t, w] = [options.historyLength, options.window];
      const history = new Int32Array(batchSize * t);
      const outcomes = new Int32Array(batchSize * t);
      const future = new Int32Array(batchSize * w);
      const futureOutcomes = new Int32Array(batchSize * w);
      for (let b = 0; b < batchSize; b++) {
        const user = pick(options.users);
        let current = preferred[user]![pick(3)]!;
        const drift = () => {
          if (random() < 0.2) current = random() < 0.9 ? preferred[user]![pick(3)]! : pick(clusters);
          return current;
        };
        for (let i = 0; i < t + w; i++) {
          const e = event(drift());
          if (i < t) {
            history[b * t + i] = e.item;
            outcomes[b * t + i] = e.outcome;
          } else {
            future[b * w + i - t] = e.item;
            futureOutcomes[b * w + i - t] = e.outcome - 1;
          }
        }
      }
      return {
        count: batchSize,
        columns: new Map<string, Column>([
          ["history", idColumn(history, [t])],
          ["history_outcomes", idColumn(outcomes, [t])],
          ["future", idColumn(future, [w])],
          ["future_outcomes", idColumn(futureOutcomes, [w])],
        ]),
      };
    },
  };
}

export const OUTCOME_SEQUENCES: GeneratedWorld = {
  name: "outcome_sequences",
  kind: "generated",
  doc: "PinRec's world: drifting histories of Zipf-popular items with click/save outcomes, and the next events",
  args: [...SEED_ARGS, modelArg("items", "items", "future", 600), arg("users", 2000, "users")],
  fields: [
    ids("history", ["model"], "items", "items of the history"),
    ids("history_outcomes", ["model"], 3, "outcome of each: 1 click, 2 save"),
    ids("future", ["model"], "items", "the next events' items"),
    ids("future_outcomes", ["model"], 2, "their outcomes: 0 click, 1 save"),
  ],
  separation: {
    hidden: [
      hidden("users' interests, item clusters, popularity and outcome rates", "training", "every split's sequences are drawn from them"),
      hidden("held-out sequences", "evaluation", "fresh histories and futures by the held-out streams' seeds"),
    ],
    unit: "a whole example (history and future)",
    items: wholeExamples(),
  },
  stream: (args, streamSeed) =>
    outcomeSequencesWorld({
      items: args.number("items"),
      users: args.number("users"),
      historyLength: args.modelDim("history", 1, 10),
      window: args.modelDim("future", 1, 5),
      worldSeed: args.worldSeed,
      streamSeed,
    }),
};
