// A checkpoint's optimizer state, checked before a resumed run uses it. In: one dense group's
// saved slots (checkpoint names and tensors, in the saved order), the group's optimizer text, and
// the weights it trains (plan names and shapes, in the order their gradients reach it). Out:
// nothing, or a CheckpointError naming the slot and the weight — where tfjs would otherwise fail
// at the first step with a broadcast error naming neither (a transposed moment, a slot missing,
// a group's state absent). tfjs keeps, per group: the step counter first, then each kind of slot
// for every weight in turn (Adam: all first moments, then all second moments), then Adam's
// running products. The torch engine's state (`torch.<group>.<weight>.<slot>`, PyTorch's own
// slot names) is checked by weight name: each trained weight has every slot its group keeps, of
// the weight's shape (the step count: a scalar).

import { CheckpointError } from "../../checkpoint/safetensors.js";
import { parseConfig } from "../../config.js";
import type { Tensor } from "../tf.js";

/** Slots each weight has under an optimizer (Adam: m and v; momentum: one; plain sgd: none). */
function slotsPerWeight(optimizer: string): number {
  const config = parseConfig(optimizer);
  if (config.name === "adam" || config.name === "adamw") return 2;
  if (config.name === "adagrad") return 1;
  return config.name === "sgd" && typeof config.args.get("momentum") === "number" && config.args.get("momentum") !== 0 ? 1 : 0;
}

const EXTRAS = new Set(["iter", "accBeta1", "accBeta2"]);
const shapeText = (shape: readonly number[]) => `[${shape.join(", ")}]`;

export function checkDenseState(
  group: number,
  saved: readonly { name: string; tensor: Tensor }[],
  optimizer: string,
  weights: readonly { name: string; shape: readonly number[] }[],
): void {
  const where = (slot: string) => `\`optimizer.${group}.${slot}\``;
  const slots = saved.filter((s) => !EXTRAS.has(s.name.replace(/^\d+\./, "")));
  const perWeight = slotsPerWeight(optimizer);
  if (!saved.length && weights.length) {
    throw new CheckpointError(
      `the checkpoint holds no optimizer state for group ${group} (\`${optimizer}\`, ` +
        `${weights.length} weights): resume from a checkpoint \`rec train\` wrote, or start from ` +
        `its weights with \`init { checkpoint = … }\``,
    );
  }
  if (slots.length !== perWeight * weights.length) {
    const missing = firstWithout(slots, weights);
    throw new CheckpointError(
      `the checkpoint holds ${slots.length} optimizer slots for group ${group}, but ` +
        `\`${optimizer}\` keeps ${perWeight} for each of its ${weights.length} weights ` +
        `(${perWeight * weights.length})${missing ? `; the first weight without its \`${missing.kind}\` slot is \`${missing.weight}\`` : ""}: ` +
        `the checkpoint was written by another model or edited`,
    );
  }
  for (const [k, slot] of slots.entries()) {
    const weight = weights[k % weights.length]!;
    const shape = slot.tensor.shape;
    if (shape.length !== weight.shape.length || shape.some((d, i) => d !== weight.shape[i])) {
      throw new CheckpointError(
        `the optimizer slot ${where(slot.name)} has shape ${shapeText(shape)}, but its weight ` +
          `\`${weight.name}\` is ${shapeText(weight.shape)}: the checkpoint's optimizer state does ` +
          `not fit this model`,
      );
    }
    if (slot.tensor.dtype !== "float32")
      throw new CheckpointError(`the optimizer slot ${where(slot.name)} of \`${weight.name}\` is ${slot.tensor.dtype}, not float32`);
  }
}

/** Where slots of one kind (`…/m`) stop matching the weights in order: the weight that lacks its slot. */
function firstWithout(
  slots: readonly { name: string; tensor: Tensor }[],
  weights: readonly { name: string; shape: readonly number[] }[],
): { kind: string; weight: string } | undefined {
  const kinds = new Map<string, Tensor[]>();
  for (const slot of slots) {
    const kind = slot.name.split("/").pop()!;
    kinds.set(kind, [...(kinds.get(kind) ?? []), slot.tensor]);
  }
  for (const [kind, list] of kinds) {
    if (list.length >= weights.length) continue;
    const k = weights.findIndex((w, i) => list[i]?.shape.join() !== w.shape.join());
    return { kind, weight: weights[k < 0 ? list.length : k]!.name };
  }
  return undefined;
}

/** PyTorch's slots that have their weight's shape (Adam's moments, Adagrad's sum, SGD's momentum). */
const WEIGHT_SHAPED = new Set(["exp_avg", "exp_avg_sq", "sum", "momentum_buffer", "max_exp_avg_sq"]);

export function checkTorchState(
  saved: readonly { name: string; shape: readonly number[] }[],
  weights: readonly { name: string; shape: readonly number[] }[],
): void {
  if (!saved.length && weights.length) {
    throw new CheckpointError(
      "the checkpoint holds no optimizer state for the torch engine: resume from a checkpoint " +
        "`rec train --backend torch` wrote (the tfjs engines' state does not carry over)",
    );
  }
  // Longest names first, so `a.b` is not taken for the weight of `a.b.c`'s slots.
  const byLength = [...weights].sort((a, b) => b.name.length - a.name.length);
  const kinds = new Map<string, Set<string>>();
  const seen = new Set<string>();
  for (const slot of saved) {
    const match = /^torch\.(\d+)\.(.+)$/.exec(slot.name);
    const weight = match && byLength.find((w) => match[2]!.startsWith(`${w.name}.`));
    if (!match || !weight)
      throw new CheckpointError(
        `the optimizer slot \`optimizer.${slot.name}\` belongs to no weight this model trains: the checkpoint was written by another model`,
      );
    const kind = match[2]!.slice(weight.name.length + 1);
    (kinds.get(match[1]!) ?? kinds.set(match[1]!, new Set()).get(match[1]!)!).add(kind);
    seen.add(`${weight.name}\u0000${kind}`);
    const expected = kind === "step" ? [] : WEIGHT_SHAPED.has(kind) ? weight.shape : undefined;
    if (expected && (expected.length !== slot.shape.length || expected.some((d, i) => d !== slot.shape[i]))) {
      throw new CheckpointError(
        `the optimizer slot \`optimizer.${slot.name}\` has shape ${shapeText(slot.shape)}, but ` +
          `${kind === "step" ? "a step count is a scalar" : `its weight \`${weight.name}\` is ${shapeText(weight.shape)}`}: ` +
          `the checkpoint's optimizer state does not fit this model`,
      );
    }
  }
  // Every weight with a slot in a group has every kind of slot that group keeps.
  for (const [group, groupKinds] of kinds) {
    for (const weight of weights) {
      const has = [...groupKinds].filter((k) => seen.has(`${weight.name}\u0000${k}`));
      const lacks = [...groupKinds].find((k) => !seen.has(`${weight.name}\u0000${k}`));
      if (has.length && lacks)
        throw new CheckpointError(
          `the optimizer slot \`optimizer.torch.${group}.${weight.name}.${lacks}\` of the weight ` +
            `\`${weight.name}\` is missing from the checkpoint: the checkpoint was written by another ` +
            `model or edited`,
        );
    }
  }
}
