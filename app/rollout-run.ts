// Runs that learn by rollouts (a train block with `rollouts { environment = "…" }`): the
// environment model's plan found among the file's plans, its executor started with its frozen
// weights, and the value learning (runtime/src/rl/value-learning.ts) wired to the training loop.
// In: the value model's executor, the file's plans, the train settings, the seed and how the
// environment's weights are loaded. Out: the data set, evaluation and per-step hook that `train`
// takes, or a TrainingError that says why the run cannot learn by rollouts.

import { WORLDS } from "./worlds.js";
import { openSessionWorld } from "../runtime/src/data/sources.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import type { Plan, PlanSettings } from "../runtime/src/plan.js";
import { Environment } from "../runtime/src/rl/environment.js";
import { rolloutSettingsOf, valueLearning, type ValueLearning } from "../runtime/src/rl/value-learning.js";
import { TrainingError } from "../runtime/src/tfjs/train/trainer.js";

/** The environment model a plan's `rollouts` block names, from the plans of its file; undefined for an ordinary run. */
export function environmentPlanOf(plan: Plan, plans: readonly Plan[]): Plan | undefined {
  const rollout = rolloutSettingsOf(plan.train[0]?.settings ?? {});
  if (!rollout) return undefined;
  const environment = plans.find((p) => p.model === rollout.environment);
  if (!environment)
    throw new TrainingError(
      `model ${plan.model} learns by rollouts in \`${rollout.environment}\`, which is not a model of its file (${plans.map((p) => p.model).join(", ")})`,
    );
  return environment;
}

export interface RolloutRun extends ValueLearning {
  /** Frees the environment's executor. */
  dispose(): void;
}

/**
 * Starts value learning for `q`: the environment's executor (its weights set by `loadEnvironment`,
 * then never trained), the interactive world for `seed`, the rollouts and the replay buffer.
 * Rollouts act with the executor's weights between steps, so only the tfjs engines train them.
 */
export function startRollouts(
  q: Executor,
  environmentPlan: Plan,
  settings: PlanSettings,
  seed: number,
  backend: string,
  loadEnvironment: (environment: Executor) => void,
): RolloutRun {
  if (backend === "torch")
    throw new TrainingError(
      `model ${q.plan.model} learns by rollouts, which run on the tfjs engines (cpu, wasm, ` +
        `webgpu): its policy acts between training steps; use --backend cpu or wasm`,
    );
  const rollout = rolloutSettingsOf(settings)!;
  const environment = new Executor(environmentPlan, seed);
  loadEnvironment(environment);
  const learning = valueLearning(q, new Environment(environment), openSessionWorld(rollout.world, seed, WORLDS, q.plan), settings, seed);
  return { ...learning, dispose: () => environment.dispose() };
}
