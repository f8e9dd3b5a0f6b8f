// Planning a sweep: a file with a `sweep` declaration (and the command's overrides) → the points
// of its space, each compiled, with its costs (parameters, training memory, forward FLOPs per
// example), its model hash after the pass pipeline, the earlier point of equal hash it merges
// with, and whether it meets the constraint. `rec sweep` trains what this plans (and
// `--dry-run` prints it); the API's `planSweep` is this. Reports REC3024 (no point meets the
// constraint) and REC3025 (a point does not check). Nothing here runs a model: a constraint on
// `step_ms` takes the times measured by the caller (`applyConstraint`).

import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { variantCompiler, type CompileInput, type CompileResult } from "../driver.js";
import { graphCost } from "../ir/cost.js";
import { modelHash } from "../ir/hash.js";
import { sweepTarget } from "../semantics/check.js";
import { declaredNames } from "../semantics/declared-names.js";
import { semanticDiagnostic } from "../semantics/semantic-diagnostics.js";
import { summarize } from "../semantics/summary.js";
import { costsRead, meetsConstraint, numberText, readSweep, type SweepAxis, type SweepSpec } from "../semantics/sweep-decl.js";
import type { Plan } from "../../../runtime/src/plan.js";
import { mulberry32 } from "../../../runtime/src/data/random.js";
import { evaluateDim } from "../types/dims.js";

/** A point's costs; null where a size is not known at compile time. */
export interface PointCosts {
  readonly params: number | null;
  readonly memory: number | null;
  readonly flops: number | null;
  readonly step_ms?: number;
}

export interface SweepPoint {
  readonly index: number;
  /** The point's values, `dim=32 pool=MeanPool`. */
  readonly label: string;
  /** The point's param values as `--set` takes them. */
  readonly overrides: ReadonlyMap<string, string>;
  readonly costs: PointCosts;
  /** The model's hash after the pass pipeline (ir/hash.ts): equal hashes train alike. */
  readonly hash: string;
  /** The first earlier point with the same hash: this point is trained once, with it. */
  readonly sameAs?: number;
  /** Whether the point meets the constraint (true until step times are applied, when it reads step_ms). */
  readonly meets: boolean;
  readonly plan: Plan;
}

export interface SweepPlan {
  readonly sweep: SweepSpec;
  readonly points: readonly SweepPoint[];
  /** Milliseconds to enumerate, compile and hash every point. */
  readonly planMs: number;
  /** Of those, the milliseconds spent deduplicating: hashing the optimized models and merging equal ones. */
  readonly dedupMs: number;
}

export interface PlanSweepResult {
  /** The file compiled with the command's overrides alone. */
  readonly base: CompileResult;
  readonly diagnostics: readonly Diagnostic[];
  readonly plan?: SweepPlan;
  /** The names of the sweeps the entry file declares. */
  readonly sweeps: readonly string[];
}

export interface PlanSweepOptions {
  /** Overrides for every point (`rec sweep --set`), below each point's own. */
  readonly overrides?: ReadonlyMap<string, string>;
  /** The sweep to plan (default: the file's first). */
  readonly sweep?: string;
}

export function planSweep(input: CompileInput, options: PlanSweepOptions = {}): PlanSweepResult {
  const started = performance.now();
  const overrides = options.overrides ?? new Map<string, string>();
  const compiler = variantCompiler(input, { overrides, verify: false });
  const base = compiler.base;
  const entry = base.files[0];
  const decls = entry ? entry.ast.decls.filter((d) => d.kind === "SweepDecl") : [];
  const sweeps = decls.flatMap((d) => (d.name.kind === "Ident" ? [d.name.name] : []));
  if (base.diagnostics.some((d) => d.severity === "error") || base.unreadable.length || !entry) return { base, diagnostics: base.diagnostics, sweeps };
  const decl = options.sweep === undefined ? decls[0] : decls.find((d) => d.name.kind === "Ident" && d.name.name === options.sweep);
  if (!decl) return { base, diagnostics: [], sweeps };
  const file = entry.source.path;
  const diagnostics: Diagnostic[] = [];
  const topNames = new Set(entry.ast.decls.flatMap(declaredNames));
  const sweep = readSweep(decl, file, base.models.map(sweepTarget), topNames, (code, span, args) =>
    diagnostics.push(semanticDiagnostic(file, code, span, args)),
  );
  if (!sweep) return { base, diagnostics, sweeps };

  const points: SweepPoint[] = [];
  const firstOfHash = new Map<string, number>();
  let dedupMs = 0;
  for (const values of enumeratePoints(sweep)) {
    const compiled = compiler.compileWith(values);
    const label = [...values].map(([k, v]) => `${k}=${v}`).join(" ");
    const failure = compiled.diagnostics.find((d) => d.severity === "error");
    const index = compiled.models.findIndex((m) => m.name === sweep.model);
    if (failure || index < 0) {
      const axis = sweep.axes.find((a) => values.get(a.param) !== firstValue(a)) ?? sweep.axes[0]!;
      diagnostics.push(
        semanticDiagnostic(file, "REC3025", axis.span, {
          point: label,
          name: sweep.name,
          error: failure ? `${failure.code}: ${failure.message}` : "the model is missing",
        }),
      );
      return { base, diagnostics, sweeps };
    }
    const model = compiled.models[index]!;
    const summary = summarize(model);
    const batch = model.dims[0];
    const flops = evaluateDim(graphCost(compiled.optimized[index]!).flops, (s) => (s === batch ? 1 : sweep.dims[s]));
    const plan = compiled.plans[index]!;
    const hashing = performance.now();
    const hash = modelHash(compiled.optimized[index]!, plan);
    const sameAs = firstOfHash.get(hash);
    if (sameAs === undefined) firstOfHash.set(hash, points.length);
    dedupMs += performance.now() - hashing;
    const costs = { params: summary.totals.count, memory: summary.totals.trainingBytes, flops: flops ?? null };
    points.push({ index: points.length, label, overrides: values, costs, hash, ...(sameAs !== undefined ? { sameAs } : {}), meets: true, plan });
  }
  const planned = { sweep, points, planMs: performance.now() - started, dedupMs };
  // A constraint on step_ms waits for the caller's measurements (applyConstraint with them).
  const constrained = costsRead(sweep.where).has("step_ms") ? { plan: planned, diagnostics: [] } : applyConstraint(planned);
  return { base, diagnostics: [...diagnostics, ...constrained.diagnostics], plan: constrained.plan, sweeps };
}

