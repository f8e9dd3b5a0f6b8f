// Rollouts and value learning (runtime/src/rl/): the RecoMind Q-network starts as the supervised
// model it is loaded from; rollouts and learning repeat exactly for a seed and hold no tensors
// over time; the replay buffer is bounded and counted by the summary; an environment that gives
// a non-finite reward, a candidate outside the catalogue or a state of the wrong shape stops
// the rollout with an error naming the part, its line and the step; exploration stays inside
// the candidate set.

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import { WORLDS } from "../app/worlds.js";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { compileFiles } from "../app/compile.js";
import { summarize } from "../compiler/src/semantics/summary.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { loadWeightsFromTable, snapshotWeights } from "../runtime/src/checkpoint/checkpoint.js";
import { rowsOf } from "../runtime/src/data/examples.js";
import { openSessionWorld } from "../runtime/src/data/sources.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import type { Plan } from "../runtime/src/plan.js";
import { Environment, RolloutError } from "../runtime/src/rl/environment.js";
import { ReplayBuffer } from "../runtime/src/rl/replay.js";
import { chooseActions } from "../runtime/src/rl/rollouts.js";
import { qValues, valueLearning } from "../runtime/src/rl/value-learning.js";
import { xorshift32 } from "../runtime/src/data/random.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { copyReferences } from "../runtime/src/tfjs/train/reference.js";
import { train, trainOptionsFrom } from "../runtime/src/tfjs/train/trainer.js";
import { ROOT } from "./harness/repo.js";

const FAULTS = join(ROOT, "test/fixtures/rollouts/faults.rec");

function plans(path: string, overrides: Record<string, string> = {}): Map<string, Plan> {
  const result = compileFiles([path], { overrides: new Map(Object.entries(overrides)) });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return new Map(result.plans.map((p) => [p.model, p]));
}

/** Trains the faults spec's Q model for its 6 steps; the losses, the metrics and the tensors held after each step. */
async function learn(overrides: Record<string, string> = {}, seed = 4) {
  const all = plans(FAULTS, overrides);
  const q = new Executor(all.get("Q")!, seed);
  const settings = all.get("Q")!.train[0]!.settings;
  copyReferences(q, settings);
  const environment = new Executor(all.get("Env")!, seed);
  const world = openSessionWorld(String((settings["rollouts"] as Record<string, unknown>)["world"]), seed, WORLDS, all.get("Q")!);
  const learning = valueLearning(q, new Environment(environment), world, settings, seed);
  const held: number[] = [];
  const reports = await train(q, settings, learning.data, {
    ...trainOptionsFrom(settings, { seed }),
    evaluate: learning.evaluate,
    afterStep: learning.afterStep,
    onStep: () => held.push(tf.memory().numTensors),
  });
  const target = Array.from(await q.params.get("target.table")!.data());
  q.dispose();
  environment.dispose();
  return {
    losses: reports.map((r) => r.loss),
    metrics: reports.filter((r) => r.metrics).map((r) => r.metrics!),
    held,
    target,
    replayBytes: learning.replayBytes(),
  };
}

