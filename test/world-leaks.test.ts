// Every world checked for leaks (runtime/src/data/world.ts, `WorldSeparation`): each world declares
// the structures it hides and which streams read them. Where something is evaluation-only, the
// test draws the world's training streams exactly as a run does (the same stream seeds, the same
// session seeds) and asserts that no evaluation item — a held-out pair or edge, a cold pin, a
// held-out example, a new session's user — appears in them; and, so the audit cannot pass
// vacuously, that the same keys do find the held-out batches' items, and that held-out data passed
// off as training is caught. A world with nothing evaluation-only must say so, and its held-out
// streams must still be draws of their own. And the columns a world carries for metrics only (true
// probabilities, exact utilities) are read by no example model's loss, head, encoder or policy.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { WORLD_RECORDS, WORLDS } from "../app/worlds.js";
import { ROOT } from "./harness/repo.js";
import { parseConfig } from "../runtime/src/config.js";
import type { Examples } from "../runtime/src/data/columns.js";
import { xorshift32 } from "../runtime/src/data/random.js";
import { streamSeedOf } from "../runtime/src/data/sources.js";
import { worldArgs, worldSeedOf } from "../runtime/src/data/world-args.js";
import { wholeExamples, worldParts, type Split, type WorldArgs, type WorldRecord } from "../runtime/src/data/world.js";
import type { Plan, PlanEntry } from "../runtime/src/plan.js";
import { sessionSeeds } from "../runtime/src/rl/value-learning.js";
import { buildOmniSageWorld, OMNISAGE_GRAPH } from "../examples/omnisage/world.js";

/** A plan with no inputs: the worlds fall back to their own defaults. */
const EMPTY = { version: 1, model: "Audit", dims: [], params: [], inputs: [], steps: [], entries: {}, freeAfter: {}, train: [] } as unknown as Plan;

/** Finite worlds at a size that builds quickly; generated worlds draw this many batches of 64 per split. */
const SMALL = { train_examples: 4_000, test_examples: 1_000 };
const BATCHES = 40;
const SEEDS = [1, 2];

/** The examples of each side of a run of `seed`: training, and everything evaluation reads. */
function draw(world: WorldRecord, args: WorldArgs, seed: number, worldSeed: number): { training: Examples[]; evaluation: [Examples, Split][] } {
  if (world.kind === "finite") {
    const { train, test } = world.build(args);
    return { training: [train], evaluation: [[test, "test"]] };
  }
  if (world.kind === "interactive") {
    const sessions = world.open(args);
    const { training, evaluation } = sessionSeeds(seed);
    return { training: [sessions.start(2_000, xorshift32(training))], evaluation: [[sessions.start(2_000, xorshift32(evaluation)), "test"]] };
  }
  const batches = (split: Split) => {
    const stream = world.stream(args, streamSeedOf(worldSeed, seed, split), split);
    return Array.from({ length: BATCHES }, () => stream.next(64));
  };
  return { training: batches("train"), evaluation: (["valid", "test"] as const).flatMap((split) => batches(split).map((b): [Examples, Split] => [b, split])) };
}

/** Each data set a world makes: one per part, else one. */
function settingsOf(world: WorldRecord): string[] {
  const sizes = world.kind === "finite" ? Object.entries(SMALL).map(([k, v]) => `, ${k} = ${v}`) : [];
  const parts = worldParts(world);
  return (parts.length ? parts : [undefined]).map(
    (part) => `synthetic(world = "${world.name}", world_per_seed = true${sizes.join("")}${part ? `, part = "${part}"` : ""})`,
  );
}

