// The generic worlds, which serve any model of their shape rather than one paper: latent_factor
// (retrieval and ranking), logged_bandit (off-policy learning) and interaction_graph (graph
// models). Each is one record (world.ts): contract, defaults and generators. In: the resolved
// arguments. Out: batches and constants as columns.

import { interactionGraphConstants, interactionGraphWorld } from "./graph-world.js";
import { latentFactorWorld, loggedBanditWorld } from "./synthetic.js";
import { arg, f32, hidden, ids, mask, modelArg, SEED_ARGS, whole, wholeExamples, type GeneratedWorld, type WorldArgs } from "./world.js";
import { rowKeys } from "./columns.js";
import { buildInteractionGraph } from "./interaction-graph.js";

const latentFactor: GeneratedWorld = {
  name: "latent_factor",
  kind: "generated",
  doc:
    "users and items with latent vectors (items around cluster centres, Zipf popularity); a " +
    "history of engaged items and the next item drawn by the same preference",
  args: [
    ...SEED_ARGS,
    modelArg("users", "users", "user_id", 1000),
    modelArg("items", "items", "arg:target", 1000),
    arg("target", "item_id", "the input the next item feeds"),
    modelArg("history_length", "history length", "history", 10, 1),
  ],
  fields: [
    ids("user_id", [], "users", "the user"),
    ids("history", ["model"], "items", "items engaged with, padded with 0"),
    mask("history_mask", ["model"], "true where the history has an item"),
    ids("arg:target", [], "items", "the next item"),
    f32("item_logq", [], "log of the next item's sampling probability × batch size, for logQ correction"),
  ],
  separation: {
    hidden: [
      hidden("latent user and item vectors, cluster centres, popularity", "training", "every split's examples are drawn from them"),
      hidden("held-out examples", "evaluation", "fresh (user, history, next item) draws by the held-out streams' seeds"),
    ],
    unit: "a whole example",
    items: wholeExamples(),
  },
  stream: (args, streamSeed) =>
    latentFactorWorld({
      users: args.number("users"),
      items: args.number("items"),
      historyLength: args.number("history_length"),
      target: args.string("target"),
      worldSeed: args.worldSeed,
      streamSeed,
    }),
};

const loggedBandit: GeneratedWorld = {
  name: "logged_bandit",
  kind: "generated",
  doc: "contexts in 3 segments, uniformly logged actions with click, long-click and spend outcomes",
  args: [...SEED_ARGS, modelArg("actions", "actions", "action", 27)],
  fields: [
    f32("state", [32], "the context"),
    ids("action", [], "actions", "the logged action"),
    f32("click", [], "click outcome"),
    f32("long_click", [], "long-click outcome"),
    f32("spend", [], "spend outcome"),
    f32("logging_prob", [], "the logging policy's probability of the action (1 / actions)"),
  ],
  separation: {
    hidden: [
      hidden("the segments' outcome model", "training", "the logged outcomes are drawn from it"),
      hidden("held-out contexts", "evaluation", "fresh contexts and logged actions by the held-out streams' seeds"),
    ],
    unit: "a whole example",
    items: wholeExamples(),
  },
  stream: (args, streamSeed) => loggedBanditWorld({ actions: args.number("actions"), worldSeed: args.worldSeed, streamSeed }),
};

const graphSizes = (args: WorldArgs) => ({ users: args.number("users"), items: args.number("items"), edges: args.number("edges"), worldSeed: args.worldSeed });

const interactionGraph: GeneratedWorld = {
  name: "interaction_graph",
  kind: "generated",
  doc:
    "a user–item interaction graph for graph models: the graph's edges fed once, whole, as " +
    "constant inputs (LightGCN-normalized), training pairs from the graph, held-out pairs " +
    "removed from it",
  args: [
    ...SEED_ARGS,
    modelArg("users", "users", "user_id", 2000),
    modelArg("items", "items", "item_id", 1000),
    arg("edges", 100_000, "interactions in the graph (a ninth more are held out)"),
  ],
  fields: [
    ids("user_id", [], "users", "a user of an interaction"),
    ids("item_id", [], "items", "the item of that interaction"),
    whole(ids("edge_user", ["edges"], "users", "the graph's edges: users")),
    whole(ids("edge_item", ["edges"], "items", "the graph's edges: items")),
    whole(f32("edge_weight", ["edges"], "1 / √(deg(user) · deg(item))")),
  ],
  separation: {
    hidden: [
      hidden("user clusters and item popularity", "training", "the graph's and the held-out interactions' draws"),
      hidden("held-out interactions", "evaluation", "user–item pairs the graph lacks: held-out batches only"),
    ],
    unit: "a user–item pair",
    items: (examples) => rowKeys(examples, ["user_id", "item_id"]),
    heldOut: (args) => {
      const graph = buildInteractionGraph(graphSizes(args));
      return Array.from(graph.heldOutUsers, (user, e) => `${user}|${graph.heldOutItems[e]}`);
    },
  },
  stream: (args, streamSeed, split) => interactionGraphWorld({ ...graphSizes(args), streamSeed, split }),
  constants: (args) => interactionGraphConstants(graphSizes(args)),
};

export const GENERIC_WORLDS: readonly GeneratedWorld[] = [latentFactor, loggedBandit, interactionGraph];
