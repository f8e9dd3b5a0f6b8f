// Reinforcement-learning ops: a categorical policy, sampling from it, and off-policy estimators
// and losses from logged (action, reward, propensity) triples.

import { constDim, mulDims, printDim } from "../../compiler/src/types/dims.js";
import { dtypeName, numel, printShape, scalarType, tensorType } from "../../compiler/src/types/tensor-type.js";
import { exact, FALSE, float, p, requireDType, requireRank, str, tensorArg } from "./helpers.js";
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
  doc: "sample_categorical(policy, temperature = 1.0): one action per row drawn from a policy's log-probabilities f32[B, A] (seeded), as ids of a space of A; exploration for RL.",
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
  if (action.type.dtype !== "id") ctx.fail("REC2002", { op, found: dtypeName(action.type), expected: "action ids", help: "declare the logged action as `id<actions>[B]`" }, "action");
  const actions = policy.type.shape[1]!;
  if (!ctx.unifier.unify(action.type.space!.size, actions)) {
    ctx.fail("REC2005", {
      found: action.type.space!.name,
      expectedPhrase: `one of the policy's ${printDim(ctx.unifier.resolve(actions))} actions is expected`,
      help: `give the policy one output per action (${printDim(ctx.unifier.resolve(action.type.space!.size))})`,
      detail: `the policy has ${printDim(ctx.unifier.resolve(actions))} actions but \`${action.type.space!.name}\` has ${printDim(ctx.unifier.resolve(action.type.space!.size))}`,
    }, "action");
  }
  if (action.type.shape.length !== 1 || !ctx.unifier.unify(action.type.shape[0]!, policy.type.shape[0]!)) {
    ctx.fail("REC2001", { op, left: printShape(policy.type.shape), right: printShape(action.type.shape), detail: "one action per row of the policy" }, "action");
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
          ctx.fail("REC2001", { op: name, left: printShape(policy.type.shape), right: printShape(v.type.shape), detail: `\`${k}\` needs one value per row of the policy` }, k);
        }
      }
      return scalarType();
    },
    cost: (inputs) => ({ flops: mulDims(constDim(6), numel(inputs[0]!.shape)) }),
  };
}

export const RL_OPS: readonly OpDef[] = [
  categorical,
  sampleCategorical,
  { ...offPolicy("reinforce", "reinforce(policy, action, reward, propensity, baseline = \"none\", clip = 0): off-policy REINFORCE, −mean((π/μ)(r − b) log π(a|s)); `baseline` is \"none\" or \"batch_mean\", `clip` caps the importance weight when positive.", true), stopsGradient: true },
  exact(offPolicy("snips", "snips(policy, action, reward, propensity): the self-normalized IPS estimate Σ (π/μ) r / Σ (π/μ) of the policy's value, over the whole evaluation set.", false)),
  offPolicy("ips", "ips(policy, action, reward, propensity): the IPS estimate mean((π/μ) r) of the policy's value.", false),
];
