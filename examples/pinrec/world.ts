// PinRec's world, `outcome_sequences` (spec/papers.md, PinRec): drifting histories of
// Zipf-popular items with click or save outcomes, and the next events. In: the resolved
// arguments. Out: batches as columns. The record at the end is the world's contract.

import { xorshift32 } from "../../runtime/src/data/random.js";
import { idColumn, type Column } from "../../runtime/src/data/columns.js";
import { arg, hidden, ids, modelArg, SEED_ARGS, wholeExamples, type ColumnStream, type GeneratedWorld, type WorldArgs } from "../../runtime/src/data/world.js";

const CLUSTERS = 30;

/**
 * The item layout both PinRec worlds share: item i is in cluster i mod 30; within every cluster
 * half the items are mostly saved and half mostly clicked (item i is a save item when ⌊i / 30⌋ is
 * even: saved 80% of the time, else clicked 80%), and popularity within a cluster is Zipf over that
 * rank (weight 1 / (⌊i / 30⌋ + 1)). Returns a draw of one event (item, outcome: 1 click, 2 save)
 * from a cluster.
 */
function clusterEvents(items: number, random: () => number): (cluster: number) => { item: number; outcome: number } {
  const perCluster = Math.floor(items / CLUSTERS);
  // Zipf popularity within a cluster (rank r has weight 1 / (r + 1)): a few items of each
  // interest are popular, so which interests a top 10 covers decides its recall.
  const popularity = Array.from({ length: perCluster }, (_, r) => 1 / (r + 1));
  const total = popularity.reduce((a, b) => a + b, 0);
  const rank = () => {
    let u = random() * total;
    for (let r = 0; r < perCluster; r++) if ((u -= popularity[r]!) <= 0) return r;
    return perCluster - 1;
  };
  return (cluster) => {
    const item = cluster + CLUSTERS * rank();
    const saveItem = Math.floor(item / CLUSTERS) % 2 === 0;
    return { item, outcome: random() < (saveItem ? 0.8 : 0.2) ? 2 : 1 };
  };
}

/** The arguments both PinRec worlds take. */
interface SequenceWorldOptions {
  readonly items: number;
  readonly users: number;
  readonly historyLength: number;
  readonly window: number;
  readonly worldSeed: number;
  readonly streamSeed: number;
}

type SequenceEvent = { readonly item: number; readonly outcome: number };

/**
 * Batches of examples from `draw`, which returns one example's `history_length + window` events
 * in time order: the first `history_length` are the history (item, outcome: 1 click, 2 save), the
 * rest the future window (outcomes as 0 click, 1 save).
 */
function sequenceStream(options: SequenceWorldOptions, draw: (length: number) => readonly SequenceEvent[]): ColumnStream {
  return {
    next(batchSize: number) {
      const [t, w] = [options.historyLength, options.window];
      const history = new Int32Array(batchSize * t);
      const outcomes = new Int32Array(batchSize * t);
      const future = new Int32Array(batchSize * w);
      const futureOutcomes = new Int32Array(batchSize * w);
      for (let b = 0; b < batchSize; b++) {
        draw(t + w).forEach((e, i) => {
          if (i < t) {
            history[b * t + i] = e.item;
            outcomes[b * t + i] = e.outcome;
          } else {
            future[b * w + i - t] = e.item;
            futureOutcomes[b * w + i - t] = e.outcome - 1;
          }
        });
      }
      return {
        count: batchSize,
        columns: new Map<string, Column>([
          ["history", idColumn(history, [t])],
          ["history_outcomes", idColumn(outcomes, [t])],
          ["future", idColumn(future, [w])],
          ["future_outcomes", idColumn(futureOutcomes, [w])],
        ]),
      };
    },
  };
}

/** Each user's 3 preferred clusters, drawn from the world's seed. */
function preferredClusters(options: SequenceWorldOptions): number[][] {
  const world = xorshift32(options.worldSeed);
  return Array.from({ length: options.users }, () => [0, 1, 2].map(() => Math.floor(world() * CLUSTERS)));
}

/**
 * `outcome_sequences` (spec/papers.md, PinRec's toy world): the shared item layout
 * (clusterEvents). Each user prefers 3 clusters and drifts between them (the current cluster
 * changes with probability 0.2 per event: to one of the user's 3 with probability 0.9, else to
 * any cluster), so the next event mostly continues the current interest while the later events
 * of a window return to the user's other interests. An example is a history of
 * `history_length` events and the next `window` events. Fields: history, history_outcomes,
 * future, future_outcomes (0 click, 1 save).
 */
