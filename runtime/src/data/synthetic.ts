// Seeded synthetic worlds that generate batches for the examples (spec/papers.md describes each world and the paper it serves); the worlds
// that generate rows for data files are in worlds.ts. `latent_factor`: users and items
// have latent vectors (items around cluster centres, Zipf popularity); each example is a user,
// a history of items the user engaged with, and a next item drawn by the same preference, with
// the log of its sampling probability for logQ correction. Fields: user_id, history,
// history_mask, item_id (or the input named by `target`), item_logq.

import { tf, type Tensor } from "../tf.js";
import type { BatchSource } from "./batch.js";
import { gaussian, xorshift32 } from "./random.js";

export function latentFactorWorld(options: { users: number; items: number; historyLength: number; worldSeed: number; streamSeed: number; dim?: number; clusters?: number; target?: string }): BatchSource {
  // The world (centres, users' clusters, popularity) comes from `worldSeed`; the examples drawn
  // from it from `streamSeed`, so training and held-out streams share one world.
  let random = xorshift32(options.worldSeed);
  const gauss = gaussian(() => random());
  const d = options.dim ?? 8;
  const clusters = options.clusters ?? 20;
  const centres = Array.from({ length: clusters }, () => Array.from({ length: d }, gauss));
  const itemCluster = Array.from({ length: options.items }, (_, i) => i % clusters);
  const itemVectors = itemCluster.map((c) => centres[c]!.map((x) => x + 0.3 * gauss()));
  const userCluster = Array.from({ length: options.users }, () => Math.floor(random() * clusters));
  // Zipf popularity within each cluster: item rank r has weight 1 / (r + 1).
  const byCluster = centres.map((_, c) => itemCluster.flatMap((k, i) => (k === c ? [i] : [])));
  const weights = byCluster.map((items) => items.map((_, r) => 1 / (r + 1)));
  const totals = weights.map((w) => w.reduce((a, b) => a + b, 0));
  const popularity = new Float64Array(options.items);
  byCluster.forEach((items, c) => items.forEach((item, r) => (popularity[item] = weights[c]![r]! / totals[c]! / clusters)));
  void itemVectors;
  const sampleItem = (cluster: number) => {
    const items = byCluster[cluster]!;
    let u = random() * totals[cluster]!;
    for (let r = 0; r < items.length; r++) if ((u -= weights[cluster]![r]!) <= 0) return items[r]!;
    return items[items.length - 1]!;
  };
  random = xorshift32(options.streamSeed);
  return {
    async next(batchSize: number) {
      const users = new Int32Array(batchSize);
      const history = new Int32Array(batchSize * options.historyLength);
      const mask = new Uint8Array(batchSize * options.historyLength);
      const targets = new Int32Array(batchSize);
      const logq = new Float32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        const user = Math.floor(random() * options.users);
        users[b] = user;
        // Mostly the user's own cluster, sometimes another: the signal is learnable, not trivial.
        const cluster = () => (random() < 0.8 ? userCluster[user]! : Math.floor(random() * clusters));
        const length = 1 + Math.floor(random() * options.historyLength);
        for (let t = 0; t < options.historyLength; t++) {
          history[b * options.historyLength + t] = t < length ? sampleItem(cluster()) : 0;
          mask[b * options.historyLength + t] = t < length ? 1 : 0;
        }
        targets[b] = sampleItem(cluster());
        logq[b] = Math.log(popularity[targets[b]!]! * batchSize + 1e-12);
      }
      return {
        size: batchSize,
        feeds: new Map<string, Tensor>([
          ["user_id", tf.tensor1d(users, "int32")],
          ["history", tf.tensor2d(history, [batchSize, options.historyLength], "int32")],
          ["history_mask", tf.tensor2d(mask, [batchSize, options.historyLength], "bool")],
          [options.target ?? "item_id", tf.tensor1d(targets, "int32")],
          ["item_logq", tf.tensor1d(logq, "float32")],
        ]),
      };
    },
  };
}

/**
 * `logged_bandit`: logged decisions of a uniform exploration policy over `actions` settings
 * (spec/papers.md, the ad-auction simulator in small). Each context `state` f32[32] belongs to
 * one of 3 segments (its largest first coordinate); each segment has its own best setting, and
 * the outcomes click, long_click and spend depend on how close the logged action is to it, so a
 * good policy must personalize. Fields: state, action, click, long_click, spend, logging_prob.
 */
