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

import type { Column, ColumnData, Examples } from "./examples.js";
import { drawFromCumulative, gaussian, xorshift32 } from "./random.js";

export interface FiniteWorld {
  readonly train: Examples;
  readonly test: Examples;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * A world's columns (all examples, training first) split into its training and test examples.
 * `shapes` gives the per-example shape of the columns that are not scalars; Int32Array columns
 * are ids or integers, Uint8Array booleans, Float32Array floats.
 */
function trainAndTest(columns: Record<string, ColumnData>, shapes: Record<string, number[]>, trainExamples: number, total: number): FiniteWorld {
  const split = (from: number, to: number): Examples => ({
    count: to - from,
    columns: new Map(
      Object.entries(columns).map(([name, data]) => {
        const shape = shapes[name] ?? [];
        const width = shape.reduce((x, y) => x * y, 1);
        const column: Column = { data: data.slice(from * width, to * width), shape, dtype: data instanceof Uint8Array ? "bool" : data instanceof Int32Array ? "int32" : "float32" };
        return [name, column];
      }),
    ),
  });
  return { train: split(0, trainExamples), test: split(trainExamples, total) };
}

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
      itemIds[n] = drawFromCumulative(table, random());
    }
    // logQ: the log of each item's share of the training log (how often in-batch sampling meets it).
    const counts = new Float64Array(items);
    for (let n = 0; n < options.trainExamples; n++) counts[itemIds[n]!]!++;
    const logq = Float32Array.from({ length: total }, (_, n) => Math.log((counts[itemIds[n]!]! + 1) / (options.trainExamples + items)));
    return trainAndTest({ user_id: userIds, item_id: itemIds, item_logq: logq }, {}, options.trainExamples, total);
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
  return trainAndTest({ user_id: userIds, item_id: itemIds, click: clicks, p_true: truth }, {}, options.trainExamples, total);
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
  return trainAndTest({ features, converted, p_true: truth }, { features: [d] }, options.trainExamples, total);
}

export interface AdAuctionOptions {
  readonly worldSeed: number;
  /** Ads shown per request (3 by default), out of `ads` candidates (20). */
  readonly slots?: number;
  readonly ads?: number;
  /** Page views per logged request (a session under one setting; 10). */
  readonly views?: number;
  readonly trainExamples: number;
  readonly testExamples: number;
}

/** The utility weight levels of the `ad_auction` world: each of the 2 weights takes one of these. */
export const AUCTION_LEVELS = [0, 0.5, 1, 2, 4];
const SEGMENTS = 4;

/**
 * `ad_auction` (DRL-PUT): ad requests from 4 user segments. Each request holds 20 candidate ads
 * with a true click probability, a true long-click probability given a click and a bid; the
 * ranking models predict click and long-click probabilities with noise. A utility
 * U = 0.25·bid·p̂CTR + w₁·p̂LC + w₂·p̂CTR ranks the ads and the top 3 are shown; an ad's quality
 * lowers its click-appeal (the most clickable ads are not the best ones). Segments differ in what
 * predicts a long click (segment 0: the ad's quality; 1: nothing, a constant rate; 2: the lack of
 * quality, the reverse; 3: quality, weakly), while the long-click model predicts from quality for
 * everyone, so weighting p̂LC helps in segments 0 and 3 and hurts in 1 and 2: the best (w₁, w₂)
 * differs by segment. Logs play (w₁, w₂) uniformly over the 5 × 5 grid (propensity 1/25) and
 * record the click and long-click rates of the request's session: 10 page views of its 3 slots.
 *
 * Fields: state f32[8] (one-hot segment, 4 noise features), segment, action id<5>[2] (and
 * joint_action, its index w₁-level·5 + w₂-level among the 25 settings),
 * propensity, ctr, long_click (the logged outcomes); value_ctr and value_lc f32[25] (the expected
 * rates of every setting on this request, which deploying a policy reads); predicted_ctr and
 * predicted_lc f32[25] (the same from the noisy predictions: a reward model for the direct
 * method); segment_ctr and segment_lc f32[25] (each setting's mean rates over the request's
 * segment, from the world's own large sample: the oracle plays the best of them).
 */
