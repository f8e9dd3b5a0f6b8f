// Torch lowerings of the RL ops (rules: stdlib/ops/rl.ts): the categorical policy, seeded
// sampling and the off-policy estimators (reinforce stops the gradient through its weight).

import { py, type TorchLowering } from "./lowering.js";

const estimator = (name: string): TorchLowering => (c) =>
  `R.off_policy(${JSON.stringify(name)}, ${c.inputs.join(", ")}${name === "reinforce" ? `, baseline=${py(c.step.attrs["baseline"] ?? null)}, clip=${py(c.step.attrs["clip"] ?? 0)}` : ""})`;

export const RL_TORCH: Readonly<Record<string, TorchLowering>> = {
  categorical: (c) => `torch.log_softmax(${c.inputs[0]}, dim=-1)`,
  sample_categorical: (c) => `R.sample_categorical(${c.inputs[0]}, ${py(c.step.attrs["temperature"] ?? 1)}, R.stream_seed(seed, ${c.step.id}))`,
  reinforce: estimator("reinforce"),
  snips: estimator("snips"),
  ips: estimator("ips"),
};
