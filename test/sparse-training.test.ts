// Sparse embedding training (trainer.ts, sparse-optimizers.ts, table-rows.ts): on every backend,
// tables trained sparsely end with the weights dense training gives for sgd and adagrad (with
// gradient clipping on); rowwise_adagrad and lazy_adam follow their rules against an independent
// implementation here (tfjs's dense gradient of the table and the rule in tensor ops); optimizer
// state goes through a checkpoint and back; a table read whole is refused by name and line; the
// torch engine (sparse gradients, sparse_optim.py) ends with the tfjs trainer's weights.

import { batchOfTensors } from "../runtime/src/tfjs/feeds.js";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource, compileFiles } from "../app/compile.js";
import { summarize } from "../compiler/src/semantics/summary.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import type { PlanSettings } from "../runtime/src/plan.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { writeTorchPackage } from "../runtime/src/torch/package.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { TorchTrainer } from "../runtime/src/torch/torch-trainer.js";
import { Trainer, TrainingError } from "../runtime/src/tfjs/train/trainer.js";
import { ALL_BACKENDS, skipNote, unavailable } from "./harness/available.js";
import { ROOT } from "./harness/repo.js";

const [TABLES, WHOLE] = compileFiles([join(ROOT, "test/corpus/sparse/tables.rec")]).plans;
const STEPS = 6;

/** Step `step`'s batch: 16 users, histories of 5 items from 30 popular ones (so rows repeat), targets. */
function batch(step: number): Map<string, tf.Tensor> {
  let state = 1000 + step * 7919;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const B = 16;
  return new Map<string, tf.Tensor>([
    [
      "user_id",
      tf.tensor1d(
        Array.from({ length: B }, () => next(40)),
        "int32",
      ),
    ],
    [
      "history",
      tf.tensor2d(
        Array.from({ length: B * 5 }, () => next(30)),
        [B, 5],
        "int32",
      ),
    ],
    [
      "item_id",
      tf.tensor1d(
        Array.from({ length: B }, () => next(300)),
        "int32",
      ),
    ],
    ["label", tf.tensor1d(Array.from({ length: B }, () => next(2)))],
  ]);
}

async function trained(settings: PlanSettings): Promise<{ executor: Executor; trainer: Trainer }> {
  const executor = new Executor(TABLES!, 3);
  const trainer = new Trainer(executor, settings, STEPS, 3);
  for (let step = 0; step < STEPS; step++) {
    const feeds = batch(step);
    expect(Number.isFinite(await trainer.stepFeeds(step, feeds, 3))).toBe(true);
    tf.dispose([...feeds.values()]);
  }
  return { executor, trainer };
}

async function maxDifference(a: Executor, b: Executor): Promise<number> {
  let worst = 0;
  for (const [name, v] of a.params) {
    const x = await v.data();
    const y = await b.params.get(name)!.data();
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  }
  return worst;
}

