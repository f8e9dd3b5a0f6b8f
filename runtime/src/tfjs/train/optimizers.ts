// Optimizers from plan configurations: sgd (with momentum), adam, adamw (Adam with decoupled
// weight decay, Loshchilov & Hutter 2019), adagrad. Each updates one group of variables.

import { numberArg, parseConfig, ConfigError } from "../../config.js";
import { tf, type Tensor } from "../tf.js";

export interface GroupOptimizer {
  readonly description: string;
  setLearningRate(lr: number): void;
  readonly baseLearningRate: number;
  apply(grads: Map<tf.Variable, Tensor>): void;
  /** The optimizer's own state (moments, accumulators, its step counter), for checkpoints. */
  state(): Promise<{ name: string; tensor: Tensor }[]>;
  restore(state: { name: string; tensor: Tensor }[]): Promise<void>;
}

/** Adam's bias-correction products, saved beside its moments. */
const RUNNING_PRODUCTS = ["accBeta1", "accBeta2"];

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
      throw new ConfigError(`unknown optimizer \`${config.name}\` (use sgd, adam, adamw or adagrad; rowwise_adagrad and lazy_adam for embedding tables)`);
  }
  let current = lr;
  return {
    description: text,
    baseLearningRate: lr,
    setLearningRate(value: number) {
      current = value;
      (inner as unknown as { learningRate: number }).learningRate = value;
    },
    // tfjs's Adam keeps β1^t and β2^t as running products but rebuilds them with pow() when
    // state is restored, which differs in the last bits; saving them keeps a resumed run exact.
    async state() {
      const products = RUNNING_PRODUCTS.filter((k) => k in inner).map((k) => ({ name: k, tensor: (inner as unknown as Record<string, tf.Variable>)[k]! }));
      return [...(await inner.getWeights()), ...products];
    },
    async restore(state) {
      await inner.setWeights(state.filter((w) => !RUNNING_PRODUCTS.includes(w.name)));
      for (const w of state) if (RUNNING_PRODUCTS.includes(w.name)) (inner as unknown as Record<string, tf.Variable>)[w.name]!.assign(w.tensor);
    },
    apply(grads) {
      if (grads.size === 0) return;
      inner.applyGradients([...grads].map(([variable, tensor]) => ({ name: variable.name, tensor })));
      if (decay) for (const variable of grads.keys()) variable.assign(tf.mul(variable, 1 - current * decay));
    },
  };
}