export function adAuctionWorld(options: AdAuctionOptions): FiniteWorld {
  const actions = AUCTION_LEVELS.length ** 2;
  const SLOTS = options.slots ?? 3;
  const ADS = options.ads ?? 20;
  const VIEWS = options.views ?? 10;
  const worldRandom = xorshift32(options.worldSeed * 9_973 + 5);
  const worldNormal = gaussian(worldRandom);
  // Per segment: how strongly quality predicts a long click given a click (negative: its lack),
  // and how strongly low click-appeal does (clickbait is short).
  const segmentShape = [
    { quality: 0.9, clickbait: 0, base: 0.05 },
    { quality: 0, clickbait: 0, base: 0.35 },
    { quality: -0.9, clickbait: 0, base: 0.95 },
    { quality: 0.9, clickbait: 0, base: 0.05 },
  ].map((s) => ({ ...s, base: s.base + 0.02 * worldNormal() }));
  const draw = (random: () => number) => {
    const normal = gaussian(random);
    const segment = Math.floor(random() * SEGMENTS);
    const shape = segmentShape[segment]!;
    const ads = Array.from({ length: ADS }, () => {
      // Quality and click-appeal pull apart: the most clickable ads are not the best ones.
      const quality = random();
      const ctr = 1 / (1 + Math.exp(-(-1.5 + 0.8 * normal() - 2.5 * quality)));
      const lcGivenClick = Math.min(0.95, shape.base + shape.quality * quality + shape.clickbait * Math.max(0, 1 - 8 * ctr));
      const bid = Math.exp(1.0 * normal());
      const predictedCtr = ctr * Math.exp(0.25 * normal());
      // The long-click model learned one rule for everyone: quality makes long clicks. It holds in
      // segments 0 and 3 and is noise in 1 and 2, where weighting p̂LC only scrambles the ranking.
      const predictedLc = predictedCtr * Math.min(0.95, Math.max(0.01, 0.05 + 0.9 * quality + 0.1 * normal()));
      return { ctr, lcGivenClick, bid, predictedCtr, predictedLc };
    });
    // Every setting's shown ads: expected rates, from the truth and from the predictions.
    const valueCtr = new Float32Array(actions);
    const valueLc = new Float32Array(actions);
    const predictedCtr = new Float32Array(actions);
    const predictedLc = new Float32Array(actions);
    const shownBy: number[][] = [];
    AUCTION_LEVELS.forEach((w1, i) =>
      AUCTION_LEVELS.forEach((w2, j) => {
        const utility = ads.map((ad) => 0.25 * ad.bid * ad.predictedCtr + w1 * ad.predictedLc + w2 * ad.predictedCtr);
        const shown = utility.map((u, k) => [u, k] as const).sort((a, b) => b[0] - a[0]).slice(0, SLOTS).map(([, k]) => k);
        const a = i * AUCTION_LEVELS.length + j;
        shownBy[a] = shown;
        for (const k of shown) {
          valueCtr[a]! += ads[k]!.ctr / SLOTS;
          valueLc[a]! += (ads[k]!.ctr * ads[k]!.lcGivenClick) / SLOTS;
          predictedCtr[a]! += ads[k]!.predictedCtr / SLOTS;
          predictedLc[a]! += ads[k]!.predictedLc / SLOTS;
        }
      }),
    );
    return { segment, ads, valueCtr, valueLc, predictedCtr, predictedLc, shownBy, noise: Array.from({ length: 4 }, normal) };
  };
  // Each segment's mean rates per setting, over a large sample of the world's requests.
  const segmentCtr = Array.from({ length: SEGMENTS }, () => new Float64Array(actions));
  const segmentLc = Array.from({ length: SEGMENTS }, () => new Float64Array(actions));
  const counts = new Float64Array(SEGMENTS);
  const census = xorshift32(options.worldSeed * 31 + 1_234_567);
  for (let n = 0; n < 40_000; n++) {
    const request = draw(census);
    counts[request.segment]!++;
    for (let a = 0; a < actions; a++) {
      segmentCtr[request.segment]![a]! += request.valueCtr[a]!;
      segmentLc[request.segment]![a]! += request.valueLc[a]!;
    }
  }
  segmentCtr.forEach((row, s) => row.forEach((v, a) => (row[a] = v / Math.max(counts[s]!, 1))));
  segmentLc.forEach((row, s) => row.forEach((v, a) => (row[a] = v / Math.max(counts[s]!, 1))));
  const random = xorshift32(options.worldSeed * 2_147_483 + 11);
  const total = options.trainExamples + options.testExamples;
  const columns = {
    state: new Float32Array(total * 8),
    segment: new Int32Array(total),
    action: new Int32Array(total * 2),
    joint_action: new Int32Array(total),
    propensity: new Float32Array(total).fill(1 / actions),
    ctr: new Float32Array(total),
    long_click: new Float32Array(total),
    value_ctr: new Float32Array(total * actions),
    value_lc: new Float32Array(total * actions),
    predicted_ctr: new Float32Array(total * actions),
    predicted_lc: new Float32Array(total * actions),
    segment_ctr: new Float32Array(total * actions),
    segment_lc: new Float32Array(total * actions),
  };
  for (let n = 0; n < total; n++) {
    const request = draw(random);
    columns.state[n * 8 + request.segment] = 1;
    request.noise.forEach((v, k) => (columns.state[n * 8 + 4 + k] = v));
    columns.segment[n] = request.segment;
    // Uniform exploration over the grid; the outcomes of the slots it shows, sampled.
    const a = Math.floor(random() * actions);
    columns.action[n * 2] = Math.floor(a / AUCTION_LEVELS.length);
    columns.action[n * 2 + 1] = a % AUCTION_LEVELS.length;
    columns.joint_action[n] = a;
    // A logged request is a session of `views` page views of one user under one setting.
    let [clicks, longClicks] = [0, 0];
    for (let view = 0; view < VIEWS; view++) {
      for (const k of request.shownBy[a]!) {
        const ad = request.ads[k]!;
        if (random() < ad.ctr) {
          clicks++;
          if (random() < ad.lcGivenClick) longClicks++;
        }
      }
    }
    columns.ctr[n] = clicks / (SLOTS * VIEWS);
    columns.long_click[n] = longClicks / (SLOTS * VIEWS);
    columns.value_ctr.set(request.valueCtr, n * actions);
    columns.value_lc.set(request.valueLc, n * actions);
    columns.predicted_ctr.set(request.predictedCtr, n * actions);
    columns.predicted_lc.set(request.predictedLc, n * actions);
    columns.segment_ctr.set(segmentCtr[request.segment]!, n * actions);
    columns.segment_lc.set(segmentLc[request.segment]!, n * actions);
  }
  const perSetting = [actions];
  const shapes = { state: [8], action: [2], value_ctr: perSetting, value_lc: perSetting, predicted_ctr: perSetting, predicted_lc: perSetting, segment_ctr: perSetting, segment_lc: perSetting };
  return trainAndTest(columns, shapes, options.trainExamples, total);
}

