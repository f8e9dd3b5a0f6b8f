// Streaming frequency estimates for logQ correction (runtime/src/data/frequency.ts, a schema's
// `frequency("item", …)` field): the count-min sketch never counts below the truth and stays
// within its bound; with room it is exact; a field holds the log share of the training rows read
// so far, which held-out rows read without counting; bad settings are refused.

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import { openData } from "../app/data.js";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { RowEncoder } from "../runtime/src/data/encode.js";
import { CountMinSketch, ExactCounts } from "../runtime/src/data/frequency.js";
import { xorshift32 } from "../runtime/src/data/random.js";
import type { PlanSchema } from "../runtime/src/plan.js";
import { ROOT } from "./harness/repo.js";

/** 20,000 draws of 1,000 items by Zipf popularity. */
function zipfStream(): number[] {
  const random = xorshift32(7);
  const weights = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: 20_000 }, () => {
    let u = random() * total;
    let i = 0;
    while ((u -= weights[i]!) > 0 && i < 999) i++;
    return i;
  });
}

describe("count-min sketch", () => {
  it("never counts below the truth, and over it by no more than e·N/width on average", () => {
    const stream = zipfStream();
    const [sketch, exact] = [new CountMinSketch(256, 2), new ExactCounts()];
    for (const item of stream) (sketch.add(item), exact.add(item));
    let over = 0;
    for (let item = 0; item < 1000; item++) {
      expect(sketch.count(item)).toBeGreaterThanOrEqual(exact.count(item));
      over += sketch.count(item) - exact.count(item);
    }
    expect(over / 1000).toBeLessThan((Math.E * stream.length) / 256);
    expect(over).toBeGreaterThan(0); // 256 counters for 1,000 items: collisions happen
    expect(sketch.total).toBe(stream.length);
  });

  it("is exact where its counters outnumber the values by far", () => {
    const [sketch, exact] = [new CountMinSketch(1 << 20, 2), new ExactCounts()];
    for (const item of zipfStream()) (sketch.add(`item-${item}`), exact.add(`item-${item}`));
    for (let item = 0; item < 1000; item++) expect(sketch.count(`item-${item}`)).toBe(exact.count(`item-${item}`));
  });
});

describe("frequency fields", () => {
  const schema: PlanSchema = {
    name: "S",
    fields: [{ name: "item_logq", column: "item", kind: "value", dtype: "f32", shape: [], frequency: { sketch: "exact", width: 16, depth: 1 } }],
  };
  const row = (index: number, item: string) => ({ index, values: { item } });

  it("hold the log share of the training rows read so far, the row included; held-out rows only read", () => {
    const encoder = new RowEncoder(schema, "f.csv");
    const value = (index: number, item: string, learn = true) => encoder.encode(row(index, item), learn).fields.get("item_logq")![0]!;
    expect(value(1, "a")).toBeCloseTo(Math.log(1), 12);
    expect(value(2, "b")).toBeCloseTo(Math.log(1 / 2), 12);
    expect(value(3, "a")).toBeCloseTo(Math.log(2 / 3), 12);
    expect(value(4, "b", false)).toBeCloseTo(Math.log(1 / 3), 12);
    // An item no training row held counts as one: the log stays finite.
    expect(value(5, "c", false)).toBeCloseTo(Math.log(1 / 3), 12);
    expect(value(6, "a")).toBeCloseTo(Math.log(3 / 4), 12);
  });

  const SPEC = `schema Clicks {
  item_id: id<items> = column("item")
  item_logq: f32 = frequency("item", sketch = "count_min", width = 4096)
}

model LogQ {
  dims B
  param items = 10
  input item_id: id<items>[B]
  input item_logq: f32[B]
  head h = cast(item_id, f32) + item_logq
  loss l = mean(h)
  train {
    data = csv("clicks.csv", schema = Clicks, valid = 0, shuffle = 0)
  }
}
`;

  it("come through a file in training order", async () => {
    await useBackend("cpu");
    const dir = join(ROOT, ".tmp", "frequency-test");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "clicks.csv"), "item\n3\n3\n5\n3\n");
    const plan = compileFiles([writeSpec(dir, SPEC)]).plans[0]!;
    const data = await openData(plan, plan.train[0]!.settings["data"] as string, { seed: 0, baseDir: dir });
    const batch = (await data.train().next(4))!;
    const logq = Array.from(await feedsOf(batch).get("item_logq")!.data());
    [Math.log(1), Math.log(2 / 2), Math.log(1 / 3), Math.log(3 / 4)].forEach((v, i) => expect(logq[i]).toBeCloseTo(v, 6));
  });

  it("refuse a field that is not one f32, and settings out of range", () => {
    const errors = (text: string) =>
      compile({ path: "m.rec", text })
        .diagnostics.filter((d) => d.severity === "error")
        .map((d) => d.code);
    expect(errors(SPEC.replace('sketch = "count_min"', 'sketch = "bloom"'))).toEqual(["REC2020"]);
    expect(errors(SPEC.replace("width = 4096", "width = 4"))).toEqual(["REC2020"]);
    expect(errors(SPEC.replace('item_id: id<items> = column("item")', 'item_id: id<items> = frequency("item")'))).toEqual(["REC2020"]);
  });
});

function writeSpec(dir: string, text: string): string {
  writeFileSync(join(dir, "model.rec"), text);
  return join(dir, "model.rec");
}