function firstValue(axis: SweepAxis): string | undefined {
  return axis.values?.[0]?.text;
}

/**
 * Applies the sweep's `where` to each point's costs (with measured step times by hash, when the
 * constraint reads `step_ms`); REC3024 when no point meets it. A cost the constraint reads that
 * is unknown (a size left symbolic) fails the point, and the diagnostic says which.
 */
export function applyConstraint(plan: SweepPlan, stepMs?: ReadonlyMap<string, number>): { plan: SweepPlan; diagnostics: Diagnostic[] } {
  const where = plan.sweep.where;
  if (!where) return { plan, diagnostics: [] };
  const points = plan.points.map((p) => {
    const costs = { ...p.costs, ...(stepMs?.has(p.hash) ? { step_ms: stepMs.get(p.hash)! } : {}) };
    return { ...p, costs, meets: meetsConstraint(where, costs) };
  });
  const read = [...costsRead(where)];
  const diagnostics: Diagnostic[] = [];
  if (!points.some((p) => p.meets)) {
    const best = read
      .map((name) => {
        const known = points.flatMap((p) => {
          const v = (p.costs as Record<string, number | null | undefined>)[name];
          return v == null ? [] : [v];
        });
        return known.length
          ? `${name} ${formatCost(Math.min(...known))}`
          : `${name} unknown${name === "flops" ? " (give the sizes of symbolic dims with `dims { … }`)" : ""}`;
      })
      .join(", ");
    diagnostics.push(semanticDiagnostic(plan.sweep.file, "REC3024", where.span, { name: plan.sweep.name, count: String(points.length), best }));
  }
  return { plan: { ...plan, points }, diagnostics };
}

export function formatCost(n: number): string {
  return Math.abs(n) >= 1e4 ? n.toExponential(2) : String(Number(n.toPrecision(4)));
}

/** The points of the space, in order: the whole grid, or `points` seeded draws (distinct). */
export function enumeratePoints(sweep: SweepSpec): Map<string, string>[] {
  const discrete = sweep.axes.every((a) => a.values);
  if (sweep.search === "grid" || (sweep.points === undefined && discrete)) {
    let grid: Map<string, string>[] = [new Map()];
    for (const axis of sweep.axes) grid = grid.flatMap((point) => axis.values!.map((v) => new Map([...point, [axis.param, v.text]])));
    return grid;
  }
  const random = mulberry32(sweep.seed);
  const seen = new Set<string>();
  const out: Map<string, string>[] = [];
  // Distinct draws; a small discrete space may hold fewer points than asked for.
  for (let tries = 0; out.length < sweep.points! && tries < sweep.points! * 50; tries++) {
    const point = new Map(sweep.axes.map((axis) => [axis.param, drawValue(axis, random)] as const));
    const key = [...point].join(";");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(point);
  }
  return out;
}

function drawValue(axis: SweepAxis, random: () => number): string {
  if (axis.values) return axis.values[Math.floor(random() * axis.values.length)]!.text;
  const { low, high, log, integer } = axis.range!;
  const u = random();
  const x = log ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
  return numberText(integer ? Math.min(high, Math.floor(x)) : x, integer);
}
