// UniPinRec's world, `engagement_sessions` (spec/papers.md, UniPinRec): histories of items and
// actions, the next engaged item, and slates of impressions with click and save labels and their
// true probabilities. In: the resolved arguments. Out: batches as columns. The record at the end
// is the world's contract.

import { gaussian, xorshift32 } from "../../runtime/src/data/random.js";
import { floatColumn, idColumn, type Column } from "../../runtime/src/data/columns.js";
import {
  arg,
  f32,
  hidden,
  ids,
  modelArg,
  SEED_ARGS,
  wholeExamples,
  type ColumnStream,
  type GeneratedWorld,
  type WorldArgs,
} from "../../runtime/src/data/world.js";

/** The arguments both UniPinRec worlds take. */
interface SessionWorldOptions {
  readonly items: number;
  readonly users: number;
  readonly historyLength: number;
  readonly slate: number;
  readonly worldSeed: number;
  readonly streamSeed: number;
}

/** How a world's users engage and act: what sessionStream draws an example from. */
interface SessionBehaviour {
  /** The next engaged item of `user` (a history event, or the retrieval target). */
  engaged(user: number): number;
  /** The `i`-th impression of a slate shown to `user`. */
  slateItem(user: number, i: number): number;
  /** The probabilities of the actions none, click, save of `user` on `item`. */
  actionProbs(user: number, item: number): readonly number[];
  /** The true distribution of the next engaged item, written to `out` (length items). */
  targetProbs(user: number, out: Float32Array): void;
}

const CLUSTERS = 20;

/**
 * Examples drawn with `behaviour`: a user (uniform), the truth of its next item, a history of
 * `history_length` engaged items with the action on each, the next engaged item, and a slate of
 * `slate` impressions with click and save labels drawn from the action model and their true
 * probabilities.
 */
