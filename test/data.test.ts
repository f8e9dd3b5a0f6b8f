// The data layer: the three readers agree on the same rows, CSV quoting survives any chunking,
// schema fields encode as declared (padding, truncation, masks, vocabularies) and bad rows
// name the file, the row and the column; splits by time hold out the latest rows; the shuffle
// buffer is seeded; and from the command line the CTR example trains from its Parquet file,
// `rec check --data` reports a broken file at the spec line, and `--skip-bad-rows` counts.

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import type { PlanDataField, PlanSchema } from "../runtime/src/plan.js";
import { BadRowError, RowEncoder } from "../runtime/src/data/encode.js";
import { FileDataSet } from "../runtime/src/data/file-data.js";
import { csvRecords, readRows } from "../runtime/src/data/tables.js";
import { VocabularyBuilder } from "../runtime/src/data/vocab.js";
import { ROW_WORLDS } from "../runtime/src/data/row-worlds.js";
import { writeTable } from "../runtime/src/data/write-table.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { ROOT } from "./harness/repo.js";

const scratch = join(ROOT, ".tmp", "data-test");
mkdirSync(scratch, { recursive: true });

const ctr = ROW_WORLDS["ctr"]!;
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("readers", () => {
  it("Parquet, JSON lines and CSV give the same rows, streamed with their row numbers", async () => {
    const expected = [...ctr.rows(25, 3)];
    const read: Record<string, Record<string, unknown>[]> = {};
    for (const format of ["parquet", "jsonl", "csv"] as const) {
      const path = join(scratch, `rows.${format}`);
      await writeTable(path, format, ctr.columns, ctr.rows(25, 3));
      const rows = await collect(readRows(path, format));
      expect(rows.map((r) => r.index)).toEqual(expected.map((_, i) => i + 1));
      read[format] = rows.map((r) => r.values);
    }
    const number = (v: unknown) => (typeof v === "bigint" ? Number(v) : Number(v));
    const list = (v: unknown) => (Array.isArray(v) ? v.map(Number) : String(v).split(" ").map(Number));
    for (const format of ["parquet", "jsonl", "csv"]) {
      read[format]!.forEach((row, i) => {
        expect(number(row["uid"])).toBe(expected[i]!["uid"]);
        expect(number(row["ts"])).toBe(expected[i]!["ts"]);
        // Parquet stores float32: three decimals survive.
        list(row["features"]).forEach((x, k) => expect(x).toBeCloseTo((expected[i]!["features"] as number[])[k]!, 5));
      });
    }
  });

  it("reads quoted CSV fields (commas, doubled quotes, newlines, CRLF) however the text is chunked", async () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n3,plain,"end"';
    const want = [
      ["a", "b", "c"],
      ["1", "x, y", 'say "hi"'],
      ["2", "two\nlines", ""],
      ["3", "plain", "end"],
    ];
    for (const size of [1, 2, 3, 7, text.length]) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
      expect(
        await collect(
          csvRecords(
            (async function* () {
              yield* chunks;
            })(),
          ),
        ),
        `chunks of ${size}`,
      ).toEqual(want);
    }
  });
});

const field = (f: Partial<PlanDataField> & { name: string }): PlanDataField => ({ column: f.name, kind: "value", dtype: "f32", shape: [], ...f });
const schema = (fields: PlanDataField[]): PlanSchema => ({ name: "S", fields });
const row = (index: number, values: Record<string, unknown>) => ({ index, values });

