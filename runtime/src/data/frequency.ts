// Streaming frequency estimates for logQ correction (a schema field `column` → `frequency("item",
// sketch = "count_min")`): each training row counts its value, and the field holds
// log q̂ = log(max(count, 1) / max(rows, 1)), the value's share of the training rows read so far
// (the row itself included); held-out rows read the counts without adding to them. A sampled
// softmax subtracts it from the logits (plus log of the negatives drawn) so popular items are
// not penalised for being sampled often (Yi et al., 2019; OmniSearchSage's count-min sketches).
// `count_min`: `depth` rows of `width` counters, each value counted in one counter per row chosen
// by a seeded hash, estimated by the smallest (never below the true count; above it by at most
// e·rows/width with probability 1 − e^−depth); `exact`: a map of counts, for small toys.
// In: cell values. Out: log frequencies.

import { keyOf } from "./vocab.js";

export interface FrequencySettings {
  readonly sketch: "count_min" | "exact";
  readonly width: number;
  readonly depth: number;
}

export interface FrequencyEstimator {
  /** Counts one occurrence of the value (a training row). */
  add(raw: unknown): void;
  /** The value's estimated count. */
  count(raw: unknown): number;
  /** Rows counted so far. */
  readonly total: number;
}

/** FNV-1a over the value's text, from a per-row seed: the sketch's hash functions. */
function hash(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class CountMinSketch implements FrequencyEstimator {
  total = 0;
  private readonly counters: Uint32Array;

  constructor(
    private readonly width: number,
    private readonly depth: number,
  ) {
    this.counters = new Uint32Array(width * depth);
  }

  add(raw: unknown): void {
    const text = keyOf(raw);
    for (let row = 0; row < this.depth; row++) this.counters[row * this.width + (hash(text, row) % this.width)]!++;
    this.total++;
  }

  count(raw: unknown): number {
    const text = keyOf(raw);
    let least = Number.POSITIVE_INFINITY;
    for (let row = 0; row < this.depth; row++) least = Math.min(least, this.counters[row * this.width + (hash(text, row) % this.width)]!);
    return least;
  }
}

export class ExactCounts implements FrequencyEstimator {
  total = 0;
  private readonly counts = new Map<string, number>();

  add(raw: unknown): void {
    const key = keyOf(raw);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total++;
  }

  count(raw: unknown): number {
    return this.counts.get(keyOf(raw)) ?? 0;
  }
}

export function frequencyEstimator(settings: FrequencySettings): FrequencyEstimator {
  return settings.sketch === "exact" ? new ExactCounts() : new CountMinSketch(settings.width, settings.depth);
}

/** log q̂ of a value: counted first when the row is a training row. */
export function logFrequency(estimator: FrequencyEstimator, raw: unknown, learn: boolean): number {
  if (learn) estimator.add(raw);
  return Math.log(Math.max(estimator.count(raw), 1) / Math.max(estimator.total, 1));
}
