// Sweeps (compiler/src/sweep/plan-sweep.ts, app/sweep.ts): the plan of a space — every
// point checked and costed, equal graphs merged by their model hash, the constraint applied —
// random draws that are seeded and stay in their ranges, and successive halving's rounds. Sweeps
// that train (a small one in two worker processes, halving, failures) are in the reproduction
// tier: test/repro/sweep-small.test.ts, and the 24-point example with a kill and a resume in
// test/repro/sweep.test.ts.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, variantCompiler } from "../app/compile.js";
import { enumeratePoints, planSweep } from "../compiler/src/sweep/plan-sweep.js";
import { main } from "../cli/main.js";
import { halvingSteps } from "../app/sweep.js";
import { ROOT } from "./harness/repo.js";

const example = join(ROOT, "examples/sweep/model.rec");

function capture(cwd = ROOT) {
  const out = { stdout: "", stderr: "" };
  const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), isTTY: false, cwd, env: {} };
  return { io, out };
}

describe("planning the example's sweep", () => {
  const { plan, diagnostics } = planSweep([example]);

  it("checks and costs all 24 points of the grid", () => {
    expect(diagnostics).toEqual([]);
    expect(plan!.points).toHaveLength(24);
    expect(new Set(plan!.points.map((p) => p.label)).size).toBe(24);
  });

  it("merges exactly the points whose graphs are equal: a mean pool's head counts", () => {
    const merged = plan!.points.filter((p) => p.sameAs !== undefined);
    expect(merged.map((p) => p.label)).toEqual(
      plan!.points.filter((p) => p.overrides.get("pool") === "MeanPool" && p.overrides.get("heads") === "2").map((p) => p.label),
    );
    for (const p of merged) {
      const first = plan!.points[p.sameAs!]!;
      expect(first.hash).toBe(p.hash);
      expect([...first.overrides].filter(([k]) => k !== "heads")).toEqual([...p.overrides].filter(([k]) => k !== "heads"));
    }
    // Attention pools with 1 and 2 heads are different graphs.
    const attention = plan!.points.filter((p) => p.overrides.get("pool") === "AttentionPool");
    expect(new Set(attention.map((p) => p.hash)).size).toBe(attention.length);
  });

  it("costs each point as `rec check --summary` does, and applies `where = params <= 300_000`", () => {
    for (const p of plan!.points) {
      const compiled = compile([example], { overrides: p.overrides });
      const count = compiled.plans[0]!.params.reduce((n, w) => n + w.type.shape.reduce<number>((a, d) => a * (d as number), 1), 0);
      expect(p.costs.params).toBe(count);
      expect(p.meets).toBe(count <= 300_000);
    }
    expect(plan!.points.filter((p) => p.meets)).toHaveLength(16);
  });

  it("prints the plan with --dry-run, as text and as JSON", async () => {
    const { io, out } = capture();
    expect(await main(["sweep", "--dry-run", "examples/sweep/model.rec"], io)).toBe(0);
    expect(out.stdout).toMatch(/24 points, 18 distinct graphs \(6 merged\), 16 meet the constraint/);
    expect(out.stdout).toMatch(/#1 +dim=16 hidden=32 pool=MeanPool heads=2 .* = #0 +yes/);
    const json = capture();
    expect(await main(["sweep", "--dry-run", "--json", "examples/sweep/model.rec"], json.io)).toBe(0);
    const parsed = JSON.parse(json.out.stdout) as { points: { sameAs?: number; meets: boolean }[] };
    expect(parsed.points.filter((p) => p.sameAs !== undefined)).toHaveLength(6);
  });
});

describe("the variant compiler", () => {
  it("gives what compile gives with the same overrides, reading and parsing once", () => {
    const compiler = variantCompiler([example]);
    for (const set of [{}, { dim: "16" }, { pool: "AttentionPool", heads: "2" }, { hidden: '"wide"' }]) {
      const overrides = new Map(Object.entries(set));
      const [fast, slow] = [compiler.compileWith(overrides), compile([example], { overrides })];
      expect(fast.diagnostics.map((d) => d.message)).toEqual(slow.diagnostics.map((d) => d.message));
      expect(JSON.stringify(fast.plans)).toBe(JSON.stringify(slow.plans));
    }
  });
});

describe("the hash of a point", () => {
  const text = readFileSync(example, "utf8");
  const hashOf = (source: string, set: Record<string, string> = {}) =>
    planSweep({ path: example, text: source }, { overrides: new Map(Object.entries(set)) }).plan!.points[0]!.hash;

  it("ignores comments, layout and the names of locals, and sees a change of meaning", () => {
    const base = hashOf(text);
    const relaid = text
      .replace("// A capacity sweep", "// Another comment\n// A capacity sweep")
      .replace("masked_mean(x, mask)", "masked_mean(x,\n      mask)")
      .replace("let (pooled, _keys, _values) =", "let (out, _k, _v) =")
      .replace("pooled[:, 0]", "out[:, 0]");
    expect(hashOf(relaid)).toBe(base);
    expect(hashOf(text, { temperature: "0.1" })).not.toBe(base);
    expect(hashOf(text.replace("lr = 3e-3", "lr = 1e-3"))).not.toBe(base);
  });
});

describe("a sweep's draws", () => {
  const spec = (body: string) => `import { Embedding } from "std/nn"
model M {
  dims B
  param dim = 8, items = 50, lr = 0.01, depth = 2
  input item: id<items>[B]
  input label: f32[B]
  head score = Embedding(items, dim)(item) |> sum(axis = -1)
  loss l = mean(square(score - label))
  metric mse = mean(square(score - label))
  train { optimizer = adam(lr = lr), steps = 3 }
}
sweep S {
  model = M
  ${body}
  metric = "mse", mode = "min"
}
`;
  const planOf = (body: string) => planSweep({ path: join(ROOT, "draws.rec"), text: spec(body) });

  it("are seeded, distinct, inside their ranges, and ints where the param is an int", () => {
    const body = 'space { lr = log_uniform(1e-4, 1e-1), dim = uniform(4, 33) }\n  search = "random", points = 12, seed = 5';
    const first = planOf(body);
    expect(first.diagnostics).toEqual([]);
    const points = first.plan!.points;
    expect(points).toHaveLength(12);
    expect(planOf(body).plan!.points.map((p) => p.label)).toEqual(points.map((p) => p.label));
    expect(planOf(body.replace("seed = 5", "seed = 6")).plan!.points.map((p) => p.label)).not.toEqual(points.map((p) => p.label));
    expect(new Set(points.map((p) => p.label)).size).toBe(12);
    for (const p of points) {
      const lr = Number(p.overrides.get("lr"));
      const dim = p.overrides.get("dim")!;
      expect(lr).toBeGreaterThanOrEqual(1e-4);
      expect(lr).toBeLessThanOrEqual(1e-1);
      expect(dim).toMatch(/^\d+$/);
      expect(Number(dim)).toBeGreaterThanOrEqual(4);
      expect(Number(dim)).toBeLessThanOrEqual(33);
    }
  });

  it("enumerates a grid in order, the last axis fastest, with ranges and log ranges", () => {
    const { plan } = planOf("space { dim = range(4, 9, 4), lr = log_range(0.001, 0.1, 3) }");
    expect(plan!.points.map((p) => p.label)).toEqual(["dim=4 lr=0.001", "dim=4 lr=0.01", "dim=4 lr=0.1", "dim=8 lr=0.001", "dim=8 lr=0.01", "dim=8 lr=0.1"]);
    expect(enumeratePoints(plan!.sweep)).toHaveLength(6);
  });

  it("reports a constraint that no point meets, with the best any point reaches", () => {
    const { diagnostics } = planOf("space { dim = [8, 16] }\n  where = params <= 100");
    expect(diagnostics.map((d) => d.code)).toEqual(["REC3024"]);
    expect(diagnostics[0]!.notes[0]).toBe("the space's 2 points reach at best params 400");
  });

  it("reports a constraint on FLOPs per example whose size is left symbolic", () => {
    const { diagnostics } = planSweep({
      path: join(ROOT, "flops.rec"),
      text: readFileSync(example, "utf8").replace("  dims { L = 20 }\n", "").replace("where = params <= 300_000", "where = flops <= 1e9"),
    });
    expect(diagnostics.map((d) => d.code)).toEqual(["REC3024"]);
    expect(diagnostics[0]!.notes[0]).toMatch(/flops unknown \(give the sizes of symbolic dims with `dims \{ … \}`\)/);
  });
});

describe("successive halving", () => {
  it("narrows the points to one in rounds eta times longer, ending at the full budget", () => {
    expect(halvingSteps(270, 3, 27)).toEqual([10, 30, 90, 270]);
    expect(halvingSteps(270, 3, 9)).toEqual([30, 90, 270]);
    expect(halvingSteps(100, 2, 1)).toEqual([100]);
    expect(halvingSteps(270, 3, 27, 50)).toEqual([90, 270]);
  });
});
