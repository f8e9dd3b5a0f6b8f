// Recall@K against a full index (runtime/src/full-index-recall.ts, `rec eval --index`): each
// held-out target's rank among every catalogue item equals a brute-force ranking of all scores
// computed here in plain arrays; popularity buckets follow their definition; the CLI reports
// the table and refuses what it cannot do with a clear message.

import { batchOfTensors, feedsOf } from "../runtime/src/tfjs/feeds.js";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import type { Batch, BatchSource } from "../runtime/src/data/batch.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { bucketsOf, fullIndexRecall } from "../runtime/src/full-index-recall.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { lcg } from "./harness/conformance-data.js";
import { ROOT } from "./harness/repo.js";

const scratch = join(ROOT, ".tmp", "full-index-test");
rmSync(scratch, { recursive: true, force: true });
const ITEMS = 300;
const plan = compileFiles([join(ROOT, "examples/two_tower/model.rec")], { set: { items: ITEMS, users: 50 } }).plans[0]!;

/** Three held-out batches of 8 two-tower examples, then the end of the split. */
function heldOut(): { source: BatchSource; batches: Map<string, number[]>[] } {
  const next = lcg(7);
  const pick = (n: number) => Math.floor(next() * n);
  const batches = Array.from(
    { length: 3 },
    () =>
      new Map<string, number[]>([
        ["user_id", Array.from({ length: 8 }, () => pick(50))],
        ["history", Array.from({ length: 8 * 3 }, () => pick(ITEMS))],
        ["history_mask", Array.from({ length: 8 * 3 }, () => 1)],
        ["item_id", Array.from({ length: 8 }, () => pick(ITEMS))],
        ["item_logq", Array.from({ length: 8 }, () => -5)],
      ]),
  );
  let read = 0;
  const source: BatchSource = {
    next: async (): Promise<Batch | undefined> => {
      const b = batches[read++];
      if (!b) return undefined;
      const t = (name: string, shape: number[], dtype: "int32" | "bool" | "float32") => tf.tensor(b.get(name)!, shape, dtype);
      return batchOfTensors(
        new Map([
          ["user_id", t("user_id", [8], "int32")],
          ["history", t("history", [8, 3], "int32")],
          ["history_mask", t("history_mask", [8, 3], "bool")],
          ["item_id", t("item_id", [8], "int32")],
          ["item_logq", t("item_logq", [8], "float32")],
        ]),
      );
    },
  };
  return { source, batches };
}

