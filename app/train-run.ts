// One training run into a run directory: open the data, write the plan and the resolved spec,
// start (or resume from the checkpoint), train with metrics.jsonl growing a line per step, keep
// the last and best checkpoints, and write summary.json. The application layer between the
// compiler's plan and the runtime: `rec train` parses options, calls this and prints.
// In: a compiled plan and the run's settings. Out: the step reports and the run's summary.

import { openData } from "./data.js";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { formatPlan } from "../compiler/src/lower/format-plan.js";
import type { ElaboratedModel } from "../compiler/src/semantics/model.js";
import { constValue, printDim } from "../compiler/src/types/dims.js";
import { fileNameFor, removeStaleTemporaries, writeFileAtomic } from "../runtime/src/atomic-write.js";
import { BackendUnavailable, useBackend, type BackendName } from "../runtime/src/tfjs/backends.js";
import { initSettingsOf, loadCheckpoint, loadWeightsFrom, optimizerStateOf, planHash, saveCheckpoint } from "../runtime/src/checkpoint/checkpoint.js";
import { CheckpointError } from "../runtime/src/checkpoint/safetensors.js";
import { FileDataSet } from "../runtime/src/data/file-data.js";
import { saveVocabularies } from "../runtime/src/data/vocab.js";
import { Executor } from "../runtime/src/tfjs/executor.js";
import type { Plan, PlanSettings } from "../runtime/src/plan.js";
import { ProfilingEngine, profileWindow, renderProfile } from "../runtime/src/tfjs/train/profile.js";
import { fastestEngine } from "./choose-engine.js";
import { trainDistributed } from "./distributed-run.js";
import { startTorchEngine, trainClosing } from "./torch-engine.js";
import { prepareTraining } from "../runtime/src/train/epochs.js";
import { copyReferences } from "../runtime/src/tfjs/train/reference.js";
import { train, Trainer, TrainingError, trainOptionsFrom, type StepEngine, type StepReport, type TrainState } from "../runtime/src/tfjs/train/trainer.js";
import type { DataSet } from "../runtime/src/data/batch.js";
import { rolloutSettingsOf } from "../runtime/src/rl/value-learning.js";
import { startRollouts } from "./rollout-run.js";

/** What a run directory's resolved.json records, enough to resume the run. */
export interface ResolvedRun {
  readonly model: string;
  readonly file: string;
  readonly seed: number;
  readonly steps: number;
  readonly batch: number;
  readonly overrides: Record<string, string>;
}

export interface TrainRunRequest {
  readonly plan: Plan;
  /** The checked model (its resolved params go into resolved.json). */
  readonly model?: ElaboratedModel;
  /** The spec file, as resolved.json records it (relative to the working directory). */
  readonly file: string;
  /** The folder data paths in the spec are relative to. */
  readonly baseDir: string;
  /** The run directory (created when missing). */
  readonly dir: string;
  readonly cwd: string;
  readonly seed: number;
  readonly overrides: ReadonlyMap<string, string>;
  /** A tfjs backend, or `torch`: PyTorch in a Python process, with `torch`'s device and threads. */
  readonly backend: BackendName | "torch";
  readonly torch?: { readonly device: "cpu" | "cuda"; readonly threads: number; readonly nproc?: number };
  readonly steps?: number;
  readonly batch?: number;
  readonly checkpointEvery?: number;
  /** Profile steps 3–7 (a tfjs engine): printed through `log`, written to profile.json. */
  readonly profile?: boolean;
  readonly skipBadRows?: boolean;
  /** The checkpoint `init { model = … }` starts from (the caller trained that model first). */
  readonly initFrom?: string;
  /** The run being resumed (from its resolved.json), when `--resume`. */
  readonly previous?: ResolvedRun;
  /** For a model that learns by rollouts: its environment's plan and the checkpoint its frozen models load from. */
  readonly environment?: { readonly plan: Plan; readonly initFrom?: string };
}

export interface TrainRunEvents {
  /** A line for the user (progress notes, what was loaded). */
  log(line: string): void;
  /** Each step's report, as it happens; `total` is the run's step count. */
  onStep?(report: StepReport, total: number, batch: number): void;
}

