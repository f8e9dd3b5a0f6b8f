// HPO's reduced reproduction: the auxiliary reward added into DPO's margin (α = 1) raises the
// expected auxiliary reward well beyond DPO's while keeping most of DPO's win-rate gain over the
// reference (with α = 0 the two arms are the same and the first check fails). The full run, with
// the other reading and the naive relabelling: examples/hpo/README.md.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { ROOT } from "../harness/repo.js";

describe("HPO", () => {
  it("reproduces the direction in a reduced run: the margin reading raises the auxiliary reward and keeps DPO's alignment", async () => {
    let [stdout, stderr] = ["", ""];
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: join(ROOT, ".tmp"), env: {} };
    const code = await main(["compare", "--seeds", "1,2", "--only", "dpo,margin_1", "--backend", "wasm", "--json", join(ROOT, "examples/hpo/model.rec")], io);
    expect(code, stderr).toBe(0);
    const { rows } = JSON.parse(stdout) as { rows: { metric: string; byModel: Record<string, { mean: number; std: number; values: number[] }> }[] };
    const metric = (name: string) => rows.find((r) => r.metric === name)!.byModel;
    const [aux, win] = [metric("expected_aux"), metric("win_rate_vs_ref")];
    expect(aux["margin_1"]!.mean - aux["dpo"]!.mean, JSON.stringify(aux)).toBeGreaterThan(Math.max(0.08, 2 * Math.max(aux["margin_1"]!.std, aux["dpo"]!.std)));
    expect(win["dpo"]!.mean, JSON.stringify(win)).toBeGreaterThan(0.58);
    expect(win["margin_1"]!.mean - 0.5, JSON.stringify(win)).toBeGreaterThan(0.8 * (win["dpo"]!.mean - 0.5));
  });
});