function sessionStream(options: SessionWorldOptions, random: () => number, behaviour: SessionBehaviour): ColumnStream {
  const act = (probs: readonly number[]) => {
    let u = random();
    for (let a = 0; a < 3; a++) if ((u -= probs[a]!) <= 0) return a;
    return 0;
  };
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
        const user = Math.floor(random() * options.users);
        behaviour.targetProbs(user, targetProbs.subarray(b * options.items, (b + 1) * options.items));
        for (let i = 0; i < t; i++) {
          history[b * t + i] = behaviour.engaged(user);
          actions[b * t + i] = act(behaviour.actionProbs(user, history[b * t + i]!));
        }
        target[b] = behaviour.engaged(user);
        for (let i = 0; i < m; i++) {
          const item = behaviour.slateItem(user, i);
          const probs = behaviour.actionProbs(user, item);
          const a = act(probs);
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

/** Each user's two preferred clusters, distinct: the first mostly saved from, the second mostly clicked. */
function preferredPairs(users: number, world: () => number): (readonly [number, number])[] {
  return Array.from({ length: users }, () => {
    const a = Math.floor(world() * CLUSTERS);
    return [a, (a + 1 + Math.floor(world() * (CLUSTERS - 1))) % CLUSTERS] as const;
  });
}

/** Action logits (none, click, save) by how a user relates to an item's cluster. */
function clusterLogits(pair: readonly [number, number], cluster: number): [number, number, number] {
  return cluster === pair[0] ? [0, 0.5, 2.5] : cluster === pair[1] ? [0, 2.5, 0.5] : [2, 0, -1];
}

const softmax = (logits: readonly number[]) => {
  const weights = logits.map(Math.exp);
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
};

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
export function engagementSessionsWorld(options: SessionWorldOptions): ColumnStream {
  const preferred = preferredPairs(options.users, xorshift32(options.worldSeed));
  const random = xorshift32(options.streamSeed);
  const pick = (n: number) => Math.floor(random() * n);
  const perCluster = Math.floor(options.items / CLUSTERS);
  const itemOf = (cluster: number) => cluster + CLUSTERS * pick(perCluster);
  // The next engaged item: 80% from one of the two preferred clusters, 20% from any cluster, then
  // uniform within the cluster (items beyond clusters · ⌊items / clusters⌋ are never drawn).
  const targetProb = (user: number, item: number) => {
    if (item >= CLUSTERS * perCluster) return 0;
    const inPreferred = preferred[user]!.includes(item % CLUSTERS) ? 0.8 / 2 : 0;
    return (inPreferred + 0.2 / CLUSTERS) / perCluster;
  };
  return sessionStream(options, random, {
    engaged: (user) => itemOf(random() < 0.8 ? preferred[user]![pick(2)]! : pick(CLUSTERS)),
    slateItem: (user, i) => (i % 2 === 0 ? itemOf(preferred[user]![pick(2)]!) : itemOf(pick(CLUSTERS))),
    actionProbs: (user, item) => softmax(clusterLogits(preferred[user]!, item % CLUSTERS)),
    targetProbs: (user, out) => out.forEach((_, item) => (out[item] = targetProb(user, item))),
  });
}

/**
 * `affinity_sessions`: UniPinRec's second world, fixed and written down before its first run
 * (issue 43), so that the achievable ceilings sit above what a model reads from a short history.
 * The same clusters and preferred pairs as engagement_sessions (cluster logits: save-leaning,
 * click-leaning, elsewhere), plus hidden vectors: every item has a 4-d vector v (standard
 * normal), a quality q (normal, sd 0.5) and a save-versus-click lean r (standard normal); every
 * user a 4-d taste w (standard normal). A user's affinity for an item is s = w·v / 2 + q.
 * Engaged items (history and target): a cluster as in engagement_sessions (80% one of the two
 * preferred, 20% any), then an item of it with probability ∝ exp(1.5 s). Actions: the cluster
 * logits plus 1.5 s on click and save, plus 0.75 r on save and minus 0.75 r on click. Slates: even
 * positions an engaged draw, odd positions a uniformly random item. So the truth depends on the
 * user's taste, which a model can only estimate from ten events, and on every item's own
 * vector, quality and lean; the ceilings use the true values.
 */
export function affinitySessionsWorld(options: SessionWorldOptions): ColumnStream {
  const world = xorshift32(options.worldSeed);
  const preferred = preferredPairs(options.users, world);
  const normal = gaussian(world);
  const vectors = Array.from({ length: options.items }, () => [normal(), normal(), normal(), normal()]);
  const quality = Array.from({ length: options.items }, () => 0.5 * normal());
  const lean = Array.from({ length: options.items }, () => normal());
  const taste = Array.from({ length: options.users }, () => [normal(), normal(), normal(), normal()]);
  const random = xorshift32(options.streamSeed);
  const pick = (n: number) => Math.floor(random() * n);
  const perCluster = Math.floor(options.items / CLUSTERS);
  const affinity = (user: number, item: number) => vectors[item]!.reduce((sum, x, k) => sum + x * taste[user]![k]!, 0) / 2 + quality[item]!;
  // Per user, the within-cluster choice probabilities (∝ exp(1.5 s)), computed when first needed.
  const withinCluster = new Map<number, Float64Array>();
  const choice = (user: number) => {
    let probs = withinCluster.get(user);
    if (probs) return probs;
    probs = new Float64Array(CLUSTERS * perCluster);
    const totals = new Float64Array(CLUSTERS);
    for (let item = 0; item < probs.length; item++) {
      probs[item] = Math.exp(1.5 * affinity(user, item));
      totals[item % CLUSTERS] = totals[item % CLUSTERS]! + probs[item]!;
    }
    for (let item = 0; item < probs.length; item++) probs[item] = probs[item]! / totals[item % CLUSTERS]!;
    withinCluster.set(user, probs);
    return probs;
  };
  const itemOf = (user: number, cluster: number) => {
    const probs = choice(user);
    let u = random();
    for (let r = 0; r < perCluster - 1; r++) if ((u -= probs[cluster + CLUSTERS * r]!) <= 0) return cluster + CLUSTERS * r;
    return cluster + CLUSTERS * (perCluster - 1);
  };
  const engaged = (user: number) => itemOf(user, random() < 0.8 ? preferred[user]![pick(2)]! : pick(CLUSTERS));
  return sessionStream(options, random, {
    engaged,
    slateItem: (user, i) => (i % 2 === 0 ? engaged(user) : pick(CLUSTERS * perCluster)),
    actionProbs: (user, item) => {
      const [none, click, save] = clusterLogits(preferred[user]!, item % CLUSTERS);
      const s = 1.5 * affinity(user, item);
      return softmax([none, click + s - 0.75 * lean[item]!, save + s + 0.75 * lean[item]!]);
    },
    targetProbs: (user, out) => {
      const probs = choice(user);
      out.fill(0);
      for (let item = 0; item < probs.length; item++) {
        const cluster = item % CLUSTERS;
        out[item] = ((preferred[user]!.includes(cluster) ? 0.8 / 2 : 0) + 0.2 / CLUSTERS) * probs[item]!;
      }
    },
  });
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
  stream: (args, streamSeed) => engagementSessionsWorld(sessionOptions(args, streamSeed)),
};

export const AFFINITY_SESSIONS: GeneratedWorld = {
  ...ENGAGEMENT_SESSIONS,
  name: "affinity_sessions",
  doc: "UniPinRec's second world: engagement_sessions with hidden user tastes and item vectors, qualities and leans, so the ceilings leave room",
  stream: (args, streamSeed) => affinitySessionsWorld(sessionOptions(args, streamSeed)),
};

function sessionOptions(args: WorldArgs, streamSeed: number): SessionWorldOptions {
  return {
    items: args.number("items"),
    users: args.number("users"),
    historyLength: args.modelDim("history", 1, 20),
    slate: args.modelDim("slate", 1, 10),
    worldSeed: args.worldSeed,
    streamSeed,
  };
}
