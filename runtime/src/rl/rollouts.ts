// Batched rollouts: many sessions advance together, one environment call per phase and step.
// In: an environment, a session world (new sessions' states, and the truth for evaluation), a
// policy's values of each session's candidates, exploration and a seeded generator. Out: for
// training, transitions (state, action, reward, done, candidates, next state and its
// candidates) from sessions that are replaced when they finish; for evaluation, episode metrics
// over a fixed set of sessions run to their end with the greedy policy in the world itself.

import { type Column, type ColumnData, type Examples, rowsOf, widthOf } from "../data/examples.js";
import type { InteractiveWorld } from "./interactive-world.js";
import { type Environment, RolloutError } from "./environment.js";

/** A policy's value of each session's candidates: S × K values, row-major. */
export type PolicyValues = (state: Examples, candidates: Int32Array, k: number, step: number) => Promise<Float32Array>;

/** How actions are chosen among the candidates: ε-greedy, Boltzmann (softmax of values / T) or greedy. */
export interface Exploration {
  readonly kind: "epsilon" | "boltzmann" | "greedy";
  readonly epsilon: number;
  readonly temperature: number;
}

/** Writes `source`'s row i over `target`'s row rows[i], field by field. */
export function writeRows(target: Examples, rows: ArrayLike<number>, source: Examples): void {
  for (const [name, c] of target.columns) {
    const from = source.columns.get(name)!;
    const width = widthOf(c);
    for (let r = 0; r < rows.length; r++) c.data.set(from.data.subarray(r * width, (r + 1) * width), rows[r]! * width);
  }
}

/** One action per session among its K candidates. */
export function chooseActions(values: Float32Array, candidates: Int32Array, k: number, explore: Exploration, random: () => number): Int32Array {
  const sessions = candidates.length / k;
  const actions = new Int32Array(sessions);
  for (let s = 0; s < sessions; s++) {
    let pick = 0;
    for (let j = 1; j < k; j++) if (values[s * k + j]! > values[s * k + pick]!) pick = j;
    if (explore.kind === "epsilon" && random() < explore.epsilon) {
      pick = Math.floor(random() * k);
    } else if (explore.kind === "boltzmann") {
      const top = values[s * k + pick]!;
      const weights = Array.from({ length: k }, (_, j) => Math.exp((values[s * k + j]! - top) / explore.temperature));
      let u = random() * weights.reduce((a, b) => a + b, 0);
      pick = k - 1;
      for (let j = 0; j < k; j++)
        if ((u -= weights[j]!) <= 0) {
          pick = j;
          break;
        }
    }
    actions[s] = candidates[s * k + pick]!;
  }
  return actions;
}

interface StepResult {
  readonly candidates: Int32Array;
  readonly k: number;
  readonly action: Int32Array;
  readonly response: Float32Array;
  readonly reward: Float32Array;
  /** 1 where the session ended with this step. */
  readonly done: Float32Array;
  readonly next: Examples;
}

/**
 * One step of every session in `state`: candidates, the policy's choice, a response drawn from
 * the environment's `p_response` (or the world's truth), the transition, and the end of the
 * session drawn from `p_continue` (or the truth) or reached at `maxSteps` items.
 */
async function stepSessions(
  env: Environment,
  truth: InteractiveWorld | undefined,
  policy: PolicyValues,
  state: Examples,
  lengths: ArrayLike<number>,
  step: number,
  explore: Exploration,
  random: () => number,
  maxSteps: number,
): Promise<StepResult> {
  const { ids, k } = await env.candidates(state, step);
  const values = await policy(state, ids, k, step);
  const action = chooseActions(values, ids, k, explore, random);
  const pResponse = truth ? Float32Array.from(action, (item, s) => truth.engageProbability(state, s, item)) : await env.respond(state, action, step);
  const response = Float32Array.from(pResponse, (p) => (random() < p ? 1 : 0));
  const { reward, pContinue, next } = await env.transition(state, action, response, step);
  const continues = truth ? Float32Array.from(action, (item, s) => truth.continueProbability(item, response[s]! > 0)) : pContinue;
  const done = Float32Array.from(continues, (p, s) => (random() < p && lengths[s]! + 1 < maxSteps ? 0 : 1));
  return { candidates: ids, k, action, response, reward, done, next };
}

/** Training rollouts in the simulator: `sessions` sessions at a time, each replaced by a new one when it ends. */
export class TrainingRollouts {
  private state: Examples;
  private readonly lengths: Int32Array;
  private readonly returns: Float64Array;
  private steps = 0;
  /** Returns of the episodes finished since the last `finishedReturns()` call. */
  private finished: number[] = [];

