// The generic generated worlds' streams (their records: generic-worlds.ts; the papers' own worlds
// live beside their papers, examples/<paper>/world.ts; the worlds that write rows for data files
// are in row-worlds.ts). In: sizes and seeds. Out: batches as columns. `latent_factor`: users and items
// have latent vectors (items around cluster centres, Zipf popularity); each example is a user,
// a history of items the user engaged with, and a next item drawn by the same preference, with
// the log of its sampling probability for logQ correction. Fields: user_id, history,
// history_mask, item_id (or the input named by `target`), item_logq.

import { floatColumn, idColumn, maskColumn, type Column } from "./columns.js";
import type { ColumnStream } from "./world.js";
import { gaussian, xorshift32 } from "./random.js";

export function latentFactorWorld(options: {
  users: number;
  items: number;
  historyLength: number;
  worldSeed: number;
  streamSeed: number;
  dim?: number;
  clusters?: number;
  target?: string;
}): ColumnStream {
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
    next(batchSize: number) {
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
        count: batchSize,
        columns: new Map<string, Column>([
          ["user_id", idColumn(users)],
          ["history", idColumn(history, [options.historyLength])],
          ["history_mask", maskColumn(mask, [options.historyLength])],
          [options.target ?? "item_id", idColumn(targets)],
          ["item_logq", floatColumn(logq)],
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
export function loggedBanditWorld(options: { actions: number; worldSeed: number; streamSeed: number }): ColumnStream {
  const world = xorshift32(options.worldSeed);
  const segments = 3;
  const best = Array.from({ length: segments }, () => Math.floor(world() * options.actions));
  const random = xorshift32(options.streamSeed);
  const gauss = gaussian(random);
  return {
    next(batchSize: number) {
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
        count: batchSize,
        columns: new Map<string, Column>([
          ["state", floatColumn(state, [32])],
          ["action", idColumn(action)],
          ["click", floatColumn(outcomes.click)],
          ["long_click", floatColumn(outcomes.long_click)],
          ["spend", floatColumn(outcomes.spend)],
          ["logging_prob", floatColumn(new Float32Array(batchSize).fill(1 / options.actions))],
        ]),
      };
    },
  };
}
