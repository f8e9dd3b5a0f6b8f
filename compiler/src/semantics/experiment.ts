// Checking `experiment` declarations against the models of their file: every name an experiment
// gives — the models of its arms, its `baseline`, the metrics it reports, and its hard subset's
// reference arm and per-example head — must exist, so a misspelling is an error at `rec check`,
// not a column of NaN after an hour of training. In: the declaration and the file's elaborated
// models. Out: REC3019 diagnostics, reported through the elaborator.

import { quoteList, suggest } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import type { Elaborator } from "./elaborate.js";
import type { ElaboratedModel } from "./model.js";

export function checkExperiment(el: Elaborator, decl: A.ExperimentDecl, models: readonly ElaboratedModel[], file: string): void {
  const ctx = { file };
  const get = (block: readonly A.Setting[], key: string) => block.find((s) => s.name.name === key)?.value;
  const missing = (node: A.Node, what: string, name: string, known: readonly string[]) => {
    const [suggestion] = suggest(name, known, 1);
    el.report(ctx, "REC3019", node.span, { what, name, known: known.length ? quoteList(known.slice(0, 12), "and") : "none", ...(suggestion ? { suggestion } : {}) });
  };
  const byName = new Map(models.map((m) => [m.name, m]));
  // The arms: `model = M` with `variants { label { … } }`, or `models = [A, B]`.
  const single = get(decl.settings, "model");
  const variants = get(decl.settings, "variants");
  const listed = get(decl.settings, "models");
  const armModels: { label: string; model: ElaboratedModel | undefined }[] = [];
  const modelOf = (node: A.Expr) => {
    if (node.kind !== "Ident") return undefined;
    const model = byName.get(node.name);
    if (!model) missing(node, "a model of this file", node.name, [...byName.keys()]);
    return model;
  };
  if (single && single.kind !== "SettingsBlock") {
    const model = modelOf(single);
    if (variants?.kind === "SettingsBlock") for (const v of variants.settings) armModels.push({ label: v.name.name, model });
  } else if (listed?.kind === "ListExpr") {
    for (const e of listed.elements) if (e.kind === "Ident") armModels.push({ label: e.name, model: modelOf(e) });
  }
  const labels = armModels.map((a) => a.label);
  const arm = (node: A.Expr | A.SettingsBlock | undefined, what: string) => {
    if (node?.kind === "Ident" && !labels.includes(node.name)) missing(node, what, node.name, labels);
  };
  arm(get(decl.settings, "baseline"), "an arm of the experiment (the baseline)");
  // Every reported metric must be a metric of every arm's model.
  const report = get(decl.settings, "report");
  const outputsOf = (role: A.Role, model: ElaboratedModel) => model.outputs.filter((o) => o.role === role).map((o) => o.name);
  if (report?.kind === "ListExpr") {
    for (const e of report.elements) {
      const name = e.kind === "StringLit" ? e.value : e.kind === "Ident" ? e.name : undefined;
      const lacking = armModels.find((a) => a.model && !outputsOf("metric", a.model).includes(name ?? ""));
      if (name !== undefined && lacking?.model) missing(e, `a metric of ${lacking.model.name}`, name, outputsOf("metric", lacking.model));
    }
  }
  // The hard subset: a reference arm and a per-example head (one number per example).
  const hard = get(decl.settings, "hard_subset");
  if (hard?.kind === "SettingsBlock") {
    arm(get(hard.settings, "reference"), "an arm of the experiment (the hard subset's reference)");
    const correct = get(hard.settings, "correct");
    const model = armModels.find((a) => a.model)?.model;
    if (correct?.kind === "StringLit" && model) {
      const head = model.outputs.find((o) => o.role === "head" && o.name === correct.value);
      if (!head) missing(correct, `a head of ${model.name}`, correct.value, outputsOf("head", model));
      else if (head.type && head.type.shape.length !== 1) missing(correct, `a per-example head of ${model.name} (one number per example, such as f32[B])`, correct.value, model.outputs.filter((o) => o.role === "head" && o.type?.shape.length === 1).map((o) => o.name));
    }
  }
}
