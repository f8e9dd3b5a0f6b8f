// The report of `rec compare`: the summarized seeds (app/experiment-summary.ts) as a table with
// each arm's change over the baseline and its verdict under the significance rule, the paper's
// numbers, parameters, FLOPs and serving time beside them; each seed's values; and the learning
// curves. In: the rows and curves of results.json. Out: text.

import { renderTable } from "../table.js";
import type { ExperimentPlan } from "../../compiler/src/semantics/experiment-decl.js";
import { pairedChange, type CurveRow, type SummaryRow } from "../../app/experiment-summary.js";

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
  // The verdict is recomputed from the per-seed values, so results.json written before it was kept reads the same.
  const change = (r: SummaryRow, m: string) => {
    const base = r.byModel[experiment.baseline];
    const verdict = r.verdict?.[m] ?? (base ? pairedChange(r.byModel[m]!, base).verdict : "parity");
    return Number.isFinite(r.gain[m]) ? `${pct(r.gain[m]!)} ${verdict}` : "—";
  };
  const body = rows.map((r) => [r.metric, ...experiment.models.map((m) => cell(r.byModel[m]!)), ...others.map((m) => change(r, m)), r.paper ?? ""]);
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
    SIGNIFICANCE_RULE,
    ...perSeed(experiment, rows),
    "",
  ].join("\n");
}

const SIGNIFICANCE_RULE =
  "gain/loss: every seed moves the same way and the mean per-seed difference exceeds twice its standard error " +
  "(the arms of a seed share its world); parity: it does not (one seed is always parity)";

/** Each metric's value per arm and seed, the evidence under every verdict. */
function perSeed(experiment: ExperimentPlan, rows: readonly SummaryRow[]): string[] {
  if (experiment.seeds.length < 2) return [];
  const header = ["metric", "arm", ...experiment.seeds.map((s) => `seed ${s}`)];
  const body = rows.flatMap((r) =>
    experiment.models.map((m) => [
      r.metric,
      m,
      ...experiment.seeds.map((_, i) => (Number.isFinite(r.byModel[m]?.values[i]) ? r.byModel[m]!.values[i]!.toFixed(4) : "—")),
    ]),
  );
  return ["", "per seed:", ...renderTable(header, body, { rule: true })];
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
