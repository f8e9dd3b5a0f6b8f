// Running a planned sweep: the points that meet the constraint, each distinct graph once, trained
// in worker processes (`jobs` at a time), grid or random search in one round and successive
// halving in rounds; then the leaderboard and the best point. In: the plan (plan-sweep.ts) and
// the run's settings. Out: runs/<sweep>/points/<key>.json per trained point (a key names the
// graph, the steps and the seeds, so a sweep started again skips what finished), and
// runs/<sweep>/sweep.json with every point's costs, merges and metric.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.js";
import type { SweepPlan, SweepPoint } from "../compiler/src/sweep/plan-sweep.js";
import { writeFileAtomic } from "../runtime/src/atomic-write.js";
import type { BackendName } from "../runtime/src/tfjs/backends.js";
import { TrainingError } from "../runtime/src/tfjs/train/trainer.js";
import type { ExperimentRecord } from "./experiment.js";
import type { SweepJob } from "./sweep-worker.js";

export interface SweepSettings {
  readonly path: string;
  readonly cwd: string;
  /** runs/<sweep>. */
  readonly dir: string;
  readonly jobs: number;
  readonly backend: BackendName | "torch";
  readonly batch?: number;
  readonly evalBatches?: number;
  readonly log: (line: string) => void;
}

/** One point's outcome in the record. */
export interface PointResult {
  readonly index: number;
  readonly label: string;
  readonly overrides: Readonly<Record<string, string>>;
  readonly costs: SweepPoint["costs"];
  readonly hash: string;
  readonly sameAs?: number;
  readonly meets: boolean;
  /** The metric's mean and sample sd over the seeds, at the last round the point reached. */
  readonly metric?: { readonly mean: number; readonly std: number; readonly values: readonly number[] };
  /** Training steps of that round (successive halving stops most points early). */
  readonly steps?: number;
  readonly failed?: string;
}

export interface SweepRecord {
  readonly sweep: string;
  readonly model: string;
  readonly metric: string;
  readonly mode: "max" | "min";
  readonly search: string;
  readonly seeds: readonly number[];
  readonly rounds: readonly { readonly steps: number | null; readonly points: readonly number[] }[];
  readonly points: readonly PointResult[];
  /** The best point's index (undefined when nothing trained). */
  readonly best?: number;
  readonly trained: number;
  readonly reused: number;
}

