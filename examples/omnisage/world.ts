// `omnisage_graph`: OmniSage's toy world (spec/papers.md §2.7). A stochastic block model of
// `pins` pins in `communities` communities, with noisy content features (the community's centre
// plus heavy noise), co-engagement edges between pins (likely within a community, rare across,
// weighted by a count), one board per pin among its community's boards (board features: the
// centre plus lighter noise), and user sequences: weighted random walks over co-engagement edges
// (which mostly stay within a community). A tenth of the pins are cold: every edge of theirs is held
// out (no pin–pin or pin–board edge in the graph the model sees); a tenth of the other edges are
// held out too. The graph the model sees is its constant inputs, fed once; batches hold
// co-engagement pairs, random negatives and walks. Training pairs and training walks come from
// the observed graph only (walks start at warm pins and step over observed edges only, so no
// held-out pair, no cold pin and no cold pin's edge is reachable from any training stream —
// `OMNISAGE_GRAPH.separation` declares it and test/world-leaks.test.ts checks it). Held-out
// batches hold the held-out warm pairs, the cold pins' pairs and future sessions: walks over the
// true graph. In: sizes and seeds. Out: the constants, and a batch stream, as columns. The
// record at the end is the world's contract.

import { floatColumn, idColumn, type Column, type Examples } from "../../runtime/src/data/columns.js";
import {
  arg,
  f32,
  hidden,
  ids,
  modelArg,
  SEED_ARGS,
  whole,
  type ColumnStream,
  type GeneratedWorld,
  type Split,
  type WorldArgs,
} from "../../runtime/src/data/world.js";
import { gaussian, keepingLast, xorshift32 } from "../../runtime/src/data/random.js";

export interface OmniSageSizes {
  readonly pins: number;
  readonly communities: number;
  readonly boards: number;
  readonly features: number;
  readonly walkLength: number;
  readonly worldSeed: number;
}

interface Neighbours {
  readonly to: number[];
  readonly weight: number[];
}

export interface OmniSageWorld {
  readonly community: Int32Array;
  readonly content: Float32Array;
  readonly boardContent: Float32Array;
  readonly boardOf: Int32Array;
  readonly cold: Uint8Array;
  /** The graph the model sees, both directions of each kept edge. */
  readonly graph: { readonly src: Int32Array; readonly dst: Int32Array; readonly weight: Float32Array };
  /** Every true edge per pin (held-out ones included): held-out walks and the ceilings read it. */
  readonly adjacency: readonly Neighbours[];
  /** The observed edges per pin (the graph the model sees): training walks read only this. */
  readonly observed: readonly Neighbours[];
  readonly trainPairs: readonly [number, number][];
  readonly heldOutPairs: readonly [number, number][];
  readonly coldPairs: readonly [number, number][];
}

const P_IN = 0.12;
const P_OUT = 0.002;
const CONTENT_NOISE = 2.0;
const BOARD_NOISE = 0.7;
const COLD_SHARE = 0.1;
const HELD_OUT_SHARE = 0.1;

