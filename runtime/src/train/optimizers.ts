// Optimizers from plan configurations: sgd (with momentum), adam, adamw (Adam with decoupled
// weight decay, Loshchilov & Hutter 2019), adagrad. Each updates one group of variables.

import { numberArg, parseConfig, ConfigError } from "../config.js";
import { tf, type Tensor } from "../tf.js";

export interface GroupOptimizer {
  readonly description: string;
  setLearningRate(lr: number): void;
  readonly baseLearningRate: number;
  apply(grads: Map<tf.Variable, Tensor>): void;
}

export function makeOptimizer(text: string): GroupOptimizer {
  const config = parseConfig(text);
  const lr = numberArg(config, "lr", 1e-3);
  let inner: tf.Optimizer;
  let decay = 0;
  switch (config.name) {
    case "sgd": {
      const momentum = numberArg(config, "momentum", 0);
      inner = momentum ? tf.train.momentum(lr, momentum) : tf.train.sgd(lr);
      break;
    }
    case "adam":
    case "adamw":
      inner = tf.train.adam(lr, numberArg(config, "beta1", 0.9), numberArg(config, "beta2", 0.999), numberArg(config, "eps", 1e-8));
      decay = config.name === "adamw" ? numberArg(config, "weight_decay", 0.01) : 0;
      break;
    case "adagrad":
      inner = tf.train.adagrad(lr, numberArg(config, "initial_accumulator", 0.1));
      break;
    default:
      throw new ConfigError(`unknown optimizer \`${config.name}\` (use sgd, adam, adamw or adagrad)`);
  }
  let current = lr;
  return {
    description: text,
    baseLearningRate: lr,
    setLearningRate(value: number) {
      current = value;
      (inner as unknown as { learningRate: number }).learningRate = value;
    },
    apply(grads) {
      if (grads.size === 0) return;
      inner.applyGradients([...grads].map(([variable, tensor]) => ({ name: variable.name, tensor })));
      if (decay) for (const variable of grads.keys()) variable.assign(tf.mul(variable, 1 - current * decay));
    },
  };
}
