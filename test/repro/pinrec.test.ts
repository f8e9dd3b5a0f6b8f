// PinRec's reproduction, reduced (2 seeds, 100 steps of 64): with the head conditioned on the
// intended outcome, a budget steers the retrieved mix — far more save items under a save budget
// than under a click budget — while the unconditioned head cannot tell them apart; and training
// on every event of the window (multi-token) reaches a higher window recall than next-token
// training with the same steps, on every seed (the arms of a seed see the same examples). The
// diversity gain needs the full run: at 100 steps no model has yet narrowed its top 10.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { ROOT } from "../harness/repo.js";

describe("PinRec at toy scale", () => {
  it("raises window recall with multi-token training, and lets a budget steer retrieval by outcome when conditioned (reduced run)", async () => {
    let stdout = "";
    let stderr = "";
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: join(ROOT, ".tmp"), env: {} };
    const path = join(ROOT, "examples/pinrec/model.rec");
    const code = await main(["compare", "--seeds", "1,2", "--steps", "100", "--batch", "64", "--backend", "wasm", "--json", path], io);
    expect(code, stderr).toBe(0);
    const { rows } = JSON.parse(stdout) as { rows: { metric: string; byModel: Record<string, { mean: number; std: number; values: number[] }> }[] };
    const metric = (name: string) => rows.find((r) => r.metric === name)!.byModel as Record<string, { mean: number; std: number; values: number[] }>;
    // Multi-token: a higher window recall than next-token on every seed, and by 0.02 on average.
    const recall = metric("window_recall_at_10");
    recall["multi_token"]!.values.forEach((v, seed) => expect(v, JSON.stringify(recall)).toBeGreaterThan(recall["next_token"]!.values[seed]!));
    expect(recall["multi_token"]!.mean - recall["next_token"]!.mean).toBeGreaterThan(0.02);
    const spread = (...xs: { std: number }[]) => 3 * Math.max(...xs.map((x) => x.std));
    const saveBudget = metric("save_share_save_budget");
    const clickBudget = metric("save_share_click_budget");
    const steer = saveBudget["conditioned"]!.mean - clickBudget["conditioned"]!.mean;
    expect(steer, JSON.stringify({ saveBudget, clickBudget })).toBeGreaterThan(Math.max(0.2, spread(saveBudget["conditioned"]!, clickBudget["conditioned"]!)));
    // Unconditioned, the two outcome queries are one query: a budget changes nothing.
    expect(Math.abs(saveBudget["multi_token"]!.mean - clickBudget["multi_token"]!.mean)).toBeLessThan(1e-6);
  });
});
