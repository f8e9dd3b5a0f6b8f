// Two-stage ID pre-training's reduced reproduction: the ranker starting from the contrastively
// pre-trained tables, frozen behind row dropout, beats the same ranker trained from scratch — with
// and without the same dropout — by far more than the seeds vary, each run reported at its best
// epoch by validation log loss as the README's are (without the pre-training, its frozen tables
// would be random and it could not). The full run: examples/id_pretrain/README.md.

import { describe, expect, it } from "vitest";
import { compareRows } from "../harness/compare-run.js";

describe("two-stage ID pre-training", () => {
  it("reproduces the direction in a reduced run: frozen pre-trained tables beat tables trained in the ranker", async () => {
    const metric = await compareRows("examples/id_pretrain/model.rec", [
      "--seeds",
      "1,2",
      "--only",
      "Scratch,Pretrain,Frozen,scratch_dropout",
      "--backend",
      "wasm",
      ...["engagements=100000", "pretrain_epochs=3", "epochs=2"].flatMap((s) => ["--set", s]),
    ]);
    const [auc, loss] = [metric("auc"), metric("log_loss")];
    for (const baseline of ["Scratch", "scratch_dropout"]) {
      const [frozen, scratch] = [auc["Frozen"]!, auc[baseline]!];
      expect(frozen.mean - scratch.mean, JSON.stringify(auc)).toBeGreaterThan(Math.max(0.03, 2 * Math.max(frozen.std, scratch.std)));
      frozen.values.forEach((v, seed) => expect(v, `${baseline}, seed ${seed + 1}`).toBeGreaterThan(scratch.values[seed]!));
      expect(loss["Frozen"]!.mean, JSON.stringify(loss)).toBeLessThan(loss[baseline]!.mean);
    }
  });
});
