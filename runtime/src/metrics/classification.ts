// Classification and off-policy metrics over plain arrays: predictions (probabilities), labels
// (positive when at least 0.5), optional groups. Out: one number. These are the definitions the
// graph ops, the reference interpreter and whole-set evaluation follow; each is unit-tested
// against values worked out by hand (test/metrics.test.ts).

const EPS = 1e-7;
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);
const positive = (y: number) => y >= 0.5;

/**
 * ROC AUC by the Mann–Whitney statistic: the probability that a random positive scores above a
 * random negative, a tie counting one half. 0.5 when a class is absent (no ordering to judge).
 */
export function auc(p: ArrayLike<number>, y: ArrayLike<number>): number {
  const order = Array.from({ length: p.length }, (_, i) => i).sort((i, j) => p[i]! - p[j]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && p[order[j + 1]!] === p[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1; // Tied scores share their average rank.
    for (let k = i; k <= j; k++) {
      if (positive(y[order[k]!]!)) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = p.length - positives;
  return positives && negatives ? (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives) : 0.5;
}

/**
 * Group AUC: each group's AUC weighted by its number of examples, over the groups that hold
 * both classes (a group of one class has no AUC and is left out). 0.5 when no group qualifies.
 */
export function groupAuc(p: ArrayLike<number>, y: ArrayLike<number>, groups: ArrayLike<number>): number {
  const members = new Map<number, number[]>();
  for (let i = 0; i < p.length; i++) {
    const list = members.get(groups[i]!);
    if (list) list.push(i);
    else members.set(groups[i]!, [i]);
  }
  let weighted = 0;
  let weight = 0;
  for (const rows of members.values()) {
    const labels = rows.map((i) => y[i]!);
    const pos = labels.filter(positive).length;
    if (pos === 0 || pos === rows.length) continue;
    weighted +=
      rows.length *
      auc(
        rows.map((i) => p[i]!),
        labels,
      );
    weight += rows.length;
  }
  return weight ? weighted / weight : 0.5;
}

/** Mean binary cross-entropy, −[y log p + (1−y) log(1−p)], with p clipped to [1e-7, 1 − 1e-7]. */
export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < p.length; i++) {
    const q = clip(p[i]!);
    total -= y[i]! * Math.log(q) + (1 - y[i]!) * Math.log(1 - q);
  }
  return p.length ? total / p.length : 0;
}

/**
 * Normalized entropy (He et al. 2014): log loss divided by the entropy of the base rate, so 1 is
 * no better than always predicting the average. NaN when the labels are all one class.
 */
export function normalizedEntropy(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i]!;
  const base = y.length ? sum / y.length : 0;
  if (base <= 0 || base >= 1) return Number.NaN;
  const entropy = -(base * Math.log(base) + (1 - base) * Math.log(1 - base));
  return logLoss(p, y) / entropy;
}

/** Calibration: Σ predictions / Σ labels; 1 is calibrated. NaN when there is no positive label. */
export function calibration(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let predicted = 0;
  let observed = 0;
  for (let i = 0; i < p.length; i++) {
    predicted += p[i]!;
    observed += y[i]!;
  }
  return observed > 0 ? predicted / observed : Number.NaN;
}

/** The fraction of predictions equal to their labels; 0 for no examples. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) hits++;
  return predicted.length ? hits / predicted.length : 0;
}

/** Accuracy per group (e.g. per semantic-id level), over the groups that occur, by group key. */
export function groupedAccuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>, groups: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, { hits: number; n: number }>();
  for (let i = 0; i < predicted.length; i++) {
    const c = counts.get(groups[i]!) ?? { hits: 0, n: 0 };
    c.n++;
    if (predicted[i] === labels[i]) c.hits++;
    counts.set(groups[i]!, c);
  }
  return new Map([...counts].sort(([a], [b]) => a - b).map(([g, c]) => [g, c.hits / c.n]));
}

/** IPS: mean of w·r, where w = π(a|s) / μ(a|s) is the importance weight of the logged action. */
export function ips(weights: ArrayLike<number>, rewards: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]! * rewards[i]!;
  return weights.length ? total / weights.length : 0;
}

/** SNIPS: Σ w·r / Σ w, the self-normalized estimate (0 when every weight is 0). */
export function snips(weights: ArrayLike<number>, rewards: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < weights.length; i++) {
    num += weights[i]! * rewards[i]!;
    den += weights[i]!;
  }
  return den ? num / den : 0;
}
