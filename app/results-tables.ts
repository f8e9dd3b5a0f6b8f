// README tables generated from a committed results.json, so a table cannot drift from its run.
// A markdown file marks each table with a comment holding its spec and an end marker:
//
//   <!-- results {"kind": "summary", "metrics": {"acc_level_3": "deepest level"}, "gains": [["prefixmem", "baseline"]]} -->
//   …generated table…
//   <!-- /results -->
//
// Kinds: `summary` (per metric: each arm's mean ± sample sd over seeds, and for each [arm, parent]
// pair the relative change of the means, called a gain (or a loss) only where every seed moves the
// same way and the mean of the per-seed differences exceeds twice its standard error, else
// parity: the arms of a seed share its world and examples, so the seed-paired difference is what
// the comparison measures), `ceiling` (each arm's mean as a share of a ceiling metric the
// world computes on the same examples), `costs` (parameters, forward FLOPs per example, predict
// time), and `curve` (a metric's mean over seeds at each evaluation step).
// In: the markdown text and the results record. Out: the text with every block regenerated.

import type { ExperimentRecord } from "./experiment.js";
import { meanAndStd, pairedChange, type CurveRow } from "./experiment-summary.js";

export interface SummarySpec {
  readonly kind: "summary";
  /** Metric → its label in the table (the metric's name when empty). */
  readonly metrics: Readonly<Record<string, string>>;
  /** Arms as columns (default: every arm, in the record's order). */
  readonly arms?: readonly string[];
  /** [arm, parent] pairs: the change each comparison attributes to one difference. */
  readonly gains?: readonly (readonly [string, string])[];
  /** Metric → the paper's number, printed beside ours. */
  readonly paper?: Readonly<Record<string, string>>;
  /** Metric → its unit: the change is also printed as the difference of the means in it ("+0.34 clusters"). */
  readonly absolute?: Readonly<Record<string, string>>;
}

export interface CeilingSpec {
  readonly kind: "ceiling";
  /** Metric → the metric holding its ceiling (computed by the world on the same examples). */
  readonly ceilings: Readonly<Record<string, string>>;
  readonly arms?: readonly string[];
}

export interface CostsSpec {
  readonly kind: "costs";
  readonly arms?: readonly string[];
  /** Which rows (default all): measured predict time is left out of runs timed under load. */
  readonly rows?: readonly ("parameters" | "flops" | "predict")[];
  /** [arm, parent] pairs for relative changes. */
  readonly gains?: readonly (readonly [string, string])[];
}

export interface CurveSpec {
  readonly kind: "curve";
  readonly metrics: readonly string[];
  readonly arms?: readonly string[];
  /** Metric → its ceiling metric: the curve shows the metric as a share of its ceiling. */
  readonly ceilings?: Readonly<Record<string, string>>;
}

export type TableSpec = SummarySpec | CeilingSpec | CostsSpec | CurveSpec;

const BLOCK = /<!-- results (\{.*?\}) -->\n[\s\S]*?<!-- \/results -->/g;

/** The markdown with every results block regenerated from `record`. */
/**
 * Every block regenerated. `record` is the results.json beside the markdown file, or a function
 * from a block's `"from"` (a results.json path relative to the markdown file; undefined: the one
 * beside it) to its record, so one page (docs/results.md) can gather several experiments' tables.
 */
export function regenerateTables(markdown: string, record: ExperimentRecord | ((from: string | undefined) => ExperimentRecord)): string {
  return markdown.replace(BLOCK, (_all, specText: string) => {
    const spec = JSON.parse(specText) as TableSpec & { readonly from?: string };
    const source = typeof record === "function" ? record(spec.from) : record;
    return `<!-- results ${specText} -->\n${renderTable(spec, source)}\n<!-- /results -->`;
  });
}

/** The results.json paths a markdown file's blocks read (`"from"`), relative to the file. */
export function tableSources(markdown: string): (string | undefined)[] {
  return [...markdown.matchAll(BLOCK)].map((m) => (JSON.parse(m[1]!) as { from?: string }).from);
}

/** How many results blocks a markdown file holds. */
export function countTables(markdown: string): number {
  return [...markdown.matchAll(BLOCK)].length;
}

export function renderTable(spec: TableSpec, record: ExperimentRecord): string {
  const arms = spec.arms ?? Object.keys(record.parameters);
  switch (spec.kind) {
    case "summary":
      return summaryTable(spec, record, arms);
    case "ceiling":
      return ceilingTable(spec, record, arms);
    case "costs":
      return costsTable(spec, record, arms);
    case "curve":
      return curveTable(spec, record, arms);
  }
}

const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
const rule = (n: number) => row(Array.from({ length: n }, () => "---"));
const fixed = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : "—");
const percent = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}%` : "—");

function byMetric(record: ExperimentRecord, metric: string) {
  const found = record.rows.find((r) => r.metric === metric);
  if (!found) throw new Error(`results.json of ${record.experiment} has no metric \`${metric}\``);
  return found.byModel;
}

interface Cell {
  readonly mean: number;
  readonly std: number;
  readonly values: readonly number[];
}

/** The change from `parent` to `arm` (`pairedChange`): bold as a gain or a loss, else `parity (…)`. */
export function describeChange(arm: Cell, parent: Cell, unit?: string): string {
  const { relative, verdict } = pairedChange(arm, parent);
  const difference = arm.mean - parent.mean;
  const change = unit === undefined ? percent(relative) : `${difference >= 0 ? "+" : "−"}${Math.abs(difference).toFixed(2)} ${unit}, ${percent(relative)}`;
  return verdict === "parity" ? `parity (${change})` : `**${change}**`;
}

