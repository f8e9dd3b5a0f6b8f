// Kernels of the RL ops (rules: stdlib/ops/rl.ts): the categorical policy, sampling and the off-policy estimators.

import { tf } from "../tf.js";
import { nanOnNonFinite } from "./metrics.js";
import { stopGradient, logSoftmax, lastAxisOneHotPick, type Kernel } from "./kernel.js";

function offPolicy(op: string): Kernel {
  return ([policy, action, reward, propensity], ctx) => {
    const logp = lastAxisOneHotPick(policy!, action!);
    const weight = tf.div(tf.exp(logp), propensity!);
    if (op === "reinforce") {
      const baseline = ctx.step.attrs["baseline"] === "batch_mean" ? tf.mean(reward!) : tf.scalar(0);
      const clip = Number(ctx.step.attrs["clip"] ?? 0);
      const w = stopGradient(clip > 0 ? tf.minimum(weight, clip) : weight);
      return tf.neg(tf.mean(tf.mul(tf.mul(w, tf.sub(reward!, baseline)), logp)));
    }
    const total = tf.sum(tf.mul(weight, reward!));
    if (op === "ips") return tf.div(total, reward!.shape[0]!);
    return tf.divNoNan(total, tf.sum(weight));
  };
}

export const RL_KERNELS: Readonly<Record<string, Kernel>> = {
  categorical: ([x]) => logSoftmax(x!, -1),
  // The Gumbel-max trick, argmax(logits / T + Gumbel noise), rather than tf.multinomial: tfjs's
  // cpu multinomial restarts its generator for every row, so all rows drew the same action.
  sample_categorical: ([p], ctx) => {
    const uniform = tf.randomUniform(p!.shape, 1e-7, 1, "float32", ctx.seed);
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniform))));
    return tf.argMax(tf.add(tf.div(p!, Number(ctx.step.attrs["temperature"] ?? 1)), gumbel), -1);
  },
  reinforce: offPolicy("reinforce"),
  snips: nanOnNonFinite(offPolicy("snips")),
  ips: nanOnNonFinite(offPolicy("ips")),
};