export function outcomeSequencesWorld(options: SequenceWorldOptions): ColumnStream {
  const preferred = preferredClusters(options);
  const random = xorshift32(options.streamSeed);
  const pick = (n: number) => Math.floor(random() * n);
  const event = clusterEvents(options.items, random);
  return sequenceStream(options, (length) => {
    const user = pick(options.users);
    let current = preferred[user]![pick(3)]!;
    const drift = () => {
      if (random() < 0.2) current = random() < 0.9 ? preferred[user]![pick(3)]! : pick(CLUSTERS);
      return current;
    };
    return Array.from({ length }, () => event(drift()));
  });
}

/**
 * `focus_drift_sequences`: the second PinRec world, fixed and written down before its first run
 * (issue 43), after the design note's toy ("a slowly drifting interest process, several plausible
 * next items, order within a short window random") and the independent check's choices. The
 * shared item layout (clusterEvents). Each user prefers 3 clusters; a sequence starts at one of
 * them, its focus. Per event: with probability 0.1 the item explores (a uniformly random
 * cluster, the focus unchanged), else it comes from the focus. After each event the focus is kept
 * with probability 0.7, else moves to another of the user's preferred clusters (uniformly); with
 * probability 0.05 one preferred cluster (uniformly) is replaced by a uniformly random cluster for
 * the rest of the sequence (interests drift). Timestamps order events only to within a window:
 * the events are cut into blocks of `window` counted back from the end (the future is the last
 * block) and each block's order is random, so the next event is no likelier than any other event
 * of the window to continue the current cluster.
 */
export function focusDriftWorld(options: SequenceWorldOptions): ColumnStream {
  const preferred = preferredClusters(options);
  const random = xorshift32(options.streamSeed);
  const pick = (n: number) => Math.floor(random() * n);
  const event = clusterEvents(options.items, random);
  return sequenceStream(options, (length) => {
    const interests = [...preferred[pick(options.users)]!];
    let focus = pick(3);
    const events = Array.from({ length }, () => {
      const drawn = event(random() < 0.1 ? pick(CLUSTERS) : interests[focus]!);
      if (random() >= 0.7) focus = (focus + 1 + pick(2)) % 3;
      if (random() < 0.05) interests[pick(3)] = pick(CLUSTERS);
      return drawn;
    });
    // Shuffle each block of `window` events, counted back from the end (Fisher–Yates).
    for (let end = length; end > 0; end -= options.window) {
      const start = Math.max(0, end - options.window);
      for (let i = end - 1; i > start; i--) {
        const j = start + pick(i - start + 1);
        [events[i], events[j]] = [events[j]!, events[i]!];
      }
    }
    return events;
  });
}

export const OUTCOME_SEQUENCES: GeneratedWorld = {
  name: "outcome_sequences",
  kind: "generated",
  doc: "PinRec's world: drifting histories of Zipf-popular items with click/save outcomes, and the next events",
  args: [...SEED_ARGS, modelArg("items", "items", "future", 600), arg("users", 2000, "users")],
  fields: [
    ids("history", ["model"], "items", "items of the history"),
    ids("history_outcomes", ["model"], 3, "outcome of each: 1 click, 2 save"),
    ids("future", ["model"], "items", "the next events' items"),
    ids("future_outcomes", ["model"], 2, "their outcomes: 0 click, 1 save"),
  ],
  separation: {
    hidden: [
      hidden("users' interests, item clusters, popularity and outcome rates", "training", "every split's sequences are drawn from them"),
      hidden("held-out sequences", "evaluation", "fresh histories and futures by the held-out streams' seeds"),
    ],
    unit: "a whole example (history and future)",
    items: wholeExamples(),
  },
  stream: (args, streamSeed) => outcomeSequencesWorld(sequenceOptions(args, streamSeed)),
};

export const FOCUS_DRIFT_SEQUENCES: GeneratedWorld = {
  ...OUTCOME_SEQUENCES,
  name: "focus_drift_sequences",
  doc: "PinRec's second world: a kept focus, exploration and drifting interests, events ordered only to within a window",
  stream: (args, streamSeed) => focusDriftWorld(sequenceOptions(args, streamSeed)),
};

function sequenceOptions(args: WorldArgs, streamSeed: number): SequenceWorldOptions {
  return {
    items: args.number("items"),
    users: args.number("users"),
    historyLength: args.modelDim("history", 1, 10),
    window: args.modelDim("future", 1, 5),
    worldSeed: args.worldSeed,
    streamSeed,
  };
}
