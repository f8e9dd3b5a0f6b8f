// One point of a sweep, trained in its own process (`rec sweep --jobs N` starts N of these at a
// time). In: a JSON job on argv[2] (the spec, the model and the point's overrides, seeds, steps,
// backend, and the results file). Out: the results file, written atomically when every seed has
// trained — so a killed sweep finds finished points complete and unfinished ones absent — and
// exit 0; a user error is printed as `error: …` with exit 1.

import { dirname, join } from "node:path";
import { compileFiles } from "./compile.js";
import type { ExperimentPlan } from "../compiler/src/semantics/experiment-decl.js";
import type { BackendName } from "../runtime/src/tfjs/backends.js";
import { compileArms, runExperiment } from "./experiment.js";
import { isUserError } from "./user-errors.js";

/** What the sweep sends a worker. */
export interface SweepJob {
  readonly path: string;
  readonly model: string;
  readonly label: string;
  readonly overrides: Readonly<Record<string, string>>;
  readonly seeds: readonly number[];
  readonly steps?: number;
  readonly metric: string;
  readonly backend: BackendName | "torch";
  readonly batch?: number;
  readonly evalBatches?: number;
  readonly results: string;
  readonly cwd: string;
}

async function runJob(job: SweepJob): Promise<void> {
  const overrides = new Map(Object.entries(job.overrides));
  const compiled = compileFiles([job.path], { overrides });
  const failure = compiled.diagnostics.find((d) => d.severity === "error");
  if (failure) throw new Error(`the point does not compile: ${failure.code} ${failure.message}`);
  // A one-arm experiment: the point's model, its seeds, and the sweep's metric.
  const experiment: ExperimentPlan = {
    name: job.label,
    arms: [{ label: job.label, model: job.model, overrides: new Map() }],
    models: [job.label],
    baseline: job.label,
    seeds: job.seeds,
    report: [job.metric],
    paper: {},
    ...(job.steps !== undefined ? { steps: job.steps } : {}),
  };
  const arms = compileArms(job.path, experiment, overrides, compiled);
  if (!("plans" in arms)) throw new Error(`the point's model ${job.model} does not compile`);
  await runExperiment(
    experiment,
    arms,
    {
      path: job.path,
      cwd: job.cwd,
      results: job.results,
      torchDir: join(dirname(job.results), "torch"),
      command: `rec sweep (point ${job.label})`,
      backend: job.backend,
      ...(job.batch ? { batch: job.batch } : {}),
      ...(job.evalBatches ? { evalBatches: job.evalBatches } : {}),
    },
    (line) => process.stderr.write(line),
  );
}

try {
  await runJob(JSON.parse(process.argv[2]!) as SweepJob);
} catch (error) {
  // A user's error (bad data, a non-finite loss) is its message; anything else is a bug, with its stack.
  const text = isUserError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`error: ${text}\n`);
  process.exitCode = 1;
}