export interface TrainRunSummary {
  readonly model: string;
  readonly backend: string;
  readonly seed: number;
  readonly steps: number;
  readonly batch: number;
  readonly seconds: number;
  readonly examplesPerSecond: number;
  readonly loss: { readonly first: number | null; readonly last: number | null };
  readonly metrics: Record<string, number>;
  readonly firstEvaluation: { readonly step: number; readonly metrics: Record<string, number> | undefined } | null;
  readonly skippedRows?: number;
  readonly runDirectory: string;
}

export interface TrainRunResult {
  /** Every step's report, those of the resumed run's history included. */
  readonly reports: readonly StepReport[];
  readonly summary: TrainRunSummary;
  readonly skipped: { readonly count: number; readonly examples: readonly string[] };
}

export async function trainRun(request: TrainRunRequest, events: TrainRunEvents): Promise<TrainRunResult> {
  const { plan, dir, seed, previous } = request;
  const settings = plan.train[0]?.settings ?? {};
  // With torch, tfjs (on cpu) only encodes batches and mirrors the weights for checkpoints.
  let backend = request.backend === "torch" ? "torch" : await useBackend(request.backend as BackendName);
  if (backend === "torch") await useBackend("cpu");
  const requested = trainOptionsFrom(settings, {
    seed,
    ...(previous ? { steps: previous.steps, batch: previous.batch } : {}),
    ...(request.steps !== undefined ? { steps: request.steps } : {}),
    ...(request.batch !== undefined ? { batch: request.batch } : {}),
  });
  mkdirSync(dir, { recursive: true });
  // A save killed mid-write left a temporary file beside its target: remove it before writing.
  removeStaleTemporaries(dir);
  const learnsByRollouts = rolloutSettingsOf(settings) !== undefined;
  if (learnsByRollouts && previous)
    throw new TrainingError(`a run that learns by rollouts cannot be resumed yet: its sessions and replay buffer are not in the checkpoint; start it again`);
  const vocabPath = join(dir, "vocab.json");
  const opened = learnsByRollouts
    ? undefined
    : await openData(plan, settings["data"] as string | undefined, {
        seed,
        baseDir: request.baseDir,
        skipBadRows: request.skipBadRows === true,
        ...(previous ? { vocabularyFile: vocabPath } : {}),
      });
  if (opened instanceof FileDataSet && opened.vocabularies.size) saveVocabularies(vocabPath, opened.vocabularies);
  // Label privacy and `epochs = N` (steps from the training split's size).
  // `--steps` counts steps even where the train block counts epochs (a short trial run).
  const prepared: { data?: DataSet; options: typeof requested } = opened
    ? await prepareTraining(opened, settings, request.steps !== undefined ? { ...requested, epochs: undefined } : requested)
    : { options: requested };
  const { options } = prepared;
  writeFileAtomic(join(dir, "plan.json"), formatPlan(plan));
  // `auto` on a new run measures the engines (a resumed one keeps its checkpoint's, below);
  // rollouts run on the tfjs engine already chosen.
  if (request.backend === "auto" && request.profile && !previous) {
    // The profiler attributes time to .rec lines on the tfjs engines; auto stays on one of them.
    events.log(`auto: training on ${backend} (--profile measures the tfjs engines)\n`);
  } else if (request.backend === "auto" && !previous && prepared.data) {
    const choice = await fastestEngine(plan, request.file, settings, prepared.data, options.batch, seed, backend, join(dir, "torch"));
    events.log(choice.line);
    backend = choice.engine;
    if (backend !== "torch") rmSync(join(dir, "torch"), { recursive: true, force: true });
  }
  // The resolved spec: every param after defaults and --set overrides, and the train settings.
  const params = Object.fromEntries(
    [...(request.model?.params ?? new Map())].map(([k, v]) => [
      k,
      v.kind === "int" ? (constValue(v.dim) ?? printDim(v.dim)) : v.kind === "float" || v.kind === "bool" || v.kind === "string" ? v.value : v.kind,
    ]),
  );
  const resolved = {
    model: plan.model,
    file: request.file,
    seed,
    steps: options.steps,
    batch: options.batch,
    params,
    overrides: Object.fromEntries(request.overrides),
    train: plan.train,
  };
  writeFileAtomic(join(dir, "resolved.json"), `${JSON.stringify(resolved, null, 2)}\n`);
  const executor = new Executor(plan, seed);
  const checkpointPath = join(dir, "checkpoint.safetensors");
  let resume: TrainState | undefined;
  let history: StepReport[] = [];
  if (previous) {
    const stored = loadCheckpoint(executor, checkpointPath);
    if (request.backend === "auto" && stored["backend"] === "torch") backend = "torch";
    if (stored["plan_hash"] !== planHash(plan))
      throw new CheckpointError(`${checkpointPath} was saved by another version of ${plan.model} (its plan differs); start a new run instead of resuming`);
    resume = resumeState(stored, options.steps, checkpointPath);
    history = readHistory(join(dir, "metrics.jsonl")).filter((r) => r.step <= resume!.step);
    events.log(`resuming ${plan.model} in ${relative(request.cwd, dir) || "."} at step ${resume.step} of ${options.steps}\n`);
  } else {
    events.log(
      `training ${plan.model} on ${backend}: ` +
        `${options.epochs ? `${options.epochs} epochs of ${options.stepsPerEpoch} steps` : `${options.steps} steps`} ` +
        `of ${options.batch} examples, seed ${seed}\n`,
    );
    // `init { from = "runs/pre/checkpoint.safetensors", prefix = "item_table" }`: start from
    // another model's weights (multi-stage training); `freeze` then keeps them fixed.
    // `init { model = "Pretrain", prefix = […] }` starts from another model of the file, which
    // the caller trained first (request.initFrom is its checkpoint).
    const init = initSettingsOf(settings);
    const from = request.initFrom ?? (init?.from !== undefined ? resolve(request.cwd, init.from) : undefined);
    if (init && from) {
      const notes: string[] = [];
      const loaded = loadWeightsFrom(executor, from, init, notes);
      events.log(`loaded ${loaded.length} weights from ${relative(request.cwd, from)}\n${notes.map((n) => `  note: ${n}\n`).join("")}`);
    }
    // Frozen reference copies start from the weights the run starts from (after `init`).
    copyReferences(executor, settings);
  }
  // A model that learns by rollouts trains on transitions its policy collects in the environment.
  const rollouts = learnsByRollouts
    ? startRollouts(executor, environmentOf(request), settings, seed, backend, (environment) => {
        const init = initSettingsOf(request.environment!.plan.train[0]?.settings ?? {});
        const from = request.environment!.initFrom ?? (init?.from !== undefined ? resolve(request.cwd, init.from) : undefined);
        if (init && from)
          events.log(
            `the environment ${environment.plan.model} loaded ` +
              `${loadWeightsFrom(environment, from, init).length} weights from ` +
              `${relative(request.cwd, from)}\n`,
          );
      })
    : undefined;
  const data = rollouts?.data ?? prepared.data!;
  const metadata = { seed: String(seed), backend };
  const onTorch = backend === "torch";
  // The torch engine starts from the executor's weights (fresh, loaded or resumed); with
  // --nproc, torchrun's ranks start from them too (distributed-run.ts).
  const nproc = onTorch ? (request.torch?.nproc ?? 1) : 1;
  if (nproc > 1 && previous) throw new BackendUnavailable("--resume of a run on several processes is not supported yet; resume it with --nproc 1");
  const engine =
    onTorch && nproc === 1
      ? await startTorchEngine({
          plan: request.plan,
          source: request.file,
          executor,
          settings,
          steps: options.steps,
          folder: join(dir, "torch"),
          device: request.torch?.device ?? "cpu",
          threads: request.torch?.threads ?? 0,
          seed: request.seed,
        })
      : undefined;
  if (request.profile && onTorch)
    throw new BackendUnavailable(
      "--profile measures the tfjs engines (cpu, wasm, webgpu), which `--backend auto` chooses " +
        "for it; with --backend torch use PyTorch's own profiler on the exported package",
    );
  const profiled = request.profile ? profilingEngine(executor, settings, options, dir, events) : undefined;
  const mirror = async () => engine?.syncWeights();
  // metrics.jsonl grows a line per step, so a killed run keeps its curve up to the crash.
  const metricsPath = join(dir, "metrics.jsonl");
  writeFileAtomic(metricsPath, history.map((r) => `${JSON.stringify(r)}\n`).join(""));
  const started = performance.now();
  const onStep = (r: StepReport) => {
    appendFileSync(metricsPath, `${JSON.stringify(r)}\n`);
    events.onStep?.(r, options.steps, options.batch);
  };
  const reports =
    nproc > 1
      ? await trainDistributedRun()
      : await trainClosing(engine, () =>
          train(executor, settings, data, {
            ...options,
            ...(rollouts ? { evaluate: rollouts.evaluate, afterStep: rollouts.afterStep } : {}),
            ...(resume ? { resume } : {}),
            ...(engine ? { engine } : profiled ? { engine: profiled } : {}),
            checkpointEvery: request.checkpointEvery ?? (typeof settings["checkpoint_every"] === "number" ? settings["checkpoint_every"] : options.evalEvery),
            onStep,
            onBest: async (r) => {
              await mirror();
              await saveCheckpoint(executor, join(dir, "best.safetensors"), { ...metadata, step: String(r.step), metrics: JSON.stringify(r.metrics ?? {}) });
            },
            onCheckpoint: async (state) => {
              await mirror();
              const trainerState = await state.trainer!.optimizerState();
              await saveCheckpoint(
                executor,
                checkpointPath,
                {
                  ...metadata,
                  step: String(state.step),
                  since_best: String(state.sinceBest),
                  ...(state.best !== undefined ? { best: String(state.best) } : {}),
                },
                trainerState,
              );
            },
            ...(previous ? { beforeFirstStep: (trainer: StepEngine) => trainer.restoreOptimizerState(optimizerStateOf(checkpointPath)) } : {}),
          }),
        );
  async function trainDistributedRun(): Promise<StepReport[]> {
    const reports = await trainDistributed(
      executor,
      settings,
      data,
      { ...options, onStep },
      { source: request.file, folder: join(dir, "torch"), nproc, device: request.torch?.device ?? "cpu", threads: request.torch?.threads ?? 0 },
    );
    const last = reports.at(-1);
    await saveCheckpoint(executor, checkpointPath, { ...metadata, nproc: String(nproc), step: String(last?.step ?? 0), since_best: "0" });
    await saveCheckpoint(executor, join(dir, "best.safetensors"), {
      ...metadata,
      nproc: String(nproc),
      step: String(last?.step ?? 0),
      metrics: JSON.stringify(last?.metrics ?? {}),
    });
    return reports;
  }
  const all = [...history, ...reports];
  const seconds = (performance.now() - started) / 1000;
  executor.dispose();
  rollouts?.dispose();
  const first = all.find((r) => r.metrics);
  const last = [...all].reverse().find((r) => r.metrics);
  const summary: TrainRunSummary = {
    model: plan.model,
    backend,
    seed,
    steps: all.length,
    batch: options.batch,
    seconds: Number(seconds.toFixed(2)),
    examplesPerSecond: Math.round((reports.length * options.batch) / seconds),
    loss: { first: all[0]?.loss ?? null, last: all[all.length - 1]?.loss ?? null },
    metrics: last?.metrics ?? {},
    firstEvaluation: first && first !== last ? { step: first.step, metrics: first.metrics } : null,
    ...(data.skipped.count ? { skippedRows: data.skipped.count } : {}),
    runDirectory: dir,
  };
  writeFileAtomic(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return { reports: all, summary, skipped: data.skipped };
}

/** The environment a run that learns by rollouts was given by its caller. */
function environmentOf(request: TrainRunRequest): Plan {
  if (!request.environment) throw new TrainingError(`model ${request.plan.model} learns by rollouts, but the run was given no environment plan`);
  return request.environment.plan;
}

/** Whether `dir` holds a run worth keeping: steps recorded, a checkpoint or a summary. */
function holdsRun(dir: string): boolean {
  const nonEmpty = (name: string) => existsSync(join(dir, name)) && statSync(join(dir, name)).size > 0;
  return ["metrics.jsonl", "checkpoint.safetensors", "best.safetensors", "summary.json"].some(nonEmpty);
}

/**
 * Where a run goes, never over an earlier run: `--resume DIR` continues DIR; `--out DIR` is
 * refused when DIR holds a run unless `--overwrite`, or when it is a file; by default
 * runs/<model>-<seed>, or the first of runs/<model>-<seed>-2, -3, … that holds no run.
 */
export function chooseRunDirectory(
  cwd: string,
  model: string,
  seed: number,
  resumeDir: string | undefined,
  out: string | undefined,
  overwrite: boolean,
): { path: string } | { error: string } {
  if (resumeDir) return { path: resolve(cwd, resumeDir) };
  if (out) {
    const path = resolve(cwd, out);
    if (existsSync(path) && !statSync(path).isDirectory()) return { error: `--out ${out} is a file, not a run directory` };
    if (holdsRun(path) && !overwrite)
      return { error: `${out} holds an earlier run (its metrics and checkpoints); pass --overwrite to replace it, or choose another --out` };
    return creatable(path, `--out ${out.length > 80 ? `${out.slice(0, 77)}…` : out}`);
  }
  const base = resolve(cwd, join("runs", `${fileNameFor(model)}-${seed}`));
  for (let n = 1; ; n++) {
    const path = n === 1 ? base : `${base}-${n}`;
    if (existsSync(path) && !statSync(path).isDirectory()) continue;
    if (!holdsRun(path)) return creatable(path, relative(cwd, path) || path);
  }
}

/** Creates the run directory now, so a path that cannot be one is a message, not a crash later. */
function creatable(path: string, shown: string): { path: string } | { error: string } {
  try {
    mkdirSync(path, { recursive: true });
    return { path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENAMETOOLONG"
        ? "a name in the path is too long"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : code === "ENOTDIR" || code === "EEXIST"
            ? "a part of the path is a file"
            : (error as Error).message;
    return { error: `cannot create the run directory ${shown}: ${why}` };
  }
}

/**
 * The training state a checkpoint's metadata records, validated before anything is read or
 * rewritten: a step that is not a whole number within the run (`1e99` made resume loop, `abc`
 * emptied metrics.jsonl), a negative count or a non-finite best is a damaged checkpoint.
 */
function resumeState(stored: Record<string, string>, steps: number, path: string): TrainState {
  const whole = (key: string, max: number) => {
    const text = stored[key] ?? "0";
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > max) {
      throw new CheckpointError(
        `${path} is damaged: its metadata's \`${key}\` is \`${text}\`, not a whole number from 0 to ${max}; start a new run instead of resuming`,
      );
    }
    return n;
  };
  const step = whole("step", steps);
  const sinceBest = whole("since_best", step);
  const bestText = stored["best"];
  const best = bestText === undefined ? undefined : Number(bestText);
  if (best !== undefined && (bestText!.trim() === "" || !Number.isFinite(best))) {
    throw new CheckpointError(`${path} is damaged: its metadata's \`best\` is \`${bestText}\`, not a finite number; start a new run instead of resuming`);
  }
  return { step, sinceBest, ...(best !== undefined ? { best } : {}) };
}

/** A run directory's resolved.json; undefined when the folder holds no resumable run. */
export function readResolved(dir: string): ResolvedRun | undefined {
  try {
    const run = JSON.parse(readFileSync(join(dir, "resolved.json"), "utf8")) as ResolvedRun;
    if (typeof run.file !== "string" || typeof run.seed !== "number" || !existsSync(join(dir, "checkpoint.safetensors"))) return undefined;
    return run;
  } catch {
    return undefined;
  }
}

function readHistory(path: string): StepReport[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as StepReport];
      } catch {
        return []; // A line cut short by a crash.
      }
    });
}

/** The tfjs trainer under the profiler for steps 3–7 (or every step of a shorter run). */
function profilingEngine(
  executor: Executor,
  settings: PlanSettings,
  options: { steps: number; seed: number },
  dir: string,
  events: TrainRunEvents,
): StepEngine {
  return new ProfilingEngine(new Trainer(executor, settings, options.steps, options.seed), executor, profileWindow(options.steps), (profile) => {
    writeFileAtomic(join(dir, "profile.json"), `${JSON.stringify(profile, null, 2)}\n`);
    events.log(`${renderProfile(profile)}\n(written to ${join(dir, "profile.json")})\n`);
  });
}
