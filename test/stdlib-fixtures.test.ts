// The standard library against PyTorch: each case of tools/fixtures/cases/ runs on every
// backend present with the inputs and weights of its fixture (test/fixtures/stdlib/, written by
// tools/fixtures/make_fixtures.py from independent PyTorch implementations in float64), and
// its heads and the gradients of Σ head · cotangent must match the fixture's; so must the torch
// engine's (the case lowered to a PyTorch module, in training mode, gradients by autograd). Tolerance: 1e-4
// relative to each value, with a floor of 1e-5 of the tensor's largest magnitude: float32
// against float64, where a gradient element that is a sum of cancelling terms carries the
// rounding of its largest terms, not of its result.

import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileFiles } from "../app/compile.js";
import { useBackend } from "../runtime/src/tfjs/backends.js";
import { ALL_BACKENDS, skipNote, unavailable } from "./harness/available.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { ROOT } from "./harness/repo.js";
import { writeTorchPackage } from "../runtime/src/torch/package.js";
import { findTorchPython } from "../runtime/src/torch/python.js";

interface Stored {
  readonly shape: number[];
  readonly data: number[];
  readonly dtype?: string;
}

interface Fixture {
  readonly case: string;
  readonly sizes: Record<string, number>;
  readonly inputs: Record<string, Stored>;
  readonly weights: Record<string, Stored>;
  readonly cotangents: Record<string, Stored>;
  readonly outputs: Record<string, Stored>;
  readonly gradients: Record<string, Stored>;
}

const FIXTURES = join(ROOT, "test/fixtures/stdlib");
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as Fixture);

const BACKENDS = ALL_BACKENDS;
afterAll(() => useBackend("cpu"));

function expectClose(actual: ArrayLike<number>, want: Stored, what: string) {
  expect(actual.length, `${what}: size`).toBe(want.data.length);
  const largest = want.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < want.data.length; i++) {
    const tolerance = 1e-4 * Math.max(Math.abs(want.data[i]!), 0.1 * largest) + 1e-7;
    expect(Math.abs(actual[i]! - want.data[i]!), `${what}[${i}]: ${actual[i]} vs PyTorch ${want.data[i]}`).toBeLessThanOrEqual(tolerance);
  }
}

