// The PyTorch code reclang writes passes Python's own checks: for every example and zoo model,
// the package `rec export --format pytorch` writes (model.py, __init__.py, the runtime it carries)
// byte-compiles and has no pyflakes findings (unused imports and locals, undefined names).
// Skipped, with the reason, where Debian's pyflakes3 is not installed (.ci/install-torch.sh
// installs it).

import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../../app/compile.js";
import { writeTorchPackage } from "../../runtime/src/torch/package.js";
import { ROOT } from "../harness/repo.js";

const hasPyflakes = spawnSync("pyflakes3", ["--version"]).status === 0;
const skip = hasPyflakes ? "" : " (skipped: pyflakes3 is not installed; apt-get install pyflakes3)";
const specs = [
  ...readdirSync(join(ROOT, "examples"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "zoo")
    .map((d) => join("examples", d.name, "model.rec")),
  ...readdirSync(join(ROOT, "examples", "zoo")).map((name) => join("examples", "zoo", name, "model.rec")),
].filter((spec) => spawnSync("test", ["-f", join(ROOT, spec)]).status === 0);

describe.skipIf(!hasPyflakes)(`the generated PyTorch packages${skip}`, () => {
  it(`of ${specs.length} examples byte-compile and pass pyflakes`, () => {
    const scratch = join(ROOT, ".tmp", "torch-style");
    rmSync(scratch, { recursive: true, force: true });
    let packages = 0;
    for (const spec of specs) {
      for (const plan of compileFiles([join(ROOT, spec)]).plans) {
        const folder = join(scratch, `${spec.replace(/[^A-Za-z0-9]+/g, "_")}_${plan.model}`);
        mkdirSync(folder, { recursive: true });
        writeTorchPackage(plan, spec, folder);
        packages++;
      }
    }
    expect(packages).toBeGreaterThan(20);
    const compiled = spawnSync("python3", ["-m", "compileall", "-q", scratch], { encoding: "utf8" });
    expect(compiled.status, compiled.stdout + compiled.stderr).toBe(0);
    const flakes = spawnSync("pyflakes3", [scratch], { encoding: "utf8" });
    expect(flakes.stdout + flakes.stderr).toBe("");
  });
});
