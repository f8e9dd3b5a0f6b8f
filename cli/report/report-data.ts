// What `rec report` shows for a folder: a training run (metrics.jsonl, summary.json,
// resolved.json), an experiment (results.json) or a sweep (sweep.json) → the page's tables,
// charts, spec text and model picture (report.ts renders them). In: the folder and the working
// directory the run's paths are relative to. The spec is found from the record (resolved.json's
// file, the compare command's file argument, or a model.rec beside the results).

import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { compileFiles } from "../../app/compile.js";
import { modelGraph, toDot } from "../../compiler/src/tools/model-graph.js";
import type { ExperimentRecord } from "../../app/experiment.js";
import type { SweepRecord } from "../../app/sweep.js";
import type { Chart, ReportPage } from "./report.js";
import { readIfExists } from "./report.js";

export class ReportError extends Error {
  override readonly name = "ReportError";
}

const fmt = (v: number | undefined | null) =>
  v === undefined || v === null || Number.isNaN(v) ? "—" : Math.abs(v) >= 1000 ? v.toLocaleString("en-US", { maximumFractionDigits: 1 }) : v.toFixed(4);

export async function reportFor(folder: string, cwd: string): Promise<ReportPage> {
  if (existsSync(join(folder, "results.json"))) return experimentPage(folder, cwd);
  if (existsSync(join(folder, "sweep.json"))) return sweepPage(folder);
  if (existsSync(join(folder, "metrics.jsonl"))) return runPage(folder, cwd);
  throw new ReportError(`${folder} holds no run (metrics.jsonl), experiment (results.json) or sweep (sweep.json)`);
}

interface StepLine {
  readonly step: number;
  readonly epoch?: number;
  readonly loss?: number;
  readonly metrics?: Record<string, number>;
}

