// Reading `experiment` declarations (spec/language.md §3.6): a file's syntax tree → each
// experiment's arms (a model, or variants of one with param overrides), baseline, seeds, reported
// metrics, the paper's numbers, the hard subset and the best-epoch selection, defaults filled in. `rec compare` runs what
// this reads; experiment.ts checks its names against the file's models; the resolver takes the
// arms' labels as names.

import type * as A from "../syntax/ast.js";
import { printExpr } from "../syntax/printer.js";

/** The hard subset: the examples the reference arm gets wrong, by a per-example head. */
export interface HardSubset {
  /** The arm whose failures define the subset. */
  readonly reference: string;
  /** A head of the model giving 1 where an example is handled right, else 0. */
  readonly correct: string;
}

/** Each run reported at its best evaluation by a metric on the validation split (`best_epoch { … }`). */
export interface BestEpoch {
  readonly metric: string;
  readonly mode: "min" | "max";
}

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
  /** Each arm's accuracy on the examples a reference arm gets wrong (a row after `report`'s). */
  readonly hardSubset?: HardSubset;
  /**
   * Report each run at the evaluation that is best by `metric` on the validation split (the
   * reported metrics are the test split's at that evaluation); absent: at the end of training.
   */
  readonly bestEpoch?: BestEpoch;
}

/** The `experiment` declarations of a file's syntax tree, read (experiment.ts checks their names). */
export function experimentsOf(ast: A.File): ExperimentPlan[] {
  return ast.decls.flatMap((d) => (d.kind === "ExperimentDecl" && d.name.kind === "Ident" ? [readExperiment(d, d.name.name)] : []));
}

/** The value of the setting `key` of a settings block (absent: undefined). */
export function setting(settings: readonly A.Setting[], key: string): A.Expr | A.SettingsBlock | undefined {
  return settings.find((s) => s.name.name === key)?.value;
}

/** One `experiment` declaration's settings, with the defaults filled in. */
export function readExperiment(d: A.ExperimentDecl, name: string): ExperimentPlan {
  const names = (e: A.Expr | A.SettingsBlock | undefined) =>
    e?.kind === "ListExpr" ? e.elements.flatMap((x) => (x.kind === "Ident" ? [x.name] : x.kind === "StringLit" ? [x.value] : [])) : [];
  const numbers = (e: A.Expr | A.SettingsBlock | undefined) =>
    e?.kind === "ListExpr" ? e.elements.flatMap((x) => (x.kind === "NumberLit" ? [x.value] : [])) : [];
  const get = (key: string) => setting(d.settings, key);
  const single = get("model");
  const variants = get("variants");
  // Arms: the listed models (`models = [A, B]`), then the variants of one model (`model = M`
  // with `variants { … }`); both together let a pre-training model be an arm beside the variants
  // that start from its weights.
  const variantArms: ExperimentArm[] =
    single?.kind === "Ident" && variants?.kind === "SettingsBlock"
      ? variants.settings.map((v) => ({
          label: v.name.name,
          model: single.name,
          overrides: new Map(
            v.value.kind === "SettingsBlock"
              ? v.value.settings.flatMap((o) => (o.value.kind === "SettingsBlock" ? [] : [[o.name.name, printExpr(o.value)] as const]))
              : [],
          ),
        }))
      : [];
  const arms: ExperimentArm[] = [...names(get("models")).map((m) => ({ label: m, model: m, overrides: new Map<string, string>() })), ...variantArms];
  const models = arms.map((a) => a.label);
  const [baseline, steps, paper, hard] = [get("baseline"), get("steps"), get("paper"), get("hard_subset")];
  const [reference, correct] = hard?.kind === "SettingsBlock" ? [setting(hard.settings, "reference"), setting(hard.settings, "correct")] : [];
  const best = get("best_epoch");
  const [metric, mode] = best?.kind === "SettingsBlock" ? [setting(best.settings, "metric"), setting(best.settings, "mode")] : [];
  return {
    name,
    arms,
    models,
    baseline: baseline?.kind === "Ident" ? baseline.name : (models[0] ?? ""),
    seeds: numbers(get("seeds")).length ? numbers(get("seeds")) : [1, 2, 3],
    report: names(get("report")),
    ...(steps?.kind === "NumberLit" ? { steps: steps.value } : {}),
    paper:
      paper?.kind === "SettingsBlock"
        ? Object.fromEntries(paper.settings.flatMap((s) => (s.value.kind === "StringLit" ? [[s.name.name, s.value.value]] : [])))
        : {},
    ...(reference?.kind === "Ident" && correct?.kind === "StringLit" ? { hardSubset: { reference: reference.name, correct: correct.value } } : {}),
    ...(metric?.kind === "StringLit" && mode?.kind === "StringLit" && (mode.value === "min" || mode.value === "max")
      ? { bestEpoch: { metric: metric.value, mode: mode.value } }
      : {}),
  };
}
