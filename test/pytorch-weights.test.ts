// Weights from outside reclang: an independent PyTorch model's state_dict
// (test/fixtures/pytorch-weights/make.py wrote weights.safetensors, rows.jsonl and the model's
// own outputs, expected.json) loads into scorer.rec through its `init { map }` and PyTorch's
// parameter names, and `rec predict --data` reproduces the PyTorch outputs within 1e-5. Every
// mismatch is an error naming both sides; other dtypes convert with a note; pickles are refused.
// The repro tier reruns make.py under torch and checks the committed files are what it writes.

import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { saveCheckpoint } from "../runtime/src/checkpoint/checkpoint.js";
import { decodeSafetensors, encodeSafetensors } from "../runtime/src/checkpoint/safetensors.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { rec } from "./harness/rec-cli.js";
import { ROOT } from "./harness/repo.js";

const FIXTURE = join(ROOT, "test", "fixtures", "pytorch-weights");
const scratch = join(ROOT, ".tmp", "pytorch-weights");
const expected = (JSON.parse(readFileSync(join(FIXTURE, "expected.json"), "utf8")) as { probability: number[] }).probability;

/** A copy of the fixture folder with scorer.rec's map replaced (or removed), and weights edited. */
function variant(
  name: string,
  map: string | undefined,
  edit?: (tensors: Map<string, { dtype: "F32" | "I32"; shape: number[]; data: Float32Array | Int32Array }>) => void,
) {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of ["rows.jsonl", "weights.safetensors"]) copyFileSync(join(FIXTURE, file), join(dir, file));
  const spec = readFileSync(join(FIXTURE, "scorer.rec"), "utf8");
  writeFileSync(join(dir, "scorer.rec"), map === undefined ? spec.replace(/\n\s*map = \{[^}]*\}/, "") : spec.replace(/map = \{[^}]*\}/, map));
  if (edit) {
    const tensors = decodeSafetensors(readFileSync(join(FIXTURE, "weights.safetensors"))).tensors as Map<string, never>;
    edit(tensors);
    writeFileSync(join(dir, "weights.safetensors"), encodeSafetensors(tensors));
  }
  return dir;
}

const predict = (dir: string, ...extra: string[]) =>
  rec(["predict", "scorer.rec", "--checkpoint", "weights.safetensors", "--data", "rows.jsonl", ...extra], dir);

