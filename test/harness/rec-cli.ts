// The `rec` command run in the test's process (cli/main.ts), its output collected, and a run
// directory's metrics.jsonl read back: what the training tests share.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../cli/main.js";
import { ROOT } from "./repo.js";

export async function rec(argv: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  let [stdout, stderr] = ["", ""];
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, cwd, env: {} });
  return { code, stdout, stderr };
}

/** A run directory's metrics.jsonl, a record per line. */
export const curve = (dir: string) =>
  readFileSync(join(dir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { step: number; loss: number; metrics?: Record<string, number> });