export interface BanditLmOptions {
  readonly worldSeed: number;
  readonly trainExamples: number;
  readonly testExamples: number;
  readonly prompts: number;
  readonly candidates: number;
}

const LM_VOCAB = 5;
const LM_LENGTH = 3;

/**
 * `bandit_lm` (HPO): a discrete "bandit language model". Each of `prompts` prompts has
 * `candidates` distinct responses, token sequences of 1 to 3 tokens from a vocabulary of 5 (padded
 * with a mask). A hidden utility u(x, y) ~ N(0, 1) labels preference pairs by Bradley–Terry,
 * P(y_w ≻ y_l) = σ(u(y_w) − u(y_l)); an auxiliary designer reward aux(y) ∈ {0, 1}, 1 for a random
 * 30% of the responses (a designer's attribute such as "plain words"), independent of u and of
 * the response's length. The reference policy is a model whose token
 * logits are all zero: uniform tokens, so over a prompt's candidates π_ref(y|x) ∝ 5^(−|y|); the
 * logged pairs are two distinct responses drawn from it.
 *
 * Fields per example (a logged pair): prompt, candidate_tokens id<5>[C, 3], candidate_mask
 * bool[C, 3], chosen and rejected (indices among the candidates), swap (1 where a naive
 * relabelling by u + aux, also by Bradley–Terry, would prefer the rejected response), and the
 * prompt's utility and aux f32[C] for exact metrics.
 */
