// Running an experiment: compile each arm (the file with the command's overrides and the
// variant's), train it once per seed on its own data (reporting each run at its best epoch by the
// validation split where the experiment says `best_epoch`), time serving, score the hard subset,
// and write runs/<experiment>/results.json. The application layer behind `rec compare`, which only
// parses options and prints. In: the experiment (arms, seeds, steps) and the file it is in.
// Out: the record written to results.json (per-seed metrics summarized, costs, curves).

import { feedsOf } from "../runtime/src/tfjs/feeds.js";
import { openData } from "./data.js";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { compileFiles, type CompileResult } from "./compile.js";
import type { ExperimentPlan } from "../compiler/src/semantics/experiment-decl.js";
import { summarize as summarizeModel } from "../compiler/src/semantics/summary.js";
import { fileNameFor, writeFileAtomic } from "../runtime/src/atomic-write.js";
import { BackendUnavailable, useBackend, type BackendName } from "../runtime/src/tfjs/backends.js";
import type { BatchSource, DataSet } from "../runtime/src/data/batch.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import type { Plan, PlanSettings } from "../runtime/src/plan.js";
import { tf } from "../runtime/src/tfjs/tf.js";
import { train, Trainer, TrainingError, trainOptionsFrom, type TrainOptions } from "../runtime/src/tfjs/train/trainer.js";
import { ProfilingEngine, profileWindow, renderProfile } from "../runtime/src/tfjs/train/profile.js";
import { initSettingsOf, loadWeightsFrom, loadWeightsFromTable, snapshotWeights } from "../runtime/src/checkpoint/checkpoint.js";
import type { StoredTensor } from "../runtime/src/checkpoint/safetensors.js";
import { prepareTraining } from "../runtime/src/train/epochs.js";
import { copyReferences } from "../runtime/src/tfjs/train/reference.js";
import { learningCurves, summarize, type CurveRow, type SummaryRow } from "./experiment-summary.js";
import { HARD_SUBSET_ROW, hardSubsetScores, headPerExample, PROBE_SEED_OFFSET } from "./hard-subset.js";
import { fastestEngine } from "./choose-engine.js";
import { environmentPlanOf, startRollouts } from "./rollout-run.js";
import { startTorchEngine, trainClosing } from "./torch-engine.js";
import { bestEvaluation, validationName } from "./best-epoch.js";

export interface ExperimentArms {
  readonly plans: ReadonlyMap<string, Plan>;
  /** The environment plan of each arm that learns by rollouts (rollout-run.ts). */
  readonly environments?: ReadonlyMap<string, Plan>;
  /** Forward FLOPs per example of each arm, as the summary prints them. */
  readonly flops: ReadonlyMap<string, string>;
}

/**
 * Each arm's plan: the file compiled with `overrides` and the arm's own. `base` is the file
 * compiled with `overrides` alone (reused by arms without overrides). Returns the failed
 * compilation instead when an arm does not compile, or the name of a model the file lacks.
 */
export function compileArms(
  path: string,
  experiment: ExperimentPlan,
  overrides: ReadonlyMap<string, string>,
  base: CompileResult,
): ExperimentArms | { readonly failed: CompileResult } | { readonly missingModel: string } {
  const plans = new Map<string, Plan>();
  const flops = new Map<string, string>();
  const environments = new Map<string, Plan>();
  for (const arm of experiment.arms) {
    const compiled = arm.overrides.size ? compileFiles([path], { overrides: new Map([...overrides, ...arm.overrides]) }) : base;
    if (compiled.diagnostics.some((d) => d.severity === "error") || compiled.unreadable.length) return { failed: compiled };
    const plan = compiled.plans.find((p) => p.model === arm.model);
    if (!plan) return { missingModel: arm.model };
    plans.set(arm.label, plan);
    const environment = environmentPlanOf(plan, compiled.plans);
    if (environment) environments.set(arm.label, environment);
    const model = compiled.models.find((m) => m.name === arm.model);
    if (model) flops.set(arm.label, summarizeModel(model).flops.perExample);
  }
  return { plans, flops, environments };
}

