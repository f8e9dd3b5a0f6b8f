// HPO's reduced reproduction: the auxiliary reward added into DPO's margin (α = 1) raises the
// expected auxiliary reward well beyond DPO's while keeping most of DPO's win-rate gain over the
// reference (with α = 0 the two arms are the same and the first check fails). The full run, with
// the other reading and the naive relabelling: examples/hpo/README.md.

import { describe, expect, it } from "vitest";
import { compareRows } from "../harness/compare-run.js";

describe("HPO", () => {
  it("reproduces the direction in a reduced run: the margin reading raises the auxiliary reward and keeps DPO's alignment", async () => {
    const metric = await compareRows("examples/hpo/model.rec", ["--seeds", "1,2", "--only", "dpo,margin_1", "--backend", "wasm"]);
    const [aux, win] = [metric("expected_aux"), metric("win_rate_vs_ref")];
    expect(aux["margin_1"]!.mean - aux["dpo"]!.mean, JSON.stringify(aux)).toBeGreaterThan(Math.max(0.08, 2 * Math.max(aux["margin_1"]!.std, aux["dpo"]!.std)));
    expect(win["dpo"]!.mean, JSON.stringify(win)).toBeGreaterThan(0.58);
    expect(win["margin_1"]!.mean - 0.5, JSON.stringify(win)).toBeGreaterThan(0.8 * (win["dpo"]!.mean - 0.5));
  });
});
