// PrefixMem's reduced reproduction: a prefix memory at SID positions raises deepest-level
// accuracy, exact match and trie-constrained recall@1 (against the true successors) over the
// baseline and over the parameter-matched control by far more than the seeds vary, most on the
// hard subset (the full run: examples/prefixmem/README.md).

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
    const code = await main(
      ["compare", "--seeds", "1,2", "--steps", "100", "--only", "baseline,param_matched,prefixmem", "--backend", "wasm", "--json", path],
      io,
    );
    expect(code, stderr).toBe(0);
    const { rows } = JSON.parse(stdout) as { rows: { metric: string; byModel: Record<string, { mean: number; std: number }> }[] };
    const arms = (metric: string) =>
      rows.find((r) => r.metric === metric)!.byModel as Record<"baseline" | "param_matched" | "prefixmem", { mean: number; std: number }>;
    // The gap must exceed twice the larger of the two arms' spreads over seeds, against the
    // baseline and against the control with as many parameters.
    for (const metric of ["acc_level_3", "exact_match", "recall_at_1"]) {
      const byArm = arms(metric);
      for (const other of ["baseline", "param_matched"] as const) {
        const [mine, theirs] = [byArm.prefixmem, byArm[other]];
        expect(mine.mean - theirs.mean, `${metric} vs ${other}: ${JSON.stringify(byArm)}`).toBeGreaterThan(Math.max(0.1, 2 * Math.max(mine.std, theirs.std)));
      }
    }
    // The gain is largest where the baseline's greedy decoding fails (a probe run's failures).
    const hard = arms("hard_subset");
    const exact = arms("exact_match");
    expect(hard.prefixmem.mean - hard.baseline.mean, JSON.stringify(hard)).toBeGreaterThan(0.1);
    expect(hard.prefixmem.mean / hard.baseline.mean).toBeGreaterThan(exact.prefixmem.mean / exact.baseline.mean);
    // The first level depends on one token: no model should differ there.
    const first = arms("acc_level_1");
    expect(Math.abs(first.prefixmem.mean - first.baseline.mean)).toBeLessThan(0.05);
  });
});
