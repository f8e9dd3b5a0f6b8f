// What every synthetic world feeds, declared like the op registry: each world's arguments and
// fields — names, dtypes, per-example shapes and, for ids, the range the world draws them from.
// The checker verifies a model's inputs against the world its `data = synthetic(…)` names
// (compiler/src/semantics/world-check.ts, REC2032), `rec data worlds` lists them, and
// test/world-contracts.test.ts generates a batch of every world and checks it against its
// declaration, so the two cannot drift. Imports nothing, so the compiler reads it without the engine.

/**
 * A size in a contract: a number; an argument of `synthetic(…)` by name (its default below, or
 * the model's own size when the default is `model`); or `model`: the world follows whatever the
 * model declares for that input (a history length read from the plan).
 */
export type WorldSize = number | string;

export interface WorldArg {
  readonly name: string;
  /** A number, a string, or `model`: the size the model declares (for an id space, the input's). */
  readonly default: number | string;
  readonly doc: string;
}

export interface WorldField {
  /** The input it feeds; `arg:<name>` when an argument names it (latent_factor's `target`). */
  readonly name: string;
  readonly dtype: "f32" | "id" | "bool";
  /** Per example; with `whole`, the full shape (a table fed as it is, not one row per example). */
  readonly shape: readonly WorldSize[];
  /** For ids: the world draws them below this. */
  readonly ids?: WorldSize;
  /** Fed once, whole, rather than per example: the model declares it a constant input (`input … constant`). */
  readonly whole?: boolean;
  readonly doc: string;
}

export interface WorldContract {
  readonly name: string;
  /** `generated`: an endless stream; `finite`: examples made up front (epochs); `interactive`: sessions for rollouts. */
  readonly kind: "generated" | "finite" | "interactive";
  readonly doc: string;
  readonly args: readonly WorldArg[];
  /** The fields, or per `part` (the argument that picks one of the world's data sets) its fields. */
  readonly fields: readonly WorldField[] | { readonly [part: string]: readonly WorldField[] };
}

const f32 = (name: string, shape: WorldSize[], doc: string): WorldField => ({ name, dtype: "f32", shape, doc });
const ids = (name: string, shape: WorldSize[], range: WorldSize, doc: string): WorldField => ({ name, dtype: "id", shape, ids: range, doc });
const mask = (name: string, shape: WorldSize[], doc: string): WorldField => ({ name, dtype: "bool", shape, doc });
const arg = (name: string, value: number | string, doc: string): WorldArg => ({ name, default: value, doc });

const SEED_ARGS = [arg("seed", 0, "the world's seed"), arg("world_per_seed", "false", "true: the run's seed also draws a new world")];
/** OmniSearchSage's pairs of one task: `<task>_query` (4 tokens), its mask, `<task>_target` (an id of `targets`). */
const searchPairFields = (task: string, targets: WorldSize, queryDoc: string, targetDoc: string): WorldField[] => [
  ids(`${task}_query`, [4], "vocabulary", queryDoc),
  mask(`${task}_query_mask`, [4], "true where the query has a token"),
  ids(`${task}_target`, [], targets, targetDoc),
];
const FINITE_ARGS = (train: number, test: number) => [...SEED_ARGS, arg("train_examples", train, "training examples"), arg("test_examples", test, "held-out examples")];