describe("every case of tools/fixtures/cases has a fixture", () => {
  it("lists the same cases", () => {
    const cases = readdirSync(join(ROOT, "tools/fixtures/cases"))
      .filter((f) => f.endsWith(".rec"))
      .map((f) => f.slice(0, -4))
      .sort();
    expect(fixtures.map((f) => f.case)).toEqual(cases);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(unavailable(backend))(`std blocks against PyTorch on ${backend}${skipNote(backend)}`, () => {
    for (const fixture of fixtures) {
      it(fixture.case, async () => {
        await useBackend(backend);
        const plan = compileFiles([join(ROOT, "tools/fixtures/cases", `${fixture.case}.rec`)]).plans[0]!;
        const executor = new Executor(plan, 0);
        for (const [name, variable] of executor.params) {
          const stored = fixture.weights[name];
          expect(stored, `fixture weight ${name}`).toBeDefined();
          variable.assign(tf.tensor(stored!.data, stored!.shape, "float32"));
        }
        // Float inputs are variables, so their gradients come out beside the weights'.
        const inputVariables = new Map<string, tf.Variable>();
        const feeds = new Map<string, tf.Tensor>();
        for (const input of plan.inputs) {
          const stored = fixture.inputs[input.name]!;
          if (input.type.dtype === "f32") {
            const v = tf.variable(tf.tensor(stored.data, stored.shape, "float32"), true, `input:${fixture.case}:${input.name}:${backend}`);
            inputVariables.set(input.name, v);
            feeds.set(input.name, v);
          } else feeds.set(input.name, tf.tensor(stored.data, stored.shape, input.type.dtype === "bool" ? "bool" : "int32"));
        }
        const kept: Record<string, tf.Tensor> = {};
        const wrt = [...executor.params.values(), ...inputVariables.values()];
        // Decoding cases select discretely and carry no gradients: their heads are compared alone.
        const differentiable = Object.keys(fixture.gradients).length > 0;
        const { grads } = tf.variableGrads(() => {
          // Training mode keeps every intermediate for the backward pass (no case uses dropout).
          const heads = executor.run("predict", feeds, { training: true });
          let total: tf.Tensor = tf.scalar(0);
          for (const [name, value] of heads) {
            kept[name] = tf.keep(value); // Read back after, asynchronously (as webgpu needs).
            const cot = fixture.cotangents[name];
            if (cot) total = tf.add(total, tf.sum(tf.mul(value, tf.tensor(cot.data, cot.shape, "float32"))));
          }
          // Without cotangents, a loss that depends on the weights but not through the heads.
          if (!differentiable) for (const w of executor.params.values()) total = tf.add(total, tf.mul(tf.sum(w), 0));
          return total as tf.Scalar;
        }, wrt);
        for (const [name, want] of Object.entries(fixture.outputs)) expectClose(await kept[name]!.data(), want, `${fixture.case} head ${name}`);
        const gradientOf = async (variable: tf.Variable) => (grads[variable.name] ? await grads[variable.name]!.data() : new Float32Array(variable.size));
        if (differentiable) {
          for (const [name, variable] of executor.params) expectClose(await gradientOf(variable), fixture.gradients[name]!, `${fixture.case} ∂/∂${name}`);
          for (const [name, variable] of inputVariables) expectClose(await gradientOf(variable), fixture.gradients[name]!, `${fixture.case} ∂/∂${name}`);
        }
        executor.dispose();
        tf.dispose([...Object.values(grads), ...feeds.values(), ...Object.values(kept)]); // Feeds include the input variables.
      });
    }
  });
}

// The torch engine on the same fixtures: the generated module in training mode, its heads and
// the gradients of Σ head · cotangent by autograd, against the same PyTorch references.
const torch = findTorchPython();
const FIXTURE_RUN =
  `
import json, sys, torch
results = {}
for folder, package in json.loads(sys.argv[1]):
    ` +
  `sys.path.insert(0, folder)
    model = __import__(package + ".model", ` +
  `fromlist=["Model"]).Model(seed=0)
    fixture = json.load(open(folder + ` +
  `"/fixture.json"))
    with torch.no_grad():
        for name, w in ` +
  `fixture["weights"].items():
            model.weights[name].copy_(torch.tensor(w["data"], ` +
  `dtype=torch.float64).reshape(w["shape"]).to(torch.float32))
    feeds = {}
    for name, ` +
  `v in fixture["inputs"].items():
        t = torch.tensor(v["data"], ` +
  `dtype=torch.float64).reshape(v["shape"])
        kind = v.get("dtype", "f32")
        ` +
  `feeds[name] = t.to(torch.float32).requires_grad_(True) if kind == "f32" else (t != 0) if ` +
  `kind == "bool" else t.to(torch.int64)
    heads = model.run("predict", feeds, ` +
  `training=True, seed=0)
    total = sum((heads[n] * torch.tensor(c["data"], ` +
  `dtype=torch.float32).reshape(c["shape"])).sum() for n, c in fixture["cotangents"].items() ` +
  `if n in heads)
    wrt = [(n, w) for n, w in model.weights.items() if w.requires_grad] + ` +
  `[(n, t) for n, t in feeds.items() if t.is_floating_point()]
    grads = ` +
  `torch.autograd.grad(total, [t for _, t in wrt], allow_unused=True) if ` +
  `fixture["cotangents"] else []
    results[fixture["case"]] = {"heads": {n: ` +
  `h.detach().to(torch.float64).reshape(-1).tolist() for n, h in heads.items()}, ` +
  `"gradients": {n: (g if g is not None else torch.zeros_like(t)).reshape(-1).tolist() for ` +
  `(n, t), g in zip(wrt, grads)}}
json.dump(results, sys.stdout)
`;

/** Every case lowered to a torch package and run in one Python process (one start-up for all). */
function torchResults(): Record<string, { heads: Record<string, number[]>; gradients: Record<string, number[]> }> {
  const packages = fixtures.map((fixture) => {
    const plan = compileFiles([join(ROOT, "tools/fixtures/cases", `${fixture.case}.rec`)]).plans[0]!;
    const folder = join(ROOT, ".tmp", "torch-fixtures", fixture.case);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const { package: name } = writeTorchPackage(plan, fixture.case, folder);
    const dtypes = Object.fromEntries(plan.inputs.map((i) => [i.name, i.type.dtype === "id" || i.type.dtype === "i32" ? "int" : i.type.dtype]));
    const inputs = Object.fromEntries(Object.entries(fixture.inputs).map(([n, v]) => [n, { ...v, dtype: dtypes[n] }]));
    writeFileSync(join(folder, "fixture.json"), JSON.stringify({ ...fixture, inputs }));
    return [folder, name];
  });
  const run = spawnSync((torch as Exclude<typeof torch, string>).python, ["-c", FIXTURE_RUN, JSON.stringify(packages)], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe.skipIf(typeof torch === "string")(`std blocks against PyTorch on the torch engine${typeof torch === "string" ? ` (skipped: ${torch})` : ""}`, () => {
  let results: ReturnType<typeof torchResults> | undefined;
  for (const fixture of fixtures) {
    it(fixture.case, () => {
      results ??= torchResults();
      const result = results[fixture.case]!;
      for (const [head, want] of Object.entries(fixture.outputs)) expectClose(result.heads[head]!, want, `${fixture.case} head ${head} (torch)`);
      if (Object.keys(fixture.gradients).length === 0) return;
      for (const [weight, want] of Object.entries(fixture.gradients)) {
        const got = result.gradients[weight] ?? new Array<number>(want.data.length).fill(0);
        expectClose(got, want, `${fixture.case} ∂/∂${weight} (torch)`);
      }
    });
  }
});

describe("the standard library's documentation", () => {
  it("documents every public module and function, and spec/stdlib.md lists them", async () => {
    const { publicDecls, stdlibFiles } = await import("../compiler/src/tools/stdlib-doc.js");
    const { parseSource } = await import("../compiler/src/syntax/parse-source.js");
    const { SourceFile } = await import("../compiler/src/source/source-file.js");
    const spec = readFileSync(join(ROOT, "spec/stdlib.md"), "utf8");
    let count = 0;
    for (const { importPath, path } of stdlibFiles()) {
      const decls = publicDecls(parseSource(new SourceFile(path, readFileSync(path, "utf8"))).ast);
      expect(decls.filter((d) => !d.documented).map((d) => `${importPath}.${d.name}`)).toEqual([]);
      for (const d of decls) expect(spec).toContain(`### \`${d.kind === "reward" ? "reward " : ""}${d.name}(`);
      count += decls.length;
    }
    expect(count).toBeGreaterThan(25);
  });
});
