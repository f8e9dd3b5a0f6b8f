// UniPinRec's world, `engagement_sessions` (spec/papers.md, UniPinRec): histories of items and
// actions, the next engaged item, and slates of impressions with click and save labels and their
// true probabilities. In: the resolved arguments. Out: batches as columns. The record at the end
// is the world's contract.

import { xorshift32 } from "../../runtime/src/data/random.js";
import { floatColumn, idColumn, type Column } from "../../runtime/src/data/columns.js";
import { arg, f32, hidden, ids, modelArg, SEED_ARGS, wholeExamples, type ColumnStream, type GeneratedWorld } from "../../runtime/src/data/world.js";

/**
 * `engagement_sessions` (spec/papers.md, UniPinRec's toy world): items in 20 clusters; each user
 * prefers 2 clusters and acts differently on each (saves on one, clicks on the other, mostly
 * nothing elsewhere). A history of `history_length` events (80% from the preferred clusters) with
 * the action taken on each; the next engaged item (the retrieval target); and a slate of
 * `slate` impressions (half from the preferred clusters) with click and save labels drawn from
 * the same action model. Fields: history, history_actions (0 none, 1 click, 2 save), target,
 * slate, slate_click, slate_save; and the truth the world knows, for the achievable ceiling:
 * slate_click_prob and slate_save_prob (each impression's true probabilities) and
 * target_probs f32[B, items] (the true distribution of the next engaged item).
 */
export function engagementSessionsWorld(options: {
  items: number;
  users: number;
  historyLength: number;
  slate: number;
  worldSeed: number;
  streamSeed: number;
}): ColumnStream {
  const clusters = 20;
  const world = xorshift32(options.worldSeed);
  const preferred = Array.from({ length: options.users }, () => {
    const a = Math.floor(world() * clusters);
    return [a, (a + 1 + Math.floor(world() * (clusters - 1))) % clusters] as const;
  });
  const random = xorshift32(options.streamSeed);
  const pick = (n: number) => Math.floor(random() * n);
  const itemOf = (cluster: number) => cluster + clusters * pick(Math.floor(options.items / clusters));
  // Action probabilities (none, click, save) by how the user relates to the item's cluster.
  const actionProbs = (user: number, item: number) => {
    const cluster = item % clusters;
    const logits = cluster === preferred[user]![0] ? [0, 0.5, 2.5] : cluster === preferred[user]![1] ? [0, 2.5, 0.5] : [2, 0, -1];
    const weights = logits.map(Math.exp);
    const total = weights.reduce((a, b) => a + b, 0);
    return weights.map((w) => w / total);
  };
  const act = (user: number, item: number) => {
    const probs = actionProbs(user, item);
    let u = random();
    for (let a = 0; a < 3; a++) if ((u -= probs[a]!) <= 0) return a;
    return 0;
  };
  // The next engaged item: 80% from one of the two preferred clusters, 20% from any cluster, then
  // uniform within the cluster (items beyond clusters · ⌊items / clusters⌋ are never drawn).
  const perCluster = Math.floor(options.items / clusters);
  const targetProb = (user: number, item: number) => {
    if (item >= clusters * perCluster) return 0;
    const inPreferred = preferred[user]!.includes(item % clusters) ? 0.8 / 2 : 0;
    return (inPreferred + 0.2 / clusters) / perCluster;
  };
  const engaged = (user: number) => itemOf(random() < 0.8 ? preferred[user]![pick(2)]! : pick(clusters));
  return {
    next(batchSize: number) {
      const t = options.historyLength;
      const m = options.slate;
      const history = new Int32Array(batchSize * t);
      const actions = new Int32Array(batchSize * t);
      const target = new Int32Array(batchSize);
      const slate = new Int32Array(batchSize * m);
      const click = new Float32Array(batchSize * m);
      const save = new Float32Array(batchSize * m);
      const clickProb = new Float32Array(batchSize * m);
      const saveProb = new Float32Array(batchSize * m);
      const targetProbs = new Float32Array(batchSize * options.items);
      for (let b = 0; b < batchSize; b++) {
        const user = pick(options.users);
        for (let item = 0; item < options.items; item++) targetProbs[b * options.items + item] = targetProb(user, item);
        for (let i = 0; i < t; i++) {
          history[b * t + i] = engaged(user);
          actions[b * t + i] = act(user, history[b * t + i]!);
        }
        target[b] = engaged(user);
        for (let i = 0; i < m; i++) {
          const item = i % 2 === 0 ? itemOf(preferred[user]![pick(2)]!) : itemOf(pick(clusters));
          const a = act(user, item);
          const probs = actionProbs(user, item);
          slate[b * m + i] = item;
          click[b * m + i] = a === 1 ? 1 : 0;
          save[b * m + i] = a === 2 ? 1 : 0;
          clickProb[b * m + i] = probs[1]!;
          saveProb[b * m + i] = probs[2]!;
        }
      }
      return {
        count: batchSize,
        columns: new Map<string, Column>([
          ["history", idColumn(history, [t])],
          ["history_actions", idColumn(actions, [t])],
          ["target", idColumn(target)],
          ["slate", idColumn(slate, [m])],
          ["slate_click", floatColumn(click, [m])],
          ["slate_save", floatColumn(save, [m])],
          ["slate_click_prob", floatColumn(clickProb, [m])],
          ["slate_save_prob", floatColumn(saveProb, [m])],
          ["target_probs", floatColumn(targetProbs, [options.items])],
        ]),
      };
    },
  };
}

/** The truth the world knows, for the ceiling: never a model's input. */
const METRICS_ONLY = ["slate_click_prob", "slate_save_prob", "target_probs"];

export const ENGAGEMENT_SESSIONS: GeneratedWorld = {
  name: "engagement_sessions",
  kind: "generated",
  doc: "UniPinRec's world: histories of items and actions, the next engaged item, slates with click and save labels, and their true probabilities",
  args: [...SEED_ARGS, modelArg("items", "items", "target", 2000), arg("users", 3000, "users")],
  fields: [
    ids("history", ["model"], "items", "items of the history"),
    ids("history_actions", ["model"], 3, "the action on each: 0 none, 1 click, 2 save"),
    ids("target", [], "items", "the next engaged item"),
    ids("slate", ["model"], "items", "impressions"),
    f32("slate_click", ["model"], "click labels"),
    f32("slate_save", ["model"], "save labels"),
    f32("slate_click_prob", ["model"], "true click probabilities"),
    f32("slate_save_prob", ["model"], "true save probabilities"),
    f32("target_probs", ["items"], "the true distribution of the next engaged item"),
  ],
  separation: {
    hidden: [
      hidden("users' preferred clusters and action model", "training", "histories, targets and labels are drawn from them"),
      hidden("held-out examples", "evaluation", "fresh users' histories, targets and slates by the held-out streams' seeds"),
      hidden("true probabilities", "metrics", "each impression's and the next item's: for the ceiling only", METRICS_ONLY),
    ],
    unit: "a whole example (its true probabilities aside)",
    items: wholeExamples(METRICS_ONLY),
  },
  stream: (args, streamSeed) =>
    engagementSessionsWorld({
      items: args.number("items"),
      users: args.number("users"),
      historyLength: args.modelDim("history", 1, 20),
      slate: args.modelDim("slate", 1, 10),
      worldSeed: args.worldSeed,
      streamSeed,
    }),
};
