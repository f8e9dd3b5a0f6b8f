// OmniSage's reproduction, reduced (examples/omnisage): on the torch engine, seeds 1, 2, 3, the
// OmniSage aggregator trained on all four tasks against the same aggregator trained on the pair
// task alone — the arms differ only in the tasks, and every comparison is paired by seed (the
// arms of a seed share its world). The multi-task arm must retrieve held-out co-engaged pins and
// cold pins' partners better on every seed; switching the extra tasks off (or breaking what
// they train) fails it. About 4 minutes; skipped, with the reason, where PyTorch is missing.

import { describe, it } from "vitest";
import { compareRows, expectPairedGain } from "../harness/compare-run.js";
import { findTorchPython } from "../../runtime/src/torch/python.js";

const torch = findTorchPython();

describe.skipIf(typeof torch === "string")(`OmniSage at toy scale${typeof torch === "string" ? ` (skipped: ${torch})` : ""}`, () => {
  it("the multi-task aggregator beats the pair task alone on held-out pairs and on cold pins, every seed", async () => {
    const metric = await compareRows("examples/omnisage/model.rec", ["--backend", "torch", "--seeds", "1,2,3", "--only", "omnisage_pair_only,omnisage"]);
    expectPairedGain(metric("pair_recall_at_10")["omnisage"]!, metric("pair_recall_at_10")["omnisage_pair_only"]!, "pair recall, all tasks vs the pair task");
    expectPairedGain(metric("cold_recall_at_10")["omnisage"]!, metric("cold_recall_at_10")["omnisage_pair_only"]!, "cold recall, all tasks vs the pair task");
  });
});
