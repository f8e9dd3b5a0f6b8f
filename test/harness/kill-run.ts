// Killing a training run part-way, for the resume tests: `rec train ARGS --out DIR` in a child
// process, SIGKILLed once its metrics.jsonl holds `lines` steps. Out: the steps it had written
// (the caller checks the run had not finished).

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOT } from "./repo.js";

export async function killTrainingAfter(args: readonly string[], dir: string, lines: number): Promise<number> {
  const child = spawn(process.execPath, [join(ROOT, "bin/rec.js"), "train", ...args, "--out", dir], { cwd: ROOT, stdio: "ignore" });
  const metrics = join(dir, "metrics.jsonl");
  const written = () => (existsSync(metrics) ? readFileSync(metrics, "utf8").split("\n").filter(Boolean).length : 0);
  while (written() < lines && child.exitCode === null) await sleep(10);
  child.kill("SIGKILL");
  await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.on("exit", r)));
  return written();
}
