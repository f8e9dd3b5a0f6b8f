// The report of `rec compare`: seeds summarized per arm and metric (mean, sample standard
// deviation, relative gain over the baseline), the table printed with the paper's numbers,
// parameters, FLOPs and serving time beside them, and the learning curves. In: each arm's final
// metrics per seed and every evaluation's metrics. Out: rows (for results.json) and text.

import { renderTable } from "../table.js";
import type { ExperimentPlan } from "../../semantics/experiment-decl.js";

export interface ComparisonRow {
  readonly metric: string;
  readonly byModel: Readonly<Record<string, { readonly mean: number; readonly std: number; readonly values: readonly number[] }>>;
  /** Relative gain of each model's mean over the baseline's. */
  readonly gain: Readonly<Record<string, number>>;
  readonly paper?: string;
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
  // No relative gain over a baseline mean of 0 (such as the reference's on its hard subset).
  const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}%` : "—");
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

export function formatCurves(experiment: ExperimentPlan, rows: ReturnType<typeof learningCurves>): string {
  if (rows.length < 2) return "";
  // The last reported metric is the one the claim is about (the deepest, the hardest).
  const metric = experiment.report[experiment.report.length - 1]!;
  const header = ["step", ...experiment.models];
  const body = rows.map((r) => [String(r.step), ...experiment.models.map((m) => r.means[m]![metric]!.toFixed(4))]);
  return [`\n${metric} during training (mean over seeds)`, ...renderTable(header, body), ""].join("\n");
}

