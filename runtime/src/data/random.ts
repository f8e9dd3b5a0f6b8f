// Small seeded generators for data: deterministic across runs and platforms (plain 32-bit
// integer arithmetic), so a seed names one stream of examples, one shuffle and one split.

/** mulberry32: a uniform [0, 1) stream from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** xorshift32: the generator of the synthetic worlds. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A standard normal draw (Box–Muller) from a uniform stream. */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** The index a uniform u ∈ [0, 1) picks from running totals of weights (binary search). */
export function drawFromCumulative(cumulative: Float64Array, u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  let [low, high] = [0, cumulative.length - 1];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A world builder that keeps the world it built last, by its arguments: a world's constants and
 * each split's stream are made from one build.
 */
export function keepingLast<A, W>(build: (args: A) => W): (args: A) => W {
  let last: { key: string; world: W } | undefined;
  return (args) => {
    const key = JSON.stringify(args);
    if (last?.key !== key) last = { key, world: build(args) };
    return last.world;
  };
}
