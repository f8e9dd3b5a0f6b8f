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
