// `rec train FILE`: parse the options, compile, and hand the run to runs/train-run.ts (which
// chooses a folder holding no earlier run, and keeps the run directory: the plan, the resolved
// spec, metrics.jsonl, vocabularies, resumable checkpoints and summary.json); print a progress
// bar (on a terminal) or plain lines, then a table of metrics. `--resume DIR` continues a run.

import { dirname, join, relative, resolve } from "node:path";
import { compileFiles } from "../../app/compile.js";
import type { BackendName } from "../../runtime/src/tfjs/backends.js";
import type { StepReport } from "../../runtime/src/tfjs/train/trainer.js";
import { initSettingsOf } from "../../runtime/src/checkpoint/checkpoint.js";
import { TrainingError } from "../../runtime/src/tfjs/train/trainer.js";
import { environmentPlanOf } from "../../app/rollout-run.js";
import { chooseRunDirectory, readResolved, trainRun } from "../../app/train-run.js";
import { renderTable } from "../table.js";
import { reportingUserErrors } from "./user-errors.js";
import { reportAfterRun } from "./report.js";
import { EXIT } from "../io.js";
import { type Command, overridesFrom, reportProblems, inCwd } from "./shared.js";

export const trainCommand: Command = async (args, io) => {
  const resumeDir = args.options.get("resume") as string | undefined;
  const previous = resumeDir ? readResolved(resolve(io.cwd, resumeDir)) : undefined;
  if (resumeDir && !previous) {
    io.stderr(
      `error: ${resumeDir} is not a run directory with a checkpoint to resume (it needs ` +
        `resolved.json and checkpoint.safetensors written by \`rec train\`)\n`,
    );
    return EXIT.usage;
  }
  const files = (previous ? [previous.file] : args.positionals).map((p) => inCwd(io, p));
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
  const overrides = previous
    ? overridesFrom({ ...args, options: new Map([...args.options, ["set", Object.entries(previous.overrides).map(([k, v]) => `${k}=${v}`)]]) }, io)
    : overridesFrom(args, io);
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
  const backend = args.options.get("backend") as BackendName | "torch";
  const threads = args.options.has("threads") ? Number(args.options.get("threads")) : 0;
  const nproc = args.options.has("nproc") ? Number(args.options.get("nproc")) : 1;
  if (!Number.isInteger(nproc) || nproc < 1 || (nproc > 1 && backend !== "torch")) {
    io.stderr(`error: --nproc takes a whole number of processes, with --backend torch\n`);
    return EXIT.usage;
  }
  if (!Number.isInteger(threads) || threads < 0) {
    io.stderr(`error: --threads takes a whole number, not \`${String(args.options.get("threads"))}\`\n`);
    return EXIT.usage;
  }
  const model = result.models.find((m) => m.name === plan.model);
  const dir = chooseRunDirectory(io.cwd, plan.model, seed, resumeDir, args.options.get("out") as string | undefined, args.options.get("overwrite") === true);
  if ("error" in dir) {
    io.stderr(`error: ${dir.error}\n`);
    return EXIT.usage;
  }
  const initModel = previous ? undefined : initSettingsOf(plan.train[0]?.settings ?? {})?.model;
  const initPlan = initModel ? result.plans.find((p) => p.model === initModel) : undefined;
  if (initModel && !initPlan) {
    io.stderr(`error: \`init { model = "${initModel}" }\` names no model of this file; it has ${result.plans.map((p) => p.model).join(", ")}\n`);
    return EXIT.usage;
  }
  return reportingUserErrors(io, async () => {
    const started = performance.now();
    const common = {
      file: relative(io.cwd, resolve(io.cwd, files[0]!)),
      baseDir: dirname(resolve(io.cwd, files[0]!)),
      cwd: io.cwd,
      seed,
      overrides,
      backend,
      torch: { device: args.options.get("device") === "cuda" ? "cuda" : "cpu", threads, nproc },
    } as const;
    // Two-stage training from one command: the model `init` names trains first (its own train
    // block, the same seed) into a folder of this run, and this run starts from its checkpoint.
    // A model that learns by rollouts also needs its environment's frozen models: the model the
    // environment's `init` names trains first in the same way (once, when both name one model).
    const environmentPlan = environmentPlanOf(plan, result.plans);
    const environmentInit = environmentPlan ? initSettingsOf(environmentPlan.train[0]?.settings ?? {})?.model : undefined;
    const stages = [...new Set([initPlan?.model, environmentInit].filter((m): m is string => m !== undefined))];
    const checkpoints = new Map<string, string>();
    for (const [i, name] of stages.entries()) {
      const stagePlan = result.plans.find((p) => p.model === name);
      if (!stagePlan)
        throw new TrainingError(`\`init { model = "${name}" }\` names no model of this file; it has ${result.plans.map((p) => p.model).join(", ")}`);
      const stageDir = join(dir.path, `init-${name}`);
      io.stderr(`stage ${i + 1}: ${name}, whose weights ${name === initPlan?.model ? plan.model : `the environment ${environmentPlan!.model}`} starts from\n`);
      await trainRun({ ...common, plan: stagePlan, dir: stageDir }, { log: (line) => io.stderr(line), onStep: progressPrinter(io, started) });
      checkpoints.set(name, join(stageDir, "checkpoint.safetensors"));
    }
    if (stages.length) io.stderr(`stage ${stages.length + 1}: ${plan.model}\n`);
    const initFrom = initPlan ? checkpoints.get(initPlan.model) : undefined;
    const { reports, summary, skipped } = await trainRun(
      {
        ...(initFrom ? { initFrom } : {}),
        plan,
        ...(model ? { model } : {}),
        file: relative(io.cwd, resolve(io.cwd, files[0]!)),
        baseDir: dirname(resolve(io.cwd, files[0]!)),
        dir: dir.path,
        cwd: io.cwd,
        seed,
        overrides,
        backend,
        torch: { device: args.options.get("device") === "cuda" ? "cuda" : "cpu", threads, nproc },
        ...(steps !== undefined ? { steps } : {}),
        ...(batch !== undefined ? { batch } : {}),
        ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
        ...(args.options.get("profile") === true ? { profile: true } : {}),
        skipBadRows: args.options.get("skip-bad-rows") === true,
        ...(previous ? { previous } : {}),
        ...(environmentPlan ? { environment: { plan: environmentPlan, ...(environmentInit ? { initFrom: checkpoints.get(environmentInit)! } : {}) } } : {}),
      },
      { log: (line) => io.stderr(line), onStep: progressPrinter(io, started) },
    );
    if (skipped.count)
      io.stderr(`skipped ${skipped.count} bad row${skipped.count === 1 ? "" : "s"} (--skip-bad-rows), the first:\n  ${skipped.examples.join("\n  ")}\n`);
    await reportAfterRun(dir.path, io.cwd, (line) => io.stderr(line));
    if (args.options.get("json")) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else io.stdout(metricsTable(reports, summary.examplesPerSecond, summary.seconds, relative(io.cwd, summary.runDirectory) || "."));
    return EXIT.ok;
  });
};

