// Torch lowerings of the RL ops (rules: compiler/src/ops/rl.ts): the categorical policy, seeded
// sampling, the off-policy estimators (reinforce stops the gradient through its weight), the
// greedy candidate, the fitted-Q target and the Polyak update.

import { py, type TorchLowering } from "./lowering.js";

const estimator =
  (name: string): TorchLowering =>
  (c) =>
    `R.off_policy(${py(name)}, ` +
    `${c.inputs.join(", ")}${name === "reinforce" ? `, baseline=${py(c.step.attrs["baseline"] ?? null)}, clip=${py(c.step.attrs["clip"] ?? 0)}` : ""})`;

export const RL_TORCH: Readonly<Record<string, TorchLowering>> = {
  categorical: (c) => `torch.log_softmax(${c.inputs[0]}, dim=-1)`,
  sample_categorical: (c) => `R.sample_categorical(${c.inputs[0]}, ${py(c.step.attrs["temperature"] ?? 1)}, R.stream_seed(seed, ${c.step.id}))`,
  reinforce: estimator("reinforce"),
  snips: estimator("snips"),
  ips: estimator("ips"),
  argmax_among: (c) => `torch.gather(${c.inputs[1]}, -1, torch.argmax(${c.inputs[0]}, dim=-1, keepdim=True))[..., 0]`,
  td_target: (c) => `(${c.inputs[0]} + ${py(c.step.attrs["gamma"])} * (1 - ${c.inputs[1]}) * torch.amax(${c.inputs[2]}, dim=-1))`,
  polyak: (c) => `((1 - ${py(c.step.attrs["tau"])}) * ${c.inputs[0]} + ${py(c.step.attrs["tau"])} * ${c.inputs[1]})`,
};
