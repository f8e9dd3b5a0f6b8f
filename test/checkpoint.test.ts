// Checkpoints: safetensors bytes round-trip, an independent reader (Python with struct and
// json only, written against the published format) reads our files, a checkpoint of another
// model is refused with every mismatch listed, and train → eval → predict works end to end.

import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasPython } from "./harness/available.js";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { compile, compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { loadCheckpoint, saveCheckpoint } from "../runtime/src/checkpoint/checkpoint.js";
import { decodeSafetensors, encodeSafetensors } from "../runtime/src/checkpoint/safetensors.js";
import { fuzzCheckpoint } from "./harness/fuzz-checkpoint.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { ROOT } from "./harness/repo.js";

const scratch = join(ROOT, ".tmp", "checkpoint-test");
// Each run starts from an empty folder: runs are never written over one another.
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });

const READER = `
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    body = f.read()
out = {"metadata": header.pop("__metadata__", {})}
import hashlib
table = json.dumps(sorted(header.items()), separators=(",", ":"))
out["hash_matches"] = hashlib.sha256(table.encode() + body).hexdigest() == out["metadata"].pop("data_sha256", None)
for name, t in header.items():
    start, end = t["data_offsets"]
    code = "f" if t["dtype"] == "F32" else "i"
    out[name] = {"shape": t["shape"], "values": list(struct.unpack("<%d%s" % ((end - start) // 4, code), body[start:end]))}
print(json.dumps(out))
`;

describe("safetensors", () => {
  it("round-trips tensors and metadata", () => {
    const tensors = new Map([
      ["b", { dtype: "F32" as const, shape: [2], data: Float32Array.from([1.5, -2]) }],
      ["a", { dtype: "I32" as const, shape: [1, 2], data: Int32Array.from([7, -8]) }],
    ]);
    const bytes = encodeSafetensors(tensors, { step: "3" });
    const decoded = decodeSafetensors(bytes);
    expect(decoded.metadata).toEqual({ step: "3" });
    expect([...decoded.tensors.get("b")!.data]).toEqual([1.5, -2]);
    expect([...decoded.tensors.get("a")!.data]).toEqual([7, -8]);
    expect(() => decodeSafetensors(bytes.subarray(0, 20))).toThrow(/header claims/);
  });

  it.skipIf(!hasPython)(
    `is read by an independent reader written against the published format${hasPython ? "" : " (skipped: no python3 on this machine)"}`,
    () => {
      const path = join(scratch, "indep.safetensors");
      writeFileSync(path, encodeSafetensors(new Map([["w", { dtype: "F32", shape: [2, 2], data: Float32Array.from([1, 2, 3, 4.5]) }]]), { model: "M" }));
      writeFileSync(join(scratch, "reader.py"), READER);
      const read = JSON.parse(execFileSync("python3", [join(scratch, "reader.py"), path], { encoding: "utf8" })) as Record<
        string,
        { shape: number[]; values: number[] }
      > & { metadata: Record<string, string>; hash_matches: boolean };
      expect(read.metadata).toEqual({ model: "M" });
      // The hash of the tensor table and data, recomputed from the published format alone.
      expect(read["hash_matches"]).toBe(true);
      expect(read["w"]).toEqual({ shape: [2, 2], values: [1, 2, 3, 4.5] });
    },
  );
});

