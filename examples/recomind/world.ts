// The RecoMind session world (spec/papers.md, RecoMind): a seeded catalogue of items in taste
// clusters, some of them "clickbait", and users who engage with an item and then continue or
// leave the session. In: a world seed and sizes. Out: the world's truth (the probability of
// engaging with an item in a session state, and of continuing after it), new sessions' first
// states, and a finite log of sessions shown by a random logging policy (`recomind_logs`), on
// which the supervised engagement and continuation models train.
//
// The truth of one step, for a user of taste u shown item i after the session's history:
//   p_engage   = σ(u·v_i + 1.0·b_i − 1.0 − 1.5·f)   (f: the share of the last H shown items in i's cluster: fatigue)
//   p_continue = 0.95 − 0.25·b_i − 0.1·[no engagement]
// and every session ends after `maxSteps` items. b_i is the hidden clickbait flag (20% of the
// items): a property of the item, not of its vector v_i, so a model must see the item's identity
// to learn which items end sessions.
//
// A session's state, as the environment's inputs receive it: taste f32[8], history id[H] (the
// last H items shown, oldest first, 0 where nothing was shown yet), shown f32[H] (1 where the
// history holds an item), responses f32[H] (1 where the user engaged with it) and depth f32 (the
// items shown so far). The records at the end are the worlds' contracts: `recomind_sessions`
// (interactive) and `recomind_logs` (finite).

import { rowKeys, type Column, type Examples } from "../../runtime/src/data/columns.js";
import type { InteractiveWorld } from "../../runtime/src/rl/interactive-world.js";
import {
  arg,
  f32,
  finiteArgs,
  hidden,
  ids,
  SEED_ARGS,
  type FiniteWorld,
  type InteractiveWorldRecord,
  type WorldArg,
  type WorldArgs,
} from "../../runtime/src/data/world.js";
import { gaussian, xorshift32 } from "../../runtime/src/data/random.js";

export interface SessionWorldOptions {
  readonly worldSeed: number;
  readonly items: number;
  readonly historyLength: number;
  readonly maxSteps: number;
}

