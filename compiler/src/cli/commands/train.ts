// `rec train FILE`: compile, pick a backend, train on the model's data with a progress bar (on
// a terminal) or plain lines, print a table of metrics, and keep a run directory: the plan,
// the resolved spec, metrics.jsonl (a line per step), vocabularies, resumable checkpoints and
// summary.json. `--resume DIR` continues such a run from its last checkpoint.

import { renderTable } from "../table.js";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { compileFiles } from "../../driver.js";
import { formatPlan } from "../../lower/format-plan.js";
import { constValue, printDim } from "../../types/dims.js";
import { writeFileAtomic } from "../../../../runtime/src/atomic-write.js";
import { useBackend, type BackendName } from "../../../../runtime/src/backends.js";
import { openDataSet } from "../../../../runtime/src/data/sources.js";
import { FileDataSet } from "../../../../runtime/src/data/file-data.js";
import { saveVocabularies } from "../../../../runtime/src/data/vocab.js";
import { CheckpointError } from "../../../../runtime/src/checkpoint/safetensors.js";
import { Executor } from "../../../../runtime/src/executor.js";
import { train, trainOptionsFrom, type StepReport, type Trainer, type TrainState } from "../../../../runtime/src/train/trainer.js";
import { loadCheckpoint, loadWeightsFrom, optimizerStateOf, planHash, saveCheckpoint } from "../../../../runtime/src/checkpoint/checkpoint.js";
import { reportingUserErrors } from "./user-errors.js";
import { EXIT } from "../io.js";
import { type Command, overridesFrom, reportProblems } from "./shared.js";

/** What a run directory's resolved.json records, enough to resume the run. */
interface ResolvedRun {
  readonly model: string;
  readonly file: string;
  readonly seed: number;
  readonly steps: number;
  readonly batch: number;
  readonly overrides: Record<string, string>;
}