export interface ExperimentSettings {
  readonly path: string;
  /** Where runs/<experiment>/results.json is written (unless `results` names the file). */
  readonly cwd: string;
  readonly results?: string;
  /** The command that ran the experiment, recorded in results.json. */
  readonly command: string;
  /** A tfjs backend, or `torch` (each arm trains in a torch process; serving times are tfjs cpu's). */
  readonly backend: BackendName | "torch";
  readonly batch?: number;
  readonly evalBatches?: number;
  /** Where the torch engine's packages go (default runs/<experiment>/torch under `cwd`). */
  readonly torchDir?: string;
  /** Profile each arm's run of the first seed (steps 3–7, a tfjs engine): printed, and written to profile-<arm>.json beside results.json. */
  readonly profile?: boolean;
}

export interface ExperimentRecord {
  readonly experiment: string;
  /** The command, and the commit of the code that ran it (`dirty` when the work tree had changes). */
  readonly command?: string;
  readonly commit?: { readonly id: string; readonly dirty: boolean } | null;
  readonly backend: string;
  readonly seeds: readonly number[];
  readonly steps: number | null;
  readonly baseline: string;
  readonly parameters: Record<string, number>;
  readonly flopsPerExample: Record<string, string>;
  readonly predictMsPerBatch: Record<string, number>;
  readonly rows: readonly SummaryRow[];
  readonly curves: readonly CurveRow[];
  /** What a curve row's `step` counts: training steps (default) or epochs. */
  readonly curveUnit?: "epoch";
  /** The subsets' sizes (one per seed) out of `examples` held-out examples. */
  readonly hardSubset?: { readonly reference: string; readonly correct: string; readonly sizes: readonly number[]; readonly examples: number };
  /** `best_epoch`: the metric and direction, and the epoch (or step) each arm's run of each seed reports. */
  readonly bestEpoch?: { readonly metric: string; readonly mode: "min" | "max"; readonly chosen: Readonly<Record<string, readonly number[]>> };
}