describe("encoding rows through a schema", () => {
  const sequence = schema([
    field({
      name: "history",
      column: "hist",
      dtype: "id",
      shape: [3],
      space: { name: "items", size: 10 },
      ids: "given",
      sequence: { pad: 0, truncate: "left" },
    }),
    field({ name: "history_mask", column: "hist", kind: "mask", dtype: "bool", shape: [3] }),
  ]);

  it("pads short sequences, keeps the latest elements of long ones, and masks the padding", () => {
    const encoder = new RowEncoder(sequence, "f.jsonl");
    const short = encoder.encode(row(1, { hist: [4, 5] }));
    expect([...short.fields.get("history")!]).toEqual([4, 5, 0]);
    expect([...short.fields.get("history_mask")!]).toEqual([1, 1, 0]);
    const long = encoder.encode(row(2, { hist: [1, 2, 3, 4, 5] }));
    expect([...long.fields.get("history")!]).toEqual([3, 4, 5]);
    expect([...long.fields.get("history_mask")!]).toEqual([1, 1, 1]);
    const right = new RowEncoder(schema([{ ...sequence.fields[0]!, sequence: { pad: 9, truncate: "right" } }]), "f.jsonl");
    expect([...right.encode(row(3, { hist: "1 2 3 4" })).fields.get("history")!]).toEqual([1, 2, 3]);
    expect([...right.encode(row(4, { hist: "[7]" })).fields.get("history")!]).toEqual([7, 9, 9]);
  });

  it("feeds a timestamp named like an input as seconds since the epoch, and names a bad one", () => {
    const encoder = new RowEncoder(schema([field({ name: "time", column: "ts", kind: "timestamp", dtype: "i32", feeds: true })]), "events.csv");
    expect([...encoder.encode(row(1, { ts: 1_700_000_000 })).fields.get("time")!]).toEqual([1_700_000_000]);
    expect([...encoder.encode(row(2, { ts: "2024-01-02T03:00:00Z" })).fields.get("time")!]).toEqual([Date.UTC(2024, 0, 2, 3) / 1000]);
    expect([...encoder.encode(row(3, { ts: "1700000000" })).fields.get("time")!]).toEqual([1_700_000_000]);
    expect(() => encoder.encode(row(4, { ts: "yesterday" }))).toThrow(/events.csv, row 4, column `ts`: expected a timestamp, found "yesterday"/);
    expect(() => encoder.encode(row(5, { ts: 1e12 }))).toThrow(/does not fit an i32 input/);
    // Without an input of its name, a timestamp only orders the rows: nothing is encoded.
    const ordering = new RowEncoder(schema([field({ name: "time", column: "ts", kind: "timestamp" })]), "events.csv");
    expect(ordering.encode(row(6, { ts: "yesterday" })).fields.size).toBe(0);
  });

  it("names the file, the row and the column of every kind of bad value", () => {
    const encoder = new RowEncoder(
      schema([
        field({ name: "user", column: "uid", dtype: "id", space: { name: "users", size: 5 }, ids: "given" }),
        field({ name: "dense", column: "features", shape: [2] }),
        field({ name: "label", column: "clicked" }),
      ]),
      "events.jsonl",
    );
    const good = { uid: 1, features: [0.5, 1], clicked: 0 };
    const failure = (values: Record<string, unknown>) => {
      try {
        encoder.encode(row(17, values));
      } catch (error) {
        return error as BadRowError;
      }
      throw new Error("no error");
    };
    expect(failure({ ...good, uid: 7 }).message).toBe("events.jsonl, row 17, column `uid`: the id 7 is outside `users`, which holds ids 0 to 4");
    expect(failure({ ...good, uid: "u7" }).code).toBe("REC4002");
    expect(failure({ ...good, uid: 1.5 }).code).toBe("REC4002");
    expect(failure({ ...good, features: [1] }).message).toBe("events.jsonl, row 17, column `features`: expected 2 values, found 1");
    expect(failure({ ...good, clicked: "NaN" }).code).toBe("REC4004");
    expect(failure({ uid: 1, features: [0, 0] }).message).toBe("events.jsonl, row 17, column `clicked`: the value is missing");
    // An id is a whole number written as one: a boolean or a hexadecimal string is a wrong value.
    expect(failure({ ...good, uid: true }).message).toBe("events.jsonl, row 17, column `uid`: expected an integer id of `users`, found true");
    expect(failure({ ...good, uid: "0x1" }).code).toBe("REC4002");
    expect(encoder.encode(row(18, { ...good, uid: "3" })).fields.get("user")![0]).toBe(3);
  });

  it("reads lines and records for what they are: a byte-order mark, a line that is not JSON, extra CSV fields, an unclosed quote", async () => {
    const read = async (name: string, text: string) => {
      const path = join(scratch, name);
      writeFileSync(path, text);
      const rows: Record<string, unknown>[] = [];
      for await (const r of readRows(path, name.endsWith(".csv") ? "csv" : "jsonl")) rows.push(r.values);
      return rows;
    };
    expect(await read("bom.jsonl", '\uFEFF{"uid": 1}\n{"uid": 2}\n')).toEqual([{ uid: 1 }, { uid: 2 }]);
    expect(await read("bom.csv", "\uFEFFuid,label\n1,0\n")).toEqual([{ uid: "1", label: "0" }]);
    const encoder = new RowEncoder(schema([field({ name: "uid", dtype: "id", space: { name: "users", size: 5 }, ids: "given" })]), "x");
    const reason = (values: Record<string, unknown>) => {
      try {
        encoder.encode(row(2, values));
      } catch (error) {
        return (error as BadRowError).message;
      }
      return "no error";
    };
    const [notJson, array] = await read("bad.jsonl", '{"uid": 1\n[1, 2]\n');
    expect(reason(notJson!)).toBe("x, row 2: the line is not valid JSON");
    expect(reason(array!)).toBe("x, row 2: the line is JSON but not an object (an array)");
    const [extra] = await read("extra.csv", "uid,label\n1,0,9\n");
    expect(reason(extra!)).toBe("x, row 2: the row has 3 fields, the header 2");
    await expect(read("open.csv", 'uid,label\n1,"never closed\n2,0\n')).rejects.toThrow(/open\.csv: a quoted field opened in record 2 is never closed/);
  });

  it("maps values through a vocabulary of the most frequent training values, 0 for the rest", () => {
    const builder = new VocabularyBuilder();
    for (const v of ["b", "a", "b", "c", "a", "b", "d"]) builder.add(v);
    const vocabulary = builder.build(3); // Ids 1 and 2 for "b" (3×) and "a" (2×); "c" and "d" tie at 1× but do not fit.
    expect(vocabulary.values).toEqual(["b", "a"]);
    const encoder = new RowEncoder(
      schema([field({ name: "user", dtype: "id", space: { name: "users", size: 3 }, ids: "vocab" })]),
      "f.csv",
      new Map([["user", vocabulary]]),
    );
    expect(["a", "b", "c"].map((v, i) => encoder.encode(row(i + 1, { user: v })).fields.get("user")![0])).toEqual([2, 1, 0]);
  });
});

