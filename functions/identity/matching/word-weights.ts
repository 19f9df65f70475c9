/**
 * Company-name words weighted by how many different names hold them, for comparing names word by
 * word (similarity.ts, softTokenSimilarity).
 */
import type { Prepared } from './match-record';

/** How many distinct company names hold each word: the data behind `wordWeights`, kept with a model. */
export interface WordFrequencies {
  /** Distinct names counted. */
  names: number;
  /** Word → distinct names holding it. */
  counts: Map<string, number>;
}

/**
 * Inverse document frequency of company-name words over the run's distinct names: a word in many
 * different names ('international') is weak, while one big customer's name written the same way
 * on hundreds of records does not make its words look common.
 */
export const wordFrequencies = (records: readonly Prepared[]): WordFrequencies => {
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  for (const r of records) {
    if (!r.nameTokens || r.name === undefined || seen.has(r.name)) continue;
    seen.add(r.name);
    for (const t of new Set(r.nameTokens)) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return { names: seen.size, counts };
};

/** A word's weight; a word no name held counts as one held by a single name. */
export const wordWeightsFrom = ({ names, counts }: WordFrequencies): ((word: string) => number) => {
  const unseen = Math.log(names + 1);
  return (word) => {
    const n = counts.get(word);
    return n === undefined ? unseen : Math.log((names + 1) / n);
  };
};

export const wordWeights = (records: readonly Prepared[]): ((word: string) => number) => wordWeightsFrom(wordFrequencies(records));
