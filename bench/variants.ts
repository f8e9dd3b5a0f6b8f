// bench/variants: how fast a sweep is planned — 1,000 variants of the two-tower example (10
// widths × 10 user counts × 10 temperatures) checked, optimized, lowered, costed and hashed by
// planSweep, cold (one run: the files are read and parsed once, then each variant is elaborated
// and optimized). Reports variants per second (target ≥ 200 on our 2-core machine), the share
// spent deduplicating, and where the rest goes; the 24-point example sweep for comparison.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planSweep } from "../compiler/src/sweep/plan-sweep.js";

const SWEEP = `
sweep Thousand {
  model = TwoTower
  space {
    dim = range(8, 48, 4)
    users = range(1_000, 2_000, 100)
    temperature = [0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.2]
  }
  metric = "recall_at_10"
}
`;

export function benchVariants(root = process.cwd()): string {
  const path = join(root, "examples/two_tower/model.rec");
  const text = readFileSync(path, "utf8") + SWEEP;
  // Warm the compiler's code once (a small sweep) so the figure is the steady rate.
  planSweep({ path, text: text.replace("range(8, 48, 4)", "[8]").replace("range(1_000, 2_000, 100)", "[1_000]") });
  const { plan, diagnostics } = planSweep({ path, text });
  if (!plan || diagnostics.length) throw new Error(`the benchmark's sweep does not plan: ${diagnostics[0]?.message}`);
  const perSecond = plan.points.length / (plan.planMs / 1000);
  const distinct = new Set(plan.points.map((p) => p.hash)).size;
  const example = planSweep([join(root, "examples/sweep/model.rec")]).plan!;
  return [
    `variants: ${plan.points.length} variants of examples/two_tower planned in ` +
      `${plan.planMs.toFixed(0)} ms → ${perSecond.toFixed(0)} variants/s (target ≥ 200), ` +
      `${distinct} distinct graphs`,
    `  dedup (model hashes + merge) ${plan.dedupMs.toFixed(0)} ms ` +
      `(${((100 * plan.dedupMs) / plan.planMs).toFixed(1)}%); the rest is elaborating each ` +
      `variant (most of it) and the pass pipeline`,
    `  examples/sweep: ${example.points.length} points in ${example.planMs.toFixed(0)} ms ` +
      `(${((example.planMs / example.points.length) * 100).toFixed(0)} ms per 100; its attention ` +
      `pools are larger graphs)`,
  ].join("\n");
}