describe("file data sets", () => {
  const ctrSchema = schema([
    field({ name: "user_id", column: "uid", dtype: "id", space: { name: "users", size: 10_000 }, ids: "given" }),
    field({ name: "clicked", column: "label" }),
    field({ name: "time", column: "ts", kind: "timestamp" }),
  ]);
  const open = async (path: string, extra: Partial<Parameters<typeof FileDataSet.open>[0]> = {}) =>
    FileDataSet.open({
      path,
      shownPath: "rows.parquet",
      format: "parquet",
      schema: ctrSchema,
      valid: 0.2,
      test: 0.1,
      shuffle: 50,
      seed: 1,
      skipBadRows: false,
      ...extra,
    });

  it("holds out the latest rows by time and passes over each split once", async () => {
    const path = join(scratch, "split.parquet");
    await writeTable(path, "parquet", ctr.columns, ctr.rows(200, 5));
    const data = await open(path);
    expect(data.counts).toEqual({ train: 140, valid: 40, test: 20 });
    await useBackend("cpu");
    const seen = async (split: "valid" | "test") => {
      const source = data.heldOut(split);
      let n = 0;
      for (let b = await source.next(16); b; b = await source.next(16)) {
        n += b.size;
        tf.dispose([...feedsOf(b).values()]);
      }
      return n;
    };
    expect(await seen("valid")).toBe(40);
    expect(await seen("test")).toBe(20);
  });

  it("shuffles with a buffer: one seed gives one order, another seed another", async () => {
    const path = join(scratch, "shuffle.parquet");
    await writeTable(path, "parquet", ctr.columns, ctr.rows(200, 5));
    await useBackend("cpu");
    const firstBatch = async (seed: number) => {
      const batch = (await (await open(path, { seed })).train().next(32))!;
      const users = [...(await feedsOf(batch).get("user_id")!.data())];
      tf.dispose([...feedsOf(batch).values()]);
      return users;
    };
    expect(await firstBatch(1)).toEqual(await firstBatch(1));
    expect(await firstBatch(2)).not.toEqual(await firstBatch(1));
  });
});

describe("a group of columns and a timestamp as inputs", () => {
  it("packs each column of `columns([…])` into its place in one input, with a vocabulary per column", async () => {
    const { compileFiles } = await import("../compiler/src/driver.js");
    const plan = compileFiles([join(ROOT, "test/corpus/data/column_group.rec")]).plans[0]!;
    const fields = plan.schemas!["Events"]!.fields;
    expect(fields.filter((f) => f.part).map((f) => [f.name, f.column, f.part!.index])).toEqual([
      ["cats.C1", "C1", 0],
      ["cats.C2", "C2", 1],
      ["cats.C3", "C3", 2],
    ]);
    const path = join(scratch, "grouped.csv");
    // C1 takes "a" most often, C2 "z": each column's own vocabulary gives its most frequent value id 1.
    writeFileSync(path, "C1,C2,C3,label,ts\na,z,p,1,3600\na,z,q,0,7200\nb,y,p,1,10800\na,z,r,0,2024-01-01T05:00:00Z\n");
    const data = await FileDataSet.open({
      path,
      shownPath: "grouped.csv",
      format: "csv",
      schema: plan.schemas!["Events"]!,
      valid: 0,
      test: 0,
      shuffle: 0,
      seed: 1,
      skipBadRows: false,
    });
    await useBackend("cpu");
    const batch = (await data.train().next(4))!;
    expect(feedsOf(batch).get("cats")!.shape).toEqual([4, 3]);
    expect([...(await feedsOf(batch).get("cats")!.data())]).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 3]);
    // An f32 input holds today's epoch seconds to within about a minute (24 bits of mantissa).
    expect([...(await feedsOf(batch).get("time")!.data())]).toEqual([3600, 7200, 10800, Math.fround(Date.UTC(2024, 0, 1, 5) / 1000)]);
    tf.dispose([...feedsOf(batch).values()]);
  });
});