/** Trains every arm over every seed and writes results.json; `log` hears a line per run. */
export async function runExperiment(
  experiment: ExperimentPlan,
  arms: ExperimentArms,
  settings: ExperimentSettings,
  log: (line: string) => void,
): Promise<ExperimentRecord> {
  const hardSubset = experiment.hardSubset && experiment.models.includes(experiment.hardSubset.reference) ? experiment.hardSubset : undefined;
  // The code's commit when the run starts (later edits to the work tree do not change what ran).
  const commit = currentCommit(dirname(settings.path));
  let backend = settings.backend === "torch" ? "torch" : await useBackend(settings.backend as BackendName);
  if (backend === "torch") await useBackend("cpu");
  // Rollouts act between training steps on a tfjs engine: `auto` keeps the tfjs backend it chose.
  if (settings.backend === "auto" && !arms.environments?.size && !settings.profile) {
    // Measured on the first arm and seed; every arm then trains on the engine chosen.
    const [model, seed] = [experiment.models[0]!, experiment.seeds[0] ?? 0];
    const plan = arms.plans.get(model)!;
    const trainSettings = plan.train[0]?.settings ?? {};
    const data = await openData(plan, trainSettings["data"] as string | undefined, { seed, baseDir: dirname(settings.path) });
    const folder = join(settings.torchDir ?? join(settings.cwd, "runs", fileNameFor(experiment.name), "torch"), fileNameFor(model));
    const choice = await fastestEngine(
      plan,
      settings.path,
      trainSettings,
      data,
      settings.batch ?? trainOptionsFrom(trainSettings).batch,
      seed,
      backend,
      folder,
    );
    log(choice.line);
    backend = choice.engine;
  }
  const onTorch = backend === "torch";
  if (settings.profile && onTorch)
    throw new BackendUnavailable(
      "--profile measures the tfjs engines (cpu, wasm, webgpu), which `--backend auto` chooses " +
        "for it; with --backend torch use PyTorch's own profiler on an exported package",
    );
  // An arm's run: trained by the tfjs executor, or by a torch process whose weights come back
  // into the executor afterwards (the serving time, hard subset and probes read them there).
  const trainArm = async (model: string, executor: Executor, trainSettings: PlanSettings, data: DataSet, options: TrainOptions) => {
    if (settings.profile && !arms.environments?.has(model) && options.seed === experiment.seeds[0]) {
      const file = join(dirname(resultsPath(experiment, settings)), `profile-${model}.json`);
      const engine = new ProfilingEngine(
        new Trainer(executor, trainSettings, options.steps, options.seed),
        executor,
        profileWindow(options.steps),
        (profile) => {
          mkdirSync(dirname(file), { recursive: true });
          writeFileAtomic(file, `${JSON.stringify(profile, null, 2)}\n`);
          log(`${model}, seed ${options.seed}: ${renderProfile(profile)}\n(written to ${file})\n`);
        },
      );
      return train(executor, trainSettings, data, { ...options, engine });
    }
    if (!onTorch || arms.environments?.has(model)) return train(executor, trainSettings, data, options);
    const folder = join(settings.torchDir ?? join(settings.cwd, "runs", fileNameFor(experiment.name), "torch"), fileNameFor(model));
    const engine = await startTorchEngine({
      plan: executor.plan,
      source: settings.path,
      executor,
      settings: trainSettings,
      steps: options.steps,
      folder,
      device: "cpu",
      threads: 0,
      seed: options.seed,
    });
    return trainClosing(engine, async () => {
      const reports = await train(executor, trainSettings, data, { ...options, engine });
      await engine.syncWeights();
      return reports;
    });
  };
  log(`comparing ${experiment.models.join(", ")} over seeds ${experiment.seeds.join(", ")} on ${backend}\n`);
  const results = new Map<string, Record<string, number>[]>();
  const serveTimes = new Map<string, number>();
  // Every evaluation of every run: arm → step → one metrics record per seed (learning curves).
  const curves = new Map<string, Map<number, Record<string, number>[]>>();
  let epochCurves = false;
  // With `best_epoch`: arm → the epoch (or step) each seed's run reports.
  const chosen = new Map<string, number[]>();
  // The hard subset's head on each seed's held-out examples: arm → one array per seed; and the
  // probes' (an extra run of the reference per seed, initialized differently: hard-subset.ts).
  const perExample = new Map<string, Float32Array[]>();
  const probes: Float32Array[] = [];
  const baseDir = dirname(settings.path);
  // A plan whose train block says `init { model = "X" }` starts from the weights of arm X's run
  // with the same seed, so X trains first; those weights are kept until the run is over. The
  // plan is an arm's own, or the environment of an arm that learns by rollouts.
  const initSource = (plan: Plan, whose: string) => {
    const init = initSettingsOf(plan.train[0]?.settings ?? {});
    const wanted = init?.model;
    if (wanted === undefined) return [];
    const source = experiment.models.find((m) => arms.plans.get(m)!.model === wanted || m === wanted);
    // Training from fresh weights instead would be a silently different experiment.
    if (!source)
      throw new TrainingError(
        `${whose} starts from the weights of ${wanted} (\`init { model = "${wanted}" }\`), which ` +
          `is not an arm of this run; add it to the experiment's models (or to --only)`,
      );
    return [{ source, prefix: init!.prefix, rename: init!.rename }];
  };
  const initArms = new Map(experiment.models.flatMap((arm) => initSource(arms.plans.get(arm)!, `the arm ${arm}`).map((init) => [arm, init] as const)));
  const environmentInits = new Map(
    [...(arms.environments ?? [])].flatMap(([arm, environment]) =>
      initSource(environment, `the environment ${environment.model} of arm ${arm}`).map((init) => [arm, init] as const),
    ),
  );
  const order = trainingOrder(experiment.models, (arm) => initArms.get(arm)?.source ?? environmentInits.get(arm)?.source);
  const kept = new Map<string, Map<number, Map<string, StoredTensor>>>();
  const needed = new Set([...initArms.values(), ...environmentInits.values()].map((init) => init.source));
  for (const model of order) {
    const plan = arms.plans.get(model)!;
    const trainSettings = plan.train[0]?.settings ?? {};
    for (const seed of experiment.seeds) {
      const requested = trainOptionsFrom(trainSettings, {
        seed,
        ...(experiment.steps ? { steps: experiment.steps } : {}),
        ...(settings.batch ? { batch: settings.batch } : {}),
        ...(settings.evalBatches ? { evalBatches: settings.evalBatches } : {}),
      });
      const executor = new Executor(plan, seed);
      const loadInit = (target: Executor, init: { source: string; prefix: string | readonly string[]; rename?: string | undefined } | undefined) => {
        if (init) loadWeightsFromTable(target, kept.get(init.source)!.get(seed)!, init.prefix, init.rename, `the run of arm ${init.source} with seed ${seed}`);
      };
      loadInit(executor, initArms.get(model));
      copyReferences(executor, trainSettings);
      const environment = arms.environments?.get(model);
      const rollouts = environment
        ? startRollouts(executor, environment, trainSettings, seed, backend, (env) => {
            // The environment's frozen models: an arm's run of this seed, or a checkpoint file.
            const init = initSettingsOf(environment.train[0]?.settings ?? {});
            loadInit(env, environmentInits.get(model));
            if (!environmentInits.has(model) && init?.from !== undefined) loadWeightsFrom(env, resolve(settings.cwd, init.from), init);
          })
        : undefined;
      const { data, options: prepared } = rollouts
        ? { data: rollouts.data, options: { ...requested, evaluate: rollouts.evaluate, afterStep: rollouts.afterStep } as TrainOptions }
        : await prepareTraining(
            await openData(plan, trainSettings["data"] as string | undefined, { seed, baseDir }),
            trainSettings,
            experiment.steps ? { ...requested, epochs: undefined } : requested,
          );
      // An arm whose model has the best epoch's metric scores the validation split too, and reports its best evaluation.
      const selecting = experiment.bestEpoch && !rollouts && experiment.bestEpoch.metric in plan.entries.eval.outputs ? experiment.bestEpoch : undefined;
      const options: TrainOptions = selecting ? { ...prepared, validation: true } : prepared;
      const reports = await trainArm(model, executor, trainSettings, data, options);
      rollouts?.dispose();
      if (needed.has(model)) (kept.get(model) ?? kept.set(model, new Map()).get(model)!).set(seed, snapshotWeights(executor));
      if (seed === experiment.seeds[0] && !rollouts) serveTimes.set(model, await predictMilliseconds(executor, data.heldOut(), options.batch));
      const heldOutBatches = options.evalBatches || (data.heldOutBatches ?? 16);
      if (hardSubset) {
        const values = await headPerExample(executor, data.heldOut(), options.batch, heldOutBatches, hardSubset.correct);
        (perExample.get(model) ?? perExample.set(model, []).get(model)!).push(values);
      }
      executor.dispose();
      if (hardSubset && model === hardSubset.reference) {
        const probeSeed = seed + PROBE_SEED_OFFSET;
        const probeData = await openData(plan, trainSettings["data"] as string | undefined, { seed, baseDir });
        const probe = new Executor(plan, probeSeed);
        await trainArm(model, probe, trainSettings, probeData, { ...options, seed: probeSeed, evalEvery: 0 });
        probes.push(await headPerExample(probe, probeData.heldOut(), options.batch, heldOutBatches, hardSubset.correct));
        probe.dispose();
      }
      const best = selecting ? bestEvaluation(reports, selecting) : undefined;
      if (selecting && !best) throw new TrainingError(`${model}, seed ${seed}: no evaluation scored \`${selecting.metric}\` on the validation split`);
      if (best) (chosen.get(model) ?? chosen.set(model, []).get(model)!).push(best.at);
      const final = best?.metrics ?? [...reports].reverse().find((r) => r.metrics)?.metrics ?? {};
      // Training that counts epochs is charted by epoch (arms of different data sizes line up).
      const curve = curves.get(model) ?? curves.set(model, new Map()).get(model)!;
      const byEpoch = options.stepsPerEpoch !== undefined;
      if (byEpoch) epochCurves = true;
      for (const r of reports) {
        const at = byEpoch ? r.epoch : r.step;
        if (r.metrics && at !== undefined) (curve.get(at) ?? curve.set(at, []).get(at)!).push(r.metrics);
      }
      (results.get(model) ?? results.set(model, []).get(model)!).push(final);
      const at = best ? ` (${byEpoch ? "epoch" : "step"} ${best.at}, best by ${validationName(selecting!.metric)})` : "";
      log(`  ${model} seed ${seed}: ${experiment.report.map((m) => `${m} ${final[m]?.toFixed(4) ?? "—"}`).join("  ")}${at}\n`);
    }
  }
  const { scores: hardScores, sizes } = hardSubset ? hardSubsetScores(perExample, probes) : { scores: new Map<string, number[]>(), sizes: [] };
  for (const [model, scores] of hardScores) scores.forEach((score, i) => (results.get(model)![i]![HARD_SUBSET_ROW] = score));
  const rows = summarize({ ...experiment, report: [...experiment.report, ...(hardSubset ? [HARD_SUBSET_ROW] : [])] }, results);
  const record: ExperimentRecord = {
    experiment: experiment.name,
    command: settings.command,
    commit,
    backend,
    seeds: experiment.seeds,
    steps: experiment.steps ?? null,
    baseline: experiment.baseline,
    parameters: Object.fromEntries(experiment.models.map((m) => [m, parameterCount(arms.plans.get(m)!)])),
    flopsPerExample: Object.fromEntries(arms.flops),
    predictMsPerBatch: Object.fromEntries(serveTimes),
    rows,
    curves: learningCurves(experiment, curves),
    ...(epochCurves ? { curveUnit: "epoch" as const } : {}),
    ...(hardSubset ? { hardSubset: { ...hardSubset, sizes, examples: perExample.get(hardSubset.reference)![0]!.length } } : {}),
    ...(experiment.bestEpoch ? { bestEpoch: { ...experiment.bestEpoch, chosen: Object.fromEntries(chosen) } } : {}),
  };
  const file = resultsPath(experiment, settings);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** Where an experiment's results.json goes: `settings.results`, else runs/<experiment>/results.json. */
export function resultsPath(experiment: Pick<ExperimentPlan, "name">, settings: Pick<ExperimentSettings, "results" | "cwd">): string {
  return settings.results ?? join(settings.cwd, "runs", fileNameFor(experiment.name), "results.json");
}

/** The arms in an order where each arm comes after the arm its weights start from. */
export function trainingOrder(arms: readonly string[], sourceOf: (arm: string) => string | undefined): string[] {
  const order: string[] = [];
  const visit = (arm: string, path: string[]) => {
    if (order.includes(arm)) return;
    if (path.includes(arm)) throw new TrainingError(`the arms ${[...path, arm].join(" → ")} start from each other's weights in a cycle`);
    const source = sourceOf(arm);
    if (source && source !== arm) visit(source, [...path, arm]);
    order.push(arm);
  };
  for (const arm of arms) visit(arm, []);
  return order;
}

/** The git commit of the code, and whether the work tree differs from it; null outside git. */
function currentCommit(dir: string): { id: string; dirty: boolean } | null {
  try {
    const id = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty =
      execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
    return { id, dirty };
  } catch {
    return null;
  }
}

/** The median time of the predict entry (all heads) on one held-out batch, over 10 runs after a warm-up. */
async function predictMilliseconds(executor: Executor, source: BatchSource, batchSize: number): Promise<number> {
  const batch = await source.next(batchSize);
  if (!batch) return Number.NaN;
  const times: number[] = [];
  const feeds = feedsOf(batch);
  for (let i = 0; i < 11; i++) {
    const started = performance.now();
    const heads = executor.run("predict", feeds);
    for (const t of heads.values()) await t.data();
    if (i > 0) times.push(performance.now() - started);
    tf.dispose([...heads.values()]);
  }
  tf.dispose([...feeds.values()]);
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

function parameterCount(plan: Plan): number {
  return plan.params.reduce((n, p) => n + p.type.shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : 0), 1), 0);
}