describe("weights saved by PyTorch", () => {
  it("load into the spec by its map and PyTorch's names, and predict the PyTorch model's outputs within 1e-5", async () => {
    const { code, stdout, stderr } = await rec(
      ["predict", "scorer.rec", "--checkpoint", "weights.safetensors", "--data", "rows.jsonl", "--with-inputs"],
      FIXTURE,
    );
    expect(stderr).toMatch(/8 weights loaded under other names: `users.weight` → `user_rows.table`/);
    expect(stderr).toMatch(/`tower.0.weight` \(transposed\) → `tower.layers.0.kernel`/);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { row: number; probability: number; inputs: { user: number; item: number; price: number } });
    expect(lines.map((l) => l.row)).toEqual(expected.map((_, i) => i + 1));
    const worst = Math.max(...lines.map((l, i) => Math.abs(l.probability - expected[i]!)));
    expect(worst).toBeLessThan(1e-5);
    // The inputs as the model saw them, beside the heads.
    const rows = readFileSync(join(FIXTURE, "rows.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { user: number; price: number });
    expect(lines.map((l) => l.inputs.user)).toEqual(rows.map((r) => r.user));
    expect(lines[0]!.inputs.price).toBeCloseTo(rows[0]!.price, 6);
  });

  it("write the scores to a file of the format its name says, atomically", async () => {
    const dir = variant(
      "out",
      'map = { users: "user_rows", items: "item_rows", norm: "probability.layer_norm", "tower.0": "tower.layers.0", "tower.2": "tower.layers.1" }',
    );
    for (const file of ["scores.csv", "scores.jsonl", "scores.parquet"]) {
      const { code } = await predict(dir, "--out", file, "--batch", "5");
      expect(code).toBe(0);
    }
    // Written a batch of 5 at a time: every row, in order, in each format.
    const { asyncBufferFromFile, parquetReadObjects } = await import("hyparquet");
    const parquet = (await parquetReadObjects({ file: await asyncBufferFromFile(join(dir, "scores.parquet")) })) as { row: number; probability: number }[];
    expect(parquet.map((r) => r.row)).toEqual(expected.map((_, i) => i + 1));
    expect(Math.max(...parquet.map((r, i) => Math.abs(r.probability - expected[i]!)))).toBeLessThan(1e-5);
    const csv = readFileSync(join(dir, "scores.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("row,probability");
    expect(Math.abs(Number(csv[1]!.split(",")[1]) - expected[0]!)).toBeLessThan(1e-5);
    expect(readFileSync(join(dir, "scores.jsonl"), "utf8").trim().split("\n")).toHaveLength(expected.length);
  });

  it("leave the spec's own checkpoints loading as they are, map or no map", async () => {
    const dir = variant("own", undefined);
    await useBackend("cpu");
    const executor = new Executor(compileFiles([join(FIXTURE, "scorer.rec")]).plans[0]!, 4);
    await saveCheckpoint(executor, join(dir, "own.safetensors"), { step: "0" });
    executor.dispose();
    // The fixture's spec (with its map for the PyTorch file) reads reclang's names too.
    const { code, stderr } = await rec(["predict", "scorer.rec", "--checkpoint", join(dir, "own.safetensors"), "--data", "rows.jsonl"], FIXTURE);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/other names/);
  });

  it("without the map, every weight that finds no tensor is named with the names looked for, and every unused tensor too", async () => {
    const { code, stderr } = await predict(variant("no-map", undefined));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/`user_rows.table` \[50,8\] is not in the checkpoint \(looked for `user_rows.table` and `user_rows.weight`\)/);
    expect(stderr).toMatch(/`tower.2.weight` \[1,12\] is in the checkpoint but no weight of the model loads it/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("names both sides of a shape mismatch, a transposed kernel and a dtype", async () => {
    const map =
      'map = { users: "user_rows", items: "item_rows", norm: "probability.layer_norm", ' + '"tower.0": "tower.layers.0", "tower.2": "tower.layers.1" }';
    const dir = variant("mismatches", map, (tensors) => {
      const items = tensors.get("items.weight")!;
      tensors.set("items.weight", { ...items, shape: [20, 16] });
      // A Linear weight saved under a name that is not PyTorch's (`kernel`): its [out, in] layout is not undone.
      const w = tensors.get("tower.2.weight")!;
      tensors.delete("tower.2.weight");
      tensors.set("tower.2.kernel", w);
      tensors.set("users.weight", { dtype: "I32", shape: [50, 8], data: new Int32Array(400) });
    });
    const { code, stderr } = await predict(dir);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/`items.weight` is \[20,16\] in the checkpoint but `item_rows.table` is \[40,8\] in the model/);
    expect(stderr).toMatch(
      /`tower.2.kernel` is \[1,12\] in the checkpoint but `tower.layers.1.kernel` is \[12,1\] in the model: the transpose; .*`tower.2.weight`/,
    );
    expect(stderr).toMatch(/`users.weight` is I32 in the checkpoint, not a float weight for `user_rows.table`/);
  });

  it("refuses a map entry that names no weight of the model before reading any file (REC2035)", async () => {
    const dir = variant("typo", 'map = { users: "user_row" }');
    const { code, stderr } = await predict(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/error\[REC2035\]: the map's entry `users` names `user_row`, which is no weight of the model[\s\S]*scorer\.rec:\d+:\d+/);
  });

  it("refuses pickled PyTorch files without opening them, pointing at safetensors", async () => {
    const dir = variant("pickle", "map = {}");
    writeFileSync(join(dir, "model.pt"), Buffer.from([0x80, 0x02, 0x7d, 0x71]));
    const { code, stderr } = await rec(["predict", "scorer.rec", "--checkpoint", "model.pt", "--data", "rows.jsonl"], dir);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/model.pt is a pickled PyTorch file, which reclang does not open .* save the weights as safetensors/);
  });
});

describe("safetensors from other writers", () => {
  /** A file as another writer makes it: a header without reclang's hash, tensors of any dtype. */
  function file(entries: Array<[string, string, number[], Uint8Array]>, metadata?: Record<string, string>) {
    const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
    let offset = 0;
    for (const [name, dtype, shape, bytes] of entries) {
      header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
      offset += bytes.length;
    }
    const json = Buffer.from(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + offset);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    let at = 8 + json.length;
    for (const [, , , bytes] of entries) (out.set(bytes, at), (at += bytes.length));
    return out;
  }
  const bytesOf = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

  it("load without the hash, and convert F16, BF16, F64 and I64 with a note; exact values where the dtype holds them", () => {
    // 1.5 in half precision is 0x3e00; -2 is 0xc000; 65504 (the largest half) is 0x7bff.
    const half = Uint16Array.of(0x3e00, 0xc000, 0x7bff);
    // bfloat16 is a float32's top half: 1.5 = 0x3fc0, -0.15625 = 0xbe20.
    const bfloat = Uint16Array.of(0x3fc0, 0xbe20);
    const { tensors, notes } = decodeSafetensors(
      file([
        ["h", "F16", [3], bytesOf(half)],
        ["b", "BF16", [2], bytesOf(bfloat)],
        ["d", "F64", [2], bytesOf(Float64Array.of(0.1, -3))],
        ["i", "I64", [2], bytesOf(BigInt64Array.of(7n, -9n))],
      ]),
    );
    expect([...tensors.get("h")!.data]).toEqual([1.5, -2, 65504]);
    expect([...tensors.get("b")!.data]).toEqual([1.5, -0.15625]);
    expect([...tensors.get("d")!.data]).toEqual([Math.fround(0.1), -3]);
    expect(tensors.get("i")!.dtype).toBe("I32");
    expect([...tensors.get("i")!.data]).toEqual([7, -9]);
    expect(notes).toEqual([
      "`h` is F16 in the file: converted to F32",
      "`b` is BF16 in the file: converted to F32",
      "`d` is F64 in the file: converted to F32",
      "`i` is I64 in the file: converted to I32",
    ]);
  });

  it("refuses an I64 beyond 32 bits, a dtype it does not read, and a reclang checkpoint whose hash is gone", () => {
    expect(() => decodeSafetensors(file([["i", "I64", [1], bytesOf(BigInt64Array.of(1n << 40n))]]))).toThrow(/beyond a 32-bit integer/);
    expect(() => decodeSafetensors(file([["c", "C64", [1], new Uint8Array(8)]]))).toThrow(/dtype "C64"; reclang reads F32, F64, F16, BF16/);
    expect(() => decodeSafetensors(file([["a", "F32", [1], new Uint8Array(4)]], { plan_hash: "abc" }))).toThrow(/lacks `data_sha256`/);
  });
});