function summaryTable(spec: SummarySpec, record: ExperimentRecord, arms: readonly string[]): string {
  const gains = spec.gains ?? [];
  const header = ["metric", ...arms, ...gains.map(([a, p]) => `${a} vs ${p}`), ...(spec.paper ? ["paper"] : [])];
  const lines = [row(header), rule(header.length)];
  for (const [metric, label] of Object.entries(spec.metrics)) {
    const values = byMetric(record, metric);
    const cell = (arm: string) =>
      values[arm] && typeof values[arm]!.mean === "number" && Number.isFinite(values[arm]!.mean)
        ? `${fixed(values[arm]!.mean)} ± ${fixed(values[arm]!.std)}`
        : "—";
    lines.push(
      row([
        label || metric,
        ...arms.map(cell),
        ...gains.map(([a, p]) => (values[a] && values[p] ? describeChange(values[a]!, values[p]!, spec.absolute?.[metric]) : "—")),
        ...(spec.paper ? [spec.paper[metric] ?? ""] : []),
      ]),
    );
  }
  return lines.join("\n");
}

function ceilingTable(spec: CeilingSpec, record: ExperimentRecord, arms: readonly string[]): string {
  const header = ["metric", "ceiling", ...arms.map((a) => `${a} (share)`)];
  const lines = [row(header), rule(header.length)];
  for (const [metric, ceilingMetric] of Object.entries(spec.ceilings)) {
    const values = byMetric(record, metric);
    const ceilings = byMetric(record, ceilingMetric);
    // Every arm scores the same held-out examples of its seed's world: one ceiling per seed.
    const ceiling = ceilings[arms[0]!]!;
    const share = (arm: string) => {
      const own = values[arm]?.values ?? [];
      const { mean, std } = meanAndStd(own.map((v, i) => v / (ceilings[arm]?.values[i] ?? Number.NaN)));
      return `${(100 * mean).toFixed(1)}% ± ${(100 * std).toFixed(1)}`;
    };
    lines.push(row([metric, `${fixed(ceiling.mean)} ± ${fixed(ceiling.std)}`, ...arms.map(share)]));
  }
  return lines.join("\n");
}

function costsTable(spec: CostsSpec, record: ExperimentRecord, arms: readonly string[]): string {
  const gains = spec.gains ?? [];
  const header = ["cost", ...arms, ...gains.map(([a, p]) => `${a} vs ${p}`)];
  // FLOPs are stored as the summary prints them: a number, or a polynomial in a size the data
  // decides (a constant input's rows, `2001*E + 14203653`), shown as it is and compared by nothing.
  const flopsText = (arm: string) => (record.flopsPerExample[arm] ?? "").replace(/ \(B = 1\)$/, "");
  const flops = (arm: string) => (/^\d+$/.test(flopsText(arm)) ? Number(flopsText(arm)) : Number.NaN);
  const rows: [string, string, (arm: string) => number, (x: number, arm: string) => string][] = [
    ["parameters", "parameters", (a) => record.parameters[a] ?? Number.NaN, (x) => x.toLocaleString("en-US")],
    ["flops", "forward FLOPs / example", flops, (x, arm) => (Number.isNaN(x) ? flopsText(arm) : x.toLocaleString("en-US"))],
    ["predict", "predict ms / batch", (a) => record.predictMsPerBatch[a] ?? Number.NaN, (x) => x.toFixed(1)],
  ];
  const wanted = new Set<string>(spec.rows ?? ["parameters", "flops", "predict"]);
  const lines = [row(header), rule(header.length)];
  for (const [, label, get, show] of rows.filter(([key]) => wanted.has(key)))
    lines.push(row([label, ...arms.map((a) => show(get(a), a)), ...gains.map(([a, p]) => percent((get(a) - get(p)) / get(p)))]));
  return lines.join("\n");
}

function curveTable(spec: CurveSpec, record: ExperimentRecord, arms: readonly string[]): string {
  const header = [record.curveUnit ?? "step", ...arms];
  const what = spec.ceilings ? " as shares of their ceilings" : "";
  const spread = record.curves.some((c) => c.stds) && !spec.ceilings;
  const lines = [`${spec.metrics.join(" / ")}${what}, ${spread ? "mean ± sd" : "mean"} over seeds:`, "", row(header), rule(header.length)];
  const cell = (point: CurveRow, arm: string, metric: string) => {
    const means = point.means[arm];
    const value = means?.[metric] ?? Number.NaN;
    const ceiling = spec.ceilings?.[metric];
    if (ceiling) return `${(100 * (value / (means?.[ceiling] ?? Number.NaN))).toFixed(1)}%`;
    const sd = point.stds?.[arm]?.[metric];
    return typeof value !== "number" || Number.isNaN(value) ? "—" : spread && sd !== undefined ? `${fixed(value, 4)} ± ${fixed(sd, 4)}` : fixed(value, 3);
  };
  for (const point of record.curves) {
    const cells = arms.map((a) => spec.metrics.map((m) => cell(point, a, m)).join(" / "));
    if (cells.some((c) => !/^(—( \/ —)*)$/.test(c))) lines.push(row([String(point.step), ...cells]));
  }
  return lines.join("\n");
}
