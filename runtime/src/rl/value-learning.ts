// Value learning in an environment: the train block's `rollouts { … }` turned into what the
// training loop consumes. In: the value model's executor (its `q` head scores a state's
// candidates; its losses read transitions), the environment, the interactive world, the train
// settings and the run's seed. Out: a data set whose training stream runs rollouts with the
// current Q-network and exploration into a replay buffer and samples batches from it; the
// target network's update after each step (Polyak averaging or a periodic copy of every
// `reference`); and the evaluation: episode metrics of the greedy policy in the world itself,
// beside those of a truth-aware lookahead (the world's reference ceiling).

import type { DataSet } from "../data/batch.js";
import { xorshift32 } from "../data/random.js";
import type { InteractiveWorld } from "./interactive-world.js";
import type { Executor } from "../tfjs/executor.js";
import { polyakAverage } from "../tfjs/kernels/rl.js";
import type { PlanSettings, PlanValue } from "../plan.js";
import { tf, type Tensor } from "../tfjs/tf.js";
import { copyReferences, referencePairs } from "../tfjs/train/reference.js";
import { type Environment, headPlace, RolloutError } from "./environment.js";
import { ReplayBuffer } from "./replay.js";
import { evaluateInWorld, type Exploration, type PolicyValues, TrainingRollouts } from "./rollouts.js";

/** A train block's `rollouts { … }`, with its defaults (spec/language.md). */
export interface RolloutSettings {
  /** The model of the file whose heads are the environment. */
  readonly environment: string;
  /** The interactive world: `synthetic("<world>", …)` naming one of kind `interactive`. */
  readonly world: string;
  /** Sessions advanced together. */
  readonly sessions: number;
  /** Environment steps (of every session) per training step. */
  readonly stepsPerUpdate: number;
  /** Transitions collected before the first training step. */
  readonly warmup: number;
  /** The replay buffer's capacity, in transitions. */
  readonly replay: number;
  readonly explore: Exploration;
  /** Soft target update τ after every step (0: none). */
  readonly polyak: number;
  /** A hard copy of the online weights into the targets every this many steps (0: none). */
  readonly copyEvery: number;
  /** Sessions per evaluation, run to their end in the world. */
  readonly evalSessions: number;
  /** `reach_share` counts the sessions that reach this many items. */
  readonly reach: number;
}

export function rolloutSettingsOf(settings: PlanSettings): RolloutSettings | undefined {
  const block = settings["rollouts"];
  if (!block || typeof block !== "object" || Array.isArray(block) || "dim" in block) return undefined;
  const get = (name: string) => (block as PlanSettings)[name] as PlanValue | undefined;
  const num = (name: string, fallback: number) => {
    const v = get(name);
    return typeof v === "number" ? v : fallback;
  };
  const kind = String(get("explore") ?? "epsilon");
  if (kind !== "epsilon" && kind !== "boltzmann" && kind !== "greedy")
    throw new RolloutError(`\`explore = "${kind}"\` is not an exploration; use "epsilon", "boltzmann" or "greedy"`);
  const batch = typeof settings["batch"] === "number" ? settings["batch"] : 64;
  return {
    environment: String(get("environment") ?? ""),
    world: String(get("world") ?? ""),
    sessions: num("sessions", 64),
    stepsPerUpdate: num("steps_per_update", 1),
    warmup: num("warmup", batch),
    replay: num("replay", 10_000),
    explore: { kind, epsilon: num("epsilon", 0.1), temperature: num("temperature", 0.1) },
    polyak: num("polyak", 0),
    copyEvery: num("copy_every", 0),
    evalSessions: num("eval_sessions", 500),
    reach: num("reach", 10),
  };
}

export interface ValueLearning {
  readonly data: DataSet;
  readonly evaluate: () => Promise<Record<string, number>>;
  readonly afterStep: (step: number) => void;
  /** The replay buffer's memory once full, in bytes. */
  readonly replayBytes: () => number;
}

/** The Q-network's values of every session's candidates: its `q` head, f32[S, K]. */
export function qValues(q: Executor): PolicyValues {
  const where = () => headPlace(q.plan, "q");
  if (!("q" in q.plan.entries.predict.outputs))
    throw new RolloutError(
      `model ${q.plan.model} learns by rollouts but has no head \`q\`: the values f32[S, K] of a state's candidates that the policy acts on`,
    );
  const reads = new Set(q.plan.inputs.map((i) => i.name));
  return async (state, candidates, k, step) => {
    const feeds = new Map<string, Tensor>();
    for (const [name, column] of state.columns) if (reads.has(name)) feeds.set(name, tf.tensor(column.data, [state.count, ...column.shape], column.dtype));
    feeds.set("candidates", tf.tensor2d(candidates, [state.count, k], "int32"));
    try {
      const out = tf.tidy(() => q.runNamed("predict", ["q"], feeds).get("q")!);
      const shape = out.shape;
      const values = Float32Array.from(await out.data());
      out.dispose();
      if (shape.join() !== [state.count, k].join())
        throw new RolloutError(
          `${where()} has shape [${shape.join(", ")}] at step ${step}; it must score each of the ${k} candidates of the ${state.count} sessions`,
        );
      if (values.some((v) => !Number.isFinite(v))) throw new RolloutError(`${where()} is not finite at step ${step}`);
      return values;
    } finally {
      tf.dispose([...feeds.values()]);
    }
  };
}

