// `omnisearchsage_search`: OmniSearchSage's toy world (spec/papers.md). Topics own tokens of a
// shared vocabulary; pins and products each have a topic, a title of one topic token of their
// own among four noise tokens, a dense feature (the topic's centre plus noise of sd 3: a weak
// hint) and Zipf popularity; pins also have a board title, five clean tokens of their topic (the
// enrichment field); a pre-existing pin embedding is a frozen, noisy topic vector. A query for an
// item holds its title's topic token (with probability 0.35), one or two more of the topic's
// tokens and sometimes a noise token: most queries name the topic, not the item. Training holds a fixed set of engaged (query, item) pairs per task —
// `pin_pairs` for pins, far fewer `product_pairs` for products (the low-data task) — items drawn
// by popularity; held-out batches draw fresh pairs the same way (never a training pair), and pairs whose pin is a head
// pin (the more popular half) or a tail pin (the less popular half). A batch holds `pin_share` pin pairs and the rest product pairs
// (multi-task batch composition by weight). The catalogue (titles, boards, features, the frozen
// embedding, log popularity for logQ) is the model's constant inputs. In: sizes and seeds.
// Out: the constants, and a batch stream.

import { floatColumn, idColumn, maskColumn, rowKeys, type Column, type Examples } from "../../runtime/src/data/columns.js";
import {
  arg,
  ids,
  f32,
  hidden,
  mask,
  modelArg,
  SEED_ARGS,
  whole,
  type ColumnStream,
  type GeneratedWorld,
  type WorldArgs,
  type WorldField,
  type WorldSize,
} from "../../runtime/src/data/world.js";
import { drawFromCumulative, gaussian, keepingLast, xorshift32 } from "../../runtime/src/data/random.js";

export interface SearchSizes {
  readonly topics: number;
  readonly tokensPerTopic: number;
  readonly noiseTokens: number;
  readonly pins: number;
  readonly products: number;
  readonly pinPairs: number;
  readonly productPairs: number;
  readonly features: number;
  readonly frozenDim: number;
  readonly worldSeed: number;
}

/** Tokens: 0 is padding; topic t owns 1 + t·k … ; noise tokens follow. */
export const QUERY_TOKENS = 4;
export const TITLE_TOKENS = 5;
/** The chance a query holds its item's title token: most queries name the topic only. */
const OWN_TOKEN = 0.35;
/** The dense features' noise around the topic's centre: a weak hint of the topic. */
const DENSE_NOISE = 3;

interface Item {
  readonly topic: number;
  /** The one token of its topic in its title. */
  readonly titleToken: number;
}

export interface SearchWorld {
  readonly pins: readonly Item[];
  readonly products: readonly Item[];
  readonly pinTitle: Int32Array;
  readonly pinBoard: Int32Array;
  readonly productTitle: Int32Array;
  readonly pinDense: Float32Array;
  readonly productDense: Float32Array;
  readonly frozenPin: Float32Array;
  readonly pinLogq: Float32Array;
  readonly productLogq: Float32Array;
  readonly pinPopularity: Float64Array;
  readonly productPopularity: Float64Array;
  readonly tail: Uint8Array;
  readonly pinPairs: readonly { query: number[]; item: number }[];
  readonly productPairs: readonly { query: number[]; item: number }[];
  readonly vocabulary: number;
}

