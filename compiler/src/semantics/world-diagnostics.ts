// The prose of the world-contract code (REC2032): a model's inputs against the synthetic world
// its data names (semantics/world-check.ts), and of the constant inputs' sources (REC2034,
// semantics/constant-inputs.ts). Part of the semantic catalog
// (semantic-diagnostics.ts), kept apart so each file stays readable.

import { byCase, type CodeEntry } from "../diagnostics/code-entry.js";

const WORLDS_HELP = "`rec data worlds` lists every world with its fields; declare the input as the world feeds it";

export const WORLD_CODES: readonly CodeEntry[] = [
  {
    code: "REC2032",
    severity: "error",
    summary:
      "A model's inputs do not match the synthetic world its `data = synthetic(…)` names: an " +
      "unknown world or part, an input the world does not feed, another dtype or shape, or ids " +
      "the world draws beyond the input's id space.",
    example:
      "model M {\n  dims B\n  param segments = 2\n  input segment: id<segments>[B]\n  input ctr: " +
      "f32[B]\n  head h = ctr * 2.0 + cast(segment, f32)\n  loss l = mean(h)\n  train {\n    " +
      'data = synthetic("ad_auction")\n  }\n}\n',
    build: byCase({
      "unknown-world": (a) => ({
        message: `there is no synthetic world \`${a["world"]}\``,
        label: "no such data",
        help: `the worlds that give data are ${a["worlds"]} (\`rec data worlds\` lists their fields)`,
      }),
      interactive: (a) => ({
        message: `\`${a["world"]}\` is an interactive world, for rollouts (\`rollouts { world = … }\`), not a data set`,
        label: "no such data",
        help: `the worlds that give data are ${a["worlds"]} (\`rec data worlds\` lists their fields)`,
      }),
      "no-part": (a) => ({ message: `the world \`${a["world"]}\` has no part \`${a["part"]}\``, label: "no such part", help: `its parts are ${a["parts"]}` }),
      empty: (a) => ({
        message: `the world \`${a["world"]}\` needs \`${a["argument"]}\` of at least 1, not ${a["count"]}`,
        label: "an empty world",
        help: `give \`${a["argument"]}\` a positive number (its default is ${a["default"]})`,
      }),
      "not-fed": (a) => ({
        message: `the world \`${a["world"]}\` does not feed \`${a["input"]}\`; it feeds ${a["fields"]}`,
        label: "not fed by the world",
        help: WORLDS_HELP,
      }),
      "fed-whole": (a) => ({
        message: `the world \`${a["world"]}\` feeds \`${a["input"]}\` once, whole (a constant input)`,
        label: "a constant input",
        help: `declare it \`input ${a["input"]}: … constant\`: the world feeds it once, whole`,
      }),
      "fed-per-example": (a) => ({
        message: `the world \`${a["world"]}\` feeds \`${a["input"]}\` per example (a batched input)`,
        label: "a batched input",
        help: `remove \`constant\`: the world feeds \`${a["input"]}\` with every batch`,
      }),
      type: (a) => ({
        message: `the world \`${a["world"]}\` feeds \`${a["input"]}\` as ${a["fed"]}, but the model declares ${a["declared"]}`,
        label: `the world feeds ${a["fed"]}`,
        help: `declare \`${a["input"]}\` as the world feeds it (\`rec data worlds\` describes each field)`,
      }),
      "ids-beyond": (a) => ({
        message: `the world \`${a["world"]}\` draws \`${a["input"]}\` from ${a["range"]} ids, beyond the ${a["space"]} of its id space`,
        label: `ids up to ${Number(a["range"]) - 1}`,
        help: `give the id space ${a["range"]} ids, or ask the world for fewer (its arguments: ${a["arguments"]})`,
      }),
    }),
  },
  {
    code: "REC2034",
    severity: "error",
    summary:
      "Constant inputs (`input edges: id<items>[E] constant`, fed once, whole) and their source " +
      "disagree: `constants = …` that reads no data file or feeds no constant input, a constant " +
      "input mapped through a vocabulary, or a model reading batches from a file with no " +
      "`constants = …` file for its constant inputs.",
    example:
      'schema Pairs {\n  item_id: id<items> = column("item")\n}\n\nmodel M {\n  dims B, E\n  ' +
      "param items = 100\n  input item_id: id<items>[B]\n  input edge_item: id<items>[E] " +
      "constant\n  head h = cast(item_id, f32) + sum(cast(edge_item, f32))\n  loss l = mean(h)\n " +
      ' train {\n    data = csv("pairs.csv", schema = Pairs)\n  }\n}\n',
    build: byCase({
      "not-a-file": () => ({
        message: "`constants = …` reads a data file",
        label: "not a data file",
        help: 'write `constants = csv("graph.csv", schema = Edges)` (or `jsonl`, `parquet`): each row gives one element of every constant input',
      }),
      "feeds-nothing": (a) => ({
        message: `model ${a["model"]} has no constant input for \`constants = …\` to feed`,
        label: "feeds nothing",
        help: "declare the inputs the file holds `constant`, such as `input edge_src: id<items>[E] constant`",
      }),
      "fed-twice": (a) => ({
        message: `the constant input \`${a["input"]}\` is fed by two files`,
        label: "fed again",
        help: "each constant input comes from one constants file: drop the field from one of the schemas",
      }),
      vocabulary: (a) => ({
        message: `the constant input \`${a["input"]}\` cannot map its ids through a vocabulary`,
        label: "vocab = true",
        help: "a constants file holds the ids themselves, integers from 0 to the id space's size minus 1 (the ids the batches use)",
      }),
      "in-no-file": (a) => ({
        message: `the constant input \`${a["input"]}\` has no source`,
        label: "in no constants file",
        help: "give one of the constants files' schemas a field of its name",
      }),
      "no-source": (a) => ({
        message: `the constant input \`${a["input"]}\` has no source`,
        label: "fed by nothing",
        help: 'add `constants = csv("…", schema = S)` to the train block, a file whose rows hold the constant inputs (one element of each per row)',
      }),
    }),
  },
];
