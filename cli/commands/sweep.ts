// `rec sweep FILE [--sweep NAME] [--dry-run] [--jobs N] [--backend B] [--set k=v] [--out DIR] [--best FILE] [--json]`:
// plans a `sweep` declaration (every point checked and costed, equal graphs merged, the
// constraint applied: compiler/src/sweep/plan-sweep.ts), prints the plan with `--dry-run`, else
// trains the points (app/sweep.ts), prints the leaderboard and writes the best point as a
// .rec file with its values in place of the params' defaults.

import { basename, dirname, join, resolve } from "node:path";
import { applyConstraint, formatCost, planSweep, type SweepPlan } from "../../compiler/src/sweep/plan-sweep.js";
import { withParamValues } from "../../compiler/src/sweep/fill-params.js";
import { formatRec } from "../../compiler/src/format/format.js";
import { costsRead } from "../../compiler/src/semantics/sweep-decl.js";
import { formatBytes } from "../../compiler/src/semantics/model.js";
import { writeFileAtomic } from "../../runtime/src/atomic-write.js";
import type { BackendName } from "../../runtime/src/tfjs/backends.js";
import { renderTable } from "../table.js";
import { EXIT } from "../io.js";
import { type Command, overridesFrom, reportProblems } from "./shared.js";
import { reportingUserErrors } from "./user-errors.js";
import type { SweepRecord } from "../../app/sweep.js";

export const sweepCommand: Command = async (args, io) => {
  if (args.positionals.length !== 1) {
    io.stderr("error: `rec sweep` takes exactly one file\n");
    return EXIT.usage;
  }
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const numbers = ["jobs", "batch", "eval-batches"].map((name) => args.options.get(name) as string | undefined);
  if (numbers.some((n) => n !== undefined && !/^[1-9]\d*$/.test(n))) {
    io.stderr("error: --jobs, --batch and --eval-batches take a whole number of at least 1\n");
    return EXIT.usage;
  }
  const [jobs, batch, evalBatches] = numbers.map((n) => (n === undefined ? undefined : Number(n)));
  const path = resolve(io.cwd, args.positionals[0]!);
  const wanted = args.options.get("sweep") as string | undefined;
  const planned = planSweep([path], { overrides, ...(wanted ? { sweep: wanted } : {}) });
  const stop = reportProblems({ ...planned.base, diagnostics: planned.diagnostics }, args, io);
  if (stop !== undefined) return stop;
  if (!planned.plan) {
    io.stderr(wanted ? `error: no sweep \`${wanted}\`; the file has ${planned.sweeps.join(", ") || "none"}\n` : "error: the file declares no `sweep`\n");
    return EXIT.usage;
  }
  const backend = args.options.get("backend") as BackendName | "torch";
  return reportingUserErrors(io, async () => {
    let plan = planned.plan!;
    if (costsRead(plan.sweep.where).has("step_ms")) {
      // Measured only when the constraint reads it: one short run per distinct graph.
      const { measureStepTimes } = await import("../../app/sweep-step-time.js");
      const measured = applyConstraint(plan, await measureStepTimes(plan, path, backend === "torch" ? "auto" : backend, batch));
      if (measured.diagnostics.length) return reportProblems({ ...planned.base, diagnostics: measured.diagnostics }, args, io) ?? EXIT.errors;
      plan = measured.plan;
    }
    if (args.options.get("dry-run")) {
      io.stdout(args.options.get("json") ? `${JSON.stringify(planJson(plan), null, 2)}\n` : formatPlan(plan));
      return EXIT.ok;
    }
    const { runSweep } = await import("../../app/sweep.js");
    const dir = resolve(io.cwd, (args.options.get("out") as string | undefined) ?? join("runs", plan.sweep.name));
    io.stderr(formatPlanLine(plan));
    const record = await runSweep(plan, {
      path,
      cwd: io.cwd,
      dir,
      jobs: jobs ?? 1,
      backend,
      ...(batch ? { batch } : {}),
      ...(evalBatches ? { evalBatches } : {}),
      log: (line) => io.stderr(line),
    });
    const { reportAfterRun } = await import("./report.js");
    await reportAfterRun(dir, io.cwd, (line) => io.stderr(line));
    let bestFile: string | undefined;
    if (record.best !== undefined) {
      const best = plan.points[record.best]!;
      const file = planned.base.files[0]!;
      bestFile = resolve(
        io.cwd,
        (args.options.get("best") as string | undefined) ?? join(dirname(path), `${basename(path, ".rec")}.${plan.sweep.name}.best.rec`),
      );
      // The spec's text with the point's values, through the formatter (comments kept).
      const text = withParamValues(file, plan.sweep.model, best.overrides);
      const formatted = await formatRec(text, bestFile);
      writeFileAtomic(bestFile, formatted.ok ? formatted.text : text);
    }
    io.stdout(
      args.options.get("json") ? `${JSON.stringify({ ...record, ...(bestFile ? { bestFile } : {}) }, null, 2)}\n` : formatLeaderboard(record, bestFile, dir),
    );
    return record.points.some((p) => p.failed) ? EXIT.errors : EXIT.ok;
  });
};

