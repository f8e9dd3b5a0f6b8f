// `rec export --format onnx --all`: every head and every encoder of a model as its own .onnx
// file, each carrying the model's metadata in metadata_props (read back with Python's onnx).
// In the reproduction tier for its three exports; test/onnx.test.ts checks each tower's numbers.
// Skipped, with the reason, where no Python with torch and onnx is installed.

import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTorchPython } from "../../runtime/src/torch/python.js";
import { rec } from "../harness/rec-cli.js";
import { ROOT } from "../harness/repo.js";

const torch = findTorchPython();
const skip = typeof torch === "string" ? ` (skipped: ${torch})` : "";
const scratch = join(ROOT, ".tmp", "onnx-all");

describe.skipIf(typeof torch === "string")(`ONNX for every head and encoder${skip}`, () => {
  it("`rec export --format onnx --all` writes every head and tower with the model's metadata in metadata_props", async () => {
    const out = join(scratch, "serving-all");
    rmSync(out, { recursive: true, force: true });
    const { code, stdout } = await rec(["export", "examples/serving/model.rec", "--format", "onnx", "--all", "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/head `score`[\s\S]*encoder `user`[\s\S]*encoder `item`/);
    expect(readdirSync(out).sort()).toEqual(["encoder.item.onnx", "encoder.user.onnx", "head.score.onnx"]);
    const python = (torch as Exclude<typeof torch, string>).python;
    const read = spawnSync(
      python,
      [
        "-c",
        "import json, onnx, sys; m = onnx.load(sys.argv[1]); print(json.dumps({p.key: p.value for p in m.metadata_props}))",
        join(out, "encoder.user.onnx"),
      ],
      { encoding: "utf8" },
    );
    const props = JSON.parse(read.stdout) as Record<string, string>;
    expect(props["reclang.model"]).toBe("TwoTower");
    expect(JSON.parse(props["reclang.output"]!)).toEqual({ kind: "encoder", name: "user" });
    expect(JSON.parse(props["reclang.output_shape"]!)).toEqual(["B", 32]);
    expect(JSON.parse(props["reclang.inputs"]!)).toEqual([
      { name: "user_id", dtype: "id", onnx_dtype: "int64", shape: ["B"], id_space: "users", ids: 2000, column: "user" },
    ]);
  });
});
