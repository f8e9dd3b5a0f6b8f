// Experiments: `rec compare` reads an experiment's arms (models, or variants of one model with
// param overrides), summarizes seeds into mean ± sample standard deviation and relative gains,
// and scores the hard subset against independent probe runs (test/repro/prefixmem.test.ts runs
// the reproduction itself).

import { join } from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { experimentsOf } from "../compiler/src/semantics/experiment-decl.js";
import { summarize } from "../app/experiment-summary.js";
import { formatComparison } from "../cli/commands/compare-report.js";
import { bestEvaluation } from "../app/best-epoch.js";
import { hardSubsetScores } from "../app/hard-subset.js";
import { parseSource } from "../compiler/src/syntax/parse-source.js";
import { SourceFile } from "../compiler/src/source/source-file.js";
import { ROOT } from "./harness/repo.js";

describe("experiments", () => {
  const path = join(ROOT, "examples/prefixmem/model.rec");
  const [experiment] = experimentsOf(parseSource(new SourceFile(path, readFileSync(path, "utf8"))).ast);

  it("reads variants of one model with their overrides", () => {
    expect(experiment!.name).toBe("PrefixMemVsBaseline");
    expect(experiment!.arms.map((a) => [a.label, a.model, Object.fromEntries(a.overrides)])).toEqual([
      ["baseline", "SidLM", {}],
      ["shared_vocab", "SidLM", { shared_readout: "true" }],
      ["param_matched", "SidLM", { ffn: "238" }],
      ["prefixmem", "SidLM", { memory: "true" }],
      ["prefixmem_shared_vocab", "SidLM", { memory: "true", shared_readout: "true" }],
    ]);
    expect(experiment!.seeds).toEqual([1, 2, 3]);
    expect(experiment!.paper["acc_level_3"]).toBe("+46% (deepest level)");
    expect(experiment!.hardSubset).toEqual({ reference: "baseline", correct: "greedy_correct" });
  });

  it("scores the hard subset: each seed's examples a probe run of the reference gets wrong, every arm's run of that seed", () => {
    const runs = new Map([
      // Two seeds (two worlds), four held-out examples each: 1 where the run got the example right.
      ["baseline", [Float32Array.of(1, 0, 0, 1), Float32Array.of(0, 1, 1, 1)]],
      ["prefixmem", [Float32Array.of(1, 1, 1, 1), Float32Array.of(1, 1, 0, 0)]],
    ]);
    // The probes (independent runs of the reference): seed 1 fails examples 1 and 2, seed 2 example 0.
    const probes = [Float32Array.of(1, 0, 0, 1), Float32Array.of(0, 1, 1, 1)];
    const { scores, sizes } = hardSubsetScores(runs, probes);
    expect(sizes).toEqual([2, 1]);
    // Each seed's subset is scored with that seed's runs: the reference's own run is not 0 by
    // construction when it differs from the probe.
    expect(scores.get("baseline")).toEqual([0, 0]);
    expect(scores.get("prefixmem")).toEqual([1, 1]);
    expect(
      hardSubsetScores(
        new Map([
          ["baseline", [Float32Array.of(1, 0)]],
          ["other", [Float32Array.of(1, 0)]],
        ]),
        [Float32Array.of(0, 1)],
      ).scores.get("baseline"),
    ).toEqual([1]);
  });

  it("summarizes seeds as mean, sample standard deviation and gain over the baseline", () => {
    const rows = summarize(
      { ...experiment!, report: ["acc_level_3"] },
      new Map([
        ["baseline", [{ acc_level_3: 0.4 }, { acc_level_3: 0.6 }]],
        ["param_matched", [{ acc_level_3: 0.5 }, { acc_level_3: 0.5 }]],
        ["prefixmem", [{ acc_level_3: 0.7 }, { acc_level_3: 0.8 }]],
      ]),
    );
    const row = rows[0]!;
    expect(row.byModel["baseline"]!.mean).toBeCloseTo(0.5, 12);
    expect(row.byModel["baseline"]!.std).toBeCloseTo(Math.SQRT2 * 0.1, 12); // √((0.1² + 0.1²) / 1)
    expect(row.gain["prefixmem"]).toBeCloseTo(0.5, 12); // (0.75 − 0.5) / 0.5
    expect(row.gain["param_matched"]).toBeCloseTo(0, 12);
  });

  it("keeps each arm's verdict under the significance rule and prints it with every seed's values", () => {
    const three = { ...experiment!, report: ["acc_level_3"], seeds: [1, 2, 3] };
    const runs = (...values: number[]) => values.map((acc_level_3) => ({ acc_level_3 }));
    const rows = summarize(
      three,
      new Map([
        ["baseline", runs(0.4, 0.6, 0.5)],
        // Every seed up by 0.2–0.3: beyond twice the standard error of the differences.
        ["prefixmem", runs(0.7, 0.8, 0.75)],
        // Up on one seed, down on another: parity, though the mean moved.
        ["param_matched", runs(0.6, 0.5, 0.55)],
        // Every seed down, consistently: a loss.
        ["shared_vocab", runs(0.3, 0.5, 0.41)],
      ]),
    );
    expect(rows[0]!.verdict).toMatchObject({ prefixmem: "gain", param_matched: "parity", shared_vocab: "loss" });
    const text = formatComparison(three, rows, {});
    expect(text).toMatch(/\+50\.0% gain/);
    expect(text).toMatch(/\+10\.0% parity/);
    expect(text).toMatch(/-19\.3% loss/);
    expect(text).toMatch(/seed 1 +seed 2 +seed 3/);
    expect(text).toMatch(/acc_level_3 +param_matched +0\.6000 +0\.5000 +0\.5500/);
  });

  it("reports a run at its best evaluation by the validation split, with that evaluation's test metrics", () => {
    const reports = [
      { step: 10, epoch: 1, metrics: { log_loss: 0.6, auc: 0.55, "valid/log_loss": 0.61, "valid/auc": 0.56 } },
      { step: 20, epoch: 2, metrics: { log_loss: 0.58, auc: 0.57, "valid/log_loss": 0.59, "valid/auc": 0.58 } },
      // Best on the test split, not on the validation split: not chosen by log loss.
      { step: 30, epoch: 3, metrics: { log_loss: 0.55, auc: 0.61, "valid/log_loss": 0.62, "valid/auc": 0.6 } },
      { step: 35 },
    ];
    expect(bestEvaluation(reports, { metric: "log_loss", mode: "min" })).toEqual({ metrics: { log_loss: 0.58, auc: 0.57 }, at: 2 });
    expect(bestEvaluation(reports, { metric: "auc", mode: "max" })).toEqual({ metrics: { log_loss: 0.55, auc: 0.61 }, at: 3 });
    // Training that counts steps reports the step; no validation scores, no choice.
    expect(bestEvaluation([{ step: 50, metrics: { auc: 0.5, "valid/auc": 0.5 } }], { metric: "auc", mode: "max" })?.at).toBe(50);
    expect(bestEvaluation([{ step: 50, metrics: { auc: 0.5 } }], { metric: "auc", mode: "max" })).toBeUndefined();
  });
});