const DIM = 8;
const CLUSTERS = 10;
const CLICKBAIT_SHARE = 0.2;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export class SessionWorld implements InteractiveWorld {
  readonly items: number;
  readonly historyLength: number;
  readonly maxSteps: number;
  private readonly vectors: Float64Array;
  private readonly cluster: Int32Array;
  /** The hidden flag: 1 for clickbait items. */
  readonly clickbait: Uint8Array;
  private readonly centres: Float64Array;

  constructor(options: SessionWorldOptions) {
    this.items = options.items;
    this.historyLength = options.historyLength;
    this.maxSteps = options.maxSteps;
    const random = xorshift32(options.worldSeed * 7_717 + 29);
    const normal = gaussian(random);
    // Centres with d·σ² = 1.5: u·v is about 1.5 within a cluster and 0 ± 0.5 across clusters.
    const spread = Math.sqrt(1.5 / DIM);
    this.centres = Float64Array.from({ length: CLUSTERS * DIM }, () => normal() * spread);
    this.cluster = Int32Array.from({ length: this.items }, () => Math.floor(random() * CLUSTERS));
    this.vectors = new Float64Array(this.items * DIM);
    for (let i = 0; i < this.items; i++)
      for (let k = 0; k < DIM; k++) this.vectors[i * DIM + k] = this.centres[this.cluster[i]! * DIM + k]! + 0.5 * spread * normal();
    this.clickbait = Uint8Array.from({ length: this.items }, () => (random() < CLICKBAIT_SHARE ? 1 : 0));
  }

  /** `count` sessions' states, all zero: the layout `start` fills and `advance` writes into. */
  blank(count: number): Examples {
    const h = this.historyLength;
    const column = (data: Column["data"], shape: number[], dtype: Column["dtype"]): Column => ({ data, shape, dtype });
    return {
      count,
      columns: new Map([
        ["taste", column(new Float32Array(count * DIM), [DIM], "float32")],
        ["history", column(new Int32Array(count * h), [h], "int32")],
        ["shown", column(new Float32Array(count * h), [h], "float32")],
        ["responses", column(new Float32Array(count * h), [h], "float32")],
        ["depth", column(new Float32Array(count), [], "float32")],
      ]),
    };
  }

  /** `count` new sessions: each a user near a random cluster's centre, with an empty history. */
  start(count: number, random: () => number): Examples {
    const normal = gaussian(random);
    const spread = Math.sqrt(1.5 / DIM);
    const state = this.blank(count);
    const taste = state.columns.get("taste")!.data;
    for (let s = 0; s < count; s++) {
      const c = Math.floor(random() * CLUSTERS);
      for (let k = 0; k < DIM; k++) taste[s * DIM + k] = this.centres[c * DIM + k]! + 0.5 * spread * normal();
    }
    return state;
  }

  /** The probability that the user of session `s` engages with `item` now. */
  engageProbability(state: Examples, s: number, item: number): number {
    const taste = state.columns.get("taste")!.data;
    const history = state.columns.get("history")!.data;
    const shown = state.columns.get("shown")!.data;
    const h = this.historyLength;
    let affinity = 0;
    for (let k = 0; k < DIM; k++) affinity += taste[s * DIM + k]! * this.vectors[item * DIM + k]!;
    let same = 0;
    for (let t = 0; t < h; t++) if (shown[s * h + t]! > 0 && this.cluster[history[s * h + t]!] === this.cluster[item]) same++;
    return sigmoid(affinity + 1.0 * this.clickbait[item]! - 1.0 - 1.5 * (same / h));
  }

  /** The probability that the session continues after `item` was shown and answered with `engaged`. */
  continueProbability(item: number, engaged: boolean): number {
    return 0.95 - 0.25 * this.clickbait[item]! - (engaged ? 0 : 0.1);
  }

  /** The state after showing `item` in session `s` with the response `engaged`, written into `next` (the same layout). */
  advance(state: Examples, next: Examples, s: number, item: number, engaged: boolean): void {
    const h = this.historyLength;
    const shift = (name: string, value: number) => {
      const from = state.columns.get(name)!.data;
      const to = next.columns.get(name)!.data;
      for (let t = 0; t < h - 1; t++) to[s * h + t] = from[s * h + t + 1]!;
      to[s * h + h - 1] = value;
    };
    shift("history", item);
    shift("shown", 1);
    shift("responses", engaged ? 1 : 0);
    next.columns.get("depth")!.data[s] = state.columns.get("depth")!.data[s]! + 1;
    const taste = state.columns.get("taste")!.data;
    next.columns.get("taste")!.data.set(taste.subarray(s * DIM, (s + 1) * DIM), s * DIM);
  }

  /**
   * A truth-aware one-step lookahead, the world's reference for what a policy can reach: among
   * the candidates, the item maximising p_engage + λ·E[p_continue] (λ, the value of one more
   * step, is a setting: `oracleValue`). Not the exact optimum of the session, which no
   * tractable computation gives; a policy may beat it.
   */
  lookahead(state: Examples, s: number, candidates: ArrayLike<number>, value: number): number {
    let best = candidates[0]!;
    let bestScore = -Infinity;
    for (let j = 0; j < candidates.length; j++) {
      const item = candidates[j]!;
      const p = this.engageProbability(state, s, item);
      const score = p + value * (p * this.continueProbability(item, true) + (1 - p) * this.continueProbability(item, false));
      if (score > bestScore) [best, bestScore] = [item, score];
    }
    return best;
  }
}

export interface SessionLogOptions extends SessionWorldOptions {
  readonly trainExamples: number;
  readonly testExamples: number;
}

/**
 * `recomind_logs`: sessions shown by a random logging policy (each item uniform over the
 * catalogue), one example per shown item — the state before it, the item, whether the user
 * engaged and whether the session continued, with the true probabilities of both (the ceiling).
 */
