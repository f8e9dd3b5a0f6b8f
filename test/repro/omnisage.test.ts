// OmniSage's reproduction, reduced (examples/omnisage): on the torch engine, seeds 1, 2, 3, the
// OmniSage aggregator trained on all four tasks against the same model without the next-pin
// (`successor`) task — the arms differ only in that task, and every comparison is paired by
// seed (the arms of a seed share its world). What holds in a world whose training streams reach
// no held-out pair, no cold pin and no cold pin's edge (test/world-leaks.test.ts): the sequence
// task makes the aggregator predict future sessions' next pins better on every seed (switching
// it off fails this); and no arm's cold-pin recall reaches the world's community-only bound, which
// only evaluation edges leaking into training could lift it past (the old world's 0.24 did).
// About 2 minutes; skipped, with the reason, where PyTorch is missing.

import { describe, expect, it } from "vitest";
import { compareRows, expectPairedGain } from "../harness/compare-run.js";
import { findTorchPython } from "../../runtime/src/torch/python.js";
import { omniSageCeilings } from "../../examples/omnisage/world.js";
import { parseConfig } from "../../runtime/src/config.js";
import { worldSeedOf } from "../../runtime/src/data/world-args.js";

const torch = findTorchPython();

describe.skipIf(typeof torch === "string")(`OmniSage at toy scale${typeof torch === "string" ? ` (skipped: ${torch})` : ""}`, () => {
  it("the next-pin task raises next-pin recall on every seed; cold recall stays below the community-only bound", async () => {
    const metric = await compareRows("examples/omnisage/model.rec", ["--backend", "torch", "--seeds", "1,2,3", "--only", "omnisage,without_next"]);
    const next = metric("next_pin_recall_at_10");
    expectPairedGain(next["omnisage"]!, next["without_next"]!, "next-pin recall, with the successor task vs without");
    // The example's world (model.rec: 500 pins, communities = 10, boards = 50, seed = 11, a new world per seed).
    const setting = parseConfig('synthetic(world = "omnisage_graph", seed = 11, world_per_seed = true)');
    const sizes = { pins: 500, communities: 10, boards: 50, features: 16, walkLength: 8 };
    const bounds = [1, 2, 3].map((seed) => omniSageCeilings({ ...sizes, worldSeed: worldSeedOf(setting, seed) }));
    for (const arm of ["omnisage", "without_next"]) {
      metric("cold_recall_at_10")[arm]!.values.forEach((cold, i) => expect(cold, `${arm}, seed ${i + 1}`).toBeLessThan(bounds[i]!.community_cold));
    }
  });
});