export function buildSearchWorld(sizes: SearchSizes): SearchWorld {
  const random = xorshift32(sizes.worldSeed * 7_919 + 53);
  const normal = gaussian(random);
  const k = sizes.tokensPerTopic;
  const topicToken = (topic: number, i: number) => 1 + topic * k + i;
  const noiseToken = () => 1 + sizes.topics * k + Math.floor(random() * sizes.noiseTokens);
  const centres = Array.from({ length: sizes.topics }, () => Array.from({ length: sizes.features }, () => normal()));
  const frozenTopics = Array.from({ length: sizes.topics }, () => Array.from({ length: sizes.frozenDim }, () => normal()));
  const makeItems = (n: number) =>
    Array.from({ length: n }, (): Item => {
      const topic = Math.floor(random() * sizes.topics);
      return { topic, titleToken: topicToken(topic, Math.floor(random() * k)) };
    });
  const pins = makeItems(sizes.pins);
  const products = makeItems(sizes.products);
  // A title: the item's topic token among four noise tokens, in random order.
  const titles = (items: readonly Item[]) => {
    const out = new Int32Array(items.length * TITLE_TOKENS);
    items.forEach((item, i) => {
      const tokens = [item.titleToken, noiseToken(), noiseToken(), noiseToken(), noiseToken()];
      for (let j = tokens.length - 1; j > 0; j--) {
        const s = Math.floor(random() * (j + 1));
        [tokens[j], tokens[s]] = [tokens[s]!, tokens[j]!];
      }
      out.set(tokens, i * TITLE_TOKENS);
    });
    return out;
  };
  const pinTitle = titles(pins);
  const productTitle = titles(products);
  const pinBoard = new Int32Array(sizes.pins * TITLE_TOKENS);
  pins.forEach((pin, i) => {
    for (let j = 0; j < TITLE_TOKENS; j++) pinBoard[i * TITLE_TOKENS + j] = topicToken(pin.topic, Math.floor(random() * k));
  });
  const dense = (items: readonly Item[]) =>
    Float32Array.from(
      { length: items.length * sizes.features },
      (_, i) => centres[items[Math.floor(i / sizes.features)]!.topic]![i % sizes.features]! + DENSE_NOISE * normal(),
    );
  const pinDense = dense(pins);
  const productDense = dense(products);
  const frozenPin = new Float32Array(sizes.pins * sizes.frozenDim);
  pins.forEach((pin, i) => {
    const v = frozenTopics[pin.topic]!.map((x) => x + 0.5 * normal());
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
    v.forEach((x, d) => (frozenPin[i * sizes.frozenDim + d] = x / norm));
  });
  // Zipf(1) popularity over a random order of the items.
  const popularity = (n: number) => {
    const rank = Array.from({ length: n }, (_, i) => i);
    for (let j = n - 1; j > 0; j--) {
      const s = Math.floor(random() * (j + 1));
      [rank[j], rank[s]] = [rank[s]!, rank[j]!];
    }
    return Float64Array.from(rank, (r) => 1 / (r + 1));
  };
  const pinPopularity = popularity(sizes.pins);
  const productPopularity = popularity(sizes.products);
  const logShare = (weights: Float64Array) => {
    const total = weights.reduce((a, b) => a + b, 0);
    return Float32Array.from(weights, (w) => Math.log(w / total));
  };
  const median = [...pinPopularity].sort((a, b) => a - b)[Math.floor(sizes.pins / 2)]!;
  const tail = Uint8Array.from(pinPopularity, (w) => (w < median ? 1 : 0));
  const world = {
    pins,
    products,
    pinTitle,
    pinBoard,
    productTitle,
    pinDense,
    productDense,
    frozenPin,
    pinLogq: logShare(pinPopularity),
    productLogq: logShare(productPopularity),
    pinPopularity,
    productPopularity,
    tail,
    vocabulary: 1 + sizes.topics * k + sizes.noiseTokens,
  };
  return {
    ...world,
    pinPairs: drawPairs(world, sizes, "pin", sizes.pinPairs, random),
    productPairs: drawPairs(world, sizes, "product", sizes.productPairs, random),
  };
}

type Catalogue = Pick<SearchWorld, "pins" | "products" | "pinPopularity" | "productPopularity">;

const cumulativeCache = new WeakMap<Float64Array, Float64Array>();
function cumulativeOf(weights: Float64Array): Float64Array {
  let c = cumulativeCache.get(weights);
  if (!c) {
    let total = 0;
    c = Float64Array.from(weights, (w) => (total += w));
    cumulativeCache.set(weights, c);
  }
  return c;
}

/** A query for an item: its title's topic token (with probability OWN_TOKEN), more topic tokens, maybe a noise token. */
function queryFor(item: Item, sizes: SearchSizes, random: () => number): number[] {
  const tokens = random() < OWN_TOKEN ? [item.titleToken] : [];
  const extra = 1 + Math.floor(random() * 2);
  for (let e = 0; e < extra; e++) tokens.push(1 + item.topic * sizes.tokensPerTopic + Math.floor(random() * sizes.tokensPerTopic));
  if (random() < 0.3) tokens.push(1 + sizes.topics * sizes.tokensPerTopic + Math.floor(random() * sizes.noiseTokens));
  return tokens.slice(0, QUERY_TOKENS);
}

function drawPairs(
  world: Catalogue,
  sizes: SearchSizes,
  kind: "pin" | "product",
  count: number,
  random: () => number,
  only?: (item: number) => boolean,
  trained?: ReadonlySet<string>,
) {
  const [items, weights] = kind === "pin" ? [world.pins, world.pinPopularity] : [world.products, world.productPopularity];
  const cumulative = cumulativeOf(weights);
  const pairs: { query: number[]; item: number }[] = [];
  while (pairs.length < count) {
    const item = drawFromCumulative(cumulative, random());
    if (only && !only(item)) continue;
    const pair = { query: queryFor(items[item]!, sizes, random), item };
    // A held-out pair is one training never holds: a training pair drawn again is drawn anew.
    if (trained?.has(pairKey(pair))) continue;
    pairs.push(pair);
  }
  return pairs;
}