/** A progress bar on a terminal; otherwise a plain line at each evaluation and every tenth. */
function progressPrinter(io: Parameters<Command>[1], started: number) {
  return (r: StepReport, steps: number, batch: number) => {
    const every = Math.max(1, Math.round(steps / 10));
    const elapsed = (performance.now() - started) / 1000;
    const rate = (r.step * batch) / elapsed;
    const eta = ((steps - r.step) * batch) / rate;
    const metrics = r.metrics
      ? `${r.epoch ? `  epoch ${r.epoch}` : ""}  ${Object.entries(r.metrics)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join("  ")}`
      : "";
    if (io.isTTY) {
      const width = 24;
      const filled = Math.round((r.step / steps) * width);
      io.stderr(
        `\r[${"█".repeat(filled)}${" ".repeat(width - filled)}] step ${r.step}/${steps}  loss ` +
          `${r.loss.toFixed(4)}  ${Math.round(rate)} ex/s  ETA ` +
          `${eta.toFixed(0)}s${metrics ? "\n" : ""}${metrics}`,
      );
      if (r.step === steps) io.stderr("\n");
    } else if (r.metrics || r.step % every === 0) {
      io.stderr(`step ${r.step}/${steps}  loss ${r.loss.toFixed(4)}  ${Math.round(rate)} ex/s  ETA ${eta.toFixed(0)}s${metrics}\n`);
    }
  };
}

function metricsTable(reports: readonly StepReport[], rate: number, seconds: number, dir: string): string {
  const evaluated = reports.filter((r) => r.metrics);
  const names = [...new Set(evaluated.flatMap((r) => Object.keys(r.metrics!)))];
  const epochs = evaluated.some((r) => r.epoch !== undefined);
  const header = [...(epochs ? ["epoch"] : []), "step", "loss", ...names];
  const rows = evaluated.map((r) => [
    ...(epochs ? [r.epoch === undefined ? "" : String(r.epoch)] : []),
    String(r.step),
    r.loss.toFixed(4),
    ...names.map((n) => r.metrics![n]?.toFixed(4) ?? ""),
  ]);
  return [
    ...renderTable(header, rows, { align: "right", rule: true }),
    "",
    `${Math.round(rate)} examples/s, ${seconds.toFixed(1)} s; run directory: ${dir}`,
    "",
  ].join("\n");
}
