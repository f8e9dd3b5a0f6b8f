// UniPinRec's reproduction: one encoder serving a retrieval head and a ranking head that reuses
// its keys and values costs fewer FLOPs and parameters than two independent models (from the
// cost model over the live graph), and in a reduced run matches them on retrieval recall and
// slate AUC within the seeds' spread (or 5%), while the same model without action inputs does
// not reach the ranking AUC (the actions carry the ranking signal; a test that passes whatever
// the encoder learns would not show that).

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { ROOT } from "../harness/repo.js";

describe("UniPinRec at toy scale", () => {
  const path = join(ROOT, "examples/unipinrec/model.rec");

  it("serves both heads from one encoder pass: fewer FLOPs and parameters than two models (cost model)", async () => {
    const { compileFiles } = await import("../../compiler/src/driver.js");
    const { summarize: summarizeModel } = await import("../../compiler/src/semantics/summary.js");
    const cost = (set: Record<string, string>) => {
      const model = compileFiles([path], { overrides: new Map(Object.entries(set)) }).models[0]!;
      const summary = summarizeModel(model);
      return { flops: parseInt(summary.flops.perExample, 10), parameters: summary.totals.count! };
    };
    const separate = cost({ unified: "false", mam: "false" });
    const unified = cost({ unified: "true", mam: "true" });
    // About 12% fewer FLOPs: the ranking head's own encoder pass is saved, the heads are not.
    expect(unified.flops).toBeLessThan(0.92 * separate.flops);
    expect(unified.flops).toBeGreaterThan(0.8 * separate.flops);
    // Two independent models: the ranking model has its own item table (items × dim weights more).
    expect(separate.parameters - unified.parameters).toBeGreaterThan(500 * 32);
  });

  it("matches two separately trained models on recall and slate AUC in a reduced run", async () => {
    let stdout = "";
    let stderr = "";
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: join(ROOT, ".tmp"), env: {} };
    // Reduced: 200 items, histories of 6 events, 300 steps of 64, 16 held-out batches (the full
    // run: 500 items, 10 events, 500 steps of 128, 32 held-out batches of 128).
    const code = await main(
      [
        "compare",
        "--seeds",
        "1,2",
        "--steps",
        "300",
        "--batch",
        "64",
        "--eval-batches",
        "16",
        "--set",
        "items=200",
        "--set",
        "length=6",
        "--only",
        "separate,unipinrec,unified_no_actions",
        "--backend",
        "wasm",
        "--json",
        path,
      ],
      io,
    );
    expect(code, stderr).toBe(0);
    const { rows } = JSON.parse(stdout) as { rows: { metric: string; byModel: Record<string, { mean: number; std: number }> }[] };
    const byMetric = (metric: string) => rows.find((r) => r.metric === metric)!.byModel as Record<string, { mean: number; std: number }>;
    // Parity: no worse than the separate models by more than the seeds' spread (or 5%), and learned.
    for (const [metric, chance] of [
      ["recall_at_20", 20 / 200],
      ["auc_click", 0.5],
      ["auc_save", 0.5],
    ] as const) {
      const { separate, unipinrec } = byMetric(metric);
      const margin = Math.max(0.05 * separate!.mean, 3 * Math.max(separate!.std, unipinrec!.std));
      expect(unipinrec!.mean, `${metric}: ${JSON.stringify({ separate, unipinrec })}`).toBeGreaterThan(separate!.mean - margin);
      expect(unipinrec!.mean).toBeGreaterThan(chance + 0.15);
    }
    // Without the actions the ranking head cannot tell saves from clicks: its AUC falls short.
    for (const metric of ["auc_click", "auc_save"]) {
      const { unipinrec, unified_no_actions } = byMetric(metric);
      expect(unipinrec!.mean - unified_no_actions!.mean, `${metric}: ${JSON.stringify({ unipinrec, unified_no_actions })}`).toBeGreaterThan(
        Math.max(0.02, 2 * Math.max(unipinrec!.std, unified_no_actions!.std)),
      );
    }
  });
});