describe("value learning by rollouts", () => {
  it("repeats exactly for a seed, differs for another, and holds no tensors over time", async () => {
    await useBackend("cpu");
    const first = await learn();
    const again = await learn();
    expect(again.losses).toEqual(first.losses);
    expect(again.metrics).toEqual(first.metrics);
    expect(first.losses.every(Number.isFinite)).toBe(true);
    expect((await learn({}, 5)).losses).not.toEqual(first.losses);
    expect(first.held.at(-1)).toBe(first.held[0]);
    expect(Object.keys(first.metrics[0]!)).toEqual(
      expect.arrayContaining(["return", "length", "engaged_per_session", "reach_share", "engagement_rate", "lookahead_engaged_per_session"]),
    );
  });

  it("moves the target network towards the online one by Polyak averaging, and only then", async () => {
    await useBackend("cpu");
    const all = plans(FAULTS);
    const start = new Executor(all.get("Q")!, 4);
    copyReferences(start, all.get("Q")!.train[0]!.settings);
    const initial = Array.from(await start.params.get("target.table")!.data());
    start.dispose();
    expect((await learn()).target).not.toEqual(initial);
    expect((await learn({ tau: "0.0" })).target).toEqual(initial);
  });

  it("counts the replay buffer in the summary as the runtime holds it", async () => {
    await useBackend("cpu");
    const result = compileFiles([FAULTS]);
    const summary = summarize(result.models.find((m) => m.name === "Q")!);
    // 8 + 1 + 5 + 1 + 1 + 1 + 8 + 1 + 5 values of 4 bytes per transition, 200 transitions.
    expect(summary.replay).toEqual({ transitions: 200, bytesPerTransition: "124", bytes: 24_800 });
    expect((await learn()).replayBytes).toBe(24_800);
  });
});

describe("the RecoMind Q-network", () => {
  it("starts as the supervised engagement model it is loaded from: the same probability for every candidate", async () => {
    await useBackend("cpu");
    const all = plans(join(ROOT, "examples/recomind/model.rec"), { items: "60", k: "7" });
    const supervised = new Executor(all.get("Logged")!, 9);
    const q = new Executor(all.get("RecoMind")!, 2);
    loadWeightsFromTable(q, snapshotWeights(supervised), "q_net.engagement", "engagement", "the supervised model");
    copyReferences(q, all.get("RecoMind")!.train[0]!.settings);
    const world = openSessionWorld('synthetic(world = "recomind_sessions", items = 60, history_length = 8, seed = 2)', 1, WORLDS, all.get("RecoMind")!);
    const state = world.start(5, xorshift32(3));
    const candidates = Int32Array.from({ length: 5 * 7 }, (_, i) => (i * 13 + 5) % 60);
    const values = await qValues(q)(state, candidates, 7, 1);
    // The supervised model scores each (session, candidate) pair as one example.
    const pairs = rowsOf(
      { count: 5, columns: new Map([...state.columns].filter(([name]) => ["taste", "history", "shown", "depth"].includes(name))) },
      Int32Array.from({ length: 35 }, (_, i) => Math.floor(i / 7)),
    );
    const feeds = new Map([...pairs.columns].map(([name, c]) => [name, tf.tensor(c.data, [35, ...c.shape], c.dtype)]));
    feeds.set("item", tf.tensor1d(candidates, "int32"));
    const logits = supervised.runNamed("predict", ["engage_logit"], feeds).get("engage_logit")!;
    const expected = Array.from(await logits.data(), (z) => 1 / (1 + Math.exp(-z)));
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    tf.dispose([logits, ...feeds.values()]);
    supervised.dispose();
    q.dispose();
  });
});

