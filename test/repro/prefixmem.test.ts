// PrefixMem's reduced reproduction: a prefix memory at SID positions raises deepest-level
// accuracy, exact match, trie-constrained recall@1 and the hard subset over the baseline by far
// more than the seeds vary (the full run: examples/prefixmem/README.md).

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { ROOT } from "../harness/repo.js";

describe("PrefixMem", () => {
  const path = join(ROOT, "examples/prefixmem/model.rec");

  it("reproduces PrefixMem's direction in a reduced run: deepest level, exact match, recall@1 and the hard subset", async () => {
    let stdout = "";
    let stderr = "";
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: join(ROOT, ".tmp"), env: {} };
    const code = await main(["compare", "--seeds", "1,2", "--steps", "100", "--only", "baseline,prefixmem", "--backend", "wasm", "--json", path], io);
    expect(code, stderr).toBe(0);
    const { rows } = JSON.parse(stdout) as { rows: { metric: string; byModel: Record<string, { mean: number; std: number }> }[] };
    const arms = (metric: string) => rows.find((r) => r.metric === metric)!.byModel as Record<"baseline" | "prefixmem", { mean: number; std: number }>;
    // The gap must exceed twice the larger of the two arms' spreads over seeds.
    for (const metric of ["acc_level_3", "exact_match", "recall_at_1"]) {
      const { baseline, prefixmem } = arms(metric);
      expect(prefixmem.mean - baseline.mean, `${metric}: ${JSON.stringify({ baseline, prefixmem })}`).toBeGreaterThan(Math.max(0.1, 2 * Math.max(baseline.std, prefixmem.std)));
    }
    // The gain is largest where the baseline's greedy decoding fails (an independent run's failures).
    const hard = arms("hard_subset");
    const exact = arms("exact_match");
    expect(hard.prefixmem.mean - hard.baseline.mean, JSON.stringify(hard)).toBeGreaterThan(0.1);
    expect(hard.prefixmem.mean / hard.baseline.mean).toBeGreaterThan(exact.prefixmem.mean / exact.baseline.mean);
    // The first level depends on one token: no model should differ there.
    const first = arms("acc_level_1");
    expect(Math.abs(first.prefixmem.mean - first.baseline.mean)).toBeLessThan(0.05);
  });
});