export const WORLD_CONTRACTS: readonly WorldContract[] = [
  {
    name: "latent_factor",
    kind: "generated",
    doc: "users and items with latent vectors (items around cluster centres, Zipf popularity); a history of engaged items and the next item drawn by the same preference",
    args: [...SEED_ARGS, arg("users", "model", "users (default: the `user_id` input's space)"), arg("items", "model", "items (default: the target input's space)"), arg("target", "item_id", "the input the next item feeds"), arg("history_length", "model", "history length (default: the `history` input's)")],
    fields: [
      ids("user_id", [], "users", "the user"),
      ids("history", ["model"], "items", "items engaged with, padded with 0"),
      mask("history_mask", ["model"], "true where the history has an item"),
      ids("arg:target", [], "items", "the next item"),
      f32("item_logq", [], "log of the next item's sampling probability × batch size, for logQ correction"),
    ],
  },
  {
    name: "logged_bandit",
    kind: "generated",
    doc: "contexts in 3 segments, uniformly logged actions with click, long-click and spend outcomes",
    args: [...SEED_ARGS, arg("actions", "model", "actions (default: the `action` input's space)")],
    fields: [
      f32("state", [32], "the context"),
      ids("action", [], "actions", "the logged action"),
      f32("click", [], "click outcome"),
      f32("long_click", [], "long-click outcome"),
      f32("spend", [], "spend outcome"),
      f32("logging_prob", [], "the logging policy's probability of the action (1 / actions)"),
    ],
  },
  {
    name: "engagement_sessions",
    kind: "generated",
    doc: "UniPinRec's world: histories of items and actions, the next engaged item, slates with click and save labels, and their true probabilities",
    args: [...SEED_ARGS, arg("items", "model", "items (default: the `target` input's space)"), arg("users", 3000, "users")],
    fields: [
      ids("history", ["model"], "items", "items of the history"),
      ids("history_actions", ["model"], 3, "the action on each: 0 none, 1 click, 2 save"),
      ids("target", [], "items", "the next engaged item"),
      ids("slate", ["model"], "items", "impressions"),
      f32("slate_click", ["model"], "click labels"),
      f32("slate_save", ["model"], "save labels"),
      f32("slate_click_prob", ["model"], "true click probabilities"),
      f32("slate_save_prob", ["model"], "true save probabilities"),
      f32("target_probs", ["items"], "the true distribution of the next engaged item"),
    ],
  },
  {
    name: "outcome_sequences",
    kind: "generated",
    doc: "PinRec's world: drifting histories of Zipf-popular items with click/save outcomes, and the next events",
    args: [...SEED_ARGS, arg("items", "model", "items (default: the `future` input's space)"), arg("users", 2000, "users")],
    fields: [
      ids("history", ["model"], "items", "items of the history"),
      ids("history_outcomes", ["model"], 3, "outcome of each: 1 click, 2 save"),
      ids("future", ["model"], "items", "the next events' items"),
      ids("future_outcomes", ["model"], 2, "their outcomes: 0 click, 1 save"),
    ],
  },
  {
    name: "interaction_graph",
    kind: "generated",
    doc: "a user–item interaction graph for graph models: the graph's edges fed once, whole, as constant inputs (LightGCN-normalized), training pairs from the graph, held-out pairs removed from it",
    args: [...SEED_ARGS, arg("users", "model", "users (default: the `user_id` input's space)"), arg("items", "model", "items (default: the `item_id` input's space)"), arg("edges", 100_000, "interactions in the graph (a ninth more are held out)")],
    fields: [
      ids("user_id", [], "users", "a user of an interaction"),
      ids("item_id", [], "items", "the item of that interaction"),
      { ...ids("edge_user", ["edges"], "users", "the graph's edges: users"), whole: true },
      { ...ids("edge_item", ["edges"], "items", "the graph's edges: items"), whole: true },
      { ...f32("edge_weight", ["edges"], "1 / √(deg(user) · deg(item))"), whole: true },
    ],
  },
  {
    name: "omnisearchsage_search",
    kind: "generated",
    doc: "OmniSearchSage's world: topic tokens, queries, pins (with board titles) and products (the low-data task) by Zipf popularity, a frozen pre-existing pin embedding; each batch query→pin and query→product pairs by `pin_share`",
    args: [
      ...SEED_ARGS,
      arg("topics", 50, "topics"),
      arg("tokens_per_topic", 30, "tokens each topic owns"),
      arg("noise_tokens", 500, "tokens of no topic"),
      arg("pins", "model", "pins (default: the `pin_target` input's space)"),
      arg("products", "model", "products (default: the `product_target` input's space)"),
      arg("pin_pairs", 20_000, "engaged query→pin pairs for training"),
      arg("product_pairs", 3_000, "engaged query→product pairs for training"),
      arg("features", 16, "dense features per item"),
      arg("pin_share", "2/3", "the share of a batch's pairs that are query→pin"),
    ],
    fields: [
      ...searchPairFields("pin", "pins", "a query's tokens, 0 after its last", "the engaged pin"),
      ...searchPairFields("product", "products", "a product query's tokens", "the engaged product"),
      ...searchPairFields("head", "pins", "held out: a query for a head pin (the more popular half); training: the pin query again", "the head pin"),
      ...searchPairFields("tail", "pins", "held out: a query for a tail pin (the less popular half); training: the pin query again", "the tail pin"),
      { ...ids("pin_title", ["pins", 5], "vocabulary", "each pin's title: one token of its topic among four noise tokens"), whole: true },
      { ...ids("pin_board", ["pins", 5], "vocabulary", "each pin's board title: five tokens of its topic"), whole: true },
      { ...f32("pin_dense", ["pins", "features"], "the topic's centre plus noise"), whole: true },
      { ...ids("product_title", ["products", 5], "vocabulary", "each product's title"), whole: true },
      { ...f32("product_dense", ["products", "features"], "the topic's centre plus noise"), whole: true },
      { ...f32("frozen_pin", ["pins", "model"], "the pre-existing pin embedding: a noisy topic vector, unit length"), whole: true },
      { ...f32("pin_logq", ["pins"], "log of each pin's share of the engagement (exact, for logQ)"), whole: true },
      { ...f32("product_logq", ["products"], "the same for products"), whole: true },
    ],
  },
  {
    name: "omnisage_graph",
    kind: "generated",
    doc: "OmniSage's world: pins in communities with noisy content, co-engagement and pin–board graphs (fed once, whole; cold pins' and a tenth of the other edges held out), pairs and random-walk user sequences",
    args: [...SEED_ARGS, arg("pins", "model", "pins (default: the `anchor` input's space)"), arg("communities", 20, "communities"), arg("boards", 100, "boards, a community's boards are b ≡ c (mod communities)"), arg("features", 16, "content features per pin and board")],
    fields: [
      ids("anchor", [], "pins", "a pin of a co-engagement pair (held out: a held-out pair)"),
      ids("positive", [], "pins", "the other pin of the pair"),
      ids("negative", [], "pins", "a uniform pin"),
      ids("cold_anchor", [], "pins", "held out: a cold pin (no edges in the graph); training: the anchor again"),
      ids("cold_positive", [], "pins", "held out: a pin co-engaged with it; training: the positive again"),
      ids("walk", ["model"], "pins", "a user's sequence: a weighted random walk over the true graph"),
      { ...f32("pin_content", ["pins", "features"], "each pin's content: its community's centre plus heavy noise"), whole: true },
      { ...f32("board_content", ["boards", "features"], "each board's features: the centre plus lighter noise"), whole: true },
      { ...ids("pin_src", ["edges"], "pins", "the pin–pin graph's edges (both directions): sources"), whole: true },
      { ...ids("pin_dst", ["edges"], "pins", "their destinations"), whole: true },
      { ...f32("pin_weight", ["edges"], "co-engagement counts"), whole: true },
      { ...ids("board_src", ["pin_boards"], "pins", "the pin–board edges: pins (warm ones)"), whole: true },
      { ...ids("board_dst", ["pin_boards"], "boards", "their boards"), whole: true },
      { ...f32("board_weight", ["pin_boards"], "1"), whole: true },
    ],
  },
  {
    name: "sid_successor",
    kind: "generated",
    doc: "PrefixMem's world: 3-level semantic IDs and their prefix-dependent successors, with the catalogue's trie",
    args: [...SEED_ARGS, arg("codes", "model", "codes per level (default: the `targets` input's space)"), arg("items", "codes³", "SIDs in the catalogue"), arg("noise", 0.15, "share of random successors in training"), arg("held_out_noise", "noise", "the same for held-out splits")],
    fields: [
      ids("tokens", [7], "1 + 3·codes", "[BOS, A₁, A₂, A₃, B₁, B₂, B₃] as level-offset ids"),
      ids("targets", [3], "codes", "the successor's codes"),
      { ...f32("trie_1", [1, "codes"], "codes allowed at level 1"), whole: true },
      { ...f32("trie_2", ["codes", "codes"], "codes allowed after each level-1 prefix"), whole: true },
      { ...f32("trie_3", ["codes²", "codes"], "codes allowed after each 2-code prefix"), whole: true },
    ],
  },
  {
    name: "id_pretrain",
    kind: "finite",
    doc: "two-stage ID pre-training: users and items with latent vectors and Zipf popularity; a broad engagement log and a narrow click log",
    args: [...FINITE_ARGS(200_000, 5_000), arg("part", "impressions", "`engagement` or `impressions`"), arg("users", 2_000, "users"), arg("items", 5_000, "items")],
    fields: {
      engagement: [ids("user_id", [], "users", "the user"), ids("item_id", [], "items", "the engaged item"), f32("item_logq", [], "log of the item's frequency in the log")],
      impressions: [ids("user_id", [], "users", "the user"), ids("item_id", [], "items", "the shown item"), f32("click", [], "click"), f32("p_true", [], "the true click probability")],
    },
  },
  {
    name: "ad_auction",
    kind: "finite",
    doc: "DRL-PUT's world: ad requests in 4 segments, utility weights logged uniformly over a 5 × 5 grid, and every setting's expected rates",
    args: FINITE_ARGS(200_000, 20_000),
    fields: [
      f32("state", [8], "one-hot segment and noise features"),
      ids("segment", [], 4, "the request's segment"),
      ids("action", [2], 5, "the logged levels of the two weights"),
      ids("joint_action", [], 25, "their index among the 25 settings"),
      f32("propensity", [], "1 / 25"),
      f32("ctr", [], "logged click rate"),
      f32("long_click", [], "logged long-click rate"),
      f32("value_ctr", [25], "every setting's expected click rate"),
      f32("value_lc", [25], "every setting's expected long-click rate"),
      f32("predicted_ctr", [25], "the same from the noisy predictions"),
      f32("predicted_lc", [25], "the same from the noisy predictions"),
      f32("segment_ctr", [25], "each setting's mean click rate over the segment"),
      f32("segment_lc", [25], "each setting's mean long-click rate over the segment"),
    ],
  },
  {
    name: "bandit_lm",
    kind: "finite",
    doc: "HPO's discrete bandit language model: prompts with candidate responses, logged preference pairs, a hidden utility and an auxiliary reward",
    args: [...FINITE_ARGS(4_000, 2_000), arg("prompts", 20, "prompts"), arg("candidates", 10, "responses per prompt")],
    fields: [
      ids("prompt", [], "prompts", "the prompt"),
      ids("candidate_tokens", ["candidates", 3], 5, "each response's tokens"),
      mask("candidate_mask", ["candidates", 3], "true where a response has a token"),
      ids("chosen", [], "candidates", "the preferred response"),
      ids("rejected", [], "candidates", "the other one"),
      f32("swap", [], "1 where relabelling by utility + aux would swap them"),
      f32("utility", ["candidates"], "each response's hidden utility"),
      f32("aux", ["candidates"], "each response's auxiliary reward"),
    ],
  },
  {
    name: "clean_room",
    kind: "finite",
    doc: "privacy-preserving CVR: a platform's conversions and an advertiser's shifted ones over 16 features",
    args: [...FINITE_ARGS(30_000, 10_000), arg("part", "advertiser", "`platform` or `advertiser`")],
    fields: [f32("features", [16], "the features"), f32("converted", [], "conversion"), f32("p_true", [], "the true conversion probability")],
  },
  {
    name: "recomind_logs",
    kind: "finite",
    doc: "RecoMind's world logged under a random policy: one example per shown item, the session's state before it and the responses",
    args: [...FINITE_ARGS(100_000, 20_000), arg("items", 500, "items"), arg("history_length", 8, "items the state remembers"), arg("max_steps", 30, "items per session at most")],
    fields: [
      f32("taste", [8], "the user's taste"),
      ids("history", ["history_length"], "items", "the last items shown, 0 before the first"),
      f32("shown", ["history_length"], "1 where the history holds an item"),
      f32("responses", ["history_length"], "1 where the user engaged with it"),
      f32("depth", [], "items shown so far"),
      ids("item", [], "items", "the shown item"),
      f32("engaged", [], "1 if the user engaged"),
      f32("continued", [], "1 if the session went on"),
      f32("p_engage", [], "the true engagement probability"),
      f32("p_continue", [], "the true continuation probability"),
    ],
  },
  {
    name: "recomind_sessions",
    kind: "interactive",
    doc: "RecoMind's world as sessions for rollouts (`rollouts { world = … }`): new sessions' states, and the truth of each step",
    args: [...SEED_ARGS, arg("items", 500, "items"), arg("history_length", 8, "items the state remembers"), arg("max_steps", 30, "items per session at most")],
    fields: [
      f32("taste", [8], "the user's taste"),
      ids("history", ["history_length"], "items", "the last items shown"),
      f32("shown", ["history_length"], "1 where the history holds an item"),
      f32("responses", ["history_length"], "1 where the user engaged with it"),
      f32("depth", [], "items shown so far"),
    ],
  },
];

export const WORLDS: ReadonlyMap<string, WorldContract> = new Map(WORLD_CONTRACTS.map((w) => [w.name, w]));

/** A world's fields for the given `part` (its default when not given). */
export function worldFields(world: WorldContract, part: string | undefined): readonly WorldField[] | undefined {
  if (Array.isArray(world.fields)) return world.fields as readonly WorldField[];
  const fallback = world.args.find((a) => a.name === "part")?.default;
  return (world.fields as Record<string, readonly WorldField[]>)[part ?? String(fallback)];
}
