// The PyTorch fixture is what its script writes: test/fixtures/pytorch-weights/make.py rerun under
// torch (into a scratch copy) gives the committed weights byte for byte and the committed outputs,
// so test/pytorch-weights.test.ts compares reclang against PyTorch, not against a stale file.
// Skipped, with the reason, where no Python with torch is installed.

import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTorchPython } from "../../runtime/src/torch/python.js";
import { ROOT } from "../harness/repo.js";

const torch = findTorchPython();
const skip = typeof torch === "string" ? ` (skipped: ${torch})` : "";
const FIXTURE = join(ROOT, "test", "fixtures", "pytorch-weights");

describe("the PyTorch weights fixture", () => {
  it.skipIf(typeof torch === "string")(`is what make.py writes under torch${skip}`, () => {
    const dir = join(ROOT, ".tmp", "pytorch-weights-make");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(FIXTURE, "make.py"), join(dir, "make.py"));
    const run = spawnSync((torch as Exclude<typeof torch, string>).python, [join(dir, "make.py")], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const file of ["weights.safetensors", "rows.jsonl", "expected.json"])
      expect(readFileSync(join(dir, file)).equals(readFileSync(join(FIXTURE, file))), file).toBe(true);
  });
});
