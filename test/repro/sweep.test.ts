// The sweep example end to end (examples/sweep): 24 points, 2 worker processes, killed after
// the first points finish, started again — it skips the finished points and trains the rest —
// with the parameter budget respected, merged graphs trained once and reported together, and
// the best point written as a .rec file that checks.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { compile } from "../../app/compile.js";
import { main } from "../../cli/main.js";
import { ROOT } from "../harness/repo.js";

interface Record {
  best: number;
  trained: number;
  reused: number;
  points: { index: number; label: string; sameAs?: number; meets: boolean; costs: { params: number }; metric?: { mean: number } }[];
}

describe("rec sweep on examples/sweep", () => {
  const dir = mkdtempSync(join(tmpdir(), "rec-sweep-example-"));
  const out = join(dir, "out");
  const best = join(dir, "best.rec");
  const args = ["sweep", "--jobs", "2", "--backend", "wasm", "--out", out, "--best", best, "examples/sweep/model.rec"];

  it("resumes after a kill, trains each distinct graph in the budget once, and writes the best point", async () => {
    // The whole process group, as Ctrl-C would: the sweep and its workers.
    const child = spawn(process.execPath, [join(ROOT, "bin/rec.js"), ...args], { cwd: ROOT, stdio: "ignore", detached: true });
    const finished = () => (existsSync(join(out, "points")) ? readdirSync(join(out, "points")).filter((f) => f.endsWith(".json")).length : 0);
    while (finished() < 2 && child.exitCode === null) await sleep(20);
    process.kill(-child.pid!, "SIGKILL");
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.on("exit", r)));
    const before = finished();
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(12);
    expect(existsSync(join(out, "sweep.json"))).toBe(false);

    let stdout = "";
    let stderr = "";
    const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), isTTY: false, cwd: ROOT, env: {} };
    expect(await main(args, io), stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as Record;
    expect(record.reused).toBe(before);
    expect(record.trained + record.reused).toBe(12);
    expect(stdout).toMatch(/8 points outside the constraint, not trained/);

    expect(record.points).toHaveLength(24);
    for (const p of record.points) {
      expect(p.meets).toBe(p.costs.params <= 300_000);
      expect(Boolean(p.metric)).toBe(p.meets);
      // A merged point reports its graph's one run.
      if (p.sameAs !== undefined && p.metric) expect(p.metric).toEqual(record.points[p.sameAs]!.metric);
    }
    const top = record.points[record.best]!;
    expect(top.meets).toBe(true);
    for (const p of record.points) if (p.metric) expect(p.metric.mean).toBeLessThanOrEqual(top.metric!.mean);
    expect(compile([best]).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(stdout).toContain(`best: #${top.index} ${top.label}`);
  });
});