describe("from the command line", () => {
  let stdout = "";
  let stderr = "";
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: ROOT, env: {} };
  const reset = () => {
    stdout = "";
    stderr = "";
  };

  it("trains the CTR example from its Parquet file and evaluates on the held-out latest rows", async () => {
    reset();
    const out = ".tmp/data-test/ctr";
    expect(await main(["train", "--steps", "40", "--backend", "wasm", "--json", "--overwrite", "--out", out, "examples/ctr/model.rec"], io), stderr).toBe(0);
    const summary = JSON.parse(stdout) as { metrics: Record<string, number> };
    expect(summary.metrics["auc"]).toBeGreaterThan(0.6);
    expect(summary.metrics["calibrated"]).toBeGreaterThan(0.5);
  });

  it("regenerates the CTR example's data file byte for byte from its command", async () => {
    reset();
    expect(await main(["data", "synth", "ctr", "--rows", "20000", "--seed", "1", "--out", ".tmp/data-test/impressions.parquet"], io), stderr).toBe(0);
    expect(readFileSync(join(scratch, "impressions.parquet")).equals(readFileSync(join(ROOT, "examples/ctr/data/impressions.parquet")))).toBe(true);
  });

  it("refuses a row count beyond what it builds in memory, with a message", async () => {
    reset();
    expect(await main(["data", "synth", "ctr", "--rows", "100000000", "--out", ".tmp/data-test/huge.parquet"], io)).toBe(2);
    expect(stderr).toContain("--rows 100000000 is more than 2,000,000");
  });

  it("checks a data file against the schema, pointing at the spec line and the rows", async () => {
    const lines = [...ctr.rows(30, 2)].map((r, i) => JSON.stringify(i === 4 ? { ...r, uid: 12_345 } : i === 9 ? { ...r, features: [1, 2] } : r));
    writeFileSync(join(scratch, "broken.jsonl"), `${lines.join("\n")}\n`);
    reset();
    expect(await main(["check", "--color", "never", "--data", ".tmp/data-test/broken.jsonl", "examples/ctr/model.rec"], io)).toBe(1);
    expect(stdout).toContain("error[REC4003]: 1 row of .tmp/data-test/broken.jsonl (column `uid`) holds an id outside field `user_id`'s space");
    expect(stdout).toContain("examples/ctr/model.rec:10:3");
    expect(stdout).toContain("first: row 5: the id 12345 is outside `users`, which holds ids 0 to 9999");
    expect(stdout).toContain("error[REC4002]: 1 row of .tmp/data-test/broken.jsonl (column `features`) does not fit field `dense`");
    expect(stdout).toMatch(/data \.tmp\/data-test\/broken\.jsonl: 30 rows/);
  });

  it("stops training at a bad row with its file, row and column, or skips and counts with --skip-bad-rows", async () => {
    const spec = readFileSync(join(ROOT, "examples/ctr/model.rec"), "utf8").replace('parquet("data/impressions.parquet"', 'jsonl("broken.jsonl"');
    writeFileSync(join(scratch, "ctr-broken.rec"), spec);
    reset();
    expect(
      await main(
        ["train", "--steps", "3", "--batch", "8", "--backend", "wasm", "--overwrite", "--out", ".tmp/data-test/broken-run", ".tmp/data-test/ctr-broken.rec"],
        io,
      ),
    ).toBe(1);
    expect(stderr).toContain("error: broken.jsonl, row 5, column `uid`: the id 12345 is outside `users`");
    expect(stderr).not.toContain("    at ");
    reset();
    expect(
      await main(
        [
          "train",
          "--steps",
          "3",
          "--batch",
          "8",
          "--skip-bad-rows",
          "--backend",
          "wasm",
          "--overwrite",
          "--out",
          ".tmp/data-test/broken-run",
          ".tmp/data-test/ctr-broken.rec",
        ],
        io,
      ),
      stderr,
    ).toBe(0);
    // Each bad row counted once, however many passes read it (the engine probe, epochs, held-out passes).
    const [, count, listed] = stderr.match(/skipped (\d+) bad rows? \(--skip-bad-rows\), the first:\n((?: {2}.*\n)+)/) ?? [];
    const rows = listed!.trim().split("\n");
    expect(new Set(rows).size).toBe(rows.length);
    expect(Number(count)).toBe(rows.length);
    expect(Number(count)).toBeLessThanOrEqual(2);
  });
});
