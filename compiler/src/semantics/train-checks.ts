// Checking the training procedure a `train` block declares, before anything runs: `epochs`, the
// gradient pipeline (`gradients { … }`) and label privacy (`label_privacy { … }`). In: the model's
// declaration (for spans), its evaluated train stages, its weights and inputs. Out: REC2023
// (a setting outside its range), REC2024 (label privacy that cannot work), REC2025 (a
// gradient transform on a weight that does not train) and REC2029 (a reference copy whose
// weights do not match), reported through the elaborator.

import { constValue } from "../types/dims.js";
import { printShape } from "../types/tensor-type.js";
import type { Attr } from "../ir/ir.js";
import type * as A from "../syntax/ast.js";
import type { Elaborator, WeightInfo } from "./elaborate.js";
import type { TrainSettings, TrainStage } from "./model.js";

export const numberOf = (attr: Attr | TrainSettings | undefined): number | undefined =>
  attr && "kind" in attr ? (attr.kind === "float" ? attr.value : attr.kind === "int" ? constValue(attr.dim) : undefined) : undefined;
export const stringsOf = (attr: Attr | TrainSettings | undefined): string[] =>
  attr && "kind" in attr
    ? attr.kind === "string"
      ? [attr.value]
      : attr.kind === "list"
        ? attr.items.flatMap((i) => (i.kind === "string" ? [i.value] : []))
        : []
    : [];

/** The `name = …` setting of a settings list (its span for diagnostics). */
const settingNode = (settings: readonly A.Setting[], name: string) => settings.find((s) => s.name.name === name);

/** A weight's qualified name is under a prefix: the prefix itself or one of its members. */
const under = (name: string, prefix: string) => name === prefix || name.startsWith(`${prefix}.`);

/** A settings block by name, unless absent, not a block, or switched off with `enabled = false`. */
function activeBlock(settings: TrainSettings, name: string): TrainSettings | undefined {
  const block = settings.get(name);
  if (!block || "kind" in block) return undefined;
  const enabled = block.get("enabled");
  return enabled && "kind" in enabled && enabled.kind === "bool" && !enabled.value ? undefined : block;
}