export function buildOmniSageWorld(sizes: OmniSageSizes): OmniSageWorld {
  const random = xorshift32(sizes.worldSeed * 7_919 + 41);
  const normal = gaussian(random);
  const { pins, communities, features } = sizes;
  const community = Int32Array.from({ length: pins }, (_, p) => p % communities);
  const centres = Array.from({ length: communities }, () => Array.from({ length: features }, () => normal()));
  const content = new Float32Array(pins * features);
  for (let p = 0; p < pins; p++) for (let f = 0; f < features; f++) content[p * features + f] = centres[community[p]!]![f]! + CONTENT_NOISE * normal();
  const boardsPerCommunity = Math.max(1, Math.floor(sizes.boards / communities));
  const boardContent = new Float32Array(sizes.boards * features);
  for (let b = 0; b < sizes.boards; b++)
    for (let f = 0; f < features; f++) boardContent[b * features + f] = centres[b % communities]![f]! + BOARD_NOISE * normal();
  // Board b belongs to community b % communities: a pin picks one of its community's boards.
  const boardOf = Int32Array.from({ length: pins }, (_, p) => (community[p]! + communities * Math.floor(random() * boardsPerCommunity)) % sizes.boards);
  const cold = Uint8Array.from({ length: pins }, () => (random() < COLD_SHARE ? 1 : 0));

  const noEdges = () => Array.from({ length: pins }, () => ({ to: [] as number[], weight: [] as number[] }));
  const adjacency = noEdges();
  const observed = noEdges();
  const kept: [number, number, number][] = [];
  const heldOutPairs: [number, number][] = [];
  const coldPairs: [number, number][] = [];
  for (let p = 0; p < pins; p++) {
    for (let q = p + 1; q < pins; q++) {
      if (random() >= (community[p] === community[q] ? P_IN : P_OUT)) continue;
      const weight = 1 + Math.floor(-Math.log(random() + 1e-12) * 3);
      (adjacency[p]!.to.push(q), adjacency[p]!.weight.push(weight));
      (adjacency[q]!.to.push(p), adjacency[q]!.weight.push(weight));
      if (cold[p] || cold[q]) {
        // A cold pin's pairs are asked from its side: it has only its content to go by.
        if (cold[p]) coldPairs.push([p, q]);
        if (cold[q]) coldPairs.push([q, p]);
      } else if (random() < HELD_OUT_SHARE) heldOutPairs.push(random() < 0.5 ? [p, q] : [q, p]);
      else {
        kept.push([p, q, weight]);
        (observed[p]!.to.push(q), observed[p]!.weight.push(weight));
        (observed[q]!.to.push(p), observed[q]!.weight.push(weight));
      }
    }
  }
  const src = new Int32Array(kept.length * 2);
  const dst = new Int32Array(kept.length * 2);
  const weight = new Float32Array(kept.length * 2);
  kept.forEach(([p, q, w], e) => {
    [src[2 * e], dst[2 * e], weight[2 * e]] = [p, q, w];
    [src[2 * e + 1], dst[2 * e + 1], weight[2 * e + 1]] = [q, p, w];
  });
  const trainPairs = kept.flatMap(
    ([p, q]) =>
      [
        [p, q],
        [q, p],
      ] as [number, number][],
  );
  return { community, content, boardContent, boardOf, cold, graph: { src, dst, weight }, adjacency, observed, trainPairs, heldOutPairs, coldPairs };
}

/** The world last built (the constants and each split's stream share it). */
export const omniSageWorldOf = keepingLast(buildOmniSageWorld);

/** The graph the model sees and the features: its constant inputs. */
export function omniSageConstants(sizes: OmniSageSizes): Map<string, Column> {
  const world = omniSageWorldOf(sizes);
  const warm = Array.from(world.cold.keys()).filter((p) => !world.cold[p]);
  const edges = [world.graph.src.length];
  return new Map<string, Column>([
    ["pin_content", floatColumn(world.content, [sizes.pins, sizes.features])],
    ["board_content", floatColumn(world.boardContent, [sizes.boards, sizes.features])],
    ["pin_src", idColumn(world.graph.src, edges)],
    ["pin_dst", idColumn(world.graph.dst, edges)],
    ["pin_weight", floatColumn(world.graph.weight, edges)],
    ["board_src", idColumn(Int32Array.from(warm), [warm.length])],
    [
      "board_dst",
      idColumn(
        Int32Array.from(warm, (p) => world.boardOf[p]!),
        [warm.length],
      ),
    ],
    ["board_weight", floatColumn(new Float32Array(warm.length).fill(1), [warm.length])],
  ]);
}

/**
 * Batches: `anchor`/`positive` a co-engagement pair (training: from the graph; held out: a
 * held-out warm pair), `negative` a uniform pin, `cold_anchor`/`cold_positive` a cold pin's pair
 * (held out only; the training stream repeats the warm pair there, so no cold pin is ever
 * trained on), `walk` a weighted random walk of `walkLength` pins (training: over the observed graph, warm pins
 * only; held out: over the true graph).
 */