export const trainCommand: Command = async (args, io) => {
  const resumeDir = args.options.get("resume") as string | undefined;
  const previous = resumeDir ? readResolved(resolve(io.cwd, resumeDir), io) : undefined;
  if (previous === null) return EXIT.usage;
  const files = previous ? [previous.file] : args.positionals;
  if (files.length !== 1) {
    io.stderr("error: `rec train` takes exactly one file (or --resume DIR)\n");
    return EXIT.usage;
  }
  const integer = (name: string): number | undefined | null => {
    const raw = args.options.get(name) as string | undefined;
    if (raw === undefined) return undefined;
    return /^\d+$/.test(raw) ? Number(raw) : null;
  };
  const [seedOption, steps, batch, checkpointEvery] = [integer("seed") ?? 0, integer("steps"), integer("batch"), integer("checkpoint-every")];
  if (seedOption === null || steps === null || batch === null || checkpointEvery === null) {
    io.stderr("error: --seed, --steps, --batch and --checkpoint-every take whole numbers\n");
    return EXIT.usage;
  }
  const seed = previous?.seed ?? seedOption;
  const overrides = previous ? overridesFrom({ ...args, options: new Map([...args.options, ["set", Object.entries(previous.overrides).map(([k, v]) => `${k}=${v}`)]]) }, io) : overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const result = compileFiles(files, { overrides });
  const stop = reportProblems(result, args, io);
  if (stop !== undefined) return stop;
  const wanted = previous?.model ?? (args.options.get("model") as string | undefined);
  const plan = wanted ? result.plans.find((p) => p.model === wanted) : result.plans[0];
  if (!plan) {
    io.stderr(wanted ? `error: no model \`${wanted}\`; the file has ${result.plans.map((p) => p.model).join(", ")}\n` : "error: the file declares no model\n");
    return EXIT.usage;
  }
  const settings = plan.train[0]?.settings ?? {};
  return reportingUserErrors(io, async () => {
    const backend = await useBackend(args.options.get("backend") as BackendName);
    const options = trainOptionsFrom(settings, {
      seed,
      ...(previous ? { steps: previous.steps, batch: previous.batch } : {}),
      ...(steps !== undefined ? { steps } : {}),
      ...(batch !== undefined ? { batch } : {}),
    });
    const dir = resolve(io.cwd, resumeDir ?? (args.options.get("out") as string | undefined) ?? join("runs", `${plan.model}-${seed}`));
    mkdirSync(dir, { recursive: true });
    const vocabPath = join(dir, "vocab.json");
    const data = await openDataSet(plan, settings["data"] as string | undefined, {
      seed,
      baseDir: dirname(resolve(io.cwd, files[0]!)),
      skipBadRows: args.options.get("skip-bad-rows") === true,
      ...(previous ? { vocabularyFile: vocabPath } : {}),
    });
    if (data instanceof FileDataSet && data.vocabularies.size) saveVocabularies(vocabPath, data.vocabularies);
    writeFileAtomic(join(dir, "plan.json"), formatPlan(plan));
    // The resolved spec: every param after defaults and --set overrides, and the train settings.
    const model = result.models.find((m) => m.name === plan.model);
    const params = Object.fromEntries([...(model?.params ?? new Map())].map(([k, v]) => [k, v.kind === "int" ? (constValue(v.dim) ?? printDim(v.dim)) : v.kind === "float" || v.kind === "bool" || v.kind === "string" ? v.value : v.kind]));
    const resolved = { model: plan.model, file: relative(io.cwd, resolve(io.cwd, files[0]!)), seed, steps: options.steps, batch: options.batch, params, overrides: Object.fromEntries(overrides), train: plan.train };
    writeFileAtomic(join(dir, "resolved.json"), `${JSON.stringify(resolved, null, 2)}\n`);
    const executor = new Executor(plan, seed);
    const metadata = { seed: String(seed), backend };
    const checkpointPath = join(dir, "checkpoint.safetensors");
    let resume: TrainState | undefined;
    let history: StepReport[] = [];
    if (previous) {
      const stored = loadCheckpoint(executor, checkpointPath);
      if (stored["plan_hash"] !== planHash(plan)) throw new CheckpointError(`${checkpointPath} was saved by another version of ${plan.model} (its plan differs); start a new run instead of resuming`);
      resume = { step: Number(stored["step"] ?? 0), sinceBest: Number(stored["since_best"] ?? 0), ...(stored["best"] ? { best: Number(stored["best"]) } : {}) };
      history = readHistory(join(dir, "metrics.jsonl")).filter((r) => r.step <= resume!.step);
      io.stderr(`resuming ${plan.model} in ${relative(io.cwd, dir) || "."} at step ${resume.step} of ${options.steps}\n`);
    } else {
      io.stderr(`training ${plan.model} on ${backend}: ${options.steps} steps of ${options.batch} examples, seed ${seed}\n`);
      // `init { from = "runs/pre/checkpoint.safetensors", prefix = "item_table" }`: start from
      // another model's weights (multi-stage training); `freeze` then keeps them fixed.
      const init = settings["init"] as Record<string, unknown> | undefined;
      if (init && typeof init["from"] === "string") {
        const loaded = loadWeightsFrom(executor, resolve(io.cwd, init["from"]), String(init["prefix"] ?? ""), String(init["rename"] ?? init["prefix"] ?? ""));
        io.stderr(`loaded ${loaded.length} weights from ${init["from"]}\n`);
      }
    }
    // metrics.jsonl grows a line per step, so a killed run keeps its curve up to the crash.
    const metricsPath = join(dir, "metrics.jsonl");
    writeFileAtomic(metricsPath, history.map((r) => `${JSON.stringify(r)}\n`).join(""));
    const started = performance.now();
    const progress = progressPrinter(io, options.steps, options.batch, started);
    const reports = await train(executor, settings, data, {
      ...options,
      ...(resume ? { resume } : {}),
      checkpointEvery: checkpointEvery ?? (typeof settings["checkpoint_every"] === "number" ? settings["checkpoint_every"] : options.evalEvery),
      onStep: (r) => {
        appendFileSync(metricsPath, `${JSON.stringify(r)}\n`);
        progress(r);
      },
      onBest: (r) => saveCheckpoint(executor, join(dir, "best.safetensors"), { ...metadata, step: String(r.step), metrics: JSON.stringify(r.metrics ?? {}) }),
      onCheckpoint: async (state) => {
        const trainerState = await state.trainer!.optimizerState();
        await saveCheckpoint(executor, checkpointPath, { ...metadata, step: String(state.step), since_best: String(state.sinceBest), ...(state.best !== undefined ? { best: String(state.best) } : {}) }, trainerState);
      },
      ...(previous ? { beforeFirstStep: (trainer: Trainer) => trainer.restoreOptimizerState(optimizerStateOf(checkpointPath)) } : {}),
    });
    const all = [...history, ...reports];
    const seconds = (performance.now() - started) / 1000;
    executor.dispose();
    const first = all.find((r) => r.metrics);
    const last = [...all].reverse().find((r) => r.metrics);
    const trainedSteps = reports.length;
    const summary = {
      model: plan.model,
      backend,
      seed,
      steps: all.length,
      batch: options.batch,
      seconds: Number(seconds.toFixed(2)),
      examplesPerSecond: Math.round((trainedSteps * options.batch) / seconds),
      loss: { first: all[0]?.loss ?? null, last: all[all.length - 1]?.loss ?? null },
      metrics: last?.metrics ?? {},
      firstEvaluation: first && first !== last ? { step: first.step, metrics: first.metrics } : null,
      ...(data.skipped.count ? { skippedRows: data.skipped.count } : {}),
      runDirectory: dir,
    };
    writeFileAtomic(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    if (data.skipped.count) io.stderr(`skipped ${data.skipped.count} bad rows (--skip-bad-rows), the first:\n  ${data.skipped.examples.join("\n  ")}\n`);
    if (args.options.get("json")) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else io.stdout(metricsTable(all, summary.examplesPerSecond, seconds, relative(io.cwd, dir) || "."));
    return EXIT.ok;
  });
};

/** A run directory's resolved.json; null (after saying why) when it cannot be resumed. */
function readResolved(dir: string, io: Parameters<Command>[1]): ResolvedRun | null {
  const path = join(dir, "resolved.json");
  try {
    const run = JSON.parse(readFileSync(path, "utf8")) as ResolvedRun;
    if (typeof run.file !== "string" || typeof run.seed !== "number" || !existsSync(join(dir, "checkpoint.safetensors"))) throw new Error("incomplete");
    return run;
  } catch {
    io.stderr(`error: ${relative(io.cwd, dir) || dir} is not a run directory with a checkpoint to resume (it needs resolved.json and checkpoint.safetensors written by \`rec train\`)\n`);
    return null;
  }
}

function readHistory(path: string): StepReport[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter((line) => line.trim()).flatMap((line) => {
    try {
      return [JSON.parse(line) as StepReport];
    } catch {
      return []; // A line cut short by a crash.
    }
  });
}

/** A progress bar on a terminal; otherwise a plain line at each evaluation and every tenth. */
function progressPrinter(io: Parameters<Command>[1], steps: number, batch: number, started: number) {
  const every = Math.max(1, Math.round(steps / 10));
  return (r: StepReport) => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = (r.step * batch) / elapsed;
    const eta = ((steps - r.step) * batch) / rate;
    const metrics = r.metrics ? `  ${Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join("  ")}` : "";
    if (io.isTTY) {
      const width = 24;
      const filled = Math.round((r.step / steps) * width);
      io.stderr(`\r[${"█".repeat(filled)}${" ".repeat(width - filled)}] step ${r.step}/${steps}  loss ${r.loss.toFixed(4)}  ${Math.round(rate)} ex/s  ETA ${eta.toFixed(0)}s${metrics ? "\n" : ""}${metrics}`);
      if (r.step === steps) io.stderr("\n");
    } else if (r.metrics || r.step % every === 0) {
      io.stderr(`step ${r.step}/${steps}  loss ${r.loss.toFixed(4)}  ${Math.round(rate)} ex/s  ETA ${eta.toFixed(0)}s${metrics}\n`);
    }
  };
}

function metricsTable(reports: readonly StepReport[], rate: number, seconds: number, dir: string): string {
  const evaluated = reports.filter((r) => r.metrics);
  const names = [...new Set(evaluated.flatMap((r) => Object.keys(r.metrics!)))];
  const header = ["step", "loss", ...names];
  const rows = evaluated.map((r) => [String(r.step), r.loss.toFixed(4), ...names.map((n) => r.metrics![n]?.toFixed(4) ?? "")]);
  return [...renderTable(header, rows, { align: "right", rule: true }), "", `${Math.round(rate)} examples/s, ${seconds.toFixed(1)} s; run directory: ${dir}`, ""].join("\n");
}