export function loggedBanditWorld(options: { actions: number; worldSeed: number; streamSeed: number }): BatchSource {
  const world = xorshift32(options.worldSeed);
  const segments = 3;
  const best = Array.from({ length: segments }, () => Math.floor(world() * options.actions));
  const random = xorshift32(options.streamSeed);
  const gauss = gaussian(random);
  return {
    async next(batchSize: number) {
      const state = new Float32Array(batchSize * 32);
      const action = new Int32Array(batchSize);
      const outcomes = { click: new Float32Array(batchSize), long_click: new Float32Array(batchSize), spend: new Float32Array(batchSize) };
      for (let b = 0; b < batchSize; b++) {
        for (let k = 0; k < 32; k++) state[b * 32 + k] = gauss();
        let segment = 0;
        for (let k = 1; k < segments; k++) if (state[b * 32 + k]! > state[b * 32 + segment]!) segment = k;
        const a = Math.floor(random() * options.actions);
        action[b] = a;
        const distance = Math.min(Math.abs(a - best[segment]!), options.actions - Math.abs(a - best[segment]!)) / options.actions;
        const appeal = 1 / (1 + Math.exp(-(2 - 12 * distance)));
        outcomes.click[b] = random() < appeal ? 1 : 0;
        outcomes.long_click[b] = outcomes.click[b]! && random() < appeal ? 1 : 0;
        outcomes.spend[b] = 10 * random();
      }
      return {
        size: batchSize,
        feeds: new Map<string, Tensor>([
          ["state", tf.tensor2d(state, [batchSize, 32])],
          ["action", tf.tensor1d(action, "int32")],
          ["click", tf.tensor1d(outcomes.click)],
          ["long_click", tf.tensor1d(outcomes.long_click)],
          ["spend", tf.tensor1d(outcomes.spend)],
          ["logging_prob", tf.fill([batchSize], 1 / options.actions)],
        ]),
      };
    },
  };
}

/**
 * `sid_successor` (spec/papers.md, PrefixMem: the hierarchical successor SIDs): items are semantic IDs of
 * 3 codes out of `codes`; the catalogue holds `items` of the codes³ possible SIDs (all of them by
 * default, else a random subset, so not every prefix can be continued by every code). Each item
 * A has a successor B built so that meaning is prefix-dependent: B_1 = f_1(A_1),
 * B_2 = f_2(A_1, A_2, B_1), B_3 = f_3(A_1, A_2, A_3, B_1, B_2) for random tables f whose values
 * are codes the catalogue allows after B's prefix; with probability `noise` B is a random item
 * instead. Fields: `tokens` id[B, 7] = [BOS, A_1, A_2, A_3, B_1, B_2, B_3] as level-offset ids
 * (BOS 0, level l code c is 1 + (l − 1)·codes + c), `targets` id[B, 3] = the codes of B, and the
 * catalogue's trie for constrained decoding (constant inputs, fed once: `sidSuccessorConstants`):
 * `trie_1` f32[1, codes], `trie_2` f32[codes, codes], `trie_3` f32[codes², codes], 1 where a code
 * may follow the prefix numbered Σ c_j·codes^(l−1−j).
 */
export function sidSuccessorWorld(options: { codes: number; items: number; noise: number; worldSeed: number; streamSeed: number }): BatchSource {
  const k = options.codes;
  const { world, catalogue, tries } = sidCatalogue(options);
  // The codes that may follow a prefix (numbered as in the tries), for the successor tables.
  const children = (level: number, prefix: number) => Array.from({ length: k }, (_, c) => c).filter((c) => tries[level]![prefix * k + c] === 1);
  const table = (size: number, level: number, prefixOf: (i: number) => number) =>
    Int32Array.from({ length: size }, (_, i) => {
      const allowed = children(level, prefixOf(i));
      return allowed.length ? allowed[Math.floor(world() * allowed.length)]! : 0;
    });
  // f_2 is indexed by (A_1, A_2, B_1) and f_3 by (A_1, A_2, A_3, B_1, B_2): B's prefix is the last part.
  const [f1, f2, f3] = [table(k, 0, () => 0), table(k ** 3, 1, (i) => i % k), table(k ** 5, 2, (i) => i % (k * k))];
  const random = xorshift32(options.streamSeed);
  const item = () => catalogue[Math.floor(random() * catalogue.length)]!;
  return {
    async next(batchSize: number) {
      const tokens = new Int32Array(batchSize * 7);
      const targets = new Int32Array(batchSize * 3);
      for (let b = 0; b < batchSize; b++) {
        const a = item();
        let next: readonly number[];
        if (random() < options.noise) next = item();
        else {
          const b1 = f1[a[0]!]!;
          const b2 = f2[(a[0]! * k + a[1]!) * k + b1]!;
          const b3 = f3[(((a[0]! * k + a[1]!) * k + a[2]!) * k + b1) * k + b2]!;
          next = [b1, b2, b3];
        }
        [0, ...a.map((c, l) => 1 + l * k + c), ...next.map((c, l) => 1 + l * k + c)].forEach((t, i) => (tokens[b * 7 + i] = t));
        next.forEach((c, l) => (targets[b * 3 + l] = c));
      }
      return {
        size: batchSize,
        feeds: new Map<string, Tensor>([
          ["tokens", tf.tensor2d(tokens, [batchSize, 7], "int32")],
          ["targets", tf.tensor2d(targets, [batchSize, 3], "int32")],
        ]),
      };
    },
  };
}

