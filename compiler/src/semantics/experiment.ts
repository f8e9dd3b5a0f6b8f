// Checking `experiment` declarations against the models of their file: every name an experiment
// gives — the models of its arms, its `baseline`, the metrics it reports, its hard subset's
// reference arm and per-example head, and its best epoch's metric and direction — must exist, so a misspelling is an error at `rec check`,
// not a column of NaN after an hour of training. In: the declaration and the file's elaborated
// models. Out: REC3019 diagnostics, reported through the elaborator.

import { quoteList, suggest } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import type { Elaborator } from "./elaborate.js";
import type { ElaboratedModel } from "./model.js";
import { readExperiment, setting } from "./experiment-decl.js";
import { ROLLOUT_METRICS } from "../../../runtime/src/rl/episode-metrics.js";

/** What the gradient pipeline reports beside a model's metrics (runtime/src/tfjs/train/gradient-pipeline.ts). */
const PIPELINE_METRICS = ["communicated_floats", "communicated_bytes"];

export function checkExperiment(el: Elaborator, decl: A.ExperimentDecl, models: readonly ElaboratedModel[], file: string): void {
  const ctx = { file };
  /** A name the experiment uses that is not what it should be (`kind`: a key of REC3019's catalog entry; `of`: whose). */
  const missing = (node: A.Node, kind: string, name: string, known: readonly string[], of = "") => {
    const [suggestion] = suggest(name, known, 1);
    el.report(ctx, "REC3019", node.span, {
      kind,
      of,
      name,
      known: known.length ? quoteList(known.slice(0, 12), "and") : "none",
      ...(suggestion ? { suggestion } : {}),
    });
  };
  const experiment = readExperiment(decl, "");
  const byName = new Map(models.map((m) => [m.name, m]));
  // The arms' models (`model = M` or `models = [A, B]`) must be models of this file.
  const named = [setting(decl.settings, "model"), setting(decl.settings, "models")].flatMap((e) =>
    e?.kind === "Ident" ? [e] : e?.kind === "ListExpr" ? e.elements.filter((x): x is A.Ident => x.kind === "Ident") : [],
  );
  for (const node of named) if (!byName.has(node.name)) missing(node, "model", node.name, [...byName.keys()]);
  const armModels = experiment.arms.flatMap((a) => byName.get(a.model) ?? []);
  const arm = (node: A.Expr | A.SettingsBlock | undefined, role: string) => {
    if (node?.kind === "Ident" && !experiment.models.includes(node.name)) missing(node, "arm", node.name, experiment.models, role);
  };
  arm(setting(decl.settings, "baseline"), "baseline");
  // Every reported metric must be a metric of some arm's model (arms of different models may
  // report different metrics, such as a pre-training arm's recall beside a ranker's AUC: an arm
  // without the metric shows a dash), or what a gradient pipeline reports for each step.
  const report = setting(decl.settings, "report");
  // A model that learns by rollouts also reports its policy's episode metrics (runtime/src/rl/).
  const outputsOf = (role: A.Role, model: ElaboratedModel) => [
    ...model.outputs.filter((o) => o.role === role).map((o) => o.name),
    ...(role === "metric" && model.train[0]?.settings.has("rollouts") ? ROLLOUT_METRICS : []),
  ];
  if (report?.kind === "ListExpr") {
    for (const e of report.elements) {
      const name = e.kind === "StringLit" ? e.value : e.kind === "Ident" ? e.name : undefined;
      if (name === undefined || PIPELINE_METRICS.includes(name) || armModels.some((model) => outputsOf("metric", model).includes(name))) continue;
      const first = armModels[0];
      if (first)
        missing(
          e,
          new Set(armModels.map((m) => m.name)).size > 1 ? "arms-metric" : "metric",
          name,
          [...new Set(armModels.flatMap((m) => outputsOf("metric", m)))],
          first.name,
        );
    }
  }
  // The best epoch: a metric of an arm's model, judged on the validation split, and a direction.
  const best = setting(decl.settings, "best_epoch");
  if (best?.kind === "SettingsBlock") {
    // Both are strings, and neither has a default: a missing one must not silently report the last epoch.
    const metric = setting(best.settings, "metric");
    const known = [...new Set(armModels.flatMap((m) => outputsOf("metric", m)))];
    if (metric?.kind !== "StringLit") missing(metric ?? best, "arms-metric", "(no metric)", known);
    else if (armModels.length && !known.includes(metric.value)) missing(metric, "arms-metric", metric.value, known);
    const mode = setting(best.settings, "mode");
    const direction = mode?.kind === "StringLit" ? mode.value : "(no mode)";
    if (direction !== "min" && direction !== "max") missing(mode ?? best, "mode", direction, ["min", "max"]);
  }
  // The hard subset: a reference arm and a per-example head (one number per example).
  const hard = setting(decl.settings, "hard_subset");
  if (hard?.kind === "SettingsBlock") {
    arm(setting(hard.settings, "reference"), "reference");
    const correct = setting(hard.settings, "correct");
    const model = armModels[0];
    if (correct?.kind === "StringLit" && model) {
      const head = model.outputs.find((o) => o.role === "head" && o.name === correct.value);
      if (!head) missing(correct, "head", correct.value, outputsOf("head", model), model.name);
      else if (head.type && head.type.shape.length !== 1)
        missing(
          correct,
          "per-example-head",
          correct.value,
          model.outputs.filter((o) => o.role === "head" && o.type?.shape.length === 1).map((o) => o.name),
          model.name,
        );
    }
  }
}
