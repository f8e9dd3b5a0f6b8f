// The prose of the rollout codes (REC2030, REC2031): what checking a model that learns by
// rollouts against its environment reports (semantics/rollouts-check.ts). Part of the semantic
// catalog (semantic-diagnostics.ts), kept apart so each file stays readable.

import { byCase, type CodeEntry } from "../diagnostics/code-entry.js";

const ENVIRONMENT_HELP =
  "an environment is a model with inputs `action: id<items>[S]` and `response: f32[S]` beside its state fields, and heads " +
  ("`candidates: id<items>[S, K]`, `p_response`, `reward` and `p_continue` (f32[S]) and " +
    "`next_<field>` for each state field that changes (spec/language.md §3.9)");
const TRANSITION_HELP =
  "read the state by the environment's field names, the next state as `next_<field>`, and " +
  "`action`, `reward`, `done`, `candidates`, `next_candidates` (spec/language.md §3.9)";

/** Each part of an environment: its declaration and what it means. */
const PARTS: Readonly<Record<string, readonly [declared: string, meaning: string]>> = {
  action: ["the input `action: id<items>[S]`", "one item of the catalogue per session"],
  response: ["the input `response: f32[S]`", "1 where the user responded"],
  candidates: ["the head `candidates: id<items>[S, K]`", "a state's candidate items"],
  p_response: ["the head `p_response: f32[S]`", "the probability of a response to the shown item"],
  reward: ["the head `reward: f32[S]`", "the reward of each session's step"],
  p_continue: ["the head `p_continue: f32[S]`", "the probability that the session continues"],
};

export const ROLLOUT_CODES: readonly CodeEntry[] = [
  {
    code: "REC2030",
    severity: "error",
    summary:
      "A `rollouts { … }` block whose environment is not one: the model it names is missing, " +
      "lacks one of its parts (`action` and `response` inputs; `candidates`, `p_response`, " +
      "`reward` and `p_continue` heads), gives a part of the wrong type, or changes a state " +
      "field into another type (`next_<field>`).",
    example:
      "model Env {\n  dims S\n  input taste: f32[S, 4]\n  input action: id<10>[S]\n  input " +
      "response: f32[S]\n  head candidates = as_ids(argmax(taste, axis = -1)[:, None], 10)\n  " +
      "head p_response = sigmoid(sum(taste, axis = -1))\n  head reward = response\n  head " +
      "next_taste = taste[:, 0]\n}\n\nmodel Q {\n  dims B, K\n  input taste: f32[B, 4]\n  input " +
      "candidates: id<10>[B, K]\n  head q = sum(taste, axis = -1)[:, None] + cast(candidates, " +
      'f32)\n  loss l = mean(q * q)\n  train {\n    rollouts { environment = "Env", world = ' +
      'synthetic("recomind_sessions") }\n  }\n}\n',
    build: byCase({
      unnamed: () => ({
        message: "the environment is not named",
        label: "no such model",
        help: 'add `environment = "<model>"`, the model whose heads are the simulator',
      }),
      missing: (a) => ({
        message: `the environment \`${a["environment"]}\` is not a model of this file`,
        label: "no such model",
        help: `the models are ${a["models"]}`,
      }),
      "no-world": (a) => ({
        message: `the environment \`${a["environment"]}\` has no world to start sessions in`,
        label: "no `world`",
        help: 'add `world = synthetic("<world>", …)`: the interactive world whose users the sessions start from (`rec data worlds` lists them)',
      }),
      part: (a) => {
        const [declared, meaning] = PARTS[a["part"]!] ?? [`\`${a["part"]}\``, "a part of every environment"];
        const found = a["found"] ? `, not ${a["found"]}` : "";
        return {
          message: `the environment \`${a["environment"]}\` needs ${declared}: ${meaning}${found}`,
          label: "not an environment's part",
          help: ENVIRONMENT_HELP,
        };
      },
      spaces: (a) => ({
        message:
          `the environment \`${a["environment"]}\` proposes candidates of ${a["candidates"]} items ` +
          `but its action is an id of ${a["actions"]}: both are ids of the catalogue`,
        label: "not an environment's part",
        help: ENVIRONMENT_HELP,
      }),
      orphan: (a) => ({
        message: `the environment \`${a["environment"]}\` has the transition \`${a["transition"]}\` but no state field \`${a["field"]}\` it updates`,
        label: "not an environment's part",
        help: ENVIRONMENT_HELP,
      }),
      changes: (a) => ({
        message: `the environment \`${a["environment"]}\` changes the state field \`${a["field"]}\` ${a["from"]} into ${a["to"]}`,
        label: "not an environment's part",
        help: ENVIRONMENT_HELP,
      }),
    }),
  },
  {
    code: "REC2031",
    severity: "error",
    summary:
      "A model that learns by rollouts reads an input no transition holds, or holds with another " +
      "type: transitions hold the environment's state fields and `next_<field>`, `action`, " +
      "`reward`, `done`, `candidates` and `next_candidates`; or it lacks the head `q` its policy " +
      "acts on.",
    example:
      "model Env {\n  dims S\n  param k = 2\n  input taste: f32[S, 4]\n  input action: " +
      "id<10>[S]\n  input response: f32[S]\n  let (_v, top) = topk(taste, k)\n  head candidates " +
      "= as_ids(top, 10)\n  head p_response = sigmoid(sum(taste, axis = -1))\n  head reward = " +
      "response\n  head p_continue = sigmoid(sum(taste, axis = -1) + cast(action, " +
      "f32))\n}\n\nmodel Q {\n  dims B, K\n  input taste: f32[B, 4]\n  input clicks: f32[B]\n  " +
      "input candidates: id<10>[B, K]\n  head q = sum(taste, axis = -1)[:, None] + " +
      "cast(candidates, f32) + clicks[:, None]\n  loss l = mean(q * q)\n  train {\n    rollouts " +
      '{ environment = "Env", world = synthetic("recomind_sessions") }\n  }\n}\n',
    build: byCase({
      "not-held": (a) => ({
        message: `\`${a["input"]}\` is not in a transition of ${a["environment"]}: ${a["model"]} learns from transitions alone`,
        label: "no transition holds it",
        help: TRANSITION_HELP,
      }),
      type: (a) => ({
        message: `transitions hold \`${a["input"]}\` as ${a["held"]}, but ${a["model"]} declares ${a["declared"]}`,
        label: "another type",
        help: `declare it as \`${a["held"]}\``,
      }),
      "no-q": (a) => ({
        message:
          `${a["model"]} learns by rollouts but has no head \`q: f32[B, ` +
          `K]\`${a["found"] ? ` (it is ${a["found"]})` : ""}: the values of a state's candidates ` +
          `that its policy acts on`,
        label: "no `q` head",
        help: "add `head q = …`, scoring the `candidates` input",
      }),
    }),
  },
];
