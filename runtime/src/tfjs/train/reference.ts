// Frozen reference models: `reference { ref_policy = "policy" }` in a train block makes the
// weights under `ref_policy` a copy of those under `policy` when a run starts (after `init`), and
// keeps them fixed, so a loss can read the starting policy without gradient (DPO's π_ref, a KL
// anchor). In: the executor and the train settings. Out: the copies made, as (target, source)
// weight-name pairs; trainingSetup (trainer.ts) freezes the targets.

import type { Executor } from "../executor.js";
import type { PlanSettings } from "../../plan.js";
import { TrainingError } from "./trainer.js";

/** The train block's `reference { target = "source" }` pairs. */
export function referencePairs(settings: PlanSettings): [target: string, source: string][] {
  const block = settings["reference"] as PlanSettings | undefined;
  if (!block || typeof block !== "object" || Array.isArray(block)) return [];
  return Object.entries(block).map(([target, source]) => [target, String(source)]);
}

/** Copies each reference's source weights into its target weights, matched by the rest of their names. */
export function copyReferences(executor: Executor, settings: PlanSettings): [string, string][] {
  const copied: [string, string][] = [];
  for (const [target, source] of referencePairs(settings)) {
    for (const [name, variable] of executor.params) {
      if (!name.startsWith(`${target}.`)) continue;
      const from = `${source}.${name.slice(target.length + 1)}`;
      const original = executor.params.get(from);
      if (!original || original.shape.join() !== variable.shape.join()) {
        throw new TrainingError(
          `the reference \`${target}\` has the weight \`${name}\` ${variable.shape.join("×")}, but \`${source}\` has no weight \`${from}\` of that shape`,
        );
      }
      variable.assign(original);
      copied.push([name, from]);
    }
  }
  return copied;
}