describe("recall against a full index", () => {
  it("buckets items by training popularity: head holds 80% of the examples, tail the other seen items, cold the unseen", () => {
    expect(bucketsOf([10, 0, 5, 3, 1, 0])).toEqual(["head", "cold", "head", "head", "tail", "cold"]);
    expect(bucketsOf([0, 0])).toEqual(["cold", "cold"]);
  });

  it("ranks each target among every item as a brute-force search does, overall and per bucket", async () => {
    await useBackend("cpu");
    const executor = new Executor(plan, 5);
    const counts = Array.from({ length: ITEMS }, (_, i) => (i < 20 ? 100 - i : i % 3 === 0 ? 0 : 1));
    const { source, batches } = heldOut();
    // Every K from 1 to the catalogue: the recall curve pins down every target's rank.
    const ks = Array.from({ length: ITEMS }, (_, i) => i + 1);
    const result = await fullIndexRecall(executor, { item: "item", query: "user" }, source, { batches: 0, batchSize: 64, ks, trainingCounts: counts });
    // Brute force: every item's vector and every query's, scored in plain arrays.
    const ids = tf.range(0, ITEMS, 1, "int32");
    const items = (await executor
      .runNamed("encode", ["item"], new Map([["item_id", ids]]))
      .get("item")!
      .array()) as number[][];
    const buckets = bucketsOf(counts);
    // Float32 and float64 scores may order near ties differently: each target's rank lies
    // between the items clearly above it and those not clearly below it (itself excluded).
    const [low, high] = [new Map<string, number[]>(), new Map<string, number[]>()];
    const examples = new Map<string, number>();
    const { source: again } = heldOut();
    for (let b = 0; b < batches.length; b++) {
      const batch = (await again.next(8))!;
      const queries = (await executor.runNamed("encode", ["user"], feedsOf(batch)).get("user")!.array()) as number[][];
      const targets = batches[b]!.get("item_id")!;
      queries.forEach((q, i) => {
        const score = (v: number[]) => v.reduce((s, x, j) => s + x * q[j]!, 0);
        const own = score(items[targets[i]!]!);
        const above = items.filter((v) => score(v) > own + 1e-5).length;
        const notBelow = items.filter((v) => score(v) > own - 1e-5).length - 1;
        for (const bucket of ["all", buckets[targets[i]!]!]) {
          examples.set(bucket, (examples.get(bucket) ?? 0) + 1);
          low.set(
            bucket,
            ks.map((k, j) => (low.get(bucket)?.[j] ?? 0) + (notBelow < k ? 1 : 0)),
          );
          high.set(
            bucket,
            ks.map((k, j) => (high.get(bucket)?.[j] ?? 0) + (above < k ? 1 : 0)),
          );
        }
      });
    }
    expect(result.items).toBe(ITEMS);
    expect(Object.keys(result.buckets).sort()).toEqual(["all", "cold", "head", "tail"]);
    for (const [bucket, entry] of Object.entries(result.buckets)) {
      expect(entry!.examples, bucket).toBe(examples.get(bucket) ?? 0);
      ks.forEach((k, j) => {
        if (!entry!.examples) return;
        const hits = entry!.recall[`recall_at_${k}`]! * entry!.examples;
        expect(hits, `${bucket} @${k}`).toBeGreaterThanOrEqual(low.get(bucket)![j]! - 1e-9);
        expect(hits, `${bucket} @${k}`).toBeLessThanOrEqual(high.get(bucket)![j]! + 1e-9);
      });
    }
    // Recall grows with K, and every target is within the whole catalogue.
    expect(result.buckets.all!.recall["recall_at_100"]!).toBeGreaterThanOrEqual(result.buckets.all!.recall["recall_at_10"]!);
    executor.dispose();
  });

  it("rec eval --index reports the table for a trained two-tower model, and refuses what it cannot do", async () => {
    const rec = async (argv: string[]) => {
      let [stdout, stderr] = ["", ""];
      const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, cwd: ROOT, env: {} });
      return { code, stdout, stderr };
    };
    const set = ["--set", `items=${ITEMS}`, "--set", "users=50"];
    const out = join(scratch, "run");
    expect((await rec(["train", "--steps", "3", "--batch", "32", "--backend", "cpu", ...set, "--out", out, "examples/two_tower/model.rec"])).code).toBe(0);
    const common = ["eval", "--checkpoint", join(out, "checkpoint.safetensors"), "--backend", "cpu", "--batches", "2", ...set];
    const table = await rec([...common, "--index", "item", "--query", "user", "--k", "5,50", "examples/two_tower/model.rec"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/exact search over 300 items by `item`, queries by `user` \(the data does not end/);
    expect(table.stdout).toMatch(/all\s+\d+\s+[01]\.\d{4}\s+[01]\.\d{4}/);
    const json = await rec([...common, "--index", "item", "--query", "user", "--json", "examples/two_tower/model.rec"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ items: 300, ks: [10, 100] });
    const lone = await rec([...common, "--index", "item", "examples/two_tower/model.rec"]);
    expect([lone.code, lone.stderr]).toEqual([2, expect.stringContaining("takes --query ENCODER too")]);
    const wrong = await rec([...common, "--index", "user", "--query", "item", "examples/two_tower/model.rec"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/encoder `user` reads the inputs `user_id`, `history`, `history_mask`/);
    expect(wrong.stderr).not.toContain("    at ");
  });
});
