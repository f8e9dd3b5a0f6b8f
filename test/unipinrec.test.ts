// UniPinRec's reproduction: one encoder serving a retrieval head and a ranking head that reuses
// its keys and values costs fewer FLOPs and parameters than two models (from the cost model),
// and in a reduced run matches two separately trained models on slate AUC within the seeds'
// spread, with retrieval recall within 10% of theirs (parity there is not reproduced).

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../compiler/src/cli/main.js";
import { ROOT } from "./harness/repo.js";

describe("UniPinRec at toy scale", () => {
  const path = join(ROOT, "examples/unipinrec/model.rec");

  it("serves both heads from one encoder pass: fewer FLOPs and parameters than two models (cost model)", async () => {
    const { compileFiles } = await import("../compiler/src/driver.js");
    const { summarize: summarizeModel } = await import("../compiler/src/semantics/summary.js");
    const cost = (set: Record<string, string>) => {
      const model = compileFiles([path], { overrides: new Map(Object.entries(set)) }).models[0]!;
      const summary = summarizeModel(model);
      return { flops: parseInt(summary.flops.perExample, 10), parameters: summary.totals.count! };
    };
    const separate = cost({ unified: "false", mam: "false" });
    const unified = cost({ unified: "true", mam: "true" });
    expect(unified.flops).toBeLessThan(0.8 * separate.flops);
    expect(unified.parameters).toBeLessThan(separate.parameters);
  });

  it("matches two separately trained models on slate AUC in a reduced run, and nearly on recall", async () => {
    let stdout = "";
    let stderr = "";
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: join(ROOT, ".tmp"), env: {} };
    // Reduced: 200 items, histories of 6 events, 150 steps of 96 (the full run: 500 items, 10 events, 300 steps of 128).
    const code = await main(["compare", "--seeds", "1,2", "--steps", "150", "--batch", "96", "--set", "items=200", "--set", "length=6", "--backend", "wasm", "--json", path], io);
    expect(code, stderr).toBe(0);
    const { rows } = JSON.parse(stdout) as { rows: { metric: string; byModel: Record<string, { mean: number; std: number }> }[] };
    const byMetric = (metric: string) => rows.find((r) => r.metric === metric)!.byModel as Record<string, { mean: number; std: number }>;
    // Ranking: parity, no worse than the separate models by more than the seeds' spread (or 5%).
    for (const metric of ["auc_click", "auc_save"]) {
      const { separate, unipinrec } = byMetric(metric);
      const margin = Math.max(0.05 * separate!.mean, 3 * Math.max(separate!.std, unipinrec!.std));
      expect(unipinrec!.mean, `${metric}: ${JSON.stringify({ separate, unipinrec })}`).toBeGreaterThan(separate!.mean - margin);
      expect(unipinrec!.mean).toBeGreaterThan(0.65); // Learned: chance is 0.5.
    }
    // Retrieval: our reproduction does not reach parity (−6% at 300 steps, −7% here; see the
    // example's README); the test holds it to within 10% and far above chance (20/200 = 0.1).
    const { separate, unipinrec } = byMetric("recall_at_20");
    expect(unipinrec!.mean, JSON.stringify({ separate, unipinrec })).toBeGreaterThan(0.9 * separate!.mean);
    expect(unipinrec!.mean).toBeGreaterThan(0.3);
  }, 120_000);
});
