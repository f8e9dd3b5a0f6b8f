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

import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { compileFiles } from "../../driver.js";
import { writeFileAtomic } from "../../../../runtime/src/atomic-write.js";
import { useBackend, type BackendName } from "../../../../runtime/src/backends.js";
import { openDataSet } from "../../../../runtime/src/data/sources.js";
import { Executor } from "../../../../runtime/src/executor.js";
import type { Plan } from "../../../../runtime/src/plan.js";
import type { BatchSource } from "../../../../runtime/src/data/batch.js";
import { tf } from "../../../../runtime/src/tf.js";
import { summarize as summarizeModel } from "../../semantics/summary.js";
import { train, trainOptionsFrom } from "../../../../runtime/src/train/trainer.js";
import { reportingUserErrors } from "./user-errors.js";
import { HARD_SUBSET_ROW, hardSubsetScores, headPerExample } from "./hard-subset.js";
import { experimentsOf, type ExperimentPlan } from "../../semantics/experiment-decl.js";
import { EXIT } from "../io.js";
import { type Command, overridesFrom, reportProblems } from "./shared.js";
import { formatComparison, formatCurves, learningCurves, summarize } from "./compare-report.js";

/** The median time of the predict entry (all heads) on one held-out batch, over 10 runs after a warm-up. */
async function predictMilliseconds(executor: Executor, source: BatchSource, batchSize: number): Promise<number> {
  const batch = await source.next(batchSize);
  if (!batch) return Number.NaN;
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const started = performance.now();
    const heads = executor.run("predict", batch.feeds);
    for (const t of heads.values()) await t.data();
    if (i > 0) times.push(performance.now() - started);
    tf.dispose([...heads.values()]);
  }
  tf.dispose([...batch.feeds.values()]);
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

