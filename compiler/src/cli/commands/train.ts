// `rec train FILE`: compile, pick a backend, train on the model's data with a progress bar (on
// a terminal) or plain lines, print a table of metrics, and keep a run directory: the plan,
// metrics.jsonl and summary.json, each written atomically.

import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { compileFiles } from "../../driver.js";
import { formatPlan } from "../../lower/format-plan.js";
import { constValue, printDim } from "../../semantics/dims.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { useBackend, type BackendName } from "../../../../runtime/src/backends.js";
import { dataSourceFor } from "../../../../runtime/src/data/sources.js";
import { Executor } from "../../../../runtime/src/executor.js";
import { train, trainOptionsFrom, type StepReport } from "../../../../runtime/src/train/trainer.js";
import { loadWeightsFrom, saveCheckpoint } from "../../../../runtime/src/checkpoint/checkpoint.js";
import { isUserError } from "./user-errors.js";
import { EXIT } from "../io.js";
import { type Command, overridesFrom, reportProblems } from "./shared.js";

export const trainCommand: Command = async (args, io) => {
  if (args.positionals.length !== 1) {
    io.stderr("error: `rec train` takes exactly one file\n");
    return EXIT.usage;
  }
  const integer = (name: string): number | undefined | null => {
    const raw = args.options.get(name) as string | undefined;
    if (raw === undefined) return undefined;
    return /^\d+$/.test(raw) ? Number(raw) : null;
  };
  const [seed, steps, batch] = [integer("seed") ?? 0, integer("steps"), integer("batch")];
  if (seed === null || steps === null || batch === null) {
    io.stderr("error: --seed, --steps and --batch take whole numbers\n");
    return EXIT.usage;
  }
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const result = compileFiles(args.positionals, { overrides });
  const stop = reportProblems(result, args, io);
  if (stop !== undefined) return stop;
  const wanted = args.options.get("model") as string | undefined;
  const plan = wanted ? result.plans.find((p) => p.model === wanted) : result.plans[0];
  if (!plan) {
    io.stderr(wanted ? `error: no model \`${wanted}\`; the file has ${result.plans.map((p) => p.model).join(", ")}\n` : "error: the file declares no model\n");
    return EXIT.usage;
  }
  const settings = plan.train[0]?.settings ?? {};
  try {
    const backend = await useBackend(args.options.get("backend") as BackendName);
    const options = trainOptionsFrom(settings, { seed, ...(steps !== undefined ? { steps } : {}), ...(batch !== undefined ? { batch } : {}) });
    const data = dataSourceFor(plan, settings["data"] as string | undefined, seed, 0);
    const evalData = dataSourceFor(plan, settings["data"] as string | undefined, seed, 500_000);
    const dir = join(io.cwd, (args.options.get("out") as string | undefined) ?? join("runs", `${plan.model}-${seed}`));
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, "plan.json"), formatPlan(plan));
    // The resolved spec: every param after defaults and --set overrides, and the train settings.
    const model = result.models.find((m) => m.name === plan.model);
    const params = Object.fromEntries([...(model?.params ?? new Map())].map(([k, v]) => [k, v.kind === "int" ? (constValue(v.dim) ?? printDim(v.dim)) : v.kind === "float" || v.kind === "bool" || v.kind === "string" ? v.value : v.kind]));
    writeFileAtomic(join(dir, "resolved.json"), `${JSON.stringify({ model: plan.model, file: args.positionals[0], params, overrides: Object.fromEntries(overrides), train: plan.train }, null, 2)}\n`);
    io.stderr(`training ${plan.model} on ${backend}: ${options.steps} steps of ${options.batch} examples, seed ${seed}\n`);
    const executor = new Executor(plan, seed);
    // `init { from = "runs/pre/checkpoint.safetensors", prefix = "item_table" }`: start from
    // another model's weights (multi-stage training); `freeze` then keeps them fixed.
    const init = settings["init"] as Record<string, unknown> | undefined;
    if (init && typeof init["from"] === "string") {
      const loaded = loadWeightsFrom(executor, join(io.cwd, init["from"]), String(init["prefix"] ?? ""), String(init["rename"] ?? init["prefix"] ?? ""));
      io.stderr(`loaded ${loaded.length} weights from ${init["from"]}\n`);
    }
    const started = performance.now();
    const progress = progressPrinter(io, options.steps, options.batch, started);
    const metadata = { seed: String(seed), backend };
    const reports = await train(executor, settings, data, evalData, {
      ...options,
      onStep: progress,
      onBest: (r) => saveCheckpoint(executor, join(dir, "best.safetensors"), { ...metadata, step: String(r.step), metrics: JSON.stringify(r.metrics ?? {}) }),
    });
    const finalStep = reports[reports.length - 1]?.step ?? 0;
    await saveCheckpoint(executor, join(dir, "checkpoint.safetensors"), { ...metadata, step: String(finalStep) });
    const seconds = (performance.now() - started) / 1000;
    executor.dispose();
    writeFileAtomic(join(dir, "metrics.jsonl"), reports.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const first = reports.find((r) => r.metrics);
    const last = [...reports].reverse().find((r) => r.metrics);
    const summary = {
      model: plan.model,
      backend,
      seed,
      steps: reports.length,
      batch: options.batch,
      seconds: Number(seconds.toFixed(2)),
      examplesPerSecond: Math.round((options.steps * options.batch) / seconds),
      loss: { first: reports[0]?.loss ?? null, last: reports[reports.length - 1]?.loss ?? null },
      metrics: last?.metrics ?? {},
      firstEvaluation: first && first !== last ? { step: first.step, metrics: first.metrics } : null,
      runDirectory: dir,
    };
    writeFileAtomic(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    if (args.options.get("json")) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else io.stdout(metricsTable(reports, summary.examplesPerSecond, seconds, relative(io.cwd, dir) || "."));
    return EXIT.ok;
  } catch (error) {
    if (isUserError(error)) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT.errors;
    }
    throw error;
  }
};

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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(header), line(widths.map((w) => "─".repeat(w))), ...rows.map(line), "", `${Math.round(rate)} examples/s, ${seconds.toFixed(1)} s; run directory: ${dir}`, ""].join("\n");
}
