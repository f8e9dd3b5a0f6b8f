// The privacy-preserving CVR world, `clean_room` (spec/papers.md, private CVR): features
// x ∈ R^16 ~ N(0, I). Part `platform`: the platform's own data, conversions ~ Bernoulli(σ(w₀·x +
// c₀)). Part `advertiser`: the advertiser's shifted data, σ(w₁·x + 0.8·x₀x₁ + c₁) with w₁ = w₀ + δ
// — fields features, converted, p_true. In: the resolved arguments. Out: every example up front,
// as columns. The record at the end is its contract.

import { gaussian, xorshift32 } from "../../runtime/src/data/random.js";
import { trainAndTest, type Examples } from "../../runtime/src/data/columns.js";
import { arg, f32, finiteArgs, hidden, wholeExamples, type FiniteWorld, type WorldField } from "../../runtime/src/data/world.js";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export interface CleanRoomOptions {
  readonly worldSeed: number;
  readonly part: "platform" | "advertiser";
  readonly trainExamples: number;
  readonly testExamples: number;
}

export const CLEAN_ROOM_FEATURES = 16;

export function cleanRoomWorld(options: CleanRoomOptions): { train: Examples; test: Examples } {
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

const CLEAN_ROOM_FIELDS: readonly WorldField[] = [
  f32("features", [16], "the features"),
  f32("converted", [], "conversion"),
  f32("p_true", [], "the true conversion probability"),
];

export const CLEAN_ROOM: FiniteWorld = {
  name: "clean_room",
  kind: "finite",
  doc: "privacy-preserving CVR: a platform's conversions and an advertiser's shifted ones over 16 features",
  args: [...finiteArgs({ platform: 100_000, advertiser: 30_000 }, 10_000), arg("part", "advertiser", "`platform` or `advertiser`")],
  fields: {
    platform: CLEAN_ROOM_FIELDS,
    advertiser: CLEAN_ROOM_FIELDS,
  },
  separation: {
    hidden: [
      hidden("the platform's and the advertiser's conversion models", "training", "the conversions are drawn from them"),
      hidden("held-out users", "evaluation", "the test split's feature vectors: later draws, none a training one"),
      hidden("conversion probabilities", "metrics", "for the ceiling only", ["p_true"]),
    ],
    unit: "a whole example (its probability aside)",
    items: wholeExamples(["p_true"]),
  },
  build: (args) =>
    cleanRoomWorld({
      worldSeed: args.worldSeed,
      part: args.string("part") as "platform" | "advertiser",
      trainExamples: args.number("train_examples"),
      testExamples: args.number("test_examples"),
    }),
};
