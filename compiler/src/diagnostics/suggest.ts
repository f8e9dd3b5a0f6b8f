// "Did you mean": picks the candidates closest to a misspelled word by edit distance.

/** Damerau–Levenshtein distance (adjacent transpositions count as one edit). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Longer words are not typos of a name: no suggestion (the distance is quadratic in length). */
export const MAX_SUGGESTED_LENGTH = 64;
/** At most this many candidates are looked at, innermost first (a scope can hold thousands). */
export const MAX_CANDIDATES = 2048;

/**
 * The candidates within a distance that grows with the word's length (a third of it, at
 * least 1), nearest first, at most `limit` of them. Bounded work per call: words over
 * MAX_SUGGESTED_LENGTH get none, at most MAX_CANDIDATES candidates are looked at (callers list
 * the nearest scopes first), and those whose length alone puts them out of reach are skipped
 * before any distance is computed.
 */
export function suggest(word: string, candidates: Iterable<string>, limit = 3): string[] {
  if (word.length > MAX_SUGGESTED_LENGTH) return [];
  const threshold = Math.max(1, Math.floor(word.length / 3));
  const scored: { name: string; distance: number }[] = [];
  const seen = new Set<string>();
  let looked = 0;
  for (const name of candidates) {
    if (++looked > MAX_CANDIDATES) break;
    if (name === word || Math.abs(name.length - word.length) > threshold || seen.has(name)) continue;
    seen.add(name);
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= threshold) scored.push({ name, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name));
  return scored.slice(0, limit).map((s) => s.name);
}

/** "`a`", "`a` or `b`", "`a`, `b` or `c`". */
export function quoteList(names: readonly string[], conjunction = "or"): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} ${conjunction} ${quoted[quoted.length - 1]}`;
}
