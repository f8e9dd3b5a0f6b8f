// Multi-task batch composition for file data: `tasks { column = "task", shares = [2, 1] }` gives
// every training batch each task's share of its rows, task after task, each task read by its own
// endless pass (a small task repeats sooner: it is upsampled to its share). Bad task values, a
// task with no training rows and a batch too small for a share stop with messages that say so.

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import { openData } from "../app/data.js";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { taskQuotas } from "../runtime/src/data/file-data.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { train, trainOptionsFrom } from "../runtime/src/tfjs/train/trainer.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { ROOT } from "./harness/repo.js";
import type { Plan } from "../runtime/src/plan.js";
import { tasksSpec as spec } from "./harness/surface-specs.js";

const scratch = join(ROOT, ".tmp", "task-shares");

/** 120 rows of task 0 and 12 of task 1, interleaved; `row` is the row's number. */
const ROWS = Array.from({ length: 132 }, (_, i) => ({ row: i, task: i % 11 === 10 ? 1 : 0 }));

async function project(name: string, rows: readonly object[], shuffle = 0): Promise<{ plan: Plan; dir: string }> {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.rec"), spec(shuffle));
  writeFileSync(join(dir, "rows.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const result = compileFiles([join(dir, "model.rec")]);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { plan: result.plans[0]!, dir };
}

const open = (plan: Plan, dir: string) => openData(plan, plan.train[0]!.settings["data"] as string, { seed: 3, baseDir: dir });

describe("task shares", () => {
  it("fill every batch with each task's share, task after task, the small task repeating at its own pace", async () => {
    await useBackend("cpu");
    const { plan, dir } = await project("in-order", ROWS);
    const batches = (await open(plan, dir)).train();
    const seen = new Map<number, number>();
    for (let b = 0; b < 8; b++) {
      const batch = (await batches.next(9))!;
      expect(batch.size).toBe(9);
      expect(await feedsOf(batch).get("task")!.array()).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
      const rows = (await feedsOf(batch).get("row")!.array()) as number[];
      for (const r of rows.slice(6)) seen.set(r, (seen.get(r) ?? 0) + 1);
      tf.dispose([...feedsOf(batch).values()]);
    }
    // 8 batches × 3 rows of task 1 = 24 = its 12 rows twice each (in file order: shuffle = 0).
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(ROWS.filter((r) => r.task === 1).map((r) => r.row));
    expect([...seen.values()].every((n) => n === 2)).toBe(true);
  });

  it("shuffle each task's rows by the run's seed and keep the composition", async () => {
    const { plan, dir } = await project("shuffled", ROWS, 50);
    const batch = (await (await open(plan, dir)).train().next(9))!;
    expect(await feedsOf(batch).get("task")!.array()).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
    const rows = (await feedsOf(batch).get("row")!.array()) as number[];
    expect(rows.slice(0, 6)).not.toEqual(
      ROWS.filter((r) => r.task === 0)
        .slice(0, 6)
        .map((r) => r.row),
    );
    tf.dispose([...feedsOf(batch).values()]);
  });

  it("train the spec's three steps on composed batches", async () => {
    const { plan, dir } = await project("train", ROWS);
    const data = await open(plan, dir);
    const executor = new Executor(plan, 1);
    const reports = await train(executor, plan.train[0]!.settings, data, trainOptionsFrom(plan.train[0]!.settings, { seed: 1, evalEvery: 0 }));
    expect(reports.map((r) => Number.isFinite(r.loss))).toEqual([true, true, true]);
    executor.dispose();
  });

  it("split a batch by largest remainder: the quotas add up to the batch and each is within one row of its share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (batch, shares) => {
          const quotas = taskQuotas(batch, shares);
          const total = shares.reduce((a, b) => a + b, 0);
          expect(quotas.reduce((a, b) => a + b, 0)).toBe(batch);
          quotas.forEach((q, t) => expect(Math.abs(q - (batch * shares[t]!) / total)).toBeLessThan(1));
        },
      ),
    );
    expect(taskQuotas(192, [2, 1])).toEqual([128, 64]);
  });

  it("count a row of an unnamed task as skipped under --skip-bad-rows, and never feed it", async () => {
    const { plan, dir } = await project("skipped", [...ROWS, { row: 500, task: 2 }]);
    const data = await openData(plan, plan.train[0]!.settings["data"] as string, { seed: 3, baseDir: dir, skipBadRows: true });
    expect(data.skipped.count).toBe(1);
    expect(data.skipped.examples[0]).toMatch(/row 133, column `task`: the task 2/);
    const batches = data.train();
    for (let b = 0; b < 15; b++) {
      const batch = (await batches.next(9))!;
      expect(await feedsOf(batch).get("row")!.array()).not.toContain(500);
      tf.dispose([...feedsOf(batch).values()]);
    }
  });

  const bad: [string, object[], number, RegExp][] = [
    [
      "a task the shares do not name",
      [...ROWS, { row: 500, task: 2 }],
      9,
      /rows\.jsonl, row 133, column `task`: the task 2 is not one of `tasks \{ shares = \[2, 1\] \}`'s, 0 to 1/,
    ],
    ["a task with no training rows", ROWS.filter((r) => r.task === 0), 9, /rows\.jsonl: no training row has task 1 in its column `task`/],
    ["a batch too small for a share", ROWS, 1, /a batch of 1 gives task 1 \(share 1 of 3\) no rows; raise the batch or the task's share/],
  ];
  for (const [what, rows, batchSize, message] of bad) {
    it(`stop on ${what}, with a message that says so`, async () => {
      const { plan, dir } = await project(what.replace(/\W+/g, "-"), rows);
      await expect((async () => (await open(plan, dir)).train().next(batchSize))()).rejects.toThrow(message);
    });
  }
});
