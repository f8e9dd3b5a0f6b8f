// Finite seeded worlds: every example is generated up front, so training can count epochs over
// them and label transforms can rewrite them once. spec/papers.md describes each world and the
// paper it serves. In: a world seed, the part of the world asked for and sizes. Out: the part's
// training and test examples as columns (examples.ts).
//
// `id_pretrain` (two-stage ID pre-training): users and items with latent vectors, Zipf item
// popularity. Part `engagement`: a broad log of (user, item) engagements drawn ∝ popularity ×
// exp(u·v) — fields user_id, item_id, item_logq (the log of the item's frequency in the log, for
// logQ correction). Part `impressions`: a narrow log of impressions (users uniform, items by
// popularity) with clicks ~ Bernoulli(σ(u·v + b)) — fields user_id, item_id, click and p_true
// (the click probability, for the achievable ceiling).
//
// `clean_room` (privacy-preserving CVR): features x ∈ R^16 ~ N(0, I). Part `platform`: the
// platform's own data, conversions ~ Bernoulli(σ(w₀·x + c₀)). Part `advertiser`: the advertiser's
// shifted data, σ(w₁·x + 0.8·x₀x₁ + c₁) with w₁ = w₀ + δ — fields features, converted, p_true.

import type { Column, Examples } from "./examples.js";
import { gaussian, xorshift32 } from "./random.js";

export interface FiniteWorld {
  readonly train: Examples;
  readonly test: Examples;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const f32 = (data: Float32Array, shape: number[] = []): Column => ({ data, shape, dtype: "float32" });
const ids = (data: Int32Array): Column => ({ data, shape: [], dtype: "int32" });

export interface IdPretrainOptions {
  readonly worldSeed: number;
  readonly part: "engagement" | "impressions";
  readonly users: number;
  readonly items: number;
  readonly trainExamples: number;
  readonly testExamples: number;
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

/** Draws an index from a cumulative table by binary search. */
function draw(cumulative: Float64Array, u: number): number {
  let [lo, hi] = [0, cumulative.length - 1];
  const target = u * cumulative[cumulative.length - 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function idPretrainWorld(options: IdPretrainOptions): FiniteWorld {
  const { users, items } = options;
  const world = latentWorld(options.worldSeed, users, items);
  const random = xorshift32(options.worldSeed * 104_729 + (options.part === "engagement" ? 1 : 2));
  const total = options.trainExamples + options.testExamples;
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
      itemIds[n] = draw(table, random());
    }
    // logQ: the log of each item's share of the training log (how often in-batch sampling meets it).
    const counts = new Float64Array(items);
    for (let n = 0; n < options.trainExamples; n++) counts[itemIds[n]!]!++;
    const logq = Float32Array.from({ length: total }, (_, n) => Math.log((counts[itemIds[n]!]! + 1) / (options.trainExamples + items)));
    const split = (from: number, to: number): Examples => ({
      count: to - from,
      columns: new Map([
        ["user_id", ids(userIds.slice(from, to))],
        ["item_id", ids(itemIds.slice(from, to))],
        ["item_logq", f32(logq.slice(from, to))],
      ]),
    });
    return { train: split(0, options.trainExamples), test: split(options.trainExamples, total) };
  }
  const cumulative = new Float64Array(items);
  let sum = 0;
  for (let i = 0; i < items; i++) cumulative[i] = sum += world.popularity[i]!;
  const clicks = new Float32Array(total);
  const truth = new Float32Array(total);
  for (let n = 0; n < total; n++) {
    const u = Math.floor(random() * users);
    const i = draw(cumulative, random());
    userIds[n] = u;
    itemIds[n] = i;
    truth[n] = sigmoid(world.affinity(u, i) + world.itemBias[i]! - 1);
    clicks[n] = random() < truth[n]! ? 1 : 0;
  }
  const split = (from: number, to: number): Examples => ({
    count: to - from,
    columns: new Map([
      ["user_id", ids(userIds.slice(from, to))],
      ["item_id", ids(itemIds.slice(from, to))],
      ["click", f32(clicks.slice(from, to))],
      ["p_true", f32(truth.slice(from, to))],
    ]),
  });
  return { train: split(0, options.trainExamples), test: split(options.trainExamples, total) };
}

export interface CleanRoomOptions {
  readonly worldSeed: number;
  readonly part: "platform" | "advertiser";
  readonly trainExamples: number;
  readonly testExamples: number;
}

export const CLEAN_ROOM_FEATURES = 16;

export function cleanRoomWorld(options: CleanRoomOptions): FiniteWorld {
  const d = CLEAN_ROOM_FEATURES;
  const worldRandom = xorshift32(options.worldSeed * 6_151 + 7);
  const normal = gaussian(worldRandom);
  const w0 = Float64Array.from({ length: d }, () => normal() * 0.4);
  const w1 = w0.map((w) => w + normal() * 0.25);
  const random = xorshift32(options.worldSeed * 15_485_863 + (options.part === "platform" ? 3 : 4));
  const sample = gaussian(random);
  const total = options.trainExamples + options.testExamples;
  const features = new Float32Array(total * d);
  const converted = new Float32Array(total);
  const truth = new Float32Array(total);
  for (let n = 0; n < total; n++) {
    let logit = options.part === "platform" ? -2.6 : -3.0;
    for (let k = 0; k < d; k++) {
      const x = (features[n * d + k] = sample());
      logit += (options.part === "platform" ? w0[k]! : w1[k]!) * x;
    }
    if (options.part === "advertiser") logit += 0.8 * features[n * d]! * features[n * d + 1]!;
    truth[n] = sigmoid(logit);
    converted[n] = random() < truth[n]! ? 1 : 0;
  }
  const split = (from: number, to: number): Examples => ({
    count: to - from,
    columns: new Map([
      ["features", f32(features.slice(from * d, to * d), [d])],
      ["converted", f32(converted.slice(from, to))],
      ["p_true", f32(truth.slice(from, to))],
    ]),
  });
  return { train: split(0, options.trainExamples), test: split(options.trainExamples, total) };
}
