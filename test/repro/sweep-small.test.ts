// A small sweep trained (app/sweep.ts): each point in two worker processes, run again to
// skip what finished, its best point written as a .rec file that checks; successive halving's
// rounds trained; each distinct graph's step time measured when the constraint reads it; a
// point whose training fails reported while the others train. In the reproduction tier: about
// 30 s of training. (Planning a sweep, without training: test/sweep.test.ts.)

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../app/compile.js";
import { planSweep } from "../../compiler/src/sweep/plan-sweep.js";
import { main } from "../../cli/main.js";
import { ROOT } from "../harness/repo.js";

function capture(cwd = ROOT) {
  const out = { stdout: "", stderr: "" };
  const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), isTTY: false, cwd, env: {} };
  return { io, out };
}

describe("running a small sweep", () => {
  const dir = mkdtempSync(join(tmpdir(), "rec-sweep-"));
  const spec = join(dir, "model.rec");
  writeFileSync(
    spec,
    `import { Embedding } from "std/nn"
import { softmax_cross_entropy } from "std/losses"

model M {
  dims B, L
  // The width of the item table.
  param dim = 4, users = 40, items = 60, lr = 0.01
  input user_id: id<users>[B]
  input history: id<items>[B, L]
  input history_mask: bool[B, L]
  input item_id: id<items>[B]
  input item_logq: f32[B]
  let table = Embedding(items, dim)
  head score = masked_mean(table(history), history_mask) @ transpose(table(item_id))
  loss l = softmax_cross_entropy(score, arange(B))
  metric recall = in_batch_recall(score, k = 5)
  train {
    data = synthetic("latent_factor", users = users, items = items, seed = 3)
    batch = 16, steps = 3
    optimizer = adam(lr = lr)
    eval { every = 3, batches = 1 }
  }
}

sweep Widths {
  model = M
  space { dim = [2, 4, 8], lr = [0.01, 0.1] }
  metric = "recall"
  where = params <= 400
}
`,
  );

  it("trains each point in two worker processes, skips them when run again, and writes the best point", async () => {
    const first = capture(dir);
    const args = ["sweep", "--jobs", "2", "--backend", "cpu", "--out", join(dir, "out"), "model.rec"];
    expect(await main(args, first.io), first.out.stderr).toBe(0);
    // dim = 8 has 480 parameters: outside the constraint, never trained.
    expect(first.out.stdout).toMatch(/trained 4, reused 0 finished earlier/);
    expect(first.out.stdout).toMatch(/2 points outside the constraint, not trained/);
    const record = JSON.parse(readFileSync(join(dir, "out", "sweep.json"), "utf8")) as {
      best: number;
      points: { label: string; metric?: { mean: number }; meets: boolean }[];
    };
    expect(record.points.filter((p) => p.metric)).toHaveLength(4);
    expect(record.points.filter((p) => !p.meets).every((p) => p.label.startsWith("dim=8"))).toBe(true);
    const best = record.points[record.best]!;
    for (const p of record.points) if (p.metric) expect(p.metric.mean).toBeLessThanOrEqual(best.metric!.mean);
    // The sweep's report: the leaderboard, and the metric against each cost as points.
    const report = readFileSync(join(dir, "out", "report.html"), "utf8");
    expect(report).toContain("<caption>Leaderboard</caption>");
    expect(report).toContain('"title":"recall against parameters"');
    expect(report).toContain('"scatter":true');
    const again = capture(dir);
    expect(await main(args, again.io)).toBe(0);
    expect(again.out.stdout).toMatch(/trained 0, reused 4 finished earlier/);
    // The best point as a spec: the defaults replaced, the comment kept, and it checks.
    const bestFile = join(dir, "model.Widths.best.rec");
    expect(existsSync(bestFile)).toBe(true);
    const text = readFileSync(bestFile, "utf8");
    const [dim, lr] = [/dim=(\d+)/.exec(best.label)![1], /lr=([\d.]+)/.exec(best.label)![1]];
    expect(text).toContain(`param dim = ${dim}, users = 40, items = 60, lr = ${lr}`);
    expect(text).toContain("// The width of the item table.");
    expect(compile([bestFile]).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("halves: each round keeps the best half of the last and trains them twice as long", async () => {
    const halving = readFileSync(spec, "utf8").replace(
      'space { dim = [2, 4, 8], lr = [0.01, 0.1] }\n  metric = "recall"\n  where = params <= 400',
      'space { dim = [2, 4], lr = [0.01, 0.03, 0.1] }\n  search = "halving", points = 3, eta = 2, steps = 8, seed = 2\n  metric = "recall"',
    );
    writeFileSync(join(dir, "halving.rec"), halving);
    const run = capture(dir);
    expect(
      await main(["sweep", "--backend", "cpu", "--jobs", "2", "--out", join(dir, "halving"), "--best", join(dir, "halving.best.rec"), "halving.rec"], run.io),
      run.out.stderr,
    ).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, "halving", "sweep.json"), "utf8")) as {
      best: number;
      rounds: { steps: number; points: number[] }[];
      points: { index: number; steps?: number; metric?: { mean: number } }[];
    };
    expect(record.rounds.map((r) => [r.steps, r.points.length])).toEqual([
      [2, 3],
      [4, 2],
      [8, 1],
    ]);
    // The survivors of a round are its best; the last round's point is the best point.
    const first = new Map<number, number>();
    for (const index of record.rounds[0]!.points) {
      const result = JSON.parse(
        readFileSync(
          join(
            dir,
            "halving",
            "points",
            readdirSync(join(dir, "halving", "points")).find(
              (f) => f.endsWith("-2-1.json") && f.startsWith(planSweep([join(dir, "halving.rec")]).plan!.points[index]!.hash.slice(0, 16)),
            )!,
          ),
          "utf8",
        ),
      ) as { rows: { byModel: Record<string, { mean: number }> }[] };
      first.set(index, Object.values(result.rows[0]!.byModel)[0]!.mean);
    }
    const ranked = [...first].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([i]) => i);
    expect(record.rounds[1]!.points).toEqual(ranked.slice(0, 2));
    expect(record.best).toBe(record.rounds[2]!.points[0]);
    expect(record.points[record.best]!.steps).toBe(8);
  });

  it("measures each distinct graph's step time when the constraint reads step_ms", async () => {
    const timed = readFileSync(spec, "utf8").replace("where = params <= 400", "where = step_ms <= 1e9 and params <= 400");
    writeFileSync(join(dir, "timed.rec"), timed);
    const run = capture(dir);
    expect(await main(["sweep", "--dry-run", "--json", "--backend", "cpu", "timed.rec"], run.io), run.out.stderr).toBe(0);
    const plan = JSON.parse(run.out.stdout) as { points: { costs: { step_ms?: number; params: number }; meets: boolean }[] };
    for (const p of plan.points) {
      expect(p.costs.step_ms).toBeGreaterThan(0);
      expect(p.meets).toBe(p.costs.params <= 400);
    }
  });

  it("reports a point whose training fails, trains the others, and exits 1", async () => {
    const failing = readFileSync(spec, "utf8").replace("space { dim = [2, 4, 8], lr = [0.01, 0.1] }", "space { dim = [2], lr = [0.01, 1e30] }");
    writeFileSync(join(dir, "failing.rec"), failing);
    const run = capture(dir);
    expect(
      await main(["sweep", "--backend", "cpu", "--jobs", "2", "--out", join(dir, "failing"), "--best", join(dir, "failing.best.rec"), "failing.rec"], run.io),
    ).toBe(1);
    expect(run.out.stdout).toMatch(/#1 dim=2 lr=1e30 failed: .*(not finite|NaN).*\(log: .*\.log\)/);
    expect(run.out.stdout).toMatch(/best: #0 dim=2 lr=0.01/);
  });
});