describe("every world keeps evaluation out of training", () => {
  for (const world of WORLD_RECORDS) {
    const evaluationOnly = world.separation.hidden.filter((h) => h.readBy === "evaluation");
    for (const setting of settingsOf(world)) {
      it(`${setting}: ${evaluationOnly.length ? evaluationOnly.map((h) => h.name).join(", ") : "nothing evaluation-only"}`, () => {
        expect(world.separation.hidden.length, "the world declares what it hides").toBeGreaterThan(0);
        const config = parseConfig(setting);
        for (const seed of SEEDS) {
          const worldSeed = worldSeedOf(config, seed);
          const args = worldArgs(world, config, EMPTY, worldSeed);
          const { training, evaluation } = draw(world, args, seed, worldSeed);
          const { items, heldOut } = world.separation;
          if (!evaluationOnly.length) {
            // Nothing to keep apart but the draws themselves: held-out examples are not the training ones.
            expect(world.separation.items, "a world that keys items declares what is evaluation-only").toBeUndefined();
            const everything = wholeExamples();
            expect(everything(evaluation[0]![0]), "held-out draws of their own").not.toEqual(everything(training[0]!).slice(0, evaluation[0]![0].count));
            continue;
          }
          expect(items, "an evaluation-only structure needs its items keyed").toBeDefined();
          const fromBatches = new Set(evaluation.flatMap(([examples, split]) => [...items!(examples, split)]));
          const structural = new Set(heldOut?.(args) ?? []);
          const evaluationItems = new Set([...fromBatches, ...structural]);
          expect(fromBatches.size, "held-out batches hold items").toBeGreaterThan(0);
          if (structural.size) {
            // The keys are the world's own: held-out batches' items are found among its held-out structure.
            expect(
              [...fromBatches].some((k) => structural.has(k)),
              "held-out batches keyed like the held-out structure",
            ).toBe(true);
          }
          const leaked = training.flatMap((examples) => [...items!(examples, "train")]).filter((k) => evaluationItems.has(k));
          expect(leaked.slice(0, 5), `training items that are evaluation items (seed ${seed}, ${world.separation.unit})`).toEqual([]);
          // The audit can fail: a held-out batch passed off as training is caught.
          const [firstHeldOut] = evaluation[0]!;
          expect(
            [...items!(firstHeldOut, "train")].some((k) => evaluationItems.has(k)),
            "held-out data as training is caught",
          ).toBe(true);
        }
      });
    }
  }

  it("catches OmniSage's old leak: walks over the true graph step over held-out and cold edges", () => {
    const sizes = { pins: 500, communities: 10, boards: 50, features: 16, walkLength: 8, worldSeed: 11 + 7919 };
    const world = buildOmniSageWorld(sizes);
    const args: WorldArgs = { worldSeed: sizes.worldSeed, number: (name) => sizes[name as "pins"], string: () => "", modelDim: (_, __, fallback) => fallback };
    const evaluationItems = new Set(OMNISAGE_GRAPH.separation.heldOut!(args));
    // 128 walks as the world drew them before: from any pin, over every true edge.
    const random = xorshift32(5);
    const walk = new Int32Array(128 * 8);
    for (let b = 0; b < 128; b++) {
      let at = Math.floor(random() * sizes.pins);
      for (let t = 0; t < 8; t++) {
        walk[b * 8 + t] = at;
        const { to } = world.adjacency[at]!;
        if (to.length) at = to[Math.floor(random() * to.length)]!;
      }
    }
    const pair = Int32Array.from({ length: 128 }, (_, b) => world.trainPairs[b]![0]);
    const partner = Int32Array.from({ length: 128 }, (_, b) => world.trainPairs[b]![1]);
    const id = (data: Int32Array, shape: number[] = []) => ({ data, shape, dtype: "int32" as const });
    const columns = new Map([
      ["anchor", id(pair)],
      ["positive", id(partner)],
      ["cold_anchor", id(pair)],
      ["cold_positive", id(partner)],
      ["walk", id(walk, [8])],
    ]);
    const leaked = [...OMNISAGE_GRAPH.separation.items!({ count: 128, columns }, "train")].filter((k) => evaluationItems.has(k));
    expect(leaked.length).toBeGreaterThan(0);
  });
});

/** The inputs an entry's outputs depend on. */
function inputsRead(plan: Plan, entry: PlanEntry): Set<string> {
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  const seen = new Set<number>();
  const pending = Object.values(entry.outputs);
  const names = new Set<string>();
  while (pending.length) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const step = byId.get(id)!;
    if (step.op === "input") names.add(String(step.attrs["name"]));
    pending.push(...step.inputs);
  }
  return names;
}

describe("a world's metrics-only columns", () => {
  it("are read by no example model but through its metrics", () => {
    const files = (readdirSync(join(ROOT, "examples"), { recursive: true }) as string[]).filter((f) => f.endsWith(".rec"));
    let checked = 0;
    let scored = 0;
    for (const file of files) {
      for (const plan of compileFiles([join(ROOT, "examples", file)]).plans) {
        const worlds = plan.train.flatMap((stage) => {
          const data = stage.settings["data"];
          if (typeof data !== "string" || !data.startsWith("synthetic")) return [];
          const world = WORLDS.get(String(parseConfig(data).args.get("world")));
          return world ? [world] : [];
        });
        const metricsOnly = worlds.flatMap((w) => w.separation.hidden.flatMap((h) => (h.readBy === "metrics" ? (h.fields ?? []) : [])));
        if (!metricsOnly.length) continue;
        checked++;
        for (const entry of ["train", "predict", "encode", "act"] as const) {
          const read = [...inputsRead(plan, plan.entries[entry])].filter((name) => metricsOnly.includes(name));
          expect(read, `${file}, model ${plan.model}: its ${entry} entry reads metrics-only columns`).toEqual([]);
        }
        if ([...inputsRead(plan, plan.entries.eval)].some((name) => metricsOnly.includes(name))) scored++;
      }
    }
    // The check meets models of such worlds, and their metrics do read the truth (the ceilings).
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(scored).toBeGreaterThanOrEqual(3);
  });
});