/** A (query, item) pair as a key: the query's tokens and the item (the same as `searchPairs`' rows, padded to 4 tokens). */
const pairKey = (pair: { readonly query: readonly number[]; readonly item: number }) =>
  `${Array.from({ length: QUERY_TOKENS }, (_, j) => pair.query[j] ?? 0).join(",")}|${pair.item}`;

/** Each task's training pairs as keys, which held-out draws avoid (made once per world). */
const trainedSets = new WeakMap<SearchWorld, { pin: Set<string>; product: Set<string> }>();
function trainedPairs(w: SearchWorld) {
  let sets = trainedSets.get(w);
  if (!sets) trainedSets.set(w, (sets = { pin: new Set(w.pinPairs.map(pairKey)), product: new Set(w.productPairs.map(pairKey)) }));
  return sets;
}

/** The world last built (the constants and each split's stream share it). */
export const searchWorldOf = keepingLast(buildSearchWorld);

export function searchConstants(sizes: SearchSizes): Map<string, Column> {
  const w = searchWorldOf(sizes);
  return new Map<string, Column>([
    ["pin_title", idColumn(w.pinTitle, [sizes.pins, TITLE_TOKENS])],
    ["pin_board", idColumn(w.pinBoard, [sizes.pins, TITLE_TOKENS])],
    ["pin_dense", floatColumn(w.pinDense, [sizes.pins, sizes.features])],
    ["product_title", idColumn(w.productTitle, [sizes.products, TITLE_TOKENS])],
    ["product_dense", floatColumn(w.productDense, [sizes.products, sizes.features])],
    ["frozen_pin", floatColumn(w.frozenPin, [sizes.pins, sizes.frozenDim])],
    ["pin_logq", floatColumn(w.pinLogq, [sizes.pins])],
    ["product_logq", floatColumn(w.productLogq, [sizes.products])],
  ]);
}

/**
 * Batches of `batch` pairs: `pin_share` of them query→pin (`pin_query`, `pin_query_mask`,
 * `pin_target`), the rest query→product (`product_query`, …, `product_target`), and as many
 * query→head-pin and query→tail-pin pairs (`head_query`, …, `head_target`, `tail_query`, …,
 * `tail_target`; held out only, the training stream repeats the pin pairs there). The first
 * axis of every field is the batch's pairs of that task.
 */
