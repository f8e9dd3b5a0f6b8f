// The torch engine: every conformance spec (together they use every run-time op) lowered to a
// PyTorch module agrees with the reference interpreter forward (relative 1e-4), and its
// gradients agree with the tfjs cpu backend's (which are checked against finite differences in
// conformance.test.ts). Skipped, with the reason, where no Python with torch is installed.

import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { writeTorchPackage } from "../runtime/src/torch/package.js";
import { findTorchPython } from "../runtime/src/torch/python.js";
import { compiled, dataFor, reference, tfjsGradients } from "./harness/conformance-data.js";
import { ROOT } from "./harness/repo.js";

const torch = findTorchPython();
const skip = typeof torch === "string" ? ` (skipped: ${torch})` : "";
const scratch = join(ROOT, ".tmp", "torch-conformance");

interface FixtureResult {
  readonly outputs: Record<string, number[]>;
  readonly gradients: Record<string, number[]>;
}

function runFixture(plan: (typeof compiled)[number]["plan"], spec: string, data: ReturnType<typeof dataFor>): FixtureResult {
  const folder = join(scratch, spec.replace(/[^A-Za-z0-9]+/g, "_"));
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const { package: name } = writeTorchPackage(plan, spec, folder);
  const fixture = {
    params: Object.fromEntries(plan.params.map((p) => [p.name, data.get(p.name)])),
    feeds: Object.fromEntries(plan.inputs.map((i) => [i.name, data.get(i.name)])),
  };
  writeFileSync(join(folder, "fixture.json"), JSON.stringify(fixture));
  const python = (torch as Exclude<typeof torch, string>).python;
  const run = spawnSync(
    python,
    [
      "-c",
      `import sys; sys.path.insert(0, ${JSON.stringify(folder)}); from ` +
        `${name}.reclang_torch.fixture import main; main(${JSON.stringify(name)}, "fixture.json")`,
    ],
    { cwd: folder, encoding: "utf8", maxBuffer: 1 << 28 },
  );
  if (run.status !== 0) throw new Error(`python failed on ${spec}:\n${run.stderr}`);
  return JSON.parse(run.stdout.replace(/\bNaN\b/g, "null").replace(/-?Infinity/g, "null")) as FixtureResult;
}

// SASRec with 500 items instead of 20,000: its table's 1.28M weights and their gradients would
// otherwise cross to Python and back as JSON (most of this file's time), for the same ops.
const SPECS = compiled.map((c) => {
  if (!c.spec.includes("sasrec")) return c;
  const small = compileFiles([join(ROOT, c.spec)], { set: { items: 500 } });
  return { spec: c.spec, plan: small.plans[0]!, model: small.optimized[0]! };
});

describe.skipIf(typeof torch === "string")(`the torch engine${skip}`, () => {
  for (const { spec, plan, model } of SPECS) {
    it(`${spec}: forward agrees with the reference interpreter, gradients with tfjs cpu`, async () => {
      const data = dataFor(plan);
      const expected = reference(model, plan, data);
      const result = runFixture(plan, spec, data);
      let compared = 0;
      for (const [name, want] of expected) {
        const actual = result.outputs[name];
        expect(actual, `output ${name}`).toBeDefined();
        expect(actual!.length, name).toBe(want.length);
        for (let i = 0; i < want.length; i++) {
          if (!Number.isFinite(want[i]!)) {
            expect(actual![i], `${name}[${i}] should be non-finite`).toBeNull();
            continue;
          }
          expect(Math.abs(actual![i]! - want[i]!), `${name}[${i}]: ${actual![i]} vs ${want[i]}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want[i]!)));
        }
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
      if (Object.keys(plan.entries.train.outputs).length === 0 || plan.params.length === 0) return;
      await useBackend("cpu");
      for (const [name, want] of await tfjsGradients(plan, data)) {
        const actual = result.gradients[name]!;
        let scale = 1e-6;
        for (const v of want) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < want.length; i++)
          expect(Math.abs(actual[i]! - want[i]!), `d/d${name}[${i}]: ${actual[i]} vs ${want[i]}`).toBeLessThanOrEqual(1e-3 * scale + 1e-6);
      }
    });
  }
});