export function banditLmWorld(options: BanditLmOptions): FiniteWorld {
  const { prompts, candidates: C } = options;
  const random = xorshift32(options.worldSeed * 48_271 + 3);
  const normal = gaussian(random);
  const world = Array.from({ length: prompts }, () => {
    const seen = new Set<string>();
    const responses: { tokens: number[]; length: number }[] = [];
    while (responses.length < C) {
      const length = random() < 0.25 ? 1 + Math.floor(random() * 2) : LM_LENGTH;
      const tokens = Array.from({ length }, () => Math.floor(random() * LM_VOCAB));
      const key = tokens.join(",");
      if (!seen.has(key)) {
        seen.add(key);
        responses.push({ tokens, length });
      }
    }
    const utility = responses.map(() => normal());
    const aux = responses.map(() => (random() < 0.3 ? 1 : 0));
    const weights = responses.map((r) => LM_VOCAB ** -r.length);
    const total = weights.reduce((a, b) => a + b, 0);
    const cumulative: number[] = [];
    weights.reduce((acc, w, i) => (cumulative[i] = acc + w / total), 0);
    return { responses, utility, aux, cumulative };
  });
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const pick = (cumulative: number[]) => {
    const u = random();
    const i = cumulative.findIndex((c) => u <= c);
    return i < 0 ? cumulative.length - 1 : i;
  };
  const total = options.trainExamples + options.testExamples;
  const columns = {
    prompt: new Int32Array(total),
    candidate_tokens: new Int32Array(total * C * LM_LENGTH),
    candidate_mask: new Uint8Array(total * C * LM_LENGTH),
    chosen: new Int32Array(total),
    rejected: new Int32Array(total),
    swap: new Float32Array(total),
    utility: new Float32Array(total * C),
    aux: new Float32Array(total * C),
  };
  for (let n = 0; n < total; n++) {
    const x = Math.floor(random() * prompts);
    const p = world[x]!;
    const a = pick(p.cumulative);
    let b = pick(p.cumulative);
    while (b === a) b = pick(p.cumulative);
    const aWins = random() < sigmoid(p.utility[a]! - p.utility[b]!);
    const [w, l] = aWins ? [a, b] : [b, a];
    columns.prompt[n] = x;
    columns.chosen[n] = w;
    columns.rejected[n] = l;
    // The naive relabelling: the same pair judged by u + aux.
    columns.swap[n] = random() < sigmoid(p.utility[l]! + p.aux[l]! - p.utility[w]! - p.aux[w]!) ? 1 : 0;
    p.responses.forEach((r, c) => {
      r.tokens.forEach((t, k) => {
        columns.candidate_tokens[(n * C + c) * LM_LENGTH + k] = t;
        columns.candidate_mask[(n * C + c) * LM_LENGTH + k] = 1;
      });
      columns.utility[n * C + c] = p.utility[c]!;
      columns.aux[n * C + c] = p.aux[c]!;
    });
  }
  const shapes = { candidate_tokens: [C, LM_LENGTH], candidate_mask: [C, LM_LENGTH], utility: [C], aux: [C] };
  return trainAndTest(columns, shapes, options.trainExamples, total);
}
