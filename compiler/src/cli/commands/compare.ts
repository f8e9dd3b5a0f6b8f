// `rec compare FILE [--experiment NAME] [--steps N] [--seeds 1,2,3] [--backend B] [--json]`:
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
// }

import { renderTable } from "../table.js";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type * as A from "../../syntax/ast.js";
import { compileFiles } from "../../driver.js";
import { parseSource } from "../../syntax/parse-source.js";
import { printExpr } from "../../syntax/printer.js";
import { SourceFile } from "../../source/source-file.js";
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
import { EXIT } from "../io.js";
import { type Command, overridesFrom, reportProblems } from "./shared.js";

/** One arm of an experiment: a model, with param overrides for a variant. */
export interface ExperimentArm {
  readonly label: string;
  readonly model: string;
  /** Param overrides as `--set` would take them (name → source text). */
  readonly overrides: ReadonlyMap<string, string>;
}

/** An experiment's settings, read from its declaration. */
export interface ExperimentPlan {
  readonly name: string;
  readonly arms: readonly ExperimentArm[];
  /** The arms' labels, in order. */
  readonly models: readonly string[];
  readonly baseline: string;
  readonly seeds: readonly number[];
  readonly report: readonly string[];
  readonly steps?: number;
  readonly paper: Readonly<Record<string, string>>;
}

export interface ComparisonRow {
  readonly metric: string;
  readonly byModel: Readonly<Record<string, { readonly mean: number; readonly std: number; readonly values: readonly number[] }>>;
  /** Relative gain of each model's mean over the baseline's. */
  readonly gain: Readonly<Record<string, number>>;
  readonly paper?: string;
}

/** Reads `experiment` declarations from a file's syntax tree (names were checked by the resolver). */
export function experimentsOf(ast: A.File): ExperimentPlan[] {
  const names = (e: A.Expr | A.SettingsBlock | undefined) => (e?.kind === "ListExpr" ? e.elements.flatMap((x) => (x.kind === "Ident" ? [x.name] : x.kind === "StringLit" ? [x.value] : [])) : []);
  const numbers = (e: A.Expr | A.SettingsBlock | undefined) => (e?.kind === "ListExpr" ? e.elements.flatMap((x) => (x.kind === "NumberLit" ? [x.value] : [])) : []);
  return ast.decls.flatMap((d) => {
    if (d.kind !== "ExperimentDecl" || d.name.kind !== "Ident") return [];
    const get = (key: string) => d.settings.find((s) => s.name.name === key)?.value;
    const single = get("model");
    const variants = get("variants");
    const arms: ExperimentArm[] =
      single?.kind === "Ident" && variants?.kind === "SettingsBlock"
        ? variants.settings.map((v) => ({
            label: v.name.name,
            model: single.name,
            overrides: new Map(v.value.kind === "SettingsBlock" ? v.value.settings.flatMap((o) => (o.value.kind === "SettingsBlock" ? [] : [[o.name.name, printExpr(o.value)] as const])) : []),
          }))
        : names(get("models")).map((m) => ({ label: m, model: m, overrides: new Map<string, string>() }));
    const models = arms.map((a) => a.label);
    const baseline = get("baseline");
    const steps = get("steps");
    const paper = get("paper");
    return [
      {
        name: d.name.name,
        arms,
        models,
        baseline: baseline?.kind === "Ident" ? baseline.name : models[0] ?? "",
        seeds: numbers(get("seeds")).length ? numbers(get("seeds")) : [1, 2, 3],
        report: names(get("report")),
        ...(steps?.kind === "NumberLit" ? { steps: steps.value } : {}),
        paper: paper?.kind === "SettingsBlock" ? Object.fromEntries(paper.settings.flatMap((s) => (s.value.kind === "StringLit" ? [[s.name.name, s.value.value]] : []))) : {},
      },
    ];
  });
}

export function summarize(experiment: ExperimentPlan, results: ReadonlyMap<string, Record<string, number>[]>): ComparisonRow[] {
  return experiment.report.map((metric) => {
    const byModel = Object.fromEntries(
      experiment.models.map((m) => {
        const values = (results.get(m) ?? []).map((r) => r[metric] ?? Number.NaN);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        // The sample standard deviation over seeds (0 for one seed).
        const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
        return [m, { mean, std, values }];
      }),
    );
    const base = byModel[experiment.baseline]?.mean ?? Number.NaN;
    const gain = Object.fromEntries(experiment.models.map((m) => [m, (byModel[m]!.mean - base) / Math.abs(base)]));
    return { metric, byModel, gain, ...(experiment.paper[metric] ? { paper: experiment.paper[metric] } : {}) };
  });
}

