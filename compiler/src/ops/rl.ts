// Reinforcement-learning ops: a categorical policy, sampling from it, off-policy estimators
// and losses from logged (action, reward, propensity) triples, and the value-learning ops of
// rollouts in an environment: the greedy candidate of a candidate set, the fitted-Q target and
// the soft (Polyak) target-network update.

import { constDim, mulDims, printDim } from "../types/dims.js";
import { dtypeName, numel, printShape, scalarType, tensorType } from "../types/tensor-type.js";
import { elementwiseCost, exact, FALSE, float, p, requireDType, requireRank, shapesAgree, str, tensorArg } from "./helpers.js";
import type { OpContext, OpDef, OpTensor } from "./types.js";

const categorical: OpDef = {
  name: "categorical",
  category: "rl",
  doc: "categorical(logits): a policy over the last axis, represented by its log-probabilities log_softmax(logits).",
  params: [p("logits", "tensor")],
  infer(args, ctx) {
    const logits = tensorArg(args, "logits");
    requireDType("categorical", logits.type, ["f32"], ctx, "logits");
    requireRank("categorical", logits.type, 1, ctx, "logits");
    return logits.type;
  },
  cost: (inputs) => ({ flops: mulDims(constDim(5), numel(inputs[0]!.shape)) }),
};

const sampleCategorical: OpDef = {
  name: "sample_categorical",
  category: "rl",
  impure: true,
  doc:
    "sample_categorical(policy, temperature = 1.0): one action per row drawn from a policy's " +
    "log-probabilities f32[B, A] (seeded), as ids of a space of A; exploration for RL.",
  params: [p("policy", "tensor"), p("temperature", "float", float(1))],
  infer(args, ctx) {
    const policy = tensorArg(args, "policy");
    requireRank("sample_categorical", policy.type, 2, ctx, "policy", 2);
    return tensorType("id", [policy.type.shape[0]!], { name: "", size: policy.type.shape[1]! });
  },
  cost: (inputs) => ({ flops: mulDims(constDim(3), numel(inputs[0]!.shape)) }),
};

/** Checks a (policy log-probs, action ids) pair: f32[B, A] with ids of a space of A ids. */
function policyAndAction(op: string, policy: OpTensor, action: OpTensor, ctx: OpContext) {
  requireRank(op, policy.type, 2, ctx, "policy", 2);
  if (action.type.dtype !== "id") ctx.fail("REC2002", { op, case: "action", found: dtypeName(action.type) }, "action");
  const actions = policy.type.shape[1]!;
  if (!ctx.unifier.unify(action.type.space!.size, actions)) {
    ctx.fail(
      "REC2005",
      {
        case: "actions",
        found: action.type.space!.name,
        wanted: printDim(ctx.unifier.resolve(actions)),
        size: printDim(ctx.unifier.resolve(action.type.space!.size)),
      },
      "action",
    );
  }
  if (action.type.shape.length !== 1 || !ctx.unifier.unify(action.type.shape[0]!, policy.type.shape[0]!)) {
    ctx.fail("REC2001", { op, left: printShape(policy.type.shape), right: printShape(action.type.shape), case: "actions" }, "action");
  }
}

function offPolicy(name: string, doc: string, withBaseline: boolean): OpDef {
  return {
    name,
    category: "rl",
    doc,
    params: [
      p("policy", "tensor"),
      p("action", "tensor"),
      p("reward", "tensor"),
      p("propensity", "tensor"),
      ...(withBaseline ? [p("baseline", "string", str("none")), p("clip", "float", { kind: "float", value: 0 })] : [p("self_normalize", "bool", FALSE)]),
    ],
    infer(args, ctx) {
      const policy = tensorArg(args, "policy");
      policyAndAction(name, policy, tensorArg(args, "action"), ctx);
      for (const k of ["reward", "propensity"]) {
        const v = tensorArg(args, k);
        requireDType(name, v.type, ["f32"], ctx, k);
        if (v.type.shape.length !== 1 || !ctx.unifier.unify(v.type.shape[0]!, policy.type.shape[0]!)) {
          ctx.fail("REC2001", { op: name, left: printShape(policy.type.shape), right: printShape(v.type.shape), case: "per-row", first: k }, k);
        }
      }
      return scalarType();
    },
    cost: (inputs) => ({ flops: mulDims(constDim(6), numel(inputs[0]!.shape)) }),
  };
}

/** Fails with REC2001 unless `b` has exactly `a`'s shape. */
/** `why`: a key of REC2001's catalog entry saying why the two must agree. */
function sameShape(op: string, a: OpTensor, b: OpTensor, ctx: OpContext, names: [string, string], why: string): void {
  if (!shapesAgree(ctx, a.type.shape, b.type.shape))
    ctx.fail("REC2001", { op, left: printShape(a.type.shape), right: printShape(b.type.shape), case: why }, names[1]);
}

