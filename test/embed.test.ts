// `rec embed`: a trained two-tower model's item tower written for its whole catalogue, one
// (id, vector) row per id, read back from the Parquet file and checked against the encoder run
// directly on the same weights; encoders it cannot run over a catalogue are refused by name.

import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { loadCheckpoint } from "../runtime/src/checkpoint/checkpoint.js";
import { readRows } from "../runtime/src/data/tables.js";
import { constantsSettings, readConstantsFiles } from "../runtime/src/data/constants.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { ROOT } from "./harness/repo.js";

const dir = join(ROOT, ".tmp", "embed-test");
const SPEC = "examples/two_tower/model.rec";

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let [stdout, stderr] = ["", ""];
  const code = await main(args, { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), isTTY: false, cwd: ROOT, env: {} });
  return { code, stdout, stderr };
}

describe("rec embed", () => {
  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const trained = await run(["train", "--backend", "wasm", "--steps", "20", "--batch", "64", "--out", join(dir, "run"), SPEC]);
    expect(trained.code, trained.stderr).toBe(0);
  });

  it("writes the item tower's vector for every item, as the encoder computes it", async () => {
    const out = join(dir, "items.parquet");
    const { code, stdout, stderr } = await run([
      "embed",
      "--backend",
      "wasm",
      "--batch",
      "1500",
      "--checkpoint",
      join(dir, "run", "checkpoint.safetensors"),
      "--encoder",
      "item",
      "--out",
      out,
      "--json",
      SPEC,
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/wrote 5,000 vectors of `item`/);
    expect(JSON.parse(stdout)).toMatchObject({ path: out, encoder: "item", rows: 5000, backend: "wasm" });
    const rows: { id: number; vector: number[] }[] = [];
    for await (const row of readRows(out, "parquet")) rows.push({ id: Number(row.values["id"]), vector: [...(row.values["vector"] as number[])] });
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(new Set(rows.map((r) => r.vector.length))).toEqual(new Set([32]));
    // The same weights, the encoder run directly on a few ids (across the batches' edges).
    await useBackend("wasm");
    const executor = new Executor(compileFiles([join(ROOT, SPEC)]).plans[0]!, 7);
    loadCheckpoint(executor, join(dir, "run", "checkpoint.safetensors"));
    const ids = [0, 1499, 1500, 4999];
    const direct = executor.runNamed("encode", ["item"], new Map([["item_id", tf.tensor1d(ids, "int32")]])).get("item")!;
    const values = (await direct.array()) as number[][];
    ids.forEach((id, i) => rows[id]!.vector.forEach((v, j) => expect(Math.abs(v - values[i]![j]!)).toBeLessThan(1e-6)));
    // The vectors are the tower's (l2-normalized), not zeros.
    expect(Math.hypot(...rows[1234]!.vector)).toBeCloseTo(1, 4);
    // Written atomically: no temporary file is left beside it.
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    executor.dispose();
  });

  it('writes a file another model reads as a frozen table keyed by id (`constants = parquet(…, key = "id")`)', async () => {
    await useBackend("cpu");
    const spec = `schema Frozen {
  frozen_item: f32[32] = column("vector")
}

model Compatible {
  dims B
  input query: f32[B, 32]
  input frozen_item: f32[5_000, 32] constant
  head score = query @ transpose(frozen_item)
  train {
    constants = parquet("items.parquet", schema = Frozen, key = "id")
  }
}
`;
    writeFileSync(join(dir, "compatible.rec"), spec);
    const compiled = compileFiles([join(dir, "compatible.rec")]);
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const plan = compiled.plans[0]!;
    const table = (await readConstantsFiles(plan, constantsSettings(plan), dir)).get("frozen_item")!;
    const rows = new Map<number, number[]>();
    for await (const row of readRows(join(dir, "items.parquet"), "parquet")) rows.set(Number(row.values["id"]), [...(row.values["vector"] as number[])]);
    const values = Array.from({ length: table.shape[0]! }, (_, r) => Array.from(table.data.subarray(r * table.shape[1]!, (r + 1) * table.shape[1]!)));
    expect(values.length).toBe(5000);
    for (const id of [0, 1499, 4999]) values[id]!.forEach((v, j) => expect(v).toBeCloseTo(rows.get(id)![j]!, 6));
  });

  it("refuses an encoder of several inputs, an ambiguous one and a file that is not Parquet, saying why", async () => {
    const checkpoint = join(dir, "run", "checkpoint.safetensors");
    const user = await run(["embed", "--checkpoint", checkpoint, "--encoder", "user", "--out", join(dir, "users.parquet"), SPEC]);
    expect(user.code).toBe(2);
    expect(user.stderr).toContain("encoder `user` reads the inputs `user_id`, `history`, `history_mask`");
    const ambiguous = await run(["embed", "--checkpoint", checkpoint, "--out", join(dir, "x.parquet"), SPEC]);
    expect(ambiguous.stderr).toContain("has the encoders `user`, `item`: choose one with --encoder NAME");
    const missing = await run(["embed", "--checkpoint", checkpoint, "--encoder", "items", "--out", join(dir, "x.parquet"), SPEC]);
    expect(missing.stderr).toContain("has no encoder `items` (its encoders: `user`, `item`)");
    const csv = await run(["embed", "--checkpoint", checkpoint, "--encoder", "item", "--out", join(dir, "x.csv"), SPEC]);
    expect(csv.stderr).toContain("`rec embed` writes Parquet");
    expect(readdirSync(dir).filter((f) => f.startsWith("users") || f.startsWith("x."))).toEqual([]);
  });
});
