// Privacy-preserving CVR's reduced reproduction: batch aggregation trains exactly as minibatch
// training; adapters send a small share of the floats; randomised-response labels (ε = 1) pull
// the predictions far from calibrated, and forward de-biasing restores calibration and log loss
// (without de-biasing, the last checks fail). The full run: examples/private_cvr/README.md.

import { describe, expect, it } from "vitest";
import { compareRows } from "../harness/compare-run.js";

describe("privacy-preserving CVR", () => {
  it("reproduces the directions in a reduced run: aggregation loses nothing, de-biasing restores calibration", async () => {
    const metric = await compareRows("examples/private_cvr/model.rec", [
      "--seeds",
      "1,2",
      "--only",
      "Platform,full,aggregated,adapters,rr_eps1,rr_eps1_forward",
      "--backend",
      "wasm",
      ...["platform_examples=30000", "platform_epochs=1", "advertiser_examples=20000", "epochs=2"].flatMap((s) => ["--set", s]),
    ]);
    // Batch aggregation is what minibatch training already computes: the same numbers.
    expect(metric("auc")["aggregated"]!.values).toEqual(metric("auc")["full"]!.values);
    // Adapters send under a tenth of what full fine-tuning sends.
    expect(metric("communicated_floats")["adapters"]!.mean * 10).toBeLessThan(metric("communicated_floats")["aggregated"]!.mean);
    const calibration = metric("calibration_ratio");
    expect(calibration["rr_eps1"]!.mean, JSON.stringify(calibration)).toBeGreaterThan(1.4);
    expect(Math.abs(calibration["rr_eps1_forward"]!.mean - 1), JSON.stringify(calibration)).toBeLessThan(0.25);
    const loss = metric("log_loss");
    expect(loss["rr_eps1_forward"]!.mean, JSON.stringify(loss)).toBeLessThan(loss["rr_eps1"]!.mean - 0.02);
  });
});
