// Kernels of the RL ops (rules: compiler/src/ops/rl.ts): the categorical policy, sampling, the
// off-policy estimators, the greedy candidate, the fitted-Q target and the Polyak update.

import { tf, type Tensor } from "../tf.js";
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

/** (1 − τ)·target + τ·online: the `polyak` op, and the soft target-network update of rollouts (runtime/src/rl/). */
export function polyakAverage(target: Tensor, online: Tensor, tau: number): Tensor {
  return tf.tidy(() => tf.add(tf.mul(target, 1 - tau), tf.mul(online, tau)));
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
  // The candidate at the best score's position; ids carry no gradient.
  argmax_among: ([scores, candidates]) => {
    const k = scores!.shape[scores!.shape.length - 1]!;
    const rows = scores!.size / k;
    const best = tf.argMax(tf.reshape(scores!, [rows, k]), -1);
    const picked = lastAxisOneHotPick(tf.cast(tf.reshape(candidates!, [rows, k]), "float32"), best);
    return tf.reshape(tf.cast(tf.round(picked), "int32"), scores!.shape.slice(0, -1));
  },
  td_target: ([reward, done, next], ctx) => tf.add(reward!, tf.mul(tf.mul(Number(ctx.step.attrs["gamma"]), tf.sub(1, done!)), tf.max(next!, -1))),
  polyak: ([target, online], ctx) => polyakAverage(target!, online!, Number(ctx.step.attrs["tau"])),
};
