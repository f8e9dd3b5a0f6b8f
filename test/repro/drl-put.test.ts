// DRL-PUT's reduced reproduction: the policy that reads each request's state and picks the
// ranking utility's weights, deployed on fresh requests, earns more of the composite reward than
// the best single setting learned the same way from the same logs (manual tuning), on every
// seed, and stays below the oracle that plays each segment's best setting. Without the state
// (personalized = false) the two arms are the same and the first check fails. The full run:
// examples/drl_put/README.md.

import { describe, expect, it } from "vitest";
import { compareRows } from "../harness/compare-run.js";

describe("DRL-PUT", () => {
  it("reproduces the direction in a reduced run: personalised weights beat the best global weights", async () => {
    const metric = await compareRows("examples/drl_put/model.rec", ["--seeds", "1,2", "--only", "manual,drl_put", "--backend", "wasm"]);
    const [reward, oracle] = [metric("reward"), metric("oracle_reward")];
    reward["drl_put"]!.values.forEach((v, i) => {
      const manual = reward["manual"]!.values[i]!;
      expect(v - manual, `seed ${i + 1}: ${JSON.stringify(reward)}`).toBeGreaterThan(0.002);
      expect(v, `seed ${i + 1}`).toBeLessThanOrEqual(oracle["drl_put"]!.values[i]! + 1e-6);
    });
  });
});