describe("checkpoints of models", () => {
  it("refuses a checkpoint of another model, listing every mismatch", async () => {
    await useBackend("cpu");
    const planOf = (text: string) => compile({ path: join(ROOT, "m.rec"), text }).plans[0]!;
    const a = new Executor(planOf(`import { Dense } from "std/nn"\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  head h = Dense(2)(x)\n}\n`), 0);
    const b = new Executor(
      planOf(`import { Dense } from "std/nn"\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  head h = Dense(3)(x)\n  head g = Dense(1)(x)\n}\n`),
      0,
    );
    const path = join(scratch, "a.safetensors");
    await saveCheckpoint(a, path, { step: "1" });
    expect(() => loadCheckpoint(b, path)).toThrow(
      /`h\.dense\.kernel` is \[4,2\] in the checkpoint but `h\.dense\.kernel` is \[4,3\] in the model[\s\S]*`g\.dense\.kernel` \[4,1\] is not in/,
    );
    expect(loadCheckpoint(a, path)["step"]).toBe("1");
    a.dispose();
    b.dispose();
  });

  it("refuses weights that are not finite floats, naming each tensor, so no broken model is scored", async () => {
    await useBackend("cpu");
    const plan = compile({
      path: join(ROOT, "m.rec"),
      text: `import { Dense } from "std/nn"\nmodel M {\n  dims B\n  input x: f32[B, 4]\n  head h = Dense(2)(x)\n}\n`,
    }).plans[0]!;
    const executor = new Executor(plan, 0);
    const path = join(scratch, "nan.safetensors");
    await saveCheckpoint(executor, path, { step: "1" });
    const { tensors, metadata } = decodeSafetensors(readFileSync(path));
    const kernel = tensors.get("h.dense.kernel")!;
    const poisoned = Float32Array.from(kernel.data as Float32Array);
    poisoned[3] = Number.NaN;
    poisoned[5] = Number.POSITIVE_INFINITY;
    const offset = tensors.get("h.dense.offset")!;
    writeFileSync(
      path,
      encodeSafetensors(
        new Map([
          ["h.dense.kernel", { ...kernel, data: poisoned }],
          ["h.dense.offset", { dtype: "I32" as const, shape: offset.shape, data: Int32Array.from(offset.data as Float32Array) }],
        ]),
        metadata,
      ),
    );
    expect(() => loadCheckpoint(executor, path)).toThrow(/`h\.dense\.kernel` holds 2 non-finite values \(NaN or infinity\) of 8/);
    expect(() => loadCheckpoint(executor, path)).toThrow(/`h\.dense\.offset` is I32 in the checkpoint, not a float weight for `h\.dense\.offset`/);
    executor.dispose();
  });

  it("damaged copies of a checkpoint load exactly what was saved or are refused: 400 seeded copies", async () => {
    const result = await fuzzCheckpoint(400, 20_261_201);
    expect(result.crashed).toEqual([]);
    expect(result.loaded + result.refused + result.unmarked).toBe(400);
    expect(result.refused).toBeGreaterThan(300);
  });

  it("refuses overlapping, negative and trailing byte ranges and shapes that are not sizes, before reading data", () => {
    const bytes = (header: object, dataBytes: number) => {
      let json = JSON.stringify(header);
      while ((8 + json.length) % 8) json += " ";
      const out = new Uint8Array(8 + json.length + dataBytes);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(Buffer.from(json), 8);
      return out;
    };
    const t = (start: number, end: number, shape: unknown = [(end - start) / 4]) => ({ dtype: "F32", shape, data_offsets: [start, end] });
    expect(() => decodeSafetensors(bytes({ a: t(0, 8), b: t(4, 12) }, 12))).toThrow(/overlap/);
    expect(() => decodeSafetensors(bytes({ a: t(-4, 4, [2]) }, 8))).toThrow(/bad byte range/);
    expect(() => decodeSafetensors(bytes({ a: t(0, 8) }, 16))).toThrow(/8 bytes after the last tensor/);
    expect(() => decodeSafetensors(bytes({ a: t(0, 8, [-2, -1]) }, 8))).toThrow(/not a list of sizes/);
    expect(() => decodeSafetensors(bytes({ a: "F32" }, 0))).toThrow(/not described by an object/);
    expect(() => decodeSafetensors(bytes([1, 2], 0))).toThrow(/not a JSON object/);
    // Well formed without a hash: another writer's file (Python's safetensors writes none) loads;
    // one that names reclang's plan must carry the hash every reclang checkpoint holds.
    expect(decodeSafetensors(bytes({ a: t(0, 8), b: t(8, 12) }, 12)).tensors.size).toBe(2);
    expect(() => decodeSafetensors(bytes({ __metadata__: { plan_hash: "0" }, a: t(0, 8) }, 8))).toThrow(/lacks `data_sha256`/);
    expect(decodeSafetensors(encodeSafetensors(new Map([["a", { dtype: "F32", shape: [2], data: Float32Array.of(1, 2) }]]))).tensors.size).toBe(1);
  });

  it("removes the temporary files a killed save left, once the next run starts in the folder", async () => {
    const { removeStaleTemporaries } = await import("../runtime/src/atomic-write.js");
    const dir = join(scratch, "stale");
    mkdirSync(dir, { recursive: true });
    // pid 2147483646 is not a live process; our own pid's file belongs to a writer still running.
    writeFileSync(join(dir, ".checkpoint.safetensors.2147483646.1700000000000.tmp"), "half a checkpoint");
    writeFileSync(join(dir, `.plan.json.${process.pid}.1700000000000.tmp`), "being written");
    writeFileSync(join(dir, "notes.tmp"), "not ours");
    expect(removeStaleTemporaries(dir)).toEqual([".checkpoint.safetensors.2147483646.1700000000000.tmp"]);
    expect(readdirSync(dir).sort()).toEqual([`.plan.json.${process.pid}.1700000000000.tmp`, "notes.tmp"]);
  });

  it("refuses to resume from damaged metadata before touching the run's files", async () => {
    let stderr = "";
    const io = { stdout: () => {}, stderr: (t: string) => (stderr += t), isTTY: false, cwd: ROOT, env: {} };
    const out = join(scratch, "damaged-run");
    expect(
      await main(["train", "--steps", "4", "--batch", "16", "--checkpoint-every", "2", "--backend", "cpu", "--out", out, "examples/ctr/model.rec"], io),
      stderr,
    ).toBe(0);
    const path = join(out, "checkpoint.safetensors");
    const original = readFileSync(path);
    const curve = readFileSync(join(out, "metrics.jsonl"), "utf8");
    for (const [key, value] of [
      ["step", "1e99"],
      ["step", "abc"],
      ["since_best", "-3"],
      ["best", "NaN"],
    ] as const) {
      const { tensors, metadata } = decodeSafetensors(original);
      writeFileSync(path, encodeSafetensors(tensors, { ...metadata, [key]: value }));
      stderr = "";
      expect(await main(["train", "--resume", out], io), `${key}=${value}`).toBe(1);
      expect(stderr).toMatch(new RegExp(`damaged: its metadata's \`${key}\``));
      expect(stderr).not.toContain("    at ");
      expect(readFileSync(join(out, "metrics.jsonl"), "utf8")).toBe(curve);
    }
  });

  it("refuses to resume from optimizer state that does not fit, naming the slot and the weight", async () => {
    let stderr = "";
    const io = { stdout: () => {}, stderr: (t: string) => (stderr += t), isTTY: false, cwd: ROOT, env: {} };
    const out = join(scratch, "optimizer-run");
    expect(
      await main(["train", "--steps", "4", "--batch", "16", "--checkpoint-every", "2", "--backend", "cpu", "--out", out, "examples/ctr/model.rec"], io),
      stderr,
    ).toBe(0);
    const path = join(out, "checkpoint.safetensors");
    const original = readFileSync(path);
    const { tensors, metadata } = decodeSafetensors(original);
    const slots = [...tensors.keys()].filter((n) => /^optimizer\.0\.\d+\.\d+\/m$/.test(n));
    const matrix = slots.find((n) => tensors.get(n)!.shape.length === 2 && tensors.get(n)!.shape[0] !== tensors.get(n)!.shape[1])!;
    const transposed = new Map(tensors);
    transposed.set(matrix, { ...tensors.get(matrix)!, shape: [...tensors.get(matrix)!.shape].reverse() });
    const missing = new Map(tensors);
    missing.delete(slots[0]!);
    const absent = new Map([...tensors].filter(([n]) => !n.startsWith("optimizer.")));
    for (const [what, damaged, message] of [
      [
        "a transposed slot",
        transposed,
        new RegExp(`the optimizer slot \`${matrix.replace(/[.]/g, "\\.")}\` has shape \\[\\d+, \\d+\\], but its weight \`[\\w.]+\` is \\[\\d+, \\d+\\]`),
      ],
      [
        "a missing slot",
        missing,
        new RegExp(
          /holds \d+ optimizer slots for group 0, but `adamw?\(.*\)` keeps 2 for each of its \d+ weights \(\d+\); /.source +
            /the first weight without its `m` slot is `[\w.]+`/.source,
        ),
      ],
      ["no optimizer state", absent, /holds no optimizer state for group 0/],
    ] as const) {
      writeFileSync(path, encodeSafetensors(damaged, metadata));
      stderr = "";
      expect(await main(["train", "--backend", "cpu", "--resume", out], io), what).toBe(1);
      expect(stderr, what).toMatch(message);
      expect(stderr, what).not.toContain("    at ");
    }
    writeFileSync(path, original);
  });

  it("never trains over an earlier run: --out refuses without --overwrite, the default moves to the next free folder", async () => {
    let stderr = "";
    const io = { stdout: () => {}, stderr: (t: string) => (stderr += t), isTTY: false, cwd: scratch, env: {} };
    const args = ["train", "--steps", "2", "--batch", "16", "--backend", "cpu"];
    const spec = join(ROOT, "examples/ctr/model.rec");
    expect(await main([...args, "--out", "kept", spec], io), stderr).toBe(0);
    const kept = readFileSync(join(scratch, "kept", "metrics.jsonl"), "utf8");
    stderr = "";
    expect(await main([...args, "--seed", "5", "--out", "kept", spec], io)).toBe(2);
    expect(stderr).toContain("kept holds an earlier run");
    expect(readFileSync(join(scratch, "kept", "metrics.jsonl"), "utf8")).toBe(kept);
    expect(await main([...args, "--seed", "5", "--overwrite", "--out", "kept", spec], io)).toBe(0);
    writeFileSync(join(scratch, "a-file"), "not a folder");
    stderr = "";
    expect(await main([...args, "--out", "a-file", spec], io)).toBe(2);
    expect(stderr).toContain("is a file, not a run directory");
    for (const [out, why] of [
      ["a-file/below", "a part of the path is a file"],
      ["n".repeat(300), "a name in the path is too long"],
    ] as const) {
      stderr = "";
      expect(await main([...args, "--out", out, spec], io)).toBe(2);
      expect(stderr).toContain(why);
      expect(stderr).not.toContain("    at ");
    }
    // The default folder: runs/CTR-0, then runs/CTR-0-2 beside it.
    expect(await main([...args, spec], io)).toBe(0);
    expect(await main([...args, spec], io)).toBe(0);
    expect(readFileSync(join(scratch, "runs", "CTR-0", "summary.json"), "utf8")).toContain('"model": "CTR"');
    expect(readFileSync(join(scratch, "runs", "CTR-0-2", "summary.json"), "utf8")).toContain('"model": "CTR"');
  });

  it("train keeps the last and the best checkpoint; eval and predict use them", async () => {
    let stdout = "";
    let stderr = "";
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: ROOT, env: {} };
    const out = ".tmp/checkpoint-test/run";
    expect(
      await main(["train", "--steps", "30", "--batch", "32", "--backend", "wasm", "--overwrite", "--out", out, "examples/two_tower/model.rec"], io),
      stderr,
    ).toBe(0);
    stdout = "";
    expect(
      await main(["eval", "--json", "--batches", "2", "--batch", "32", "--checkpoint", `${out}/checkpoint.safetensors`, "examples/two_tower/model.rec"], io),
      stderr,
    ).toBe(0);
    expect(JSON.parse(stdout)["recall_at_10"]).toBeGreaterThan(0);
    stdout = "";
    expect(await main(["predict", "--rows", "2", "--batch", "8", "--checkpoint", `${out}/best.safetensors`, "examples/two_tower/model.rec"], io), stderr).toBe(
      0,
    );
    expect((JSON.parse(stdout) as { score: number[][] }).score).toHaveLength(2);
    const wrong = await main(["eval", "--checkpoint", `${out}/checkpoint.safetensors`, "examples/ctr/model.rec"], io);
    expect(wrong).toBe(1);
    expect(stderr).toContain("does not load into model CTR");
    const plans = compileFiles([join(ROOT, "examples/two_tower/model.rec")]).plans;
    expect(plans).toHaveLength(1);
  });
});

