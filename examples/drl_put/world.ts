// DRL-PUT's world, `ad_auction` (spec/papers.md, DRL-PUT): ad requests in 4 segments, utility
// weights logged uniformly over a 5 × 5 grid, and every setting's expected rates. In: the resolved
// arguments. Out: every example up front, as columns. The record at the end is its contract.

import { gaussian, xorshift32 } from "../../runtime/src/data/random.js";
import { trainAndTest, type Examples } from "../../runtime/src/data/columns.js";
import { f32, finiteArgs, hidden, ids, wholeExamples, type FiniteWorld } from "../../runtime/src/data/world.js";

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
export function adAuctionWorld(options: AdAuctionOptions): { train: Examples; test: Examples } {
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
        const shown = utility
          .map((u, k) => [u, k] as const)
          .sort((a, b) => b[0] - a[0])
          .slice(0, SLOTS)
          .map(([, k]) => k);
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
  const shapes = {
    state: [8],
    action: [2],
    value_ctr: perSetting,
    value_lc: perSetting,
    predicted_ctr: perSetting,
    predicted_lc: perSetting,
    segment_ctr: perSetting,
    segment_lc: perSetting,
  };
  return trainAndTest(columns, shapes, options.trainExamples, total);
}

/** Every setting's expected rates: for deploying a policy and the oracle, never a model's input. */
const METRICS_ONLY = ["value_ctr", "value_lc", "segment_ctr", "segment_lc"];

export const AD_AUCTION: FiniteWorld = {
  name: "ad_auction",
  kind: "finite",
  doc: "DRL-PUT's world: ad requests in 4 segments, utility weights logged uniformly over a 5 × 5 grid, and every setting's expected rates",
  args: finiteArgs(200_000, 20_000),
  fields: [
    f32("state", [8], "one-hot segment and noise features"),
    ids("segment", [], 4, "the request's segment"),
    ids("action", [2], 5, "the logged levels of the two weights"),
    ids("joint_action", [], 25, "their index among the 25 settings"),
    f32("propensity", [], "1 / 25"),
    f32("ctr", [], "logged click rate"),
    f32("long_click", [], "logged long-click rate"),
    f32("value_ctr", [25], "every setting's expected click rate"),
    f32("value_lc", [25], "every setting's expected long-click rate"),
    f32("predicted_ctr", [25], "the same from the noisy predictions"),
    f32("predicted_lc", [25], "the same from the noisy predictions"),
    f32("segment_ctr", [25], "each setting's mean click rate over the segment"),
    f32("segment_lc", [25], "each setting's mean long-click rate over the segment"),
  ],
  separation: {
    hidden: [
      hidden("segments' click and long-click models", "training", "the logged outcomes are drawn from them"),
      hidden("held-out requests", "evaluation", "the test split's requests: later draws, none a training request"),
      hidden("every setting's expected rates", "metrics", "for deploying a policy and the oracle only", METRICS_ONLY),
    ],
    unit: "a whole request (its expected rates aside)",
    items: wholeExamples(METRICS_ONLY),
  },
  build: (args) => adAuctionWorld({ worldSeed: args.worldSeed, trainExamples: args.number("train_examples"), testExamples: args.number("test_examples") }),
};
