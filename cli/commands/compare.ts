// `rec compare FILE [--experiment NAME] [--steps N] [--batch N] [--eval-batches N] [--seeds 1,2,3] [--only a,b] [--json]`:
// runs an `experiment` declaration — every model (or variant of one model) it names, trained
// once per seed on its own data — and prints each reported metric's mean and spread, the
// relative gain over the baseline (the first unless `baseline = name`), the paper's own
// headline gain beside it (`paper { metric = "+46%" }`), and each one's parameter count. The
// results are written to runs/<experiment>/results.json.
//
// experiment PrefixMemVsBaseline {          // or: models = [Baseline, WithPrefixMem]
//   model = SidLM
//   variants { baseline {}  param_matched { ffn = 238 }  prefixmem { memory = true } }
//   seeds = [1, 2, 3]
//   report = ["acc_level_3", "exact_match"]
//   paper { acc_level_3 = "+46%" }
//   hard_subset { reference = baseline, correct = "greedy_correct" }   // optional: hard-subset.ts
// }

import { dirname, resolve } from "node:path";
import { compileFiles } from "../../app/compile.js";
import { experimentsOf, type ExperimentPlan } from "../../compiler/src/semantics/experiment-decl.js";
import type { BackendName } from "../../runtime/src/tfjs/backends.js";
import { compileArms, resultsPath, runExperiment } from "../../app/experiment.js";
import { HARD_SUBSET_ROW } from "../../app/hard-subset.js";
import { EXIT } from "../io.js";
import { formatComparison, formatCurves } from "./compare-report.js";
import { type Command, overridesFrom, reportProblems } from "./shared.js";
import { reportingUserErrors } from "./user-errors.js";
import { reportAfterRun } from "./report.js";

export const compareCommand: Command = async (args, io) => {
  if (args.positionals.length !== 1) {
    io.stderr("error: `rec compare` takes exactly one file\n");
    return EXIT.usage;
  }
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const path = resolve(io.cwd, args.positionals[0]!);
  const result = compileFiles([path], { overrides });
  const stop = reportProblems(result, args, io);
  if (stop !== undefined) return stop;
  const experiments = result.files.flatMap((f) => experimentsOf(f.ast));
  const wanted = args.options.get("experiment") as string | undefined;
  const chosen = wanted ? experiments.find((e) => e.name === wanted) : experiments[0];
  if (!chosen) {
    io.stderr(
      wanted
        ? `error: no experiment \`${wanted}\`; the file has ${experiments.map((e) => e.name).join(", ") || "none"}\n`
        : "error: the file declares no `experiment`\n",
    );
    return EXIT.usage;
  }
  const seedsOption = args.options.get("seeds") as string | undefined;
  const stepsOption = args.options.get("steps") as string | undefined;
  const batchOption = args.options.get("batch") as string | undefined;
  const evalBatchesOption = args.options.get("eval-batches") as string | undefined;
  if ((seedsOption && !/^\d+(,\d+)*$/.test(seedsOption)) || [stepsOption, batchOption, evalBatchesOption].some((o) => o && !/^\d+$/.test(o))) {
    io.stderr("error: --seeds takes whole numbers separated by commas (1,2,3); --steps, --batch and --eval-batches a whole number\n");
    return EXIT.usage;
  }
  const only = (args.options.get("only") as string | undefined)?.split(",");
  const unknown = (only ?? []).filter((label) => !chosen.models.includes(label));
  if (unknown.length) {
    io.stderr(`error: --only names ${unknown.join(", ")}; the experiment runs ${chosen.models.join(", ")}\n`);
    return EXIT.usage;
  }
  const arms = only ? chosen.arms.filter((a) => only.includes(a.label)) : chosen.arms;
  const experiment: ExperimentPlan = {
    ...chosen,
    arms,
    models: arms.map((a) => a.label),
    baseline: arms.some((a) => a.label === chosen.baseline) ? chosen.baseline : arms[0]!.label,
    ...(seedsOption ? { seeds: seedsOption.split(",").map(Number) } : {}),
    ...(stepsOption ? { steps: Number(stepsOption) } : {}),
  };
  if (chosen.hardSubset && !arms.some((a) => a.label === chosen.hardSubset!.reference))
    io.stderr(`note: no hard_subset row: its reference arm \`${chosen.hardSubset.reference}\` is not run\n`);
  const compiled = compileArms(path, experiment, overrides, result);
  if ("failed" in compiled) return reportProblems(compiled.failed, args, io) ?? EXIT.usage;
  if ("missingModel" in compiled) {
    io.stderr(`error: experiment ${experiment.name} names \`${compiled.missingModel}\`, which is not a model of this file\n`);
    return EXIT.usage;
  }
  return reportingUserErrors(io, async () => {
    const record = await runExperiment(
      experiment,
      compiled,
      {
        path,
        cwd: io.cwd,
        command: `rec compare ${rawArgs(args)}`,
        ...(args.options.get("results") ? { results: resolve(io.cwd, args.options.get("results") as string) } : {}),
        backend: args.options.get("backend") as BackendName | "torch",
        ...(batchOption ? { batch: Number(batchOption) } : {}),
        ...(evalBatchesOption ? { evalBatches: Number(evalBatchesOption) } : {}),
        ...(args.options.get("profile") === true ? { profile: true } : {}),
      },
      (line) => io.stderr(line),
    );
    const results = args.options.get("results") as string | undefined;
    await reportAfterRun(dirname(resultsPath(experiment, { cwd: io.cwd, ...(results ? { results: resolve(io.cwd, results) } : {}) })), io.cwd, (line) =>
      io.stderr(line),
    );
    const hard = record.hardSubset;
    const hardNote = hard
      ? `${HARD_SUBSET_ROW}: the mean of the head \`${hard.correct}\` on the held-out examples ` +
        `that a probe run of ${hard.reference} (another initialization, the same seed's world) ` +
        `gets wrong (${hard.sizes.join(", ")} of ${hard.examples}), for each arm's run with that ` +
        `seed\n`
      : "";
    const selected = record.bestEpoch;
    const bestNote = selected
      ? `each run is reported at its best evaluation by ${selected.metric} on the validation split (${selected.mode}), ` +
        `scored on the test split: ${Object.entries(selected.chosen)
          .map(([arm, at]) => `${arm} ${at.join(", ")}`)
          .join("; ")}\n`
      : "";
    io.stdout(
      args.options.get("json")
        ? `${JSON.stringify(record, null, 2)}\n`
        : formatComparison(experiment, record.rows, record.parameters, record) + hardNote + bestNote + formatCurves(experiment, record.curves),
    );
    return EXIT.ok;
  });
};

/** The command's arguments as typed (for results.json): options, then the file. */
function rawArgs(args: Parameters<Command>[0]): string {
  const options = [...args.options].flatMap(([name, value]) =>
    (name === "backend" && value === "auto") || name === "color"
      ? []
      : Array.isArray(value)
        ? value.map((v) => `--${name} ${v}`)
        : value === true
          ? [`--${name}`]
          : [`--${name} ${value}`],
  );
  return [...options, ...args.positionals].join(" ");
}