describe("multi-stage training", () => {
  it("starts a second model from a first one's table and keeps it frozen", async () => {
    const { readFileSync } = await import("node:fs");
    const { readSafetensors } = await import("../runtime/src/checkpoint/safetensors.js");
    let stderr = "";
    const io = { stdout: () => undefined, stderr: (t: string) => (stderr += t), isTTY: false, cwd: ROOT, env: {} };
    const dir = ".tmp/checkpoint-test/stages";
    expect(
      await main(["train", "--steps", "10", "--batch", "32", "--backend", "wasm", "--overwrite", "--out", `${dir}/pre`, "examples/two_tower/model.rec"], io),
      stderr,
    ).toBe(0);
    const original = readFileSync(join(ROOT, "examples/two_tower/model.rec"), "utf8");
    const spec = original.replace(
      "  train {\n",
      `  train {\n    init { from = "${dir}/pre/checkpoint.safetensors", prefix = "item_table" }\n    freeze = ["item_table"]\n`,
    );
    expect(spec).not.toBe(original);
    writeFileSync(join(ROOT, dir, "stage2.rec"), spec);
    expect(
      await main(["train", "--steps", "10", "--batch", "32", "--backend", "wasm", "--overwrite", "--out", `${dir}/fine`, `${dir}/stage2.rec`], io),
      stderr,
    ).toBe(0);
    expect(stderr).toContain(`loaded 1 weights from ${dir}/pre/checkpoint.safetensors`);
    const pre = readSafetensors(join(ROOT, dir, "pre/checkpoint.safetensors")).tensors;
    const fine = readSafetensors(join(ROOT, dir, "fine/checkpoint.safetensors")).tensors;
    expect([...fine.get("item_table.table")!.data]).toEqual([...pre.get("item_table.table")!.data]);
    expect([...fine.get("user_table.table")!.data]).not.toEqual([...pre.get("user_table.table")!.data]);
  });
});