/** Trains the plan's points and writes sweep.json. */
export async function runSweep(plan: SweepPlan, settings: SweepSettings): Promise<SweepRecord> {
  const { sweep } = plan;
  const worker = workerScript();
  mkdirSync(join(settings.dir, "points"), { recursive: true });
  // Each distinct graph that meets the constraint, once.
  let candidates = plan.points.filter((p) => p.meets && p.sameAs === undefined).map((p) => p.index);
  const rounds = sweep.search === "halving" ? halvingSteps(sweep.steps!, sweep.eta, candidates.length, sweep.minSteps) : [sweep.steps ?? null];
  const outcome = new Map<number, { metric?: PointResult["metric"]; steps?: number; failed?: string }>();
  const done: { steps: number | null; points: number[] }[] = [];
  let [trained, reused] = [0, 0];
  for (const [round, steps] of rounds.entries()) {
    settings.log(
      `${rounds.length > 1 ? `round ${round + 1} of ${rounds.length}: ` : ""}${candidates.length} ` +
        `point${candidates.length === 1 ? "" : "s"}${steps !== null ? ` × ${steps} steps` : ""}, ` +
        `${settings.jobs} at a time\n`,
    );
    const jobs = candidates.map((index) => {
      const point = plan.points[index]!;
      const key = `${point.hash.slice(0, 16)}-${steps ?? "default"}-${sweep.seeds.join("_")}`;
      const job: SweepJob = {
        path: settings.path,
        model: sweep.model,
        label: key,
        overrides: Object.fromEntries(point.overrides),
        seeds: sweep.seeds,
        ...(steps !== null ? { steps } : {}),
        metric: sweep.metric,
        backend: settings.backend,
        ...(settings.batch ? { batch: settings.batch } : {}),
        ...(settings.evalBatches ? { evalBatches: settings.evalBatches } : {}),
        results: join(settings.dir, "points", `${key}.json`),
        cwd: settings.cwd,
      };
      return { index, point, job };
    });
    await pool(jobs, settings.jobs, async ({ index, point, job }) => {
      const finished = existsSync(job.results);
      if (finished) reused++;
      else {
        const failure = await runWorker(worker, job, join(settings.dir, "points", `${job.label}.log`));
        if (failure) {
          outcome.set(index, { failed: failure, ...(steps !== null ? { steps } : {}) });
          settings.log(`  #${index} ${point.label}: failed: ${failure}\n`);
          return;
        }
        trained++;
      }
      const record = JSON.parse(readFileSync(job.results, "utf8")) as ExperimentRecord;
      const row = record.rows.find((r) => r.metric === sweep.metric)?.byModel[job.label];
      const metric = row ? { mean: row.mean, std: row.std, values: row.values } : undefined;
      outcome.set(index, { ...(metric ? { metric } : {}), ...(steps !== null ? { steps } : {}) });
      settings.log(`  #${index} ${point.label}: ${sweep.metric} ${metric ? metric.mean.toFixed(4) : "—"}${finished ? " (finished earlier)" : ""}\n`);
    });
    done.push({ steps, points: [...candidates] });
    if (round < rounds.length - 1) {
      // Successive halving: the best 1/eta of this round go on to train eta times longer.
      const keep = Math.max(1, Math.ceil(candidates.length / sweep.eta));
      candidates = rank(candidates, outcome, sweep.mode).slice(0, keep);
    }
  }
  const points: PointResult[] = plan.points.map((p) => {
    const own = outcome.get(p.sameAs ?? p.index);
    return {
      index: p.index,
      label: p.label,
      overrides: Object.fromEntries(p.overrides),
      costs: p.costs,
      hash: p.hash,
      ...(p.sameAs !== undefined ? { sameAs: p.sameAs } : {}),
      meets: p.meets,
      ...(own?.metric ? { metric: own.metric } : {}),
      ...(own?.steps !== undefined ? { steps: own.steps } : {}),
      ...(own?.failed ? { failed: own.failed } : {}),
    };
  });
  // The best is chosen among the points of the last round (all trained equally long).
  const best = rank(done.at(-1)?.points ?? [], outcome, sweep.mode)[0];
  const record: SweepRecord = {
    sweep: sweep.name,
    model: sweep.model,
    metric: sweep.metric,
    mode: sweep.mode,
    search: sweep.search,
    seeds: sweep.seeds,
    rounds: done,
    points,
    ...(best !== undefined && outcome.get(best)?.metric ? { best } : {}),
    trained,
    reused,
  };
  writeFileAtomic(join(settings.dir, "sweep.json"), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** Points ordered best first by their metric's mean (failed and NaN last). */
function rank(indices: readonly number[], outcome: ReadonlyMap<number, { metric?: { mean: number } }>, mode: "max" | "min"): number[] {
  const score = (i: number) => {
    const mean = outcome.get(i)?.metric?.mean;
    return mean === undefined || Number.isNaN(mean) ? -Infinity : mode === "max" ? mean : -mean;
  };
  return [...indices].sort((a, b) => score(b) - score(a) || a - b);
}

/**
 * The steps of each round of successive halving: the last round trains the survivors for the
 * full `steps`, each earlier round 1/eta as long, down to `minSteps` (default: as many rounds as
 * it takes to narrow `count` points to one).
 */
export function halvingSteps(steps: number, eta: number, count: number, minSteps?: number): number[] {
  const rounds = Math.ceil(Math.log(Math.max(count, 1)) / Math.log(eta) - 1e-9) + 1;
  const all = Array.from({ length: rounds }, (_, r) => Math.max(1, Math.round(steps / eta ** (rounds - 1 - r))));
  const kept = minSteps === undefined ? all : all.filter((s) => s >= minSteps);
  return [...new Set(kept.length ? kept : [steps])];
}

/** Runs `work` over `items`, at most `limit` at a time, in order of start. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** One worker process for one point; resolves to undefined on success, else the reason. Its output goes to `log`. */
function runWorker(script: string, job: SweepJob, log: string): Promise<string | undefined> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [script, JSON.stringify(job)], { stdio: ["ignore", "pipe", "pipe"], cwd: job.cwd });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", (error) => resolveRun(error.message));
    child.on("close", (code, signal) => {
      const output = Buffer.concat(chunks).toString("utf8");
      writeFileSync(log, output);
      if (code === 0 && existsSync(job.results)) return resolveRun(undefined);
      const lines = output.split("\n").filter((l) => l.trim() !== "");
      // A crash (no `error:` line: an uncaught exception) is named by the exception's line.
      const thrown = lines.find((l) => /^\w*(Error|Exception)\b/.test(l)) ?? lines.at(-1);
      const crashed = thrown ? `: ${thrown.trim().slice(0, 200)}` : "";
      const reason = lines.find((l) => l.startsWith("error: "))?.slice(7) ?? (signal ? `stopped by ${signal}` : `exit code ${code}${crashed}`);
      resolveRun(`${reason} (log: ${log})`);
    });
  });
}

/** The compiled worker beside this file's compiled form (dist/app/sweep-worker.js). */
function workerScript(): string {
  const script = join(packageRoot(), "dist", "app", "sweep-worker.js");
  if (!existsSync(script)) throw new TrainingError(`the sweep's worker ${script} is not built; run \`npm run build\``);
  return script;
}
