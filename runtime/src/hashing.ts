// The hash functions of the `hash_ngrams` and `hash_ids` ops, shared by the kernels and the
// reference interpreter. Every intermediate stays below 2^31, so int32 backends compute them
// exactly (and below 2^24 for hash_ngrams, which float32 backends compute too).

/** The modulus: 31·P + P stays below 2^24, so float32 and int32 backends agree. */
export const HASH_PRIME = 524_287;

/** The multiplier of each of `hash_ids`'s hash functions, by seed; (P − 1 + 1) · A < 2^31. */
export const HASH_MULTIPLIERS: readonly number[] = [1031, 1409, 1789, 2063, 2467, 2857, 3251, 3637];

/** `hash_ids` for one id: ((x mod P) + 1) · A_seed mod P, then mod buckets. */
export function hashId(x: number, seed: number, buckets: number): number {
  return ((((x % HASH_PRIME) + 1) * HASH_MULTIPLIERS[seed % HASH_MULTIPLIERS.length]!) % HASH_PRIME) % buckets;
}
