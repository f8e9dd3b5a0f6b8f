// The prose of the world-contract code (REC2032): a model's inputs against the synthetic world
// its data names (semantics/world-check.ts), and of the constant inputs' sources (REC2034,
// semantics/constant-inputs.ts). Part of the semantic catalog
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
  {
    code: "REC2034",
    severity: "error",
    summary: "Constant inputs (`input edges: id<items>[E] constant`, fed once, whole) and their source disagree: `constants = …` that reads no data file or feeds no constant input, a constant input mapped through a vocabulary, or a model reading batches from a file with no `constants = …` file for its constant inputs.",
    example: "schema Pairs {\n  item_id: id<items> = column(\"item\")\n}\n\nmodel M {\n  dims B, E\n  param items = 100\n  input item_id: id<items>[B]\n  input edge_item: id<items>[E] constant\n  head h = cast(item_id, f32) + sum(cast(edge_item, f32))\n  loss l = mean(h)\n  train {\n    data = csv(\"pairs.csv\", schema = Pairs)\n  }\n}\n",
    build: (a) => ({
      message: String(a["message"]),
      label: String(a["label"] ?? "here"),
      help: String(a["help"] ?? ""),
    }),
  },
];
