// The rule every metric follows when its inputs are not all finite: the metric is NaN. A NaN
// score compares false with everything, so a ranking metric would count it as the top rank
// (recall 1.0 from a broken model) and an AUC would rank it arbitrarily; a NaN says "this
// model's scores are broken" instead of a plausible number. The tfjs kernels
// (kernels/metrics.ts), the reference implementations and the whole-set evaluation (exact.ts)
// all apply it.

/** Whether every value of every array is finite. */
export function allFinite(...arrays: readonly ArrayLike<number>[]): boolean {
  for (const values of arrays) for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

/** `metric(arrays)`, or NaN when some input value is not finite. */
export function finiteOrNaN(arrays: readonly ArrayLike<number>[], metric: () => number): number {
  return allFinite(...arrays) ? metric() : Number.NaN;
}
