// The report of `rec compare`: the summarized seeds (runs/experiment-summary.ts) as a table with
// the paper's numbers, parameters, FLOPs and serving time beside them, and the learning curves.
// In: the rows and curves of results.json. Out: text.

import { renderTable } from "../table.js";
import type { ExperimentPlan } from "../../compiler/src/semantics/experiment-decl.js";
import type { CurveRow, SummaryRow } from "../../app/experiment-summary.js";

export function formatComparison(
  experiment: ExperimentPlan,
  rows: readonly SummaryRow[],
  parameters: Readonly<Record<string, number>>,
  costs: { readonly flopsPerExample?: Readonly<Record<string, string>>; readonly predictMsPerBatch?: Readonly<Record<string, number>> } = {},
): string {
  const others = experiment.models.filter((m) => m !== experiment.baseline);
  const header = [
    "metric",
    ...experiment.models.map((m) => `${m}${m === experiment.baseline ? " (baseline)" : ""}`),
    ...others.map((m) => `gain ${m}`),
    "paper",
  ];
  // No relative gain over a baseline mean of 0 (such as the reference's on its hard subset).
  const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}%` : "—");
  // An arm whose model lacks the metric (a pre-training arm beside rankers) shows a dash.
  const cell = (x: { mean: number; std: number }) => (Number.isFinite(x.mean) ? `${x.mean.toFixed(4)} ± ${x.std.toFixed(4)}` : "—");
  const body = rows.map((r) => [r.metric, ...experiment.models.map((m) => cell(r.byModel[m]!)), ...others.map((m) => pct(r.gain[m]!)), r.paper ?? ""]);
  const params = ["parameters", ...experiment.models.map((m) => (parameters[m] ?? 0).toLocaleString("en-US")), ...others.map(() => ""), ""];
  const extra = [
    ...(costs.flopsPerExample
      ? [["forward FLOPs / example", ...experiment.models.map((m) => costs.flopsPerExample![m] ?? ""), ...others.map(() => ""), ""]]
      : []),
    ...(costs.predictMsPerBatch
      ? [["predict ms / batch", ...experiment.models.map((m) => costs.predictMsPerBatch![m]?.toFixed(1) ?? ""), ...others.map(() => ""), ""]]
      : []),
  ];
  return [
    `${experiment.name}: mean ± standard deviation over seeds ${experiment.seeds.join(", ")}`,
    ...renderTable(header, [...body, params, ...extra], { rule: true }),
    "",
  ].join("\n");
}

export function formatCurves(experiment: ExperimentPlan, rows: readonly CurveRow[]): string {
  if (rows.length < 2) return "";
  // The last reported metric is the one the claim is about (the deepest, the hardest).
  const metric = experiment.report[experiment.report.length - 1]!;
  const header = ["step", ...experiment.models];
  const body = rows.map((r) => [
    String(r.step),
    ...experiment.models.map((m) => (Number.isFinite(r.means[m]![metric]) ? r.means[m]![metric]!.toFixed(4) : "—")),
  ]);
  return [`\n${metric} during training (mean over seeds)`, ...renderTable(header, body), ""].join("\n");
}
