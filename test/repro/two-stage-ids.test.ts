// Two-stage ID pre-training's reduced reproduction: the ranker starting from the contrastively
// pre-trained tables, frozen behind row dropout, beats the same ranker trained from scratch by
// far more than the seeds vary (without the pre-training, its frozen tables would be random and
// it could not). The full run: examples/id_pretrain/README.md.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { ROOT } from "../harness/repo.js";

describe("two-stage ID pre-training", () => {
  it("reproduces the direction in a reduced run: frozen pre-trained tables beat tables trained in the ranker", async () => {
    let [stdout, stderr] = ["", ""];
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: join(ROOT, ".tmp"), env: {} };
    const sizes = ["engagements=100000", "pretrain_epochs=3", "epochs=2"].flatMap((s) => ["--set", s]);
    const code = await main(["compare", "--seeds", "1,2", "--only", "Scratch,Pretrain,Frozen", "--backend", "wasm", ...sizes, "--json", join(ROOT, "examples/id_pretrain/model.rec")], io);
    expect(code, stderr).toBe(0);
    const { rows } = JSON.parse(stdout) as { rows: { metric: string; byModel: Record<string, { mean: number; std: number; values: number[] }> }[] };
    const auc = rows.find((r) => r.metric === "auc")!.byModel;
    const [frozen, scratch] = [auc["Frozen"]!, auc["Scratch"]!];
    expect(frozen.mean - scratch.mean, JSON.stringify(auc)).toBeGreaterThan(Math.max(0.03, 2 * Math.max(frozen.std, scratch.std)));
    frozen.values.forEach((v, seed) => expect(v, `seed ${seed + 1}`).toBeGreaterThan(scratch.values[seed]!));
    const loss = rows.find((r) => r.metric === "log_loss")!.byModel;
    expect(loss["Frozen"]!.mean, JSON.stringify(loss)).toBeLessThan(loss["Scratch"]!.mean);
  });
});
