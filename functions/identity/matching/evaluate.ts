/**
 * How good a clustering is against known truth. Pairwise precision and recall count pairs of
 * records put together; B-cubed averages, per record, how much of its predicted cluster is right
 * (precision) and how much of its true cluster it found (recall), so one giant cluster cannot
 * dominate the figure the way it dominates pair counts.
 */

export interface PairwiseQuality {
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface BCubedQuality {
  precision: number;
  recall: number;
  f1: number;
}

const f1Of = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

const groups = (labels: readonly string[]): Map<string, number[]> => {
  const out = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const g = out.get(label);
    if (g) g.push(i);
    else out.set(label, [i]);
  });
  return out;
};

const pairsIn = (size: number) => (size * (size - 1)) / 2;

/** `predicted[i]` and `truth[i]` label record i's cluster; only equality matters. */
export const pairwiseQuality = (predicted: readonly string[], truth: readonly string[]): PairwiseQuality => {
  let truePairs = 0;
  for (const g of groups(truth).values()) truePairs += pairsIn(g.length);
  let predictedPairs = 0;
  let correctPairs = 0;
  for (const g of groups(predicted).values()) {
    predictedPairs += pairsIn(g.length);
    const byTruth = new Map<string, number>();
    for (const i of g) byTruth.set(truth[i] as string, (byTruth.get(truth[i] as string) ?? 0) + 1);
    for (const n of byTruth.values()) correctPairs += pairsIn(n);
  }
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  return { truePairs, predictedPairs, correctPairs, precision, recall, f1: f1Of(precision, recall) };
};

/**
 * Predicted clusters holding records of more than one true entity: each is a merge across
 * different entities (for company data, different legal entities), the error a steward can least
 * afford, counted apart from the pairwise figures that a few large clusters can hide it in.
 */
export const mixedClusters = (predicted: readonly string[], truth: readonly string[]): number => {
  let mixed = 0;
  for (const g of groups(predicted).values()) if (new Set(g.map((i) => truth[i])).size > 1) mixed++;
  return mixed;
};

export const bCubedQuality = (predicted: readonly string[], truth: readonly string[]): BCubedQuality => {
  const n = predicted.length;
  if (n === 0) return { precision: 1, recall: 1, f1: 1 };
  const predictedSize = new Map<string, number>();
  const truthSize = new Map<string, number>();
  const both = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const p = predicted[i] as string;
    const t = truth[i] as string;
    predictedSize.set(p, (predictedSize.get(p) ?? 0) + 1);
    truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
    const key = `${p}\u0000${t}`;
    both.set(key, (both.get(key) ?? 0) + 1);
  }
  let precision = 0;
  let recall = 0;
  for (let i = 0; i < n; i++) {
    const p = predicted[i] as string;
    const t = truth[i] as string;
    const common = both.get(`${p}\u0000${t}`) as number;
    precision += common / (predictedSize.get(p) as number);
    recall += common / (truthSize.get(t) as number);
  }
  precision /= n;
  recall /= n;
  return { precision, recall, f1: f1Of(precision, recall) };
};

/** The share of true pairs among the candidate pairs: the recall no threshold can exceed. */
export const pairCompleteness = (
  candidates: { i: ArrayLike<number>; j: ArrayLike<number>; length: number },
  truth: readonly string[],
): number => {
  let truePairs = 0;
  for (const g of groups(truth).values()) truePairs += pairsIn(g.length);
  let found = 0;
  for (let p = 0; p < candidates.length; p++) if (truth[candidates.i[p] as number] === truth[candidates.j[p] as number]) found++;
  return truePairs === 0 ? 1 : found / truePairs;
};
