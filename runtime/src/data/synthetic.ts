// Seeded synthetic worlds for the examples (papers.md §5). `latent_factor`: users and items
// have latent vectors (items around cluster centres, Zipf popularity); each example is a user,
// a history of items the user engaged with, and a next item drawn by the same preference, with
// the log of its sampling probability for logQ correction. Fields: user_id, history,
// history_mask, item_id, item_logq.

import { tf, type Tensor } from "../tf.js";
import type { BatchSource } from "./batch.js";
import { gaussian, xorshift32 } from "./random.js";

export function latentFactorWorld(options: { users: number; items: number; historyLength: number; seed: number; dim?: number; clusters?: number }): BatchSource {
  const random = xorshift32(options.seed);
  const gauss = gaussian(random);
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
          ["item_id", tf.tensor1d(targets, "int32")],
          ["item_logq", tf.tensor1d(logq, "float32")],
        ]),
      };
    },
  };
}
