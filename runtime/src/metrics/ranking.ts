// Ranking metrics over plain arrays: the definitions the graph ops, the reference interpreter
// and the evaluation loop all follow. In: for each query, scores over candidates and the set
// of relevant candidates. Out: the mean over queries. Conventions: a candidate tied with a
// relevant one ranks above it (ties count against the model, so a constant scorer earns no
// credit), and a query with no relevant candidate is left out of the mean (0 when none is left).

/** 1 + the number of other candidates scoring at least `scores[positive]`. */
export function rankOf(scores: ArrayLike<number>, positive: number): number {
  let rank = 1;
  const s = scores[positive]!;
  for (let c = 0; c < scores.length; c++) if (c !== positive && scores[c]! >= s) rank++;
  return rank;
}

/** The ranks of each relevant candidate, counting the other relevant ones too (`rankOf`). */
function ranksOf(scores: ArrayLike<number>, relevant: readonly number[]): number[] {
  return relevant.map((r) => rankOf(scores, r));
}

function meanOver(queries: readonly { scores: ArrayLike<number>; relevant: readonly number[] }[], f: (ranks: number[], relevant: number) => number): number {
  let total = 0;
  let counted = 0;
  for (const q of queries) {
    if (q.relevant.length === 0) continue;
    total += f(ranksOf(q.scores, q.relevant), q.relevant.length);
    counted++;
  }
  return counted ? total / counted : 0;
}

export interface Query {
  readonly scores: ArrayLike<number>;
  readonly relevant: readonly number[];
}

/** Recall@K: the fraction of a query's relevant candidates ranked in the top k. */
export function recallAtK(queries: readonly Query[], k: number): number {
  return meanOver(queries, (ranks, n) => ranks.filter((r) => r <= k).length / n);
}

/** HitRate@K: 1 when any relevant candidate is in the top k. */
export function hitRateAtK(queries: readonly Query[], k: number): number {
  return meanOver(queries, (ranks) => (ranks.some((r) => r <= k) ? 1 : 0));
}

/** NDCG@K with binary relevance: Σ_{relevant in top k} 1/log2(rank + 1), over the ideal ordering's sum. */
export function ndcgAtK(queries: readonly Query[], k: number): number {
  return meanOver(queries, (ranks, n) => {
    const dcg = ranks.filter((r) => r <= k).reduce((sum, r) => sum + 1 / Math.log2(r + 1), 0);
    let ideal = 0;
    for (let i = 1; i <= Math.min(n, k); i++) ideal += 1 / Math.log2(i + 1);
    return dcg / ideal;
  });
}

/** MRR: the reciprocal rank of the best-ranked relevant candidate. */
export function meanReciprocalRank(queries: readonly Query[]): number {
  return meanOver(queries, (ranks) => 1 / Math.min(...ranks));
}

/** The queries of an in-batch score matrix [rows, cols] whose row i's positive is column i. */
export function diagonalQueries(scores: ArrayLike<number>, rows: number, cols: number): Query[] {
  return Array.from({ length: rows }, (_, r) => ({
    scores: Array.prototype.slice.call(scores, r * cols, (r + 1) * cols) as number[],
    relevant: r < cols ? [r] : [],
  }));
}