/** The lookahead values λ that the world's reference policy tries; the best is reported. */
const LOOKAHEAD_VALUES = [0, 1, 2, 4, 8];

/**
 * The seeds of a run's sessions: `training` draws the rollouts' users, `evaluation` the users every
 * evaluation meets (a world's leak audit draws both: no evaluation user is a training one).
 */
export const sessionSeeds = (seed: number) => ({ training: seed * 9_973 + 3, evaluation: seed * 101 + 17 });

export function valueLearning(q: Executor, env: Environment, world: InteractiveWorld, settings: PlanSettings, seed: number): ValueLearning {
  const rollout = rolloutSettingsOf(settings)!;
  const random = xorshift32(sessionSeeds(seed).training);
  const replay = new ReplayBuffer(rollout.replay, xorshift32(seed * 4_001 + 11));
  const policy = qValues(q);
  const rollouts = new TrainingRollouts(env, world, policy, rollout.explore, random, rollout.sessions);
  const fields = q.plan.inputs.map((i) => i.name);
  // The buffer keeps only the fields the value model reads (what the summary counts).
  const collect = async () => {
    const transitions = await rollouts.advance();
    replay.push({
      count: transitions.count,
      columns: new Map(fields.flatMap((f) => (transitions.columns.has(f) ? [[f, transitions.columns.get(f)!] as const] : []))),
    });
  };
  const data: DataSet = {
    train: () => ({
      async next(batchSize) {
        while (replay.size < rollout.warmup) await collect();
        for (let i = 0; i < rollout.stepsPerUpdate; i++) await collect();
        return replay.sample(batchSize, fields);
      },
    }),
    heldOut: () => ({ next: async () => undefined }),
    skipped: { count: 0, examples: [] },
  };
  // Every evaluation runs the same sessions (one seed per run): curves compare like with like,
  // and the arms of one seed meet the same users.
  const evalSeed = sessionSeeds(seed).evaluation;
  let reference: Record<string, number> | undefined;
  const evaluate = async () => {
    const metrics: Record<string, number> = { ...(await evaluateInWorld(env, world, policy, rollout.evalSessions, rollout.reach, xorshift32(evalSeed))) };
    const finished = rollouts.finishedReturns();
    if (finished.length) metrics["simulated_return"] = finished.reduce((a, b) => a + b, 0) / finished.length;
    reference ??= await cachedReference(env, world, rollout, evalSeed);
    return { ...metrics, ...reference };
  };
  // Each reference's weights beside the online weights they follow, matched once (copyReferences
  // checked the names and shapes when the run started).
  const followed = referencePairs(settings).flatMap(([target, source]) =>
    [...q.params]
      .filter(([name]) => name.startsWith(`${target}.`))
      .map(([name, variable]) => [variable, q.params.get(`${source}.${name.slice(target.length + 1)}`)!] as const),
  );
  const afterStep = (step: number) => {
    if (rollout.polyak > 0) {
      for (const [variable, online] of followed) {
        const mixed = polyakAverage(variable, online, rollout.polyak);
        variable.assign(mixed);
        mixed.dispose();
      }
    }
    if (rollout.copyEvery > 0 && step % rollout.copyEvery === 0) copyReferences(q, settings);
  };
  return { data, evaluate, afterStep, replayBytes: () => replay.bytes };
}

/**
 * The lookahead reference depends only on the world, the evaluation's sessions and the
 * environment's weights: the arms of one seed share it (an experiment computes it once per seed).
 */
const references = new Map<string, Record<string, number>>();
async function cachedReference(env: Environment, world: InteractiveWorld, rollout: RolloutSettings, evalSeed: number): Promise<Record<string, number>> {
  let checksum = 0;
  for (const variable of env.executor.params.values()) for (const v of await variable.data()) checksum = (checksum * 31 + Math.round(v * 1e6)) % 1_000_000_007;
  const key = JSON.stringify([rollout.world, rollout.evalSessions, rollout.reach, evalSeed, env.executor.plan.model, checksum]);
  const known = references.get(key) ?? (await lookaheadReference(env, world, rollout, evalSeed));
  references.set(key, known);
  return known;
}

/** The world's truth-aware lookahead policy's episode metrics (the best λ's), prefixed `lookahead_`. */
async function lookaheadReference(env: Environment, world: InteractiveWorld, rollout: RolloutSettings, evalSeed: number): Promise<Record<string, number>> {
  let best: Record<string, number> | undefined;
  for (const value of LOOKAHEAD_VALUES) {
    const oracle = async (state: Parameters<PolicyValues>[0], candidates: Int32Array, k: number) => {
      const values = new Float32Array(candidates.length);
      for (let s = 0; s < state.count; s++) {
        const row = candidates.subarray(s * k, (s + 1) * k);
        const pick = world.lookahead(state, s, row, value);
        values[s * k + row.indexOf(pick)] = 1;
      }
      return values;
    };
    const metrics = await evaluateInWorld(env, world, oracle, rollout.evalSessions, rollout.reach, xorshift32(evalSeed));
    if (!best || metrics.engaged_per_session > best["engaged_per_session"]!) best = { ...metrics, value };
  }
  return Object.fromEntries(Object.entries(best!).map(([k, v]) => [`lookahead_${k}`, v]));
}