describe("an environment's errors", () => {
  const failure = async (overrides: Record<string, string>) => {
    try {
      await learn(overrides);
    } catch (error) {
      return error as Error;
    }
    return undefined;
  };

  it("stops on a non-finite reward, naming the part, its line and the step", async () => {
    await useBackend("cpu");
    const error = await failure({ fault: "1" });
    expect(error).toBeInstanceOf(RolloutError);
    expect(error!.message).toMatch(/the environment Env's `reward` \(line 22:\d+\) at step 1 is (NaN|-Infinity) for session 0; a reward must be finite/);
  });

  it("stops on a candidate outside the catalogue", async () => {
    await useBackend("cpu");
    const error = await failure({ fault: "2" });
    expect(error).toBeInstanceOf(RolloutError);
    expect(error!.message).toMatch(/the environment Env's `candidates` \(line 20:\d+\) at step 1 proposed item 1\d\d, outside the catalogue of 20 items/);
  });

  it("stops on a state field whose shape the world does not give", async () => {
    await useBackend("cpu");
    const error = await failure({ state_length: "3" });
    expect(error).toBeInstanceOf(RolloutError);
    expect(error!.message).toContain("the environment Env's state at step 1: input `history` has shape [8,4], the model expects [8,3]");
  });
});

describe("exploration", () => {
  it("chooses only among each session's candidates, greedily at ε = 0 and uniformly at ε = 1", () => {
    const candidates = Int32Array.from([7, 3, 9, 4, 11, 2]);
    const values = Float32Array.from([0.1, 0.9, 0.2, 0.5, 0.4, 0.3]);
    const random = xorshift32(8);
    expect(Array.from(chooseActions(values, candidates, 3, { kind: "epsilon", epsilon: 0, temperature: 1 }, random))).toEqual([3, 4]);
    const counts = new Map<number, number>();
    for (let i = 0; i < 3000; i++)
      for (const a of chooseActions(values, candidates, 3, { kind: "epsilon", epsilon: 1, temperature: 1 }, random)) counts.set(a, (counts.get(a) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([2, 3, 4, 7, 9, 11]);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
    const boltzmann = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const [a] = chooseActions(values, candidates, 3, { kind: "boltzmann", epsilon: 0, temperature: 0.2 }, random);
      boltzmann.set(a!, (boltzmann.get(a!) ?? 0) + 1);
    }
    // softmax([0.1, 0.9, 0.2] / 0.2): 3 is chosen about 96% of the time.
    expect(boltzmann.get(3)! / 3000).toBeGreaterThan(0.93);
    expect(boltzmann.get(7)! + boltzmann.get(9)!).toBeGreaterThan(0);
  });

  it("keeps the last transitions of a bounded replay buffer and samples them with its seed", () => {
    const replay = new ReplayBuffer(4, xorshift32(1));
    for (let i = 0; i < 6; i++) replay.push({ count: 1, columns: new Map([["reward", { data: Float32Array.of(i), shape: [], dtype: "float32" as const }]]) });
    expect(replay.size).toBe(4);
    const batch = replay.sample(200, ["reward"]);
    const drawn = new Set(feedsOf(batch).get("reward")!.dataSync());
    expect([...drawn].sort()).toEqual([2, 3, 4, 5]);
    tf.dispose([...feedsOf(batch).values()]);
  });
});

describe("rec train on a model that learns by rollouts", () => {
  const run = async (args: string[]) => {
    let [stdout, stderr] = ["", ""];
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: join(ROOT, ".tmp"), env: {} };
    const code = await main(["train", ...args], io);
    return { code, stdout, stderr };
  };

  it("trains the environment's supervised models first, then the policy, and reports episode metrics", async () => {
    const out = join(ROOT, ".tmp", `rollouts-${process.pid}`);
    const { code, stdout, stderr } = await run([
      "--model",
      "RecoMind",
      "--steps",
      "3",
      "--set",
      "supervised_steps=10",
      "--set",
      "logs=2000",
      "--set",
      "items=60",
      "--set",
      "k=7",
      "--set",
      "eval_sessions=20",
      "--backend",
      "wasm",
      "--out",
      out,
      "--overwrite",
      join(ROOT, "examples/recomind/model.rec"),
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain("stage 1: Logged, whose weights RecoMind starts from");
    expect(stderr).toMatch(/the environment Sessions loaded \d+ weights from .*init-Logged/);
    expect(stdout).toMatch(/engaged_per_session/);
    rmSync(out, { recursive: true, force: true });
  });

  it("refuses the torch engine with the reason", async () => {
    const { code, stderr } = await run([
      "--model",
      "Q",
      "--backend",
      "torch",
      "--out",
      join(ROOT, ".tmp", `rollouts-torch-${process.pid}`),
      "--overwrite",
      FAULTS,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "error: model Q learns by rollouts, which run on the tfjs engines (cpu, wasm, webgpu): its " +
        "policy acts between training steps; use --backend cpu or wasm",
    );
  });
});
