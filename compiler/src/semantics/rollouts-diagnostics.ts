// The prose of the rollout codes (REC2030, REC2031): what checking a model that learns by
// rollouts against its environment reports (semantics/rollouts-check.ts). Part of the semantic
// catalog (semantic-diagnostics.ts), kept apart so each file stays readable.

import type { CodeEntry } from "../diagnostics/code-entry.js";

export const ROLLOUT_CODES: readonly CodeEntry[] = [
  {
    code: "REC2030",
    severity: "error",
    summary: "A `rollouts { … }` block whose environment is not one: the model it names is missing, lacks one of its parts (`action` and `response` inputs; `candidates`, `p_response`, `reward` and `p_continue` heads), gives a part of the wrong type, or changes a state field into another type (`next_<field>`).",
    example: "model Env {\n  dims S\n  input taste: f32[S, 4]\n  input action: id<10>[S]\n  input response: f32[S]\n  head candidates = as_ids(argmax(taste, axis = -1)[:, None], 10)\n  head p_response = sigmoid(sum(taste, axis = -1))\n  head reward = response\n  head next_taste = taste[:, 0]\n}\n\nmodel Q {\n  dims B, K\n  input taste: f32[B, 4]\n  input candidates: id<10>[B, K]\n  head q = sum(taste, axis = -1)[:, None] + cast(candidates, f32)\n  loss l = mean(q * q)\n  train {\n    rollouts { environment = \"Env\", world = synthetic(\"recomind_sessions\") }\n  }\n}\n",
    build: (a) => ({
      message: `the environment \`${a["environment"]}\` ${a["why"]}`,
      label: String(a["label"] ?? "not an environment's part"),
      help: String(a["help"] ?? "an environment is a model with inputs `action: id<items>[S]` and `response: f32[S]` beside its state fields, and heads `candidates: id<items>[S, K]`, `p_response`, `reward` and `p_continue` (f32[S]) and `next_<field>` for each state field that changes (spec/language.md §3.9)"),
    }),
  },
  {
    code: "REC2031",
    severity: "error",
    summary: "A model that learns by rollouts reads an input no transition holds, or holds with another type: transitions hold the environment's state fields and `next_<field>`, `action`, `reward`, `done`, `candidates` and `next_candidates`; or it lacks the head `q` its policy acts on.",
    example: "model Env {\n  dims S\n  param k = 2\n  input taste: f32[S, 4]\n  input action: id<10>[S]\n  input response: f32[S]\n  let (_v, top) = topk(taste, k)\n  head candidates = as_ids(top, 10)\n  head p_response = sigmoid(sum(taste, axis = -1))\n  head reward = response\n  head p_continue = sigmoid(sum(taste, axis = -1) + cast(action, f32))\n}\n\nmodel Q {\n  dims B, K\n  input taste: f32[B, 4]\n  input clicks: f32[B]\n  input candidates: id<10>[B, K]\n  head q = sum(taste, axis = -1)[:, None] + cast(candidates, f32) + clicks[:, None]\n  loss l = mean(q * q)\n  train {\n    rollouts { environment = \"Env\", world = synthetic(\"recomind_sessions\") }\n  }\n}\n",
    build: (a) => ({
      message: String(a["message"]),
      label: String(a["label"] ?? "not in a transition"),
      help: String(a["help"] ?? "read the state by the environment's field names, the next state as `next_<field>`, and `action`, `reward`, `done`, `candidates`, `next_candidates` (spec/language.md §3.9)"),
    }),
  },
];