function parameterCount(plan: Plan): number {
  return plan.params.reduce((n, p) => n + p.type.shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : 0), 1), 0);
}

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
    io.stderr(wanted ? `error: no experiment \`${wanted}\`; the file has ${experiments.map((e) => e.name).join(", ") || "none"}\n` : "error: the file declares no `experiment`\n");
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
  const hardSubset = chosen.hardSubset && arms.some((a) => a.label === chosen.hardSubset!.reference) ? chosen.hardSubset : undefined;
  if (chosen.hardSubset && !hardSubset) io.stderr(`note: no hard_subset row: its reference arm \`${chosen.hardSubset.reference}\` is not run\n`);
  // Each arm's plan: the file compiled with the command's overrides and the variant's.
  const plans = new Map<string, Plan>();
  const flops = new Map<string, string>();
  for (const arm of experiment.arms) {
    const compiled = arm.overrides.size ? compileFiles([path], { overrides: new Map([...overrides, ...arm.overrides]) }) : result;
    const armStop = reportProblems(compiled, args, io);
    if (armStop !== undefined) return armStop;
    const plan = compiled.plans.find((p) => p.model === arm.model);
    if (!plan) {
      io.stderr(`error: experiment ${experiment.name} names \`${arm.model}\`, which is not a model of this file\n`);
      return EXIT.usage;
    }
    plans.set(arm.label, plan);
    const model = compiled.models.find((m) => m.name === arm.model);
    if (model) flops.set(arm.label, summarizeModel(model).flops.perExample);
  }
  return reportingUserErrors(io, async () => {
    const backend = await useBackend(args.options.get("backend") as BackendName);
    io.stderr(`comparing ${experiment.models.join(", ")} over seeds ${experiment.seeds.join(", ")} on ${backend}\n`);
    const results = new Map<string, Record<string, number>[]>();
    const serveTimes = new Map<string, number>();
    // Every evaluation of every run: arm → step → one metrics record per seed (learning curves).
    const curves = new Map<string, Map<number, Record<string, number>[]>>();
    // The hard subset's head on the first seed's held-out examples: arm → one array per seed.
    const perExample = new Map<string, Float32Array[]>();
    for (const model of experiment.models) {
      const plan = plans.get(model)!;
      const settings = plan.train[0]?.settings ?? {};
      for (const seed of experiment.seeds) {
        const options = trainOptionsFrom(settings, { seed, ...(experiment.steps ? { steps: experiment.steps } : {}), ...(batchOption ? { batch: Number(batchOption) } : {}), ...(evalBatchesOption ? { evalBatches: Number(evalBatchesOption) } : {}) });
        const data = await openDataSet(plan, settings["data"] as string | undefined, { seed, baseDir: dirname(path) });
        const executor = new Executor(plan, seed);
        const reports = await train(executor, settings, data, options);
        if (seed === experiment.seeds[0]) serveTimes.set(model, await predictMilliseconds(executor, data.heldOut(), options.batch));
        if (hardSubset) {
          const common = seed === experiment.seeds[0] ? data : await openDataSet(plan, settings["data"] as string | undefined, { seed: experiment.seeds[0]!, baseDir: dirname(path) });
          const values = await headPerExample(executor, common.heldOut(), options.batch, options.evalBatches || (common.heldOutBatches ?? 16), hardSubset.correct);
          (perExample.get(model) ?? perExample.set(model, []).get(model)!).push(values);
        }
        executor.dispose();
        const final = [...reports].reverse().find((r) => r.metrics)?.metrics ?? {};
        const curve = curves.get(model) ?? curves.set(model, new Map()).get(model)!;
        for (const r of reports) if (r.metrics) (curve.get(r.step) ?? curve.set(r.step, []).get(r.step)!).push(r.metrics);
        (results.get(model) ?? results.set(model, []).get(model)!).push(final);
        io.stderr(`  ${model} seed ${seed}: ${experiment.report.map((m) => `${m} ${final[m]?.toFixed(4) ?? "—"}`).join("  ")}\n`);
      }
    }
    const { scores: hardScores, sizes: hardSubsetSizes } = hardSubset ? hardSubsetScores(perExample, hardSubset.reference) : { scores: new Map<string, number[]>(), sizes: [] };
    for (const [model, scores] of hardScores) scores.forEach((score, i) => (results.get(model)![i]![HARD_SUBSET_ROW] = score));
    const rows = summarize({ ...experiment, report: [...experiment.report, ...(hardSubset ? [HARD_SUBSET_ROW] : [])] }, results);
    const hardNote = hardSubset
      ? `${HARD_SUBSET_ROW}: the mean of the head \`${hardSubset.correct}\` on the held-out examples that ${hardSubset.reference} gets wrong when trained with one seed (${hardSubsetSizes.join(", ")} of ${perExample.get(hardSubset.reference)![0]!.length}), for each arm trained with the next seed\n`
      : "";
    const parameters = Object.fromEntries(experiment.models.map((m) => [m, parameterCount(plans.get(m)!)]));
    const costs = { flopsPerExample: Object.fromEntries(flops), predictMsPerBatch: Object.fromEntries(serveTimes) };
    const dir = join(io.cwd, "runs", experiment.name);
    mkdirSync(dir, { recursive: true });
    const curveRows = learningCurves(experiment, curves);
    const record = { experiment: experiment.name, backend, seeds: experiment.seeds, steps: experiment.steps ?? null, baseline: experiment.baseline, parameters, ...costs, rows, curves: curveRows, ...(hardSubset ? { hardSubset: { ...hardSubset, sizes: hardSubsetSizes } } : {}) };
    writeFileAtomic(join(dir, "results.json"), `${JSON.stringify(record, null, 2)}\n`);
    io.stdout(args.options.get("json") ? `${JSON.stringify(record, null, 2)}\n` : formatComparison(experiment, rows, parameters, costs) + hardNote + formatCurves(experiment, curveRows));
    return EXIT.ok;
  });
};
