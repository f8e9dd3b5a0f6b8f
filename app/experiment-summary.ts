// An experiment's runs summarized: per arm and metric the mean over seeds, the sample standard
// deviation, the per-seed values, and the change over the baseline with its verdict under the
// significance rule (`pairedChange`: the one rule `rec compare` and the generated tables apply);
// and the learning curves (each evaluation step's mean over seeds). In: each arm's final metrics
// per seed and every evaluation's metrics. Out: the rows and curves of results.json.

import type { ExperimentPlan } from "../compiler/src/semantics/experiment-decl.js";

export interface SummaryRow {
  readonly metric: string;
  readonly byModel: Readonly<Record<string, { readonly mean: number; readonly std: number; readonly values: readonly number[] }>>;
  /** Relative gain of each model's mean over the baseline's. */
  readonly gain: Readonly<Record<string, number>>;
  /** Each model's change over the baseline under the significance rule (`pairedChange`). */
  readonly verdict?: Readonly<Record<string, Verdict>>;
  readonly paper?: string;
}

/** `gain`/`loss`: beyond the seeds' spread (`pairedChange`); `parity` otherwise. */
export type Verdict = "gain" | "loss" | "parity";

/**
 * The change from `parent` to `arm`, whose values are paired by seed (the arms of a seed share
 * its world and examples): the relative change of the means, called a gain or a loss only when
 * every seed moves the same way and the mean of the per-seed differences exceeds twice its
 * standard error (sample sd / √seeds); else parity. One seed is always parity.
 */
export function pairedChange(arm: { readonly mean: number; readonly values: readonly number[] }, parent: typeof arm): { relative: number; verdict: Verdict } {
  const relative = (arm.mean - parent.mean) / Math.abs(parent.mean);
  const differences = arm.values.map((v, i) => v - (parent.values[i] ?? Number.NaN));
  const { mean, std } = meanAndStd(differences);
  const consistent = differences.every((d) => Math.sign(d) === Math.sign(mean) && d !== 0);
  const beyondSpread = differences.length > 1 && consistent && Math.abs(mean) > (2 * std) / Math.sqrt(differences.length);
  return { relative, verdict: beyondSpread ? (mean > 0 ? "gain" : "loss") : "parity" };
}

/** The mean and the sample standard deviation (0 for one value). */
export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
}

export function summarize(experiment: ExperimentPlan, results: ReadonlyMap<string, Record<string, number>[]>): SummaryRow[] {
  return experiment.report.map((metric) => {
    const byModel = Object.fromEntries(
      experiment.models.map((m) => {
        const values = (results.get(m) ?? []).map((r) => r[metric] ?? Number.NaN);
        return [m, { ...meanAndStd(values), values }];
      }),
    );
    const base = byModel[experiment.baseline]?.mean ?? Number.NaN;
    const gain = Object.fromEntries(experiment.models.map((m) => [m, (byModel[m]!.mean - base) / Math.abs(base)]));
    const baseline = byModel[experiment.baseline];
    const others = experiment.models.filter((m) => m !== experiment.baseline);
    const verdict = Object.fromEntries(others.map((m) => [m, baseline ? pairedChange(byModel[m]!, baseline).verdict : "parity"]));
    return { metric, byModel, gain, verdict, ...(experiment.paper[metric] ? { paper: experiment.paper[metric] } : {}) };
  });
}

export interface CurveRow {
  readonly step: number;
  /** Arm → metric → the mean over seeds at this step. */
  readonly means: Record<string, Record<string, number>>;
  /** Arm → metric → the sample standard deviation over seeds (absent in older records). */
  readonly stds?: Record<string, Record<string, number>>;
}

/** For each evaluation step, each reported metric's mean over seeds per arm. */
export function learningCurves(experiment: ExperimentPlan, curves: ReadonlyMap<string, ReadonlyMap<number, Record<string, number>[]>>): CurveRow[] {
  const steps = [...new Set([...curves.values()].flatMap((c) => [...c.keys()]))].sort((a, b) => a - b);
  const stat = (step: number, which: "mean" | "std") =>
    Object.fromEntries(
      experiment.models.map((m) => {
        const runs = curves.get(m)?.get(step) ?? [];
        return [
          m,
          Object.fromEntries(
            experiment.report.map((metric) => [metric, runs.length ? meanAndStd(runs.map((r) => r[metric] ?? Number.NaN))[which] : Number.NaN]),
          ),
        ];
      }),
    ) as Record<string, Record<string, number>>;
  return steps.map((step) => ({ step, means: stat(step, "mean"), stds: stat(step, "std") }));
}