export function searchStream(sizes: SearchSizes, pinShare: number, streamSeed: number, split: string): ColumnStream {
  const w = searchWorldOf(sizes);
  const random = xorshift32(streamSeed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  /** A task's pairs as its three inputs: `<task>_query`, `<task>_query_mask`, `<task>_target`. */
  const pairFeeds = (task: string, pairs: readonly { query: number[]; item: number }[]): [string, Column][] => {
    const ids = new Int32Array(pairs.length * QUERY_TOKENS);
    const mask = new Uint8Array(pairs.length * QUERY_TOKENS);
    pairs.forEach((p, i) => p.query.forEach((t, j) => ((ids[i * QUERY_TOKENS + j] = t), (mask[i * QUERY_TOKENS + j] = 1))));
    return [
      [`${task}_query`, idColumn(ids, [QUERY_TOKENS])],
      [`${task}_query_mask`, maskColumn(mask, [QUERY_TOKENS])],
      [`${task}_target`, idColumn(Int32Array.from(pairs, (p) => p.item))],
    ];
  };
  return {
    next(batchSize: number) {
      const pinCount = Math.round(batchSize * pinShare);
      const train = split === "train";
      const trained = train ? undefined : trainedPairs(w);
      const pins = train ? Array.from({ length: pinCount }, () => pick(w.pinPairs)) : drawPairs(w, sizes, "pin", pinCount, random, undefined, trained!.pin);
      const products = train
        ? Array.from({ length: batchSize - pinCount }, () => pick(w.productPairs))
        : drawPairs(w, sizes, "product", batchSize - pinCount, random, undefined, trained!.product);
      const heads = train ? pins : drawPairs(w, sizes, "pin", pinCount, random, (item) => w.tail[item] === 0, trained!.pin);
      const tails = train ? pins : drawPairs(w, sizes, "pin", pinCount, random, (item) => w.tail[item] === 1, trained!.pin);
      return {
        count: batchSize,
        columns: new Map<string, Column>([
          ...pairFeeds("pin", pins),
          ...pairFeeds("product", products),
          ...pairFeeds("head", heads),
          ...pairFeeds("tail", tails),
        ]),
      };
    },
  };
}

/** The world's sizes: its arguments, the frozen embedding's width from the model's `frozen_pin` input. */
const searchSizes = (args: WorldArgs): SearchSizes => ({
  topics: args.number("topics"),
  tokensPerTopic: args.number("tokens_per_topic"),
  noiseTokens: args.number("noise_tokens"),
  pins: args.number("pins"),
  products: args.number("products"),
  pinPairs: args.number("pin_pairs"),
  productPairs: args.number("product_pairs"),
  features: args.number("features"),
  frozenDim: args.modelDim("frozen_pin", 1, 16),
  worldSeed: args.worldSeed,
});

/** One task's pairs: `<task>_query` (4 tokens), its mask, `<task>_target` (an id of `targets`). */
const pairFields = (task: string, targets: WorldSize, queryDoc: string, targetDoc: string): WorldField[] => [
  ids(`${task}_query`, [4], "vocabulary", queryDoc),
  mask(`${task}_query_mask`, [4], "true where the query has a token"),
  ids(`${task}_target`, [], targets, targetDoc),
];

/** A batch's pairs as keys: pin pairs (the pin, head and tail tasks) and product pairs. */
const searchPairs = (examples: Examples): string[] =>
  [
    ["pin", "pin"],
    ["pin", "head"],
    ["pin", "tail"],
    ["product", "product"],
  ].flatMap(([kind, task]) => {
    const pairs = { count: examples.columns.get(`${task}_target`)?.data.length ?? 0, columns: examples.columns };
    return rowKeys(pairs, [`${task}_query`, `${task}_target`]).map((key) => `${kind} ${key}`);
  });

export const OMNISEARCHSAGE_SEARCH: GeneratedWorld = {
  name: "omnisearchsage_search",
  kind: "generated",
  doc:
    "OmniSearchSage's world: topic tokens, queries, pins (with board titles) and products (the " +
    "low-data task) by Zipf popularity, a frozen pre-existing pin embedding; each batch " +
    "query→pin and query→product pairs by `pin_share`",
  args: [
    ...SEED_ARGS,
    arg("topics", 50, "topics"),
    arg("tokens_per_topic", 30, "tokens each topic owns"),
    arg("noise_tokens", 500, "tokens of no topic"),
    modelArg("pins", "pins", "pin_target", 3000),
    modelArg("products", "products", "product_target", 1000),
    arg("pin_pairs", 20_000, "engaged query→pin pairs for training"),
    arg("product_pairs", 3_000, "engaged query→product pairs for training"),
    arg("features", 16, "dense features per item"),
    arg("pin_share", "2/3", "the share of a batch's pairs that are query→pin"),
  ],
  fields: [
    ...pairFields("pin", "pins", "a query's tokens, 0 after its last", "the engaged pin"),
    ...pairFields("product", "products", "a product query's tokens", "the engaged product"),
    ...pairFields("head", "pins", "held out: a query for a head pin (the more popular half); training: the pin query again", "the head pin"),
    ...pairFields("tail", "pins", "held out: a query for a tail pin (the less popular half); training: the pin query again", "the tail pin"),
    whole(ids("pin_title", ["pins", 5], "vocabulary", "each pin's title: one token of its topic among four noise tokens")),
    whole(ids("pin_board", ["pins", 5], "vocabulary", "each pin's board title: five tokens of its topic")),
    whole(f32("pin_dense", ["pins", "features"], "the topic's centre plus noise")),
    whole(ids("product_title", ["products", 5], "vocabulary", "each product's title")),
    whole(f32("product_dense", ["products", "features"], "the topic's centre plus noise")),
    whole(f32("frozen_pin", ["pins", "model"], "the pre-existing pin embedding: a noisy topic vector, unit length")),
    whole(f32("pin_logq", ["pins"], "log of each pin's share of the engagement (exact, for logQ)")),
    whole(f32("product_logq", ["products"], "the same for products")),
  ],
  separation: {
    hidden: [
      hidden("topics, titles, features and popularity", "training", "the catalogue (constant inputs) and every pair's draw"),
      hidden("held-out pairs", "evaluation", "fresh (query, item) pairs of the held-out streams, none a training pair"),
    ],
    unit: "a (query, item) pair of a task",
    items: searchPairs,
  },
  stream: (args, streamSeed, split) => searchStream(searchSizes(args), args.number("pin_share"), streamSeed, split),
  constants: (args) => searchConstants(searchSizes(args)),
};