  constructor(
    private readonly env: Environment,
    private readonly world: InteractiveWorld,
    private readonly policy: PolicyValues,
    private readonly explore: Exploration,
    private readonly random: () => number,
    sessions: number,
  ) {
    if (!(Number.isInteger(sessions) && sessions > 0)) throw new RolloutError(`rollouts run a whole number of sessions above 0 at a time, not ${sessions}`);
    this.state = world.start(sessions, random);
    this.lengths = new Int32Array(sessions);
    this.returns = new Float64Array(sessions);
  }

  /** One step of every session: the transitions it made, as columns (state, next_<field>, action, reward, done, candidates, next_candidates). */
  async advance(): Promise<Examples> {
    const step = ++this.steps;
    const result = await stepSessions(this.env, undefined, this.policy, this.state, this.lengths, step, this.explore, this.random, this.world.maxSteps);
    const nextCandidates = await this.env.candidates(result.next, step);
    if (nextCandidates.k !== result.k)
      throw new RolloutError(
        `${this.env.where("candidates", step)} gave ${nextCandidates.k} candidates for the next ` +
          `states but ${result.k} before; the candidate set has one size`,
      );
    const columns = new Map<string, Column>();
    for (const field of this.env.stateFields) {
      columns.set(field, this.state.columns.get(field)!);
      columns.set(`next_${field}`, result.next.columns.get(field)!);
    }
    const scalar = (data: ColumnData, dtype: Column["dtype"]): Column => ({ data, shape: [], dtype });
    columns.set("action", scalar(result.action, "int32"));
    columns.set("reward", scalar(result.reward, "float32"));
    columns.set("done", scalar(result.done, "float32"));
    columns.set("candidates", { data: result.candidates, shape: [result.k], dtype: "int32" });
    columns.set("next_candidates", { data: nextCandidates.ids, shape: [result.k], dtype: "int32" });
    const transitions: Examples = { count: this.state.count, columns };
    // Finished sessions are replaced by new ones; the rest continue from their next state.
    this.state = result.next;
    const ended: number[] = [];
    result.done.forEach((d, s) => {
      this.returns[s]! += result.reward[s]!;
      this.lengths[s]!++;
      if (d > 0) ended.push(s);
    });
    if (ended.length) {
      for (const s of ended) this.finished.push(this.returns[s]!);
      writeRows(this.state, ended, this.world.start(ended.length, this.random));
      for (const s of ended) [this.lengths[s], this.returns[s]] = [0, 0];
    }
    return transitions;
  }

  /** The returns of the episodes finished since the last call. */
  finishedReturns(): number[] {
    const out = this.finished;
    this.finished = [];
    return out;
  }
}

/** What an evaluation reports per policy: episode metrics over its sessions. */
export interface EpisodeMetrics {
  /** The mean over sessions of the summed reward. */
  readonly return: number;
  /** Items shown per session (session depth). */
  readonly length: number;
  /** Items engaged with per session. */
  readonly engaged_per_session: number;
  /** The share of sessions that reached `reach` items. */
  readonly reach_share: number;
  /** Engagements per shown item. */
  readonly engagement_rate: number;
}

/**
 * Runs `sessions` new sessions of the world to their end with the greedy policy, responses and
 * continuation drawn from the world's truth (the environment gives candidates, rewards and the
 * next state). Deterministic for `random`'s seed.
 */
export async function evaluateInWorld(
  env: Environment,
  world: InteractiveWorld,
  policy: PolicyValues,
  sessions: number,
  reach: number,
  random: () => number,
): Promise<EpisodeMetrics> {
  const state = world.start(sessions, random);
  let active = Int32Array.from({ length: sessions }, (_, i) => i);
  const lengths = new Int32Array(sessions);
  const returns = new Float64Array(sessions);
  const engaged = new Float64Array(sessions);
  const greedy: Exploration = { kind: "greedy", epsilon: 0, temperature: 1 };
  for (let step = 1; active.length > 0; step++) {
    const sub = rowsOf(state, active);
    const subLengths = Int32Array.from(active, (s) => lengths[s]!);
    const result = await stepSessions(env, world, policy, sub, subLengths, step, greedy, random, world.maxSteps);
    writeRows(state, active, result.next);
    const still: number[] = [];
    active.forEach((s, i) => {
      returns[s]! += result.reward[i]!;
      engaged[s]! += result.response[i]!;
      lengths[s]!++;
      if (result.done[i]! === 0) still.push(s);
    });
    active = Int32Array.from(still);
  }
  const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
  const shown = Array.from(lengths).reduce((a, b) => a + b, 0);
  return {
    return: mean(returns),
    length: mean(lengths),
    engaged_per_session: mean(engaged),
    reach_share: mean(Array.from(lengths, (l) => (l >= reach ? 1 : 0))),
    engagement_rate: Array.from(engaged).reduce((a, b) => a + b, 0) / shown,
  };
}
