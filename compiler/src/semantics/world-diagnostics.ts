// The prose of the world-contract code (REC2032): a model's inputs against the synthetic world
// its data names (semantics/world-check.ts). Part of the semantic catalog
// (semantic-diagnostics.ts), kept apart so each file stays readable.

import type { CodeEntry } from "../diagnostics/code-entry.js";

export const WORLD_CODES: readonly CodeEntry[] = [
  {
    code: "REC2032",
    severity: "error",
    summary: "A model's inputs do not match the synthetic world its `data = synthetic(…)` names: an unknown world or part, an input the world does not feed, another dtype or shape, or ids the world draws beyond the input's id space.",
    example: "model M {\n  dims B\n  param segments = 2\n  input segment: id<segments>[B]\n  input ctr: f32[B]\n  head h = ctr * 2.0 + cast(segment, f32)\n  loss l = mean(h)\n  train {\n    data = synthetic(\"ad_auction\")\n  }\n}\n",
    build: (a) => ({
      message: String(a["message"]),
      label: String(a["label"] ?? "not what the world feeds"),
      help: String(a["help"] ?? "`rec data worlds` lists every world with its fields; declare the input as the world feeds it"),
    }),
  },
];
