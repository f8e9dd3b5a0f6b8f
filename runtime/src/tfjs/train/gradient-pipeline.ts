// The gradient pipeline: what happens between computing a step's gradients and applying them,
// declared by the train block's `gradients { … }`. It models training inside a data clean room,
// where only a batch's aggregated, compressed gradient leaves. The transforms run in one fixed
// order (spec/language.md §3.7):
//
//   1. per-example clipping (`per_example_clip = C`): each example's gradient scaled to L2 ≤ C
//      before the mean (computed one example at a time; the only transform that needs them);
//   2. batch aggregation: the mean over the batch is all that leaves (always);
//   3. global clipping (`clip = C`): the aggregated gradient scaled to L2 ≤ C;
//   4. Gaussian noise (`noise = σ`): N(0, (σ·C / B)²) per entry, C the per-example bound (or the
//      global one), as DP-SGD adds σ·C to the sum of clipped per-example gradients;
//   5. top-k sparsification (`topk = f`, `error_feedback = true`): per tensor, the ⌈f·n⌉ entries
//      largest in magnitude of gradient + residual are sent; the residual keeps what was not;
//   6. k-bit quantisation (`bits = k`): per tensor, symmetric uniform levels of max|g| / (2^(k−1) − 1),
//      so each entry's error is at most half a level;
//   7. the count of floats and bytes sent (values, top-k indices, quantisation scales).
//
// In: the gradients of the trainable weights (keyed by name) and the batch size. Out: the
// gradients to apply, and what the step communicated. The reference implementation is this
// file's functions on plain arrays (`topkWithFeedback`, `quantize`, `clipToNorm`), which the
// tfjs path calls on each tensor's values.

import type { PlanSettings } from "../../plan.js";
import { gaussian, mulberry32 } from "../../data/random.js";

export interface PipelineSettings {
  readonly perExampleClip: number;
  readonly clip: number;
  readonly noise: number;
  /** The fraction of entries top-k keeps (1: no sparsification). */
  readonly topk: number;
  readonly errorFeedback: boolean;
  /** Bits per sent value (32: floats as they are). */
  readonly bits: number;
  /** Weight-name prefixes that train and are sent (empty: every unfrozen weight). */
  readonly only: readonly string[];
}

export function pipelineSettingsOf(settings: PlanSettings): PipelineSettings | undefined {
  const block = settings["gradients"] as PlanSettings | undefined;
  if (!block || typeof block !== "object" || block["enabled"] === false) return undefined;
  const num = (name: string, fallback: number) => (typeof block[name] === "number" ? (block[name] as number) : fallback);
  const only = block["only"];
  return {
    perExampleClip: num("per_example_clip", 0),
    // The train block's `clip_norm` is the pipeline's global clip unless the block sets its own.
    clip: num("clip", typeof settings["clip_norm"] === "number" ? settings["clip_norm"] : 0),
    noise: num("noise", 0),
    topk: num("topk", 1),
    errorFeedback: block["error_feedback"] !== false,
    bits: num("bits", 32),
    only: only === undefined ? [] : (Array.isArray(only) ? only : [only]).map(String),
  };
}

/** What one step sent: values and bytes. */
export interface Communicated {
  floats: number;
  bytes: number;
}

/** Scales `values` in place to an L2 norm of at most `bound`; returns the factor applied. */
export function clipToNorm(values: Float32Array[], bound: number): number {
  let squares = 0;
  for (const v of values) for (let i = 0; i < v.length; i++) squares += v[i]! * v[i]!;
  const factor = Math.min(1, bound / (Math.sqrt(squares) + 1e-12));
  if (factor < 1) for (const v of values) for (let i = 0; i < v.length; i++) v[i]! *= factor;
  return factor;
}

/**
 * Top-k with error feedback on one tensor: v = g + residual; the ⌈fraction·n⌉ entries of v
 * largest in magnitude are kept, the rest zeroed; the residual becomes what was dropped
 * (with feedback) or stays zero. Returns the kept positions' count; `values` becomes the sent tensor.
 */
export function topkWithFeedback(values: Float32Array, residual: Float32Array | undefined, fraction: number): number {
  if (residual) for (let i = 0; i < values.length; i++) values[i]! += residual[i]!;
  const keep = Math.min(values.length, Math.max(1, Math.ceil(fraction * values.length)));
  if (keep >= values.length) {
    residual?.fill(0);
    return values.length;
  }
  // The keep-th largest magnitude, by selection on a copy; ties broken by position.
  const magnitudes = Float32Array.from(values, Math.abs).sort();
  const threshold = magnitudes[values.length - keep]!;
  let kept = 0;
  // Sorted ascending: the entries above the threshold are the last ones; ties fill the rest.
  let atThreshold = keep - (values.length - 1 - magnitudes.lastIndexOf(threshold));
  for (let i = 0; i < values.length; i++) {
    const m = Math.abs(values[i]!);
    const send = m > threshold || (m === threshold && atThreshold-- > 0);
    if (send) {
      kept++;
      if (residual) residual[i] = 0;
    } else {
      if (residual) residual[i] = values[i]!;
      values[i] = 0;
    }
  }
  return kept;
}

/** Symmetric uniform k-bit quantisation in place; returns the level (error ≤ level / 2 per entry). */
export function quantize(values: Float32Array, bits: number): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const levels = 2 ** (bits - 1) - 1;
  if (max === 0 || levels < 1) return 0;
  const level = max / levels;
  for (let i = 0; i < values.length; i++) values[i] = Math.round(values[i]! / level) * level;
  return level;
}

/** The pipeline of one run: its settings, the residuals of error feedback and the noise stream. */
export class GradientPipeline {
  readonly residuals = new Map<string, Float32Array>();
  private readonly normal: () => number;
  last: Communicated = { floats: 0, bytes: 0 };

  constructor(
    readonly settings: PipelineSettings,
    seed: number,
  ) {
    this.normal = gaussian(mulberry32((seed * 747_796_405 + 2_891_336_453) >>> 0));
  }

  /**
   * Transforms 3–7 on the aggregated gradients (name → values, changed in place), for a batch of
   * `batch` examples. Per-example clipping (1) and aggregation (2) happened before.
   */
  transform(gradients: Map<string, Float32Array>, batch: number): Communicated {
    const s = this.settings;
    const values = [...gradients.values()];
    if (s.clip > 0) clipToNorm(values, s.clip);
    if (s.noise > 0) {
      const bound = s.perExampleClip > 0 ? s.perExampleClip : s.clip;
      const sd = (s.noise * bound) / Math.max(batch, 1);
      for (const v of values) for (let i = 0; i < v.length; i++) v[i]! += sd * this.normal();
    }
    const sent: Communicated = { floats: 0, bytes: 0 };
    for (const [name, v] of gradients) {
      let floats = v.length;
      let indexBytes = 0;
      if (s.topk < 1) {
        const residual = s.errorFeedback ? (this.residuals.get(name) ?? this.residuals.set(name, new Float32Array(v.length)).get(name)!) : undefined;
        floats = topkWithFeedback(v, residual, s.topk);
        indexBytes = 4 * floats;
      }
      let valueBytes = 4 * floats;
      if (s.bits < 32) {
        quantize(v, s.bits);
        valueBytes = Math.ceil((floats * s.bits) / 8) + 4;
      }
      sent.floats += floats;
      sent.bytes += valueBytes + indexBytes;
    }
    this.last = sent;
    return sent;
  }
}
