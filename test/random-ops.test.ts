// The random ops while training (compiler/src/ops/random.ts): on every tfjs backend and on torch,
// the draws of test/corpus/random/draws.rec have their distribution's statistics (4000 draws,
// fixed seeds: each check sits at least 5 standard errors from its bound), a new seed or step
// draws other numbers and the same seed the same ones, and outside training each op gives the
// deterministic value the reference gives (conformance.test.ts compares those too).

import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { writeTorchPackage } from "../runtime/src/torch/package.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { ALL_BACKENDS, skipNote, unavailable } from "./harness/available.js";
import { ROOT } from "./harness/repo.js";

const N = 4000;
const WEIGHTS = [4, 0, 1, 2, 3];
const { plans } = compileFiles([join(ROOT, "test/corpus/random/draws.rec")]);
const plan = plans[0]!;

type Draws = Record<string, number[]>;

async function tfjsDraws(training: boolean, seed: number): Promise<Draws> {
  const executor = new Executor(plan, 1);
  const feeds = new Map([
    ["weights", tf.tensor1d(WEIGHTS)],
    ["x", tf.zeros([N])],
  ]);
  const out: Draws = {};
  for (const [name, t] of executor.run("predict", feeds, { training, seed })) out[name] = [...(await t.data())].map(Number);
  executor.dispose();
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const share = (xs: number[], f: (x: number) => boolean) => xs.filter(f).length / xs.length;

function checkDistributions(d: Draws): void {
  expect(Math.abs(mean(d["normal"]!) - 1.5)).toBeLessThan(0.16); // se 0.032
  expect(Math.abs(sd(d["normal"]!) - 2)).toBeLessThan(0.12);
  expect(Math.min(...d["uniform"]!)).toBeGreaterThanOrEqual(-1);
  expect(Math.max(...d["uniform"]!)).toBeLessThan(3);
  expect(Math.abs(mean(d["uniform"]!) - 1)).toBeLessThan(0.1); // se 0.018
  expect(Math.abs(mean(d["coins"]!) - 0.3)).toBeLessThan(0.04); // se 0.0072
  for (let k = 0; k < 5; k++) expect(Math.abs(share(d["integers"]!, (v) => v === k) - 0.2), `randint ${k}`).toBeLessThan(0.035);
  expect([...d["shuffled"]!].sort((a, b) => a - b)).toEqual([...Array(N).keys()]);
  expect(
    share(
      d["shuffled"]!.map((v, i) => v - i),
      (v) => v === 0,
    ),
  ).toBeLessThan(0.01);
  const total = WEIGHTS.reduce((a, b) => a + b, 0);
  for (let k = 0; k < 5; k++) expect(Math.abs(share(d["negatives"]!, (v) => v === k) - WEIGHTS[k]! / total), `negative ${k}`).toBeLessThan(0.04);
  d["negatives"]!.forEach((id, i) => expect(d["log_q"]![i]!).toBeCloseTo(Math.log(WEIGHTS[id]! / total), 4));
  expect(d["mode"]).toEqual([1]);
}

const EVALUATION: Draws = {
  normal: Array(N).fill(1.5),
  uniform: Array(N).fill(1),
  coins: Array(N).fill(0),
  integers: Array(N).fill(0),
  shuffled: [...Array(N).keys()],
  negatives: Array.from({ length: N }, (_, i) => [0, 4, 3, 2, 1][i % 5]!),
  mode: [0],
};

describe("random ops", () => {
  for (const backend of ALL_BACKENDS) {
    it.skipIf(unavailable(backend))(`draw their distributions while training on ${backend}${skipNote(backend)}`, async () => {
      expect(await useBackend(backend)).toBe(backend);
      const first = await tfjsDraws(true, 3);
      checkDistributions(first);
      expect(await tfjsDraws(true, 3)).toEqual(first);
      const other = await tfjsDraws(true, 4);
      for (const name of ["normal", "uniform", "coins", "integers", "shuffled", "negatives"]) expect(other[name], name).not.toEqual(first[name]);
    });

    it.skipIf(unavailable(backend))(`give their documented values outside training on ${backend}${skipNote(backend)}`, async () => {
      expect(await useBackend(backend)).toBe(backend);
      const d = await tfjsDraws(false, 3);
      for (const name of Object.keys(EVALUATION)) expect(d[name], name).toEqual(EVALUATION[name]);
    });
  }
});

const torch = findTorchPython();
const torchSkip = typeof torch === "string" ? ` (skipped: ${torch})` : "";

describe.skipIf(typeof torch === "string")(`random ops on torch${torchSkip}`, () => {
  it("draw their distributions while training, the same for the same seed", () => {
    const folder = join(ROOT, ".tmp", "random-ops-torch");
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const { package: name } = writeTorchPackage(plan, "draws", folder);
    const script = `
import sys, json, torch
sys.path.insert(0, ${JSON.stringify(folder)})
from ${name}.model import Model
m = Model(seed=1)
feeds = {"weights": torch.tensor(${JSON.stringify(WEIGHTS)}, dtype=torch.float32), "x": torch.zeros(${N})}
runs = [{k: v.to(torch.float64).reshape(-1).tolist() for k, v in m.run("predict", feeds, training=True, seed=s).items()} for s in (3, 3, 4)]
json.dump(runs, sys.stdout)`;
    const run = spawnSync((torch as Exclude<typeof torch, string>).python, ["-c", script], { cwd: folder, encoding: "utf8", maxBuffer: 1 << 28 });
    expect(run.status, run.stderr).toBe(0);
    const [first, again, other] = JSON.parse(run.stdout) as Draws[];
    checkDistributions(first!);
    expect(again).toEqual(first);
    expect(other!["normal"]).not.toEqual(first!["normal"]);
  });
});