export function formatComparison(
  experiment: ExperimentPlan,
  rows: readonly ComparisonRow[],
  parameters: Readonly<Record<string, number>>,
  costs: { readonly flopsPerExample?: Readonly<Record<string, string>>; readonly predictMsPerBatch?: Readonly<Record<string, number>> } = {},
): string {
  const others = experiment.models.filter((m) => m !== experiment.baseline);
  const header = ["metric", ...experiment.models.map((m) => `${m}${m === experiment.baseline ? " (baseline)" : ""}`), ...others.map((m) => `gain ${m}`), "paper"];
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}%`;
  const body = rows.map((r) => [r.metric, ...experiment.models.map((m) => `${r.byModel[m]!.mean.toFixed(4)} ± ${r.byModel[m]!.std.toFixed(4)}`), ...others.map((m) => pct(r.gain[m]!)), r.paper ?? ""]);
  const params = ["parameters", ...experiment.models.map((m) => (parameters[m] ?? 0).toLocaleString("en-US")), ...others.map(() => ""), ""];
  const extra = [
    ...(costs.flopsPerExample ? [["forward FLOPs / example", ...experiment.models.map((m) => costs.flopsPerExample![m] ?? ""), ...others.map(() => ""), ""]] : []),
    ...(costs.predictMsPerBatch ? [["predict ms / batch", ...experiment.models.map((m) => costs.predictMsPerBatch![m]?.toFixed(1) ?? ""), ...others.map(() => ""), ""]] : []),
  ];
  return [
    `${experiment.name}: mean ± standard deviation over seeds ${experiment.seeds.join(", ")}`,
    ...renderTable(header, [...body, params, ...extra], { rule: true }),
    "",
  ].join("\n");
}

/** For each evaluation step, each reported metric's mean over seeds per arm. */
export function learningCurves(experiment: ExperimentPlan, curves: ReadonlyMap<string, ReadonlyMap<number, Record<string, number>[]>>) {
  const steps = [...new Set([...curves.values()].flatMap((c) => [...c.keys()]))].sort((a, b) => a - b);
  return steps.map((step) => ({
    step,
    means: Object.fromEntries(
      experiment.models.map((m) => {
        const runs = curves.get(m)?.get(step) ?? [];
        return [m, Object.fromEntries(experiment.report.map((metric) => [metric, runs.reduce((a, r) => a + (r[metric] ?? Number.NaN), 0) / runs.length]))];
      }),
    ) as Record<string, Record<string, number>>,
  }));
}

function formatCurves(experiment: ExperimentPlan, rows: ReturnType<typeof learningCurves>): string {
  if (rows.length < 2) return "";
  // The last reported metric is the one the claim is about (the deepest, the hardest).
  const metric = experiment.report[experiment.report.length - 1]!;
  const header = ["step", ...experiment.models];
  const body = rows.map((r) => [String(r.step), ...experiment.models.map((m) => r.means[m]![metric]!.toFixed(4))]);
  return [`\n${metric} during training (mean over seeds)`, ...renderTable(header, body), ""].join("\n");
}

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
  const experiments = experimentsOf(parseSource(new SourceFile(path, readFileSync(path, "utf8"))).ast);
  const wanted = args.options.get("experiment") as string | undefined;
  const chosen = wanted ? experiments.find((e) => e.name === wanted) : experiments[0];
  if (!chosen) {
    io.stderr(wanted ? `error: no experiment \`${wanted}\`; the file has ${experiments.map((e) => e.name).join(", ") || "none"}\n` : "error: the file declares no `experiment`\n");
    return EXIT.usage;
  }
  const seedsOption = args.options.get("seeds") as string | undefined;
  const stepsOption = args.options.get("steps") as string | undefined;
  const batchOption = args.options.get("batch") as string | undefined;
  if ((seedsOption && !/^\d+(,\d+)*$/.test(seedsOption)) || (stepsOption && !/^\d+$/.test(stepsOption)) || (batchOption && !/^\d+$/.test(batchOption))) {
    io.stderr("error: --seeds takes whole numbers separated by commas (1,2,3); --steps and --batch a whole number\n");
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
    for (const model of experiment.models) {
      const plan = plans.get(model)!;
      const settings = plan.train[0]?.settings ?? {};
      for (const seed of experiment.seeds) {
        const options = trainOptionsFrom(settings, { seed, ...(experiment.steps ? { steps: experiment.steps } : {}), ...(batchOption ? { batch: Number(batchOption) } : {}) });
        const data = await openDataSet(plan, settings["data"] as string | undefined, { seed, baseDir: dirname(path) });
        const executor = new Executor(plan, seed);
        const reports = await train(executor, settings, data, options);
        if (seed === experiment.seeds[0]) serveTimes.set(model, await predictMilliseconds(executor, data.heldOut(), options.batch));
        executor.dispose();
        const final = [...reports].reverse().find((r) => r.metrics)?.metrics ?? {};
        const curve = curves.get(model) ?? curves.set(model, new Map()).get(model)!;
        for (const r of reports) if (r.metrics) (curve.get(r.step) ?? curve.set(r.step, []).get(r.step)!).push(r.metrics);
        (results.get(model) ?? results.set(model, []).get(model)!).push(final);
        io.stderr(`  ${model} seed ${seed}: ${experiment.report.map((m) => `${m} ${final[m]?.toFixed(4) ?? "—"}`).join("  ")}\n`);
      }
    }
    const rows = summarize(experiment, results);
    const parameters = Object.fromEntries(experiment.models.map((m) => [m, parameterCount(plans.get(m)!)]));
    const costs = { flopsPerExample: Object.fromEntries(flops), predictMsPerBatch: Object.fromEntries(serveTimes) };
    const dir = join(io.cwd, "runs", experiment.name);
    mkdirSync(dir, { recursive: true });
    const curveRows = learningCurves(experiment, curves);
    const record = { experiment: experiment.name, backend, seeds: experiment.seeds, steps: experiment.steps ?? null, baseline: experiment.baseline, parameters, ...costs, rows, curves: curveRows };
    writeFileAtomic(join(dir, "results.json"), `${JSON.stringify(record, null, 2)}\n`);
    io.stdout(args.options.get("json") ? `${JSON.stringify(record, null, 2)}\n` : formatComparison(experiment, rows, parameters, costs) + formatCurves(experiment, curveRows));
    return EXIT.ok;
  });
};