export function sessionLogs(options: SessionLogOptions, random = xorshift32(options.worldSeed * 31 + 7)): { train: Examples; test: Examples } {
  const world = new SessionWorld(options);
  const take = (count: number): Examples => {
    const rows: Examples[] = [];
    const items = new Int32Array(count);
    const engaged = new Float32Array(count);
    const continued = new Float32Array(count);
    const pEngage = new Float32Array(count);
    const pContinue = new Float32Array(count);
    let session = world.start(1, random);
    for (let n = 0; n < count; n++) {
      const item = Math.floor(random() * world.items);
      const p = world.engageProbability(session, 0, item);
      const yes = random() < p;
      const c = world.continueProbability(item, yes);
      const goesOn = random() < c && session.columns.get("depth")!.data[0]! + 1 < world.maxSteps;
      rows.push(session);
      [items[n], engaged[n], continued[n], pEngage[n], pContinue[n]] = [item, yes ? 1 : 0, goesOn ? 1 : 0, p, c];
      if (goesOn) {
        const next = world.blank(1);
        world.advance(session, next, 0, item, yes);
        session = next;
      } else {
        session = world.start(1, random);
      }
    }
    const columns = new Map<string, Column>();
    for (const name of rows[0]?.columns.keys() ?? []) {
      const first = rows[0]!.columns.get(name)!;
      const width = first.shape.reduce((a, b) => a * b, 1);
      const data = new (first.data.constructor as new (n: number) => Column["data"])(count * width);
      rows.forEach((row, r) => data.set(row.columns.get(name)!.data, r * width));
      columns.set(name, { data, shape: first.shape, dtype: first.dtype });
    }
    const scalar = (data: Column["data"], dtype: Column["dtype"]): Column => ({ data, shape: [], dtype });
    columns.set("item", scalar(items, "int32"));
    columns.set("engaged", scalar(engaged, "float32"));
    columns.set("continued", scalar(continued, "float32"));
    columns.set("p_engage", scalar(pEngage, "float32"));
    columns.set("p_continue", scalar(pContinue, "float32"));
    return { count, columns };
  };
  return { train: take(options.trainExamples), test: take(options.testExamples) };
}

const SESSION_ARGS: readonly WorldArg[] = [
  arg("items", 500, "items"),
  arg("history_length", 8, "items the state remembers"),
  arg("max_steps", 30, "items per session at most"),
];
const sessionOptions = (args: WorldArgs): SessionWorldOptions => ({
  worldSeed: args.worldSeed,
  items: args.number("items"),
  historyLength: args.number("history_length"),
  maxSteps: args.number("max_steps"),
});
const STATE_FIELDS = [
  f32("taste", [8], "the user's taste"),
  ids("history", ["history_length"], "items", "the last items shown, 0 before the first"),
  f32("shown", ["history_length"], "1 where the history holds an item"),
  f32("responses", ["history_length"], "1 where the user engaged with it"),
  f32("depth", [], "items shown so far"),
];

/** A session's user as its key: the taste vector every state of the session carries. */
const sessionUsers = (examples: Examples) => rowKeys(examples, ["taste"]);

export const RECOMIND_LOGS: FiniteWorld = {
  name: "recomind_logs",
  kind: "finite",
  doc: "RecoMind's world logged under a random policy: one example per shown item, the session's state before it and the responses",
  args: [...finiteArgs(100_000, 20_000), ...SESSION_ARGS],
  fields: [
    ...STATE_FIELDS,
    ids("item", [], "items", "the shown item"),
    f32("engaged", [], "1 if the user engaged"),
    f32("continued", [], "1 if the session went on"),
    f32("p_engage", [], "the true engagement probability"),
    f32("p_continue", [], "the true continuation probability"),
  ],
  separation: {
    hidden: [
      hidden("engagement and continuation truth, clickbait flags", "training", "responses are drawn from them"),
      hidden("held-out sessions", "evaluation", "the test split's sessions: new users, whose tastes no training session has"),
      hidden("true probabilities", "metrics", "for the ceiling only", ["p_engage", "p_continue"]),
    ],
    unit: "a session's user (its taste)",
    items: sessionUsers,
  },
  build: (args) => sessionLogs({ ...sessionOptions(args), trainExamples: args.number("train_examples"), testExamples: args.number("test_examples") }),
};

export const RECOMIND_SESSIONS: InteractiveWorldRecord = {
  name: "recomind_sessions",
  kind: "interactive",
  doc: "RecoMind's world as sessions for rollouts (`rollouts { world = … }`): new sessions' states, and the truth of each step",
  args: [...SEED_ARGS, ...SESSION_ARGS],
  fields: STATE_FIELDS,
  separation: {
    hidden: [
      hidden("engagement and continuation truth, clickbait flags", "training", "rollouts learn from responses drawn from it"),
      hidden("evaluation sessions", "evaluation", "new users, drawn by the evaluation seed; no training rollout meets them"),
    ],
    unit: "a session's user (its taste)",
    items: sessionUsers,
  },
  open: (args) => new SessionWorld(sessionOptions(args)),
};
