// `rec codegen ts` (cli/codegen/ts-module.ts): the typed module it writes for the two-tower
// example type-checks with tsc under strict settings against `reclang/serve`, and — loaded in a
// fresh Node process with a checkpoint of `rec train` — predicts the same scores as
// `rec predict` on the same held-out batch, without the compiler (reclang/serve is runtime code,
// and test/ir.test.ts checks the runtime imports nothing from the compiler).

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import { openData } from "../app/data.js";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { inputsOf } from "../runtime/src/serve.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { ROOT } from "./harness/repo.js";

// Inside the package, so the generated module's `import … from "reclang/serve"` resolves to it.
const dir = join(ROOT, ".tmp", "codegen-test");
const spec = join(ROOT, "examples/two_tower/model.rec");
const rec = (...args: string[]) =>
  execFileSync(process.execPath, [join(ROOT, "bin/rec.js"), ...args], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("rec codegen ts", () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const module = join(dir, "TwoTower.ts");

  it("writes a module that type-checks under strict settings", () => {
    rec("codegen", "ts", "examples/two_tower/model.rec", "--out", module);
    const text = readFileSync(module, "utf8");
    expect(text).toContain("export interface TwoTowerInputs");
    expect(text).toMatch(/\/\*\* `id<items>\[B, L\]`: ids in \[0, 5000\), row-major\. \*\/\n\s+readonly history: Int32Array;/);
    // The loss's input is not one the heads read.
    expect(text).not.toContain("readonly item_logq");
    const program = ts.createProgram([module], {
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ["node", "@webgpu/types"],
      skipLibCheck: true,
      baseUrl: ROOT,
      // The package's declarations as `npm run build` emits them (npm test builds first).
      paths: { "reclang/serve": ["dist/runtime/src/serve.d.ts"] },
    });
    const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === module);
    expect(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  });

  it("predicts what `rec predict` does, in a process without the compiler", async () => {
    const out = join(dir, "run");
    rec("train", "--steps", "5", "--batch", "32", "--backend", "cpu", "--overwrite", "--out", out, "examples/two_tower/model.rec");
    const checkpoint = join(out, "checkpoint.safetensors");
    const expected = JSON.parse(
      rec("predict", "--checkpoint", checkpoint, "--rows", "8", "--batch", "8", "--backend", "cpu", "examples/two_tower/model.rec"),
    ) as { score: number[][] };

    // The batch `rec predict` read: seed 0's held-out split, 8 rows.
    await useBackend("cpu");
    const plan = compileFiles([spec]).plans[0]!;
    const data = await openData(plan, plan.train[0]!.settings["data"] as string, { seed: 0, baseDir: dirname(spec) });
    const batch = (await data.heldOut("valid").next(8))!;
    const inputs = Object.fromEntries(
      inputsOf(plan).map((i) => [
        i.name,
        {
          dtype: i.type.dtype,
          values: Array.from(feedsOf(batch).get(i.name)!.dataSync() as ArrayLike<number>, Number),
          shape: feedsOf(batch).get(i.name)!.shape,
        },
      ]),
    );
    tf.dispose([...feedsOf(batch).values()]);
    writeFileSync(join(dir, "inputs.json"), JSON.stringify(inputs));

    writeFileSync(
      join(dir, "TwoTower.mjs"),
      ts.transpileModule(readFileSync(join(dir, "TwoTower.ts"), "utf8"), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } })
        .outputText,
    );
    writeFileSync(
      join(dir, "serve.mjs"),
      `import { readFileSync } from "node:fs";
import { TwoTower } from "./TwoTower.mjs";
const raw = JSON.parse(readFileSync(process.argv[2], "utf8"));
const arrays = { f32: Float32Array, id: Int32Array, i32: Int32Array, bool: Uint8Array };
const inputs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, arrays[v.dtype].from(v.values)]));
const model = await TwoTower.load(process.argv[3]);
const { score } = await model.predict(inputs, { B: raw.user_id.shape[0], L: raw.history.shape[1] });
model.dispose();
console.log(JSON.stringify(Array.from({ length: 8 }, (_, r) => Array.from(score.slice(r * 8, r * 8 + 8)))));
`,
    );
    const served = spawnSync(process.execPath, [join(dir, "serve.mjs"), join(dir, "inputs.json"), checkpoint], { cwd: ROOT, encoding: "utf8" });
    expect(served.stderr).toBe("");
    const score = JSON.parse(served.stdout) as number[][];
    expect(score).toHaveLength(8);
    score.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected.score[r]![c]!, 4)));
  });
});
