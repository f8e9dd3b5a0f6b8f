// A train block as the torch process reads it. In: the executor's plan and the train block's
// settings. Out: the optimizer groups (weight names, optimizer kind, learning rate and the
// optimizer's arguments, parsed here so Python parses no .rec config text) and the rest of the
// training setup (loss weights, clipping, schedule).

import { numberArg, parseConfig } from "../config.js";
import type { Executor } from "../tfjs/executor.js";
import type { PlanSettings } from "../plan.js";
import { trainingSetup } from "../tfjs/train/trainer.js";

/** The optimizer groups as serve.py and train.py read them (lr and the optimizer's arguments). */
export function optimizerGroups(executor: Executor, settings: PlanSettings, steps: number) {
  const setup = trainingSetup(executor.plan, settings, steps);
  const groups = setup.groups.map((g) => {
    const config = parseConfig(g.optimizer);
    const number = (name: string, fallback: number) => numberArg(config, name, fallback);
    return {
      names: g.names,
      kind: config.name,
      sparse: g.sparse ?? false,
      lr: number("lr", 1e-3),
      momentum: number("momentum", 0),
      beta1: number("beta1", 0.9),
      beta2: number("beta2", 0.999),
      eps: number("eps", 1e-8),
      weight_decay: number("weight_decay", 0.01),
      // rowwise_adagrad and lazy_adam decay only when asked (adamw's default is 0.01).
      sparse_weight_decay: number("weight_decay", 0),
      initial_accumulator: number("initial_accumulator", config.name === "rowwise_adagrad" ? 0 : 0.1),
    };
  });
  return { setup, groups };
}