export function omniSageStream(sizes: OmniSageSizes, streamSeed: number, split: string): ColumnStream {
  const world = omniSageWorldOf(sizes);
  const random = xorshift32(streamSeed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const pairs = split === "train" ? world.trainPairs : world.heldOutPairs;
  const coldPairs = split === "train" ? undefined : world.coldPairs;
  // Training sessions are what the observed graph holds: they start at a warm pin with an observed
  // edge and step over observed edges only (no jumps, which could land anywhere), so every step
  // is an edge the model sees. Held-out sessions are future ones, over the true graph.
  const edges = split === "train" ? world.observed : world.adjacency;
  const starts = Array.from(edges.keys()).filter((p) => edges[p]!.to.length > 0 && (split !== "train" || !world.cold[p]));
  const walk = (into: Int32Array, offset: number) => {
    let at = pick(starts);
    for (let t = 0; t < sizes.walkLength; t++) {
      into[offset + t] = at;
      // A pin reached over an edge has that edge back: a walk never meets a dead end.
      const { to, weight } = edges[at]!;
      const total = weight.reduce((a, b) => a + b, 0);
      let u = random() * total;
      let i = 0;
      while (i < to.length - 1 && (u -= weight[i]!) > 0) i++;
      at = to[i]!;
    }
  };
  return {
    next(batchSize: number) {
      const anchor = new Int32Array(batchSize);
      const positive = new Int32Array(batchSize);
      const negative = new Int32Array(batchSize);
      const coldAnchor = new Int32Array(batchSize);
      const coldPositive = new Int32Array(batchSize);
      const walks = new Int32Array(batchSize * sizes.walkLength);
      for (let b = 0; b < batchSize; b++) {
        [anchor[b], positive[b]] = pick(pairs);
        negative[b] = Math.floor(random() * sizes.pins);
        [coldAnchor[b], coldPositive[b]] = coldPairs ? pick(coldPairs) : [anchor[b]!, positive[b]!];
        walk(walks, b * sizes.walkLength);
      }
      return {
        count: batchSize,
        columns: new Map<string, Column>([
          ["anchor", idColumn(anchor)],
          ["positive", idColumn(positive)],
          ["negative", idColumn(negative)],
          ["cold_anchor", idColumn(coldAnchor)],
          ["cold_positive", idColumn(coldPositive)],
          ["walk", idColumn(walks, [sizes.walkLength])],
        ]),
      };
    },
  };
}

/**
 * What the world's truth allows, as Recall@10 for the held-out warm pairs and the cold pairs:
 * `pair`/`cold`, a ranking by the true co-engagement weights (held-out edges included; ties in
 * random order), which no model can reach since it never sees those edges; and
 * `community_pair`/`community_cold`, a ranking that knows each pin's community and nothing else
 * (its community's pins first, in random order): what perfect use of the content's signal gives.
 */
export function omniSageCeilings(sizes: OmniSageSizes, k = 10): { pair: number; cold: number; community_pair: number; community_cold: number } {
  const world = omniSageWorldOf(sizes);
  const recall = (pairs: readonly [number, number][]) => {
    let hits = 0;
    for (const [p, q] of pairs) {
      const { to, weight } = world.adjacency[p]!;
      const target = weight[to.indexOf(q)]!;
      const above = weight.filter((w) => w > target).length;
      const tied = weight.filter((w) => w === target).length; // the target among them
      // Expected hit under a random order of the ties: the share of tie slots inside the top k.
      hits += Math.max(0, Math.min(1, (k - above) / tied));
    }
    return pairs.length ? hits / pairs.length : 0;
  };
  const members = new Map<number, number>();
  world.community.forEach((c) => members.set(c, (members.get(c) ?? 0) + 1));
  const byCommunity = (pairs: readonly [number, number][]) =>
    pairs.length
      ? pairs.reduce((sum, [p, q]) => sum + (world.community[p] === world.community[q] ? Math.min(1, k / (members.get(world.community[p]!)! - 1)) : 0), 0) /
        pairs.length
      : 0;
  return {
    pair: recall(world.heldOutPairs),
    cold: recall(world.coldPairs),
    community_pair: byCommunity(world.heldOutPairs),
    community_cold: byCommunity(world.coldPairs),
  };
}

/** The world's sizes: its arguments, the walk length from the model's `walk` input. */
const omniSageSizes = (args: WorldArgs): OmniSageSizes => ({
  pins: args.number("pins"),
  communities: args.number("communities"),
  boards: args.number("boards"),
  features: args.number("features"),
  walkLength: args.modelDim("walk", 1, 8),
  worldSeed: args.worldSeed,
});

/** An undirected pin pair as a key, the same from either side; a pin as a key. */
const edgeKey = (p: number, q: number) => (p < q ? `edge ${p}-${q}` : `edge ${q}-${p}`);
const pinKey = (p: number) => `pin ${p}`;

/**
 * The items of a batch: training — every pair's edge, every walk step's edge and every pin a
 * pair or a walk holds; held out — the held-out pairs' and cold pairs' edges and the cold pins.
 */
function omniSageItems(examples: Examples, split: Split): string[] {
  const column = (name: string) => examples.columns.get(name)!.data;
  const [anchor, positive, coldAnchor, coldPositive, walks] = ["anchor", "positive", "cold_anchor", "cold_positive", "walk"].map(column);
  const keys: string[] = [];
  const length = walks!.length / examples.count;
  for (let b = 0; b < examples.count; b++) {
    keys.push(edgeKey(anchor![b]!, positive![b]!), edgeKey(coldAnchor![b]!, coldPositive![b]!), pinKey(coldAnchor![b]!));
    if (split !== "train") continue;
    keys.push(pinKey(anchor![b]!), pinKey(positive![b]!), pinKey(coldPositive![b]!));
    for (let t = 0; t < length; t++) {
      keys.push(pinKey(walks![b * length + t]!));
      if (t > 0) keys.push(edgeKey(walks![b * length + t - 1]!, walks![b * length + t]!));
    }
  }
  return keys;
}

export const OMNISAGE_GRAPH: GeneratedWorld = {
  name: "omnisage_graph",
  kind: "generated",
  doc:
    "OmniSage's world: pins in communities with noisy content, co-engagement and pin–board " +
    "graphs (fed once, whole; cold pins' and a tenth of the other edges held out), pairs and " +
    "random-walk user sequences",
  args: [
    ...SEED_ARGS,
    modelArg("pins", "pins", "anchor", 1000),
    arg("communities", 20, "communities"),
    arg("boards", 100, "boards, a community's boards are b ≡ c (mod communities)"),
    arg("features", 16, "content features per pin and board"),
  ],
  fields: [
    ids("anchor", [], "pins", "a pin of a co-engagement pair (held out: a held-out pair)"),
    ids("positive", [], "pins", "the other pin of the pair"),
    ids("negative", [], "pins", "a uniform pin"),
    ids("cold_anchor", [], "pins", "held out: a cold pin (no edges in the graph); training: the anchor again"),
    ids("cold_positive", [], "pins", "held out: a pin co-engaged with it; training: the positive again"),
    ids("walk", ["model"], "pins", "a user's sequence, a weighted random walk: training over the observed graph, held out over the true one"),
    whole(f32("pin_content", ["pins", "features"], "each pin's content: its community's centre plus heavy noise")),
    whole(f32("board_content", ["boards", "features"], "each board's features: the centre plus lighter noise")),
    whole(ids("pin_src", ["edges"], "pins", "the pin–pin graph's edges (both directions): sources")),
    whole(ids("pin_dst", ["edges"], "pins", "their destinations")),
    whole(f32("pin_weight", ["edges"], "co-engagement counts")),
    whole(ids("board_src", ["pin_boards"], "pins", "the pin–board edges: pins (warm ones)")),
    whole(ids("board_dst", ["pin_boards"], "boards", "their boards")),
    whole(f32("board_weight", ["pin_boards"], "1")),
  ],
  stream: (args, streamSeed, split) => omniSageStream(omniSageSizes(args), streamSeed, split),
  constants: (args) => omniSageConstants(omniSageSizes(args)),
  separation: {
    hidden: [
      hidden("communities and content centres", "training", "what content, edges and walks are all drawn from"),
      hidden("observed edges", "training", "the graph the model sees; training pairs and training walks step over these only"),
      hidden("held-out edges", "evaluation", "a tenth of the warm pins' edges: held-out pairs and future walks only"),
      hidden("cold pins and their edges", "evaluation", "no cold pin is in the graph, a training pair or a training walk"),
    ],
    unit: "a pin pair (a pair, or a walk's step) or a cold pin",
    items: omniSageItems,
    heldOut(args) {
      const world = omniSageWorldOf(omniSageSizes(args));
      return [
        ...[...world.heldOutPairs, ...world.coldPairs].map(([p, q]) => edgeKey(p, q)),
        ...Array.from(world.cold.keys())
          .filter((p) => world.cold[p])
          .map(pinKey),
      ];
    },
  },
};