export function checkTrainBlocks(
  el: Elaborator,
  decl: A.ModelDecl,
  stages: readonly TrainStage[],
  weights: readonly WeightInfo[],
  inputs: readonly string[],
  ctx: { file: string },
): void {
  const blocks = decl.members.filter((m): m is A.TrainDecl => m.kind === "TrainDecl");
  blocks.forEach((block, i) => {
    const settings = stages[i]?.settings;
    if (!settings) return;
    const range = (node: A.Setting | undefined, value: number | undefined, ok: (v: number) => boolean, needs: string) => {
      if (node && value !== undefined && !ok(value)) el.report(ctx, "REC2023", node.value.span, { name: node.name.name, value: String(value), needs });
    };
    range(settingNode(block.settings, "epochs"), numberOf(settings.get("epochs")), (v) => Number.isInteger(v) && v >= 1, "whole-1");

    const gradients = settingNode(block.settings, "gradients");
    const pipeline = activeBlock(settings, "gradients");
    if (gradients?.value.kind === "SettingsBlock" && pipeline) {
      const inner = gradients.value.settings;
      const get = (name: string) => numberOf(pipeline.get(name));
      range(settingNode(inner, "topk"), get("topk"), (v) => v > 0 && v <= 1, "topk");
      range(settingNode(inner, "bits"), get("bits"), (v) => Number.isInteger(v) && v >= 2 && v <= 32, "bits");
      for (const name of ["clip", "per_example_clip", "noise"]) range(settingNode(inner, name), get(name), (v) => v >= 0, "non-negative");
      const noise = settingNode(inner, "noise");
      if (noise && (get("noise") ?? 0) > 0 && !(get("clip") ?? numberOf(settings.get("clip_norm"))) && !get("per_example_clip")) {
        el.report(ctx, "REC2023", noise.value.span, {
          name: "noise",
          value: String(get("noise")),
          needs: "noise",
        });
      }
      // `only`: the weights that train and are sent; each must name weights that are not frozen.
      const frozen = stringsOf(settings.get("freeze"));
      const only = settingNode(inner, "only");
      for (const prefix of stringsOf(pipeline.get("only"))) {
        if (!only) break;
        const matched = weights.filter((w) => under(w.path, prefix));
        if (matched.length === 0)
          el.report(ctx, "REC2025", only.value.span, {
            case: "no-weight",
            prefix,
            known: [...new Set(weights.map((w) => w.path.split(".")[0]!))].slice(0, 8).join(", "),
          });
        else if (matched.every((w) => frozen.some((f) => under(w.path, f)))) el.report(ctx, "REC2025", only.value.span, { case: "frozen", prefix });
      }
    }

    // `reference { ref = "policy" }`: `ref`'s weights are a frozen copy of `policy`'s, name for name.
    const referenceNode = settingNode(block.settings, "reference");
    const references = settings.get("reference");
    if (referenceNode?.value.kind === "SettingsBlock" && references && !("kind" in references)) {
      for (const entry of referenceNode.value.settings) {
        const [source] = stringsOf(references.get(entry.name.name));
        const target = entry.name.name;
        const membersOf = (prefix: string) => new Map(weights.filter((w) => w.path.startsWith(`${prefix}.`)).map((w) => [w.path.slice(prefix.length + 1), w]));
        const [copies, originals] = [membersOf(target), membersOf(source ?? "")];
        const unmatched = [...copies].find(
          ([rest, w]) => !originals.has(rest) || printShape(originals.get(rest)!.type.shape) !== printShape(w.type.shape),
        )?.[0];
        const facts: Record<string, string> | undefined =
          source === undefined
            ? { case: "unnamed" }
            : copies.size === 0
              ? { case: "no-weights", prefix: target }
              : originals.size === 0
                ? { case: "no-weights", prefix: source }
                : unmatched !== undefined
                  ? { case: "unmatched", weight: `${target}.${unmatched}`, source }
                  : undefined;
        if (facts) el.report(ctx, "REC2029", entry.value.span, { target, ...facts });
      }
    }

    checkInitMap(el, block, settings, weights, ctx);
    checkTaskShares(el, block, settings, ctx);

    const privacyNode = settingNode(block.settings, "label_privacy");
    const privacy = activeBlock(settings, "label_privacy");
    if (privacyNode?.value.kind === "SettingsBlock" && privacy) {
      const inner = privacyNode.value.settings;
      const epsilon = numberOf(privacy.get("epsilon"));
      const epsilonNode = settingNode(inner, "epsilon");
      if (!epsilonNode) el.report(ctx, "REC2024", privacyNode.name.span, { case: "no-epsilon" });
      else if (epsilon === undefined || !(epsilon > 0) || !Number.isFinite(epsilon))
        el.report(ctx, "REC2024", epsilonNode.value.span, { case: "epsilon", epsilon: String(epsilon ?? "not a number") });
      const labelNode = settingNode(inner, "label");
      const [label] = stringsOf(privacy.get("label"));
      if (!labelNode || label === undefined) el.report(ctx, "REC2024", privacyNode.name.span, { case: "no-label" });
      else if (!inputs.includes(label))
        el.report(ctx, "REC2024", labelNode.value.span, {
          case: "label",
          label,
          model: decl.name.kind === "Ident" ? decl.name.name : "the model",
          inputs: inputs.join(", "),
        });
    }
  });
}

/**
 * `tasks { column = "task", shares = [2, 1] }`: a share per task, each a positive number; the
 * column a string; file data trained by steps (a world composes its own batches; `epochs` and
 * label privacy read the training split as one pass, which composed batches are not).
 */
function checkTaskShares(el: Elaborator, block: A.TrainDecl, settings: TrainSettings, ctx: { file: string }): void {
  const node = settingNode(block.settings, "tasks");
  if (!node) return;
  /** `needs`: a key of REC2023's catalog entry, which words the value, the need and the label. */
  const report = (span: A.Setting["value"]["span"], needs: string) => el.report(ctx, "REC2023", span, { name: "tasks", needs });
  const tasks = settings.get("tasks");
  if (node.value.kind !== "SettingsBlock" || !tasks || "kind" in tasks) return report(node.value.span, "tasks-block");
  const sharesNode = settingNode(node.value.settings, "shares");
  const shares = tasks.get("shares");
  const values = shares && "kind" in shares && shares.kind === "list" ? shares.items.map((item) => numberOf(item)) : undefined;
  if (!sharesNode) report(node.name.span, "tasks-no-shares");
  else if (!values?.length || values.some((v) => v === undefined || !(v > 0) || !Number.isFinite(v))) report(sharesNode.value.span, "tasks-shares");
  const columnNode = settingNode(node.value.settings, "column");
  if (columnNode && stringsOf(tasks.get("column")).length !== 1) report(columnNode.value.span, "tasks-column");
  const data = stringsOf(settings.get("data"))[0];
  if (data?.startsWith("synthetic(")) report(node.value.span, "tasks-world");
  const epochs = settingNode(block.settings, "epochs");
  if (epochs) report(epochs.value.span, "tasks-epochs");
  if (activeBlock(settings, "label_privacy")) report(settingNode(block.settings, "label_privacy")!.name.span, "tasks-privacy");
}