const argmaxAmong: OpDef = {
  name: "argmax_among",
  category: "rl",
  doc:
    "argmax_among(scores, candidates): in each row, the id of the candidate with the highest " +
    "score (the first on ties) — scores f32[..., K] of candidates id<N>[..., K] give ids " +
    "id<N>[...] of the candidates' space. The greedy action over a candidate set; no gradient.",
  params: [p("scores", "tensor"), p("candidates", "tensor")],
  infer(args, ctx) {
    const scores = tensorArg(args, "scores");
    const candidates = tensorArg(args, "candidates");
    requireDType("argmax_among", scores.type, ["f32"], ctx, "scores");
    requireRank("argmax_among", scores.type, 1, ctx, "scores");
    if (candidates.type.dtype !== "id")
      ctx.fail(
        "REC2002",
        {
          op: "argmax_among",
          case: "candidates",
          found: dtypeName(candidates.type),
        },
        "candidates",
      );
    sameShape("argmax_among", scores, candidates, ctx, ["scores", "candidates"], "candidates");
    return tensorType("id", scores.type.shape.slice(0, -1), candidates.type.space!);
  },
  cost: elementwiseCost(1),
};

const tdTarget: OpDef = {
  name: "td_target",
  category: "rl",
  doc:
    "td_target(reward, done, next_values, gamma): the fitted-Q target r + γ·(1 − done)·max_k " +
    "next_values, for reward f32[B], done f32[B] (1 where the episode ended at this step) and " +
    "next_values f32[B, K] (a target network's values of the next state's K candidates). " +
    "Gradients flow as written: TD learning wraps it in `stop_gradient`.",
  params: [p("reward", "tensor"), p("done", "tensor"), p("next_values", "tensor"), p("gamma", "float")],
  infer(args, ctx) {
    const reward = tensorArg(args, "reward");
    const done = tensorArg(args, "done");
    const next = tensorArg(args, "next_values");
    for (const [name, t] of [
      ["reward", reward],
      ["done", done],
      ["next_values", next],
    ] as const)
      requireDType("td_target", t.type, ["f32"], ctx, name);
    requireRank("td_target", reward.type, 1, ctx, "reward", 1);
    sameShape("td_target", reward, done, ctx, ["reward", "done"], "done");
    requireRank("td_target", next.type, 2, ctx, "next_values", 2);
    if (!ctx.unifier.unify(next.type.shape[0]!, reward.type.shape[0]!))
      ctx.fail("REC2001", { op: "td_target", left: printShape(reward.type.shape), right: printShape(next.type.shape), case: "next-values" }, "next_values");
    return reward.type;
  },
  cost: (inputs) => ({ flops: mulDims(constDim(2), numel(inputs[2]!.shape)) }),
};

const polyak: OpDef = {
  name: "polyak",
  category: "rl",
  doc:
    "polyak(target, online, tau): the soft target-network update (1 − τ)·target + τ·online of " +
    "two weights of one shape; `rollouts { polyak = τ }` applies it to every `reference` copy " +
    "after each step.",
  params: [p("target", "tensor"), p("online", "tensor"), p("tau", "float")],
  infer(args, ctx) {
    const target = tensorArg(args, "target");
    const online = tensorArg(args, "online");
    requireDType("polyak", target.type, ["f32"], ctx, "target");
    requireDType("polyak", online.type, ["f32"], ctx, "online");
    sameShape("polyak", target, online, ctx, ["target", "online"], "polyak");
    return target.type;
  },
  cost: elementwiseCost(3),
};

export const RL_OPS: readonly OpDef[] = [
  argmaxAmong,
  tdTarget,
  polyak,
  categorical,
  sampleCategorical,
  {
    ...offPolicy(
      "reinforce",
      'reinforce(policy, action, reward, propensity, baseline = "none", clip = 0): off-policy ' +
        'REINFORCE, −mean((π/μ)(r − b) log π(a|s)); `baseline` is "none" or "batch_mean", ' +
        "`clip` caps the importance weight when positive.",
      true,
    ),
    stopsGradient: true,
  },
  exact(
    offPolicy(
      "snips",
      "snips(policy, action, reward, propensity): the self-normalized IPS estimate Σ (π/μ) r / Σ " +
        "(π/μ) of the policy's value, over the whole evaluation set.",
      false,
    ),
  ),
  offPolicy("ips", "ips(policy, action, reward, propensity): the IPS estimate mean((π/μ) r) of the policy's value.", false),
];