/** The world's catalogue and its tries (and the world's generator, where it stands after drawing them). */
function sidCatalogue(options: { codes: number; items: number; worldSeed: number }) {
  const k = options.codes;
  const world = xorshift32(options.worldSeed);
  const catalogue = sampleCatalogue(k, options.items, world);
  const tries = [1, k, k * k].map((prefixes) => new Float32Array(prefixes * k));
  for (const item of catalogue) {
    tries[0]![item[0]!] = 1;
    tries[1]![item[0]! * k + item[1]!] = 1;
    tries[2]![(item[0]! * k + item[1]!) * k + item[2]!] = 1;
  }
  return { world, catalogue, tries };
}

/** The catalogue's tries, the constant inputs `trie_1` … `trie_3` (fed once). */
export function sidSuccessorConstants(options: { codes: number; items: number; worldSeed: number }): Map<string, Tensor> {
  const { tries } = sidCatalogue(options);
  return new Map(tries.map((t, l) => [`trie_${l + 1}`, tf.tensor2d(t, [t.length / options.codes, options.codes])]));
}

/** `count` distinct 3-code SIDs out of codes³, drawn uniformly (all of them, in order, when count is codes³). */
function sampleCatalogue(codes: number, count: number, random: () => number): number[][] {
  const all = Array.from({ length: codes ** 3 }, (_, i) => i);
  for (let i = all.length - 1; i > 0 && count < all.length; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all
    .slice(0, Math.min(count, all.length))
    .sort((x, y) => x - y)
    .map((i) => [Math.floor(i / (codes * codes)), Math.floor(i / codes) % codes, i % codes]);
}

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
export function engagementSessionsWorld(options: { items: number; users: number; historyLength: number; slate: number; worldSeed: number; streamSeed: number }): BatchSource {
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
    async next(batchSize: number) {
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
        size: batchSize,
        feeds: new Map<string, Tensor>([
          ["history", tf.tensor2d(history, [batchSize, t], "int32")],
          ["history_actions", tf.tensor2d(actions, [batchSize, t], "int32")],
          ["target", tf.tensor1d(target, "int32")],
          ["slate", tf.tensor2d(slate, [batchSize, m], "int32")],
          ["slate_click", tf.tensor2d(click, [batchSize, m])],
          ["slate_save", tf.tensor2d(save, [batchSize, m])],
          ["slate_click_prob", tf.tensor2d(clickProb, [batchSize, m])],
          ["slate_save_prob", tf.tensor2d(saveProb, [batchSize, m])],
          ["target_probs", tf.tensor2d(targetProbs, [batchSize, options.items])],
        ]),
      };
    },
  };
}

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
export function outcomeSequencesWorld(options: { items: number; users: number; historyLength: number; window: number; worldSeed: number; streamSeed: number }): BatchSource {
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
    async next(batchSize: number) {
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
        size: batchSize,
        feeds: new Map<string, Tensor>([
          ["history", tf.tensor2d(history, [batchSize, t], "int32")],
          ["history_outcomes", tf.tensor2d(outcomes, [batchSize, t], "int32")],
          ["future", tf.tensor2d(future, [batchSize, w], "int32")],
          ["future_outcomes", tf.tensor2d(futureOutcomes, [batchSize, w], "int32")],
        ]),
      };
    },
  };
}