/**
 * What a step of the first train block communicates, from its gradient pipeline: the weights that
 * train (not frozen, under `only`), and per step the values sent (⌈topk · n⌉ per tensor) and
 * bytes (values at `bits` each, a 4-byte index per value under top-k, a 4-byte scale per tensor
 * when quantised) — the same counts the runtime reports as `communicated_floats` and `_bytes`.
 */
export function communicationPerStep(
  stages: readonly TrainStage[],
  weights: readonly { name: string; count: number | null }[],
): { trainable: number; floats: number; bytes: number } | undefined {
  const pipeline = stages[0] && activeBlock(stages[0].settings, "gradients");
  if (!pipeline) return undefined;
  const trains = trainsWeight(stages);
  const topk = numberOf(pipeline.get("topk")) ?? 1;
  const bits = numberOf(pipeline.get("bits")) ?? 32;
  let [trainable, floats, bytes] = [0, 0, 0];
  for (const w of weights) {
    if (w.count === null || !trains(w.name)) continue;
    trainable += w.count;
    const sent = topk < 1 ? Math.min(w.count, Math.max(1, Math.ceil(topk * w.count))) : w.count;
    floats += sent;
    bytes += (bits < 32 ? Math.ceil((sent * bits) / 8) + 4 : 4 * sent) + (topk < 1 ? 4 * sent : 0);
  }
  return { trainable, floats, bytes };
}

/** Whether a weight trains under the first train block: not frozen, not a reference copy, under `only`. */
export function trainsWeight(stages: readonly TrainStage[]): (name: string) => boolean {
  const settings = stages[0]?.settings;
  if (!settings) return () => true;
  const references = settings.get("reference");
  const fixed = [...stringsOf(settings.get("freeze")), ...(references && !("kind" in references) ? [...references.keys()] : [])];
  const only = stringsOf(activeBlock(settings, "gradients")?.get("only"));
  return (name) => !fixed.some((f) => under(name, f)) && (only.length === 0 || only.some((o) => under(name, o)));
}

/**
 * `init { map = { "user_tower.0": "user.mlp.layers.0" } }` (REC2035): a record whose right sides
 * are strings naming weights of this model (a weight or a prefix of some), so a typo is caught
 * before any file is read. The left sides name the checkpoint's tensors, known only when loading.
 */
function checkInitMap(el: Elaborator, block: A.TrainDecl, settings: TrainSettings, weights: readonly WeightInfo[], ctx: { file: string }): void {
  const initNode = settingNode(block.settings, "init");
  const init = settings.get("init");
  if (initNode?.value.kind !== "SettingsBlock" || !init || "kind" in init) return;
  const mapNode = settingNode(initNode.value.settings, "map");
  if (!mapNode) return;
  const map = init.get("map");
  const entries: Array<{ key: string; span: A.Setting["span"] }> =
    mapNode.value.kind === "RecordExpr"
      ? mapNode.value.fields.map((f) => ({ key: f.name.name, span: f.value.span }))
      : mapNode.value.kind === "SettingsBlock"
        ? mapNode.value.settings.map((s) => ({ key: s.name.name, span: s.value.span }))
        : [];
  if (!map || "kind" in map || (mapNode.value.kind !== "RecordExpr" && mapNode.value.kind !== "SettingsBlock")) {
    el.report(ctx, "REC2035", mapNode.value.span, { case: "not-record" });
    return;
  }
  const known = [...new Set(weights.map((w) => `\`${w.path.split(".")[0]!}\``))].slice(0, 6).join(", ");
  for (const { key, span } of entries) {
    const target = map.get(key);
    if (!target || !("kind" in target) || target.kind !== "string") el.report(ctx, "REC2035", span, { case: "not-string", key });
    else if (!weights.some((w) => under(w.path, target.value))) el.report(ctx, "REC2035", span, { case: "no-weights", key, target: target.value, known });
  }
}
