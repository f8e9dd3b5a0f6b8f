// The metric definitions (runtime/src/metrics) against values worked out by hand, with ties,
// one-class sets, empty groups and empty queries. The expected numbers in the comments are
// the arithmetic, so a reader can check them without running anything.

import { describe, expect, it } from "vitest";
import { accuracy, auc, calibration, groupAuc, groupedAccuracy, ips, logLoss, normalizedEntropy, snips } from "../runtime/src/metrics/classification.js";
import { exactMetric } from "../runtime/src/metrics/exact.js";
import { diagonalQueries, hitRateAtK, meanReciprocalRank, ndcgAtK, rankOf, recallAtK } from "../runtime/src/metrics/ranking.js";
import { OPS } from "../compiler/src/ops/index.js";
import { hasExactMetric } from "../runtime/src/metrics/exact.js";

describe("classification metrics", () => {
  it("AUC counts the pairs a positive wins", () => {
    // Pairs (positive, negative): .35>.1 ✓, .35<.4 ✗, .8>.1 ✓, .8>.4 ✓ → 3/4.
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
  });
  it("AUC counts a tie between a positive and a negative as one half", () => {
    // .5 vs .5 twice → 1/2 + 1/2; .9 beats both negatives → 2; total 3 of 4 pairs.
    expect(auc([0.5, 0.5, 0.5, 0.9], [1, 0, 0, 1])).toBeCloseTo(0.75, 12);
    expect(auc([0.3, 0.3, 0.3], [1, 0, 1])).toBeCloseTo(0.5, 12);
  });
  it("AUC is 0.5 when a class is absent", () => {
    expect(auc([0.2, 0.9], [1, 1])).toBe(0.5);
    expect(auc([], [])).toBe(0.5);
  });
  it("group AUC weights each group by its size and leaves one-class groups out", () => {
    // Group 1: AUC 1 over 2 rows; group 2: the positive .3 loses to .6 and .9 → 0 over 3 rows;
    // group 3 has one class. (2·1 + 3·0) / 5 = 0.4.
    const p = [0.2, 0.8, 0.3, 0.6, 0.9, 0.5];
    const y = [0, 1, 1, 0, 0, 1];
    const g = [1, 1, 2, 2, 2, 3];
    expect(groupAuc(p, y, g)).toBeCloseTo(0.4, 12);
    expect(groupAuc([0.1, 0.2], [1, 0], [1, 2])).toBe(0.5);
  });
  it("log loss is the mean binary cross-entropy, with clipped probabilities", () => {
    // −(ln .9 + ln .8) / 2 = (0.1053605 + 0.2231436) / 2 = 0.16425203.
    expect(logLoss([0.9, 0.2], [1, 0])).toBeCloseTo(0.16425203, 7);
    // p = 0 for a positive is clipped to 1e-7: −ln 1e-7 = 16.118.
    expect(logLoss([0], [1])).toBeCloseTo(16.11809565, 6);
  });
  it("normalized entropy divides by the base rate's entropy, NaN for one class", () => {
    // Base rate 1/2 → entropy ln 2; 0.16425203 / 0.69314718 = 0.23696559.
    expect(normalizedEntropy([0.9, 0.2], [1, 0])).toBeCloseTo(0.23696559, 7);
    expect(normalizedEntropy([0.9, 0.2], [1, 1])).toBeNaN();
  });
  it("calibration is predicted over observed positives", () => {
    expect(calibration([0.9, 0.2, 0.4], [1, 0, 0])).toBeCloseTo(1.5, 12);
    expect(calibration([0.9], [0])).toBeNaN();
  });
  it("accuracy, overall and per group", () => {
    expect(accuracy([1, 2, 3, 4], [1, 0, 3, 0])).toBe(0.5);
    expect(accuracy([], [])).toBe(0);
    // Group 0 holds rows 0 and 2 (both right), group 1 rows 1 and 3 (both wrong).
    expect([...groupedAccuracy([1, 2, 3, 4], [1, 0, 3, 0], [0, 1, 0, 1])]).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
  it("IPS and SNIPS from importance weights", () => {
    // w = [2, .5], r = [1, 4]: IPS (2 + 2) / 2 = 2; SNIPS 4 / 2.5 = 1.6.
    expect(ips([2, 0.5], [1, 4])).toBeCloseTo(2, 12);
    expect(snips([2, 0.5], [1, 4])).toBeCloseTo(1.6, 12);
    expect(snips([0, 0], [1, 4])).toBe(0);
  });
  it("SNIPS over gathered policy log-probabilities weights by π/μ", () => {
    // Two rows, two actions; π(a|s) = .5 and .25, μ = .25 and .5 → w = 2, .5 as above.
    const policy = { data: [Math.log(0.5), Math.log(0.5), Math.log(0.75), Math.log(0.25)], width: 2 };
    const value = exactMetric("snips", {
      policy,
      action: { data: [0, 1], width: 1 },
      reward: { data: [1, 4], width: 1 },
      propensity: { data: [0.25, 0.5], width: 1 },
    });
    expect(value).toBeCloseTo(1.6, 12);
  });
});

describe("ranking metrics", () => {
  const query = { scores: [0.9, 0.5, 0.7, 0.1], relevant: [1, 3] };
  it("ranks count the candidates scoring at least as high", () => {
    expect(rankOf(query.scores, 1)).toBe(3);
    expect(rankOf(query.scores, 3)).toBe(4);
    expect(rankOf([0.5, 0.5, 0.5], 0)).toBe(3); // Ties count against.
  });
  it("Recall@K, HitRate@K, NDCG@K and MRR of one query with two relevant items", () => {
    expect(recallAtK([query], 3)).toBeCloseTo(0.5, 12);
    expect(hitRateAtK([query], 3)).toBe(1);
    expect(hitRateAtK([query], 2)).toBe(0);
    // DCG = 1/log2(3 + 1) = 0.5; ideal = 1/log2 2 + 1/log2 3 = 1.6309298.
    expect(ndcgAtK([query], 3)).toBeCloseTo(0.5 / 1.6309298, 7);
    expect(meanReciprocalRank([query])).toBeCloseTo(1 / 3, 12);
  });
  it("a query with no relevant item is left out, and none left gives 0", () => {
    const queries = [
      { scores: [0.3, 0.1], relevant: [] },
      { scores: [0.2, 0.9], relevant: [1] },
    ];
    expect(recallAtK(queries, 1)).toBe(1);
    expect(recallAtK([{ scores: [1], relevant: [] }], 1)).toBe(0);
  });
  it("in-batch queries take row i's positive to be column i", () => {
    // Row 0: .9 is the top of [.9, .1]; row 1: .2 is below .8 of [.8, .2] → rank 2.
    const queries = diagonalQueries([0.9, 0.1, 0.8, 0.2], 2, 2);
    expect(hitRateAtK(queries, 1)).toBe(0.5);
    expect(meanReciprocalRank(queries)).toBeCloseTo(0.75, 12);
  });
});

describe("whole-set metrics", () => {
  it("every metric op marked exact in the registry has a whole-set definition", () => {
    const exact = [...OPS.values()].filter((op) => op.aggregate === "exact").map((op) => op.name);
    expect(exact.length).toBeGreaterThanOrEqual(5);
    expect(exact.filter((name) => !hasExactMetric(name))).toEqual([]);
  });
  it("the AUC of a whole set is not the mean of its batches' AUCs", () => {
    // Batch 1 is perfectly ordered, batch 2 too, but batch 2's scores sit below batch 1's negatives.
    const batch1 = { p: [0.8, 0.9], y: [0, 1] };
    const batch2 = { p: [0.1, 0.2], y: [0, 1] };
    const mean = (auc(batch1.p, batch1.y) + auc(batch2.p, batch2.y)) / 2;
    const whole = exactMetric("roc_auc", {
      predictions: { data: [...batch1.p, ...batch2.p], width: 1 },
      labels: { data: [...batch1.y, ...batch2.y], width: 1 },
    });
    expect(mean).toBe(1);
    // Pairs: .9 beats .8 and .1; .2 loses to .8, beats .1 → 3 of 4.
    expect(whole).toBeCloseTo(0.75, 12);
  });
});

describe("metrics of broken scores", () => {
  // A NaN compares false with everything: counted naively, a model whose scores are all NaN
  // ranks every positive first (recall@10 = 1.0). Every implementation says NaN instead.
  const nanScores = { shape: [3, 3], data: Float64Array.from([Number.NaN, 0, 0, 0, Number.NaN, 0, 0, 0, Number.NaN]) };

  it("is NaN in the whole-set evaluation", () => {
    expect(exactMetric("roc_auc", { predictions: { data: [0.2, Number.NaN, 0.9], width: 1 }, labels: { data: [0, 1, 1], width: 1 } })).toBeNaN();
    expect(exactMetric("roc_auc", { predictions: { data: [0.2, 0.5, 0.9], width: 1 }, labels: { data: [0, 1, 1], width: 1 } })).toBe(1);
  });

  it("is NaN in the reference implementations and the tfjs kernels", async () => {
    const { METRICS_REFERENCE } = await import("../compiler/src/ir/reference/metrics.js");
    const { METRICS_KERNELS } = await import("../runtime/src/tfjs/kernels/metrics.js");
    const { useBackend } = await import("../runtime/src/tfjs/backends.js");
    const { tf } = await import("../runtime/src/tfjs/tf.js");
    const node = {
      id: 1,
      op: "in_batch_recall",
      inputs: [0],
      attrs: new Map([["k", { kind: "int" as const, dim: { terms: new Map([["", 10]]) } }]]),
      type: { dtype: "f32" as const, shape: [] },
    };
    const reference = METRICS_REFERENCE["in_batch_recall"]!([nanScores], { node, shape: [], dim: () => 10 });
    expect(reference.data[0]).toBeNaN();
    await useBackend("cpu");
    const step = { op: "in_batch_recall", inputs: [], attrs: { k: 10 }, type: { dtype: "f32", shape: [] } } as unknown as Parameters<
      NonNullable<(typeof METRICS_KERNELS)["in_batch_recall"]>
    >[1]["step"];
    const context = { step, dim: (v: unknown) => Number(v), training: false, seed: 1, inputSteps: [] };
    const broken = METRICS_KERNELS["in_batch_recall"]!([tf.tensor2d(Float32Array.from(nanScores.data), [3, 3])], context);
    expect((await broken.data())[0]).toBeNaN();
    const fine = METRICS_KERNELS["in_batch_recall"]!([tf.eye(3)], context);
    expect((await fine.data())[0]).toBe(1);
  });
});
