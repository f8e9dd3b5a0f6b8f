// Running `rec compare --json` in a test and reading its summary rows: what the reduced paper
// reproductions in test/repro/ share. In: the example's path (from the repository root) and the
// command's options. Out: metric → arm → mean, sample sd and per-seed values.

import { join } from "node:path";
import { expect } from "vitest";
import { main } from "../../cli/main.js";
import { ROOT } from "./repo.js";

export type ArmStats = { readonly mean: number; readonly std: number; readonly values: readonly number[] };

export async function compareRows(example: string, options: readonly string[]): Promise<(metric: string) => Record<string, ArmStats>> {
  let [stdout, stderr] = ["", ""];
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: join(ROOT, ".tmp"), env: {} };
  const code = await main(["compare", ...options, "--json", join(ROOT, example)], io);
  expect(code, stderr).toBe(0);
  const { rows } = JSON.parse(stdout) as { rows: { metric: string; byModel: Record<string, ArmStats> }[] };
  return (metric) => rows.find((r) => r.metric === metric)!.byModel;
}

/** `arm` above `parent` on every seed, by more than twice the paired differences' standard error. */
export function expectPairedGain(arm: ArmStats, parent: ArmStats, what: string): void {
  const differences = arm.values.map((v, i) => v - parent.values[i]!);
  const mean = differences.reduce((a, b) => a + b, 0) / differences.length;
  const sd = Math.sqrt(differences.reduce((a, d) => a + (d - mean) ** 2, 0) / (differences.length - 1));
  for (const d of differences) expect(d, `${what}: ${JSON.stringify(differences)}`).toBeGreaterThan(0);
  expect(mean, `${what}: ${JSON.stringify(differences)}`).toBeGreaterThan((2 * sd) / Math.sqrt(differences.length));
}
