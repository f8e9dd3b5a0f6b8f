// The prose of the module-state code (REC2033): `update name = …` statements against the
// `state` declarations of their module (semantics/calls.ts runBody). Part of the semantic
// catalog (semantic-diagnostics.ts), kept apart so each file stays readable.

import { byCase, type CodeEntry } from "../diagnostics/code-entry.js";

export const STATE_CODES: readonly CodeEntry[] = [
  {
    code: "REC2033",
    severity: "error",
    summary:
      "An `update` statement names something that is not a `state` of its module, gives it a " +
      "value of another type, or updates one state twice in a step (a stateful block called " +
      "twice: give each call its own instance).",
    example:
      "module Counter {\n  weight seen: f32[] = zeros()\n\n  fn (x: f32[B]) -> f32[B] {\n    " +
      "update seen = seen + 1.0\n    x\n  }\n}\n\nmodel M {\n  dims B\n  input x: f32[B]\n  let " +
      "counter = Counter()\n  head h = counter(x)\n  loss l = mean(h)\n}\n",
    build: byCase({
      "not-a-state": (a) => ({
        message: `\`${a["name"]}\` is not a state of this module`,
        label: "only a `state` can be updated",
        help: "declare it in the module with `state name: T = init` and update it with a value of that type",
      }),
      type: (a) => ({
        message: `the state \`${a["name"]}\` is ${a["state"]}, its update ${a["found"]}`,
        label: "another type",
        help: "an update keeps the state's dtype and shape (reduce over the batch: `mean(x, axis = 0)`)",
      }),
      twice: (a) => ({
        message: `the state \`${a["name"]}\` is updated twice in one step`,
        label: "second update",
        help: "a stateful block called twice updates its state twice: give each call its own instance",
      }),
    }),
  },
];
