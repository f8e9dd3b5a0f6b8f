// Reference implementations of the RL ops (rules: compiler/src/ops/rl.ts): the categorical policy,
// sampling (deterministically: the most likely action, temperature → 0), the off-policy
// estimators, the greedy candidate, the fitted-Q target and the Polyak update. `reinforce` stops
// the gradient through its importance weight: with finite differences the interpreter hands it
// the unperturbed policy as `frozen`.

import { ips, snips } from "../../../../runtime/src/metrics/classification.js";
import { nanOnNonFinite } from "./metrics.js";
import { normalize } from "./reduction.js";
import { make, num, type Reference, type Tensor } from "./reference.js";

type Estimator = "reinforce" | "snips" | "ips";

const offPolicy =
  (estimator: Estimator): Reference =>
  (x, { node, shape, dim, frozen }) => {
    const [logp, action, reward, propensity] = x as [Tensor, Tensor, Tensor, Tensor];
    const actions = logp.shape[1]!;
    const rows = logp.shape[0]!;
    const weightPolicy = frozen ?? logp;
    const weight = (r: number) => Math.exp(weightPolicy.data[r * actions + action.data[r]!]!) / propensity.data[r]!;
    if (estimator === "reinforce") {
      const baseline =
        (node.attrs.get("baseline") as { value?: string } | undefined)?.value === "batch_mean" ? reward.data.reduce((p, q) => p + q, 0) / rows : 0;
      const clip = num(node.attrs.get("clip"), dim);
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const w = clip > 0 ? Math.min(weight(r), clip) : weight(r);
        total += w * (reward.data[r]! - baseline) * logp.data[r * actions + action.data[r]!]!;
      }
      return make(shape, () => -total / rows);
    }
    const weights = Array.from({ length: rows }, (_, r) => weight(r));
    return make(shape, () => (estimator === "snips" ? snips(weights, reward.data) : ips(weights, reward.data)));
  };

const logSoftmax = normalize(false);

export const RL_REFERENCE: Readonly<Record<string, Reference>> = {
  categorical: (x, ctx) => logSoftmax(x, { ...ctx, node: { ...ctx.node, attrs: new Map([["axis", { kind: "int", dim: { terms: new Map([["", -1]]) } }]]) } }),
  sample_categorical: ([p], { shape }) => {
    const n = p!.shape[1]!;
    return make(shape, (r) => {
      let best = 0;
      for (let j = 1; j < n; j++) if (p!.data[r * n + j]! > p!.data[r * n + best]!) best = j;
      return best;
    });
  },
  reinforce: offPolicy("reinforce"),
  snips: nanOnNonFinite(offPolicy("snips")),
  ips: nanOnNonFinite(offPolicy("ips")),
  argmax_among: ([scores, candidates], { shape }) => {
    const k = scores!.shape[scores!.shape.length - 1]!;
    return make(shape, (r) => {
      let best = 0;
      for (let j = 1; j < k; j++) if (scores!.data[r * k + j]! > scores!.data[r * k + best]!) best = j;
      return candidates!.data[r * k + best]!;
    });
  },
  td_target: ([reward, done, next], { node, shape, dim }) => {
    const gamma = num(node.attrs.get("gamma"), dim);
    const k = next!.shape[1]!;
    return make(shape, (r) => {
      let best = -Infinity;
      for (let j = 0; j < k; j++) best = Math.max(best, next!.data[r * k + j]!);
      return reward!.data[r]! + gamma * (1 - done!.data[r]!) * best;
    });
  },
  polyak: ([target, online], { node, shape, dim }) => {
    const tau = num(node.attrs.get("tau"), dim);
    return make(shape, (i) => (1 - tau) * target!.data[i]! + tau * online!.data[i]!);
  },
};