const bytes = (n: number | null) => (n === null ? "?" : formatBytes(n));
const count = (n: number | null | undefined) => (n == null ? "?" : formatCost(n));

function formatPlanLine(plan: SweepPlan): string {
  const distinct = plan.points.filter((p) => p.sameAs === undefined).length;
  const meeting = plan.points.filter((p) => p.meets).length;
  const per100 = (plan.planMs / Math.max(plan.points.length, 1)) * 100;
  return (
    `sweep ${plan.sweep.name}: ${plan.points.length} points, ${distinct} distinct graphs ` +
    `(${plan.points.length - distinct} merged), ${meeting} meet the constraint; planned in ` +
    `${plan.planMs.toFixed(0)} ms (${per100.toFixed(0)} ms per 100 points)\n`
  );
}

function formatPlan(plan: SweepPlan): string {
  const stepMs = plan.points.some((p) => p.costs.step_ms !== undefined);
  const rows = plan.points.map((p) => [
    `#${p.index}`,
    p.label,
    count(p.costs.params),
    bytes(p.costs.memory),
    count(p.costs.flops),
    ...(stepMs ? [p.costs.step_ms === undefined ? "?" : p.costs.step_ms.toFixed(1)] : []),
    p.hash.slice(0, 8),
    p.sameAs !== undefined ? `= #${p.sameAs}` : "",
    p.meets ? "yes" : "no",
  ]);
  const header = ["point", "values", "params", "train memory", "flops/example", ...(stepMs ? ["step ms"] : []), "graph", "merged", "meets"];
  return `${formatPlanLine(plan)}\n${renderTable(header, rows, { rule: true }).join("\n")}\n`;
}

function planJson(plan: SweepPlan) {
  return {
    sweep: plan.sweep.name,
    model: plan.sweep.model,
    search: plan.sweep.search,
    planMs: plan.planMs,
    points: plan.points.map((p) => ({
      index: p.index,
      label: p.label,
      overrides: Object.fromEntries(p.overrides),
      costs: p.costs,
      hash: p.hash,
      ...(p.sameAs !== undefined ? { sameAs: p.sameAs } : {}),
      meets: p.meets,
    })),
  };
}

/** The leaderboard: trained points best first (merged points beside the point they share), then the rest. */
function formatLeaderboard(record: SweepRecord, bestFile: string | undefined, dir: string): string {
  const score = (p: SweepRecord["points"][number]) => (p.metric ? (record.mode === "max" ? p.metric.mean : -p.metric.mean) : -Infinity);
  const finalSteps = record.rounds.at(-1)?.steps;
  const ranked = record.points
    .filter((p) => p.meets && p.metric)
    .sort((a, b) => Number(b.steps === finalSteps) - Number(a.steps === finalSteps) || score(b) - score(a) || a.index - b.index);
  const rows = ranked.map((p, i) => [
    String(i + 1),
    `#${p.index}`,
    p.label,
    `${p.metric!.mean.toFixed(4)}${record.seeds.length > 1 ? ` ± ${p.metric!.std.toFixed(4)}` : ""}`,
    p.steps === undefined ? "" : String(p.steps),
    count(p.costs.params),
    count(p.costs.flops),
    p.sameAs !== undefined ? `= #${p.sameAs}` : "",
  ]);
  const header = ["rank", "point", "values", `${record.metric} (${record.mode})`, "steps", "params", "flops/example", "merged"];
  const skipped = record.points.filter((p) => !p.meets).length;
  const failed = record.points.filter((p) => p.failed);
  return [
    `sweep ${record.sweep} (${record.search}, ${record.seeds.length} ` +
      `seed${record.seeds.length === 1 ? "" : "s"} per point): trained ${record.trained}, reused ` +
      `${record.reused} finished earlier`,
    "",
    ...renderTable(header, rows, { rule: true }),
    "",
    ...(skipped ? [`${skipped} point${skipped === 1 ? "" : "s"} outside the constraint, not trained`] : []),
    ...failed.map((p) => `#${p.index} ${p.label} failed: ${p.failed}`),
    ...(bestFile && record.best !== undefined
      ? [`best: #${record.best} ${record.points[record.best]!.label} → ${bestFile}`]
      : ["no point finished: nothing written"]),
    `results: ${join(dir, "sweep.json")}`,
    "",
  ].join("\n");
}