async function runPage(folder: string, cwd: string): Promise<ReportPage> {
  const lines = readFileSync(join(folder, "metrics.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as StepLine);
  const summary = JSON.parse(readIfExists(join(folder, "summary.json")) ?? "{}") as {
    model?: string;
    backend?: string;
    seed?: number;
    steps?: number;
    batch?: number;
    seconds?: number;
    metrics?: Record<string, number>;
  };
  const resolved = JSON.parse(readIfExists(join(folder, "resolved.json")) ?? "{}") as {
    model?: string;
    file?: string;
    params?: Record<string, unknown>;
    overrides?: Record<string, string>;
  };
  const evaluations = lines.filter((l) => l.metrics);
  const metricNames = [...new Set(evaluations.flatMap((l) => Object.keys(l.metrics!)))];
  const charts: Chart[] = [
    { title: "training loss", xLabel: "step", x: lines.map((l) => l.step), series: [{ name: "loss", values: lines.map((l) => l.loss ?? null) }] },
  ];
  for (const metric of metricNames)
    charts.push({
      title: `${metric} on held-out data`,
      xLabel: "step",
      x: evaluations.map((l) => l.step),
      series: [{ name: metric, values: evaluations.map((l) => l.metrics![metric] ?? null) }],
    });
  const last = evaluations.at(-1)?.metrics ?? summary.metrics ?? {};
  const spec = specAt(resolved.file, cwd, folder);
  return {
    title: `${resolved.model ?? summary.model ?? "run"}: a training run`,
    subtitle: [
      summary.backend && `on ${summary.backend}`,
      summary.seed !== undefined && `seed ${summary.seed}`,
      summary.steps && `${summary.steps} steps of ${summary.batch}`,
      summary.seconds && `${summary.seconds} s`,
    ]
      .filter(Boolean)
      .join(", "),
    tables: [
      { caption: "Final metrics", header: ["metric", "value"], rows: Object.entries(last).map(([k, v]) => [k, fmt(v)]) },
      {
        caption: "Resolved params",
        header: ["param", "value", ""],
        rows: Object.entries(resolved.params ?? {}).map(([k, v]) => [k, String(v), resolved.overrides && k in resolved.overrides ? "set" : ""]),
      },
    ],
    charts,
    ...(spec ? { spec: { path: spec.path, text: spec.text } } : {}),
    ...(spec ? await picture(spec.absolute, resolved.model, resolved.overrides) : {}),
    notes: [],
  };
}

async function experimentPage(folder: string, cwd: string): Promise<ReportPage> {
  const record = JSON.parse(readFileSync(join(folder, "results.json"), "utf8")) as ExperimentRecord;
  const arms = Object.keys(record.parameters);
  const rows = record.rows.map((row) => [
    row.metric,
    ...arms.map((arm) => {
      const cell = row.byModel[arm];
      const gain = row.gain[arm];
      return cell
        ? `${fmt(cell.mean)} ± ${fmt(cell.std)}` +
            (arm !== record.baseline && gain !== undefined && Number.isFinite(gain) ? ` (${gain >= 0 ? "+" : ""}${(gain * 100).toFixed(1)}%)` : "")
        : "—";
    }),
    row.paper ?? "",
  ]);
  const unit = record.curveUnit ?? "step";
  const charts: Chart[] = record.rows
    .map((row) => ({
      title: `${row.metric}: mean over seeds ${record.seeds.join(", ")}`,
      xLabel: unit,
      x: record.curves.map((c) => c.step),
      series: arms.map((arm) => ({
        name: arm,
        values: record.curves.map((c) => c.means[arm]?.[row.metric] ?? null).map((v) => (v === null || Number.isNaN(v) ? null : v)),
      })),
    }))
    .filter((c) => c.x.length > 0 && c.series.some((s) => s.values.some((v) => v !== null)));
  const file = record.command?.split(" ").at(-1);
  const spec = specAt(file, cwd, folder) ?? specAt(join(folder, "model.rec"), cwd, folder);
  return {
    title: `${record.experiment}: an experiment`,
    subtitle:
      `${arms.length} arms × seeds ${record.seeds.join(", ")} on ` +
      `${record.backend}${record.steps ? `, ${record.steps} steps` : ""}; baseline ` +
      `${record.baseline}${record.command ? `; ${record.command}` : ""}`,
    tables: [
      { caption: "Each arm's mean ± sample sd over seeds (gain over the baseline), and the paper's number", header: ["metric", ...arms, "paper"], rows },
      {
        caption: "Costs",
        header: ["arm", "parameters", "forward FLOPs per example", "predict ms per batch"],
        rows: arms.map((arm) => [arm, record.parameters[arm]!.toLocaleString("en-US"), record.flopsPerExample[arm] ?? "—", fmt(record.predictMsPerBatch[arm])]),
      },
    ],
    charts,
    ...(spec ? { spec: { path: spec.path, text: spec.text } } : {}),
    ...(spec ? await picture(spec.absolute) : {}),
    notes: record.commit ? [`commit ${record.commit.id.slice(0, 12)}${record.commit.dirty ? " (with uncommitted changes)" : ""}`] : [],
  };
}

async function sweepPage(folder: string): Promise<ReportPage> {
  const record = JSON.parse(readFileSync(join(folder, "sweep.json"), "utf8")) as SweepRecord;
  const trained = record.points
    .filter((p) => p.metric)
    .sort((a, b) => (record.mode === "max" ? b.metric!.mean - a.metric!.mean : a.metric!.mean - b.metric!.mean));
  const scatter = (cost: "params" | "flops"): Chart => {
    const points = trained.flatMap((q) => (q.costs[cost] === null ? [] : [{ x: q.costs[cost]!, y: q.metric!.mean }])).sort((a, b) => a.x - b.x);
    return {
      title: `${record.metric} against ${cost === "params" ? "parameters" : "forward FLOPs per example"}`,
      xLabel: cost,
      x: points.map((q) => q.x),
      series: [{ name: record.metric, values: points.map((q) => q.y) }],
      scatter: true,
    };
  };
  return {
    title: `${record.sweep}: a sweep of ${record.model}`,
    subtitle:
      `${record.points.length} points (${record.search}), ${record.trained + record.reused} ` +
      `trained, ${record.points.filter((p) => !p.meets).length} outside the constraint; ` +
      `${record.metric} (${record.mode})`,
    tables: [
      {
        caption: "Leaderboard",
        header: ["rank", "point", "values", record.metric, "params", "flops/example", "merged"],
        rows: trained.map((q, i) => [
          String(i + 1),
          `#${q.index}`,
          q.label,
          `${fmt(q.metric!.mean)}${record.seeds.length > 1 ? ` ± ${fmt(q.metric!.std)}` : ""}`,
          fmt(q.costs.params),
          fmt(q.costs.flops),
          q.sameAs !== undefined ? `= #${q.sameAs}` : "",
        ]),
      },
    ],
    charts: [scatter("params"), scatter("flops")].filter((c) => c.x.length > 0),
    notes: record.best !== undefined ? [`best: #${record.best} ${record.points[record.best]!.label}`] : [],
  };
}

/** The spec a record names, read, when it can be found. */
function specAt(file: string | undefined, cwd: string, folder: string): { path: string; text: string; absolute: string } | undefined {
  if (!file || !file.endsWith(".rec")) return undefined;
  for (const absolute of isAbsolute(file) ? [file] : [resolve(cwd, file), resolve(folder, file)]) {
    const text = readIfExists(absolute);
    if (text !== undefined) return { path: file, text, absolute };
  }
  return undefined;
}

/** The model's picture, when its spec still compiles. */
async function picture(path: string, model?: string, overrides: Record<string, string> = {}): Promise<{ svg?: string }> {
  const result = compileFiles([path], { overrides: new Map(Object.entries(overrides)) });
  const index = model === undefined ? 0 : result.models.findIndex((m) => m.name === model);
  if (index < 0 || !result.models[index] || !result.optimized[index]) return {};
  const { renderSvg } = await import("../commands/graph.js");
  return { svg: await renderSvg(toDot(result.models[index]!.name, modelGraph(result.models[index]!, result.optimized[index]!))) };
}