describe("sparse embedding tables", () => {
  it("are marked in the plan: tables read only by lookups, and the op that reads one whole", () => {
    expect(TABLES!.params.filter((p) => p.lookupOnly).map((p) => p.name)).toEqual(["user_table.table", "item_table.table"]);
    expect(WHOLE!.params.find((p) => p.name === "item_table.table")!.denseReader).toMatchObject({ op: "transpose", loc: [31, 38] });
  });

  for (const backend of ALL_BACKENDS) {
    it.skipIf(unavailable(backend))(
      `train to the weights of dense training for sgd and adagrad, with clipping, on ${backend}${skipNote(backend)}`,
      async () => {
        await useBackend(backend);
        for (const embeddings of ["sgd(lr = 0.5)", "adagrad(lr = 0.2)"]) {
          const common = { optimizer: "adam(lr = 0.01)", clip_norm: 0.05 };
          const sparse = await trained({ ...common, embeddings });
          const dense = await trained({ ...common, embeddings: embeddings.replace(")", ", sparse = false)") });
          // The tables did move (the comparison is not between two untouched tables).
          const initial = new Executor(TABLES!, 3);
          expect(await maxDifference(sparse.executor, initial)).toBeGreaterThan(1e-3);
          expect(await maxDifference(sparse.executor, dense.executor)).toBeLessThan(2e-5);
          for (const e of [sparse.executor, dense.executor, initial]) e.dispose();
        }
      },
    );
  }

  /** The rule under test, written from its definition on dense tensors: rows not looked up keep their state. */
  const lazyAdam = (w: tf.Tensor, g: tf.Tensor, touched: tf.Tensor, state: tf.Tensor[], lr: number, t: number) => {
    const [m0, v0] = [state[0] ?? tf.zerosLike(w), state[1] ?? tf.zerosLike(w)];
    state[0] = tf.add(tf.mul(touched, tf.add(tf.mul(0.9, m0), tf.mul(0.1, g))), tf.mul(tf.sub(1, touched), m0));
    state[1] = tf.add(tf.mul(touched, tf.add(tf.mul(0.999, v0), tf.mul(0.001, tf.square(g)))), tf.mul(tf.sub(1, touched), v0));
    const mHat = tf.div(state[0], 1 - 0.9 ** t);
    const vHat = tf.div(state[1], 1 - 0.999 ** t);
    return tf.sub(w, tf.mul(touched, tf.div(tf.mul(lr, mHat), tf.add(tf.sqrt(vHat), 1e-8))));
  };
  const RULES: Record<string, (w: tf.Tensor, g: tf.Tensor, touched: tf.Tensor, state: tf.Tensor[], lr: number, t: number) => tf.Tensor> = {
    "rowwise_adagrad(lr = 0.1)": (w, g, touched, state, lr) => {
      state[0] = tf.add(state[0] ?? tf.zerosLike(touched), tf.mean(tf.square(g), 1, true));
      return tf.sub(w, tf.mul(touched, tf.div(tf.mul(lr, g), tf.add(tf.sqrt(state[0]), 1e-8))));
    },
    "lazy_adam(lr = 0.05)": lazyAdam,
    // Decoupled decay of the touched rows only, after the update.
    "lazy_adam(lr = 0.05, weight_decay = 0.5)": (w, g, touched, state, lr, t) => {
      const updated = lazyAdam(w, g, touched, state, lr, t);
      return tf.mul(updated, tf.sub(1, tf.mul(touched, lr * 0.5)));
    },
  };

  for (const [embeddings, rule] of Object.entries(RULES)) {
    it(`${embeddings.split("(")[0]} follows its rule step by step (against tfjs's dense gradient of the table)`, async () => {
      await useBackend("cpu");
      // The dense weights do not train, so the tables' gradients depend on the tables alone.
      const settings = { optimizer: "sgd(lr = 0.0)", embeddings };
      const sparse = new Executor(TABLES!, 5);
      const trainer = new Trainer(sparse, settings, STEPS, 5);
      const reference = new Executor(TABLES!, 5);
      const tables = ["item_table.table", "user_table.table"];
      const state = new Map(tables.map((t) => [t, [] as tf.Tensor[]]));
      for (let step = 0; step < STEPS; step++) {
        const feeds = batch(step);
        const variables = tables.map((t) => reference.params.get(t)!);
        const { grads } = tf.variableGrads(() => reference.run("train", feeds, { training: true }).get("fit") as tf.Scalar, variables);
        for (const [i, name] of tables.entries()) {
          const g = grads[variables[i]!.name]!;
          const touched = tf.cast(tf.greater(tf.sum(tf.abs(g), 1, true), 0), "float32");
          variables[i]!.assign(rule(variables[i]!, g, touched, state.get(name)!, Number(/lr = ([0-9.]+)/.exec(embeddings)![1]), step + 1));
        }
        await trainer.stepFeeds(step, feeds, 5);
        tf.dispose([...feeds.values(), ...Object.values(grads)]);
      }
      for (const name of tables) {
        const [x, y] = [await sparse.params.get(name)!.data(), await reference.params.get(name)!.data()];
        let worst = 0;
        for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
        expect(worst, name).toBeLessThan(2e-5);
      }
      // The user table's untouched rows kept their initial values.
      expect(await maxDifference(sparse, new Executor(TABLES!, 5))).toBeGreaterThan(1e-3);
    });
  }

  it("leave a frozen table as it was while the other trains sparsely", async () => {
    await useBackend("cpu");
    const { executor } = await trained({ optimizer: "sgd(lr = 0.0)", embeddings: "rowwise_adagrad(lr = 0.1)", freeze: ["user_table"] });
    const initial = new Executor(TABLES!, 3);
    const moved = async (name: string) => {
      const [x, y] = [(await executor.params.get(name)!.data()) as Float32Array, (await initial.params.get(name)!.data()) as Float32Array];
      return x.reduce((worst: number, v: number, i: number) => Math.max(worst, Math.abs(v - y[i]!)), 0);
    };
    expect(await moved("user_table.table")).toBe(0);
    expect(await moved("item_table.table")).toBeGreaterThan(1e-3);
    executor.dispose();
    initial.dispose();
  });

  it("save their optimizer state and restore it: a resumed trainer takes the same next step", async () => {
    await useBackend("wasm");
    for (const embeddings of ["rowwise_adagrad(lr = 0.1)", "lazy_adam(lr = 0.05)", "adagrad(lr = 0.2)"]) {
      const settings = { optimizer: "adam(lr = 0.01)", embeddings };
      const { executor, trainer } = await trained(settings);
      const saved = await trainer.optimizerState();
      const weights = new Map([...executor.params].map(([name, v]) => [name, tf.clone(v)]));
      // A fresh trainer on a copy of the weights, given the saved state.
      const copy = new Executor(TABLES!, 99);
      for (const [name, v] of copy.params) v.assign(weights.get(name)!);
      const resumed = new Trainer(copy, settings, STEPS + 1, 3);
      await resumed.restoreOptimizerState(new Map(saved.map((s) => [s.name, s.tensor])));
      const feeds = batch(STEPS);
      await trainer.stepFeeds(STEPS, feeds, 3);
      await resumed.stepFeeds(STEPS, feeds, 3);
      expect(await maxDifference(executor, copy), embeddings).toBe(0);
      // Without the state the next step differs (the comparison above can fail).
      const fresh = new Executor(TABLES!, 99);
      for (const [name, v] of fresh.params) v.assign(weights.get(name)!);
      await new Trainer(fresh, settings, STEPS + 1, 3).stepFeeds(STEPS, feeds, 3);
      expect(await maxDifference(executor, fresh), embeddings).toBeGreaterThan(1e-5);
    }
  });

  it("resume adagrad from a checkpoint of dense training (tfjs's Adagrad layout) to the same next step", async () => {
    await useBackend("wasm");
    const dense = await trained({ optimizer: "adam(lr = 0.01)", embeddings: "adagrad(lr = 0.2, sparse = false)" });
    const saved = new Map((await dense.trainer.optimizerState()).map((s) => [s.name, s.tensor]));
    const copy = new Executor(TABLES!, 99);
    for (const [name, v] of copy.params) v.assign(dense.executor.params.get(name)!);
    const sparse = new Trainer(copy, { optimizer: "adam(lr = 0.01)", embeddings: "adagrad(lr = 0.2)" }, STEPS + 1, 3);
    await sparse.restoreOptimizerState(saved);
    const feeds = batch(STEPS);
    await dense.trainer.stepFeeds(STEPS, feeds, 3);
    await sparse.stepFeeds(STEPS, feeds, 3);
    expect(await maxDifference(dense.executor, copy)).toBeLessThan(1e-6);
  });

  for (const backend of ["cpu", "wasm"] as const) {
    it(`write rows in the table's own memory on ${backend} without changing a tensor that shares it`, async () => {
      await useBackend(backend);
      const executor = new Executor(TABLES!, 3);
      const table = executor.params.get("item_table.table")!;
      const before = tf.clone(table); // Shares the table's memory (Identity shares on both backends).
      const initial = Float32Array.from(await table.data());
      const trainer = new Trainer(executor, { optimizer: "adam(lr = 0.01)", embeddings: "rowwise_adagrad(lr = 0.1)" }, 1, 3);
      const feeds = batch(0);
      await trainer.stepFeeds(0, feeds, 3);
      expect(await before.data()).toEqual(initial);
      expect(Math.max(...(await table.data()).map((v, i) => Math.abs(v - initial[i]!)))).toBeGreaterThan(1e-3);
      tf.dispose([before, ...feeds.values()]);
    });
  }

  it("count the optimizer state training keeps in the summary: one float per row for rowwise_adagrad, two per weight for lazy_adam", () => {
    const text = readFileSync(join(ROOT, "examples/two_tower/model.rec"), "utf8");
    const state = (embeddings: string) => {
      const model = checkSource(join(ROOT, "m.rec"), text.replace("embeddings = adagrad(lr = 0.05)", `embeddings = ${embeddings}`)).models[0]!;
      return summarize(model).totals.optimizerStateBytes!;
    };
    const tableRows = 2_000 + 5_000;
    const tableWeights = tableRows * 32;
    // Adam on the layers is the same in every case; only the tables' share differs.
    expect(state("rowwise_adagrad(lr = 0.05)") - state("sgd(lr = 0.05)")).toBe(tableRows * 4);
    expect(state("adagrad(lr = 0.05)") - state("sgd(lr = 0.05)")).toBe(tableWeights * 4);
    expect(state("lazy_adam(lr = 0.05)") - state("sgd(lr = 0.05)")).toBe(tableWeights * 8);
  });

  it("count a sparse table's gradient as the rows a batch looks up, at most the table, in the summary", () => {
    const text = readFileSync(join(ROOT, "examples/two_tower/model.rec"), "utf8");
    const training = (embeddings: string) => {
      const model = checkSource(join(ROOT, "m.rec"), text.replace("embeddings = adagrad(lr = 0.05)", `embeddings = ${embeddings}`)).models[0]!;
      return summarize(model).totals.trainingBytes!;
    };
    // The user table (2,000 × 32) is looked up by a batch of 256 ids: 256 rows of gradient, not
    // 2,000. The item table's history lookup has an unknown length L: counted whole either way.
    const saved = (2_000 - 256) * 32 * 4;
    expect(training("sgd(lr = 0.05, sparse = false)") - training("sgd(lr = 0.05)")).toBe(saved);
    expect(training("adam(lr = 0.05)") - training("lazy_adam(lr = 0.05)")).toBe(saved);
    expect(training("sgd(lr = 0.05, momentum = 0.9)") - training("sgd(lr = 0.05)")).toBe(saved + (2_000 + 5_000) * 32 * 4);
  });

  it("refuse a table some op reads whole under rowwise_adagrad and lazy_adam, naming the op and its line", async () => {
    await useBackend("cpu");
    for (const embeddings of ["rowwise_adagrad(lr = 0.1)", "lazy_adam(lr = 0.1)"]) {
      expect(() => new Trainer(new Executor(WHOLE!, 1), { embeddings }, 1)).toThrow(TrainingError);
      expect(() => new Trainer(new Executor(WHOLE!, 1), { embeddings }, 1)).toThrow(/table `item_table\.table` is read whole by `transpose` at line 31:38/);
    }
    // sgd and adagrad train it densely (the same weights either way).
    expect(() => new Trainer(new Executor(WHOLE!, 1), { embeddings: "adagrad(lr = 0.1)" }, 1)).not.toThrow();
    expect(() => new Trainer(new Executor(TABLES!, 1), { optimizer: "lazy_adam(lr = 0.1)" }, 1)).toThrow(/set it as `embeddings = lazy_adam/);
  });
});

const torchPython = findTorchPython();
describe.skipIf(typeof torchPython === "string")(
  `sparse embedding tables on the torch engine${typeof torchPython === "string" ? ` (skipped: ${torchPython})` : ""}`,
  () => {
    it("train as the tfjs trainer does: the same rules, the same weights", async () => {
      if (typeof torchPython === "string") return;
      await useBackend("cpu");
      const folder = join(ROOT, ".tmp", "sparse-torch");
      mkdirSync(folder, { recursive: true });
      const { package: packageName } = writeTorchPackage(TABLES!, "test/corpus/sparse/tables.rec", folder);
      for (const embeddings of ["rowwise_adagrad(lr = 0.1, weight_decay = 0.5)", "lazy_adam(lr = 0.05)", "sgd(lr = 0.5)"]) {
        const settings = { optimizer: "adam(lr = 0.01)", embeddings, clip_norm: 0.05 };
        const { executor } = await trained(settings);
        const mirror = new Executor(TABLES!, 3);
        const torch = await TorchTrainer.start(mirror, settings, STEPS, {
          python: torchPython.python,
          folder,
          packageName,
          device: "cpu",
          threads: 1,
          seed: 3,
        });
        for (let step = 0; step < STEPS; step++) {
          const feeds = batch(step);
          await torch.step(step, batchOfTensors(feeds), 3);
          tf.dispose([...feeds.values()]);
        }
        await torch.syncWeights();
        await torch.close();
        expect(await maxDifference(executor, new Executor(TABLES!, 3)), embeddings).toBeGreaterThan(1e-3);
        expect(await maxDifference(executor, mirror), embeddings).toBeLessThan(1e-4);
      }
    });
  },
);
