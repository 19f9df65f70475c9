/**
 * Fellegi–Sunter scoring: each comparison level carries m = P(level | same entity) and
 * u = P(level | different entities); a pair's match weight is the prior log-odds plus the sum of
 * log2(m/u) over its comparisons, so every bit of the score traces back to one field.
 *
 * Nothing here needs labels:
 * - u comes from random pairs, which are almost all non-matches;
 * - m comes from expectation–maximisation over the candidate pairs, one training session per
 *   blocking rule with the fields that rule blocks on left out (they agree by construction there),
 *   as Splink does; a comparison no session can learn keeps its prior;
 * - the prior P(match) for a random pair (lambda) comes from the final model's expected number of
 *   matches among the candidates.
 * People's decisions, when there are any, enter EM as pairs whose match probability is known.
 *
 * Term frequencies refine exact agreements: two records sharing a value held by a fraction f of
 * all records get log2(m/f) instead of log2(m/u), so 'smith' counts for less than 'oyelaran'.
 */
import { NO_LEVEL, type Comparison } from './comparisons';

/** Level counts observed for one comparison vector, `levels[k]` being NO_LEVEL when missing. */
export interface PatternCount {
  levels: readonly number[];
  count: number;
}

export interface LabeledPattern {
  levels: readonly number[];
  match: boolean;
}

export interface ComparisonParameters {
  name: string;
  levels: readonly string[];
  m: number[];
  u: number[];
  /** How m was obtained: learned from the data, or the prior kept. */
  mSource: 'learned' | 'prior' | 'fixed';
}

export interface Model {
  comparisons: ComparisonParameters[];
  /** P(match) for a random pair of records. */
  lambda: number;
  /** Per comparison, value → share of records holding it (only comparisons with a tfValue). */
  termFrequencies: (Map<string, number> | undefined)[];
}

export interface Evidence {
  comparison: string;
  level: string;
  /** log2 Bayes factor this comparison contributes. */
  weight: number;
  /** The term frequency used for an exact agreement, when it adjusted the weight. */
  termFrequency?: number;
}

export interface Score {
  /** Match weight in bits: prior plus every comparison's contribution. */
  weight: number;
  probability: number;
  prior: number;
  evidence: Evidence[];
}

const log2 = Math.log2;

/** Pseudo-pairs of prior belief mixed into every m estimate, so an unseen level is never 0. */
const PRIOR_STRENGTH = 1;
const MIN_PROBABILITY = 1e-9;

export const estimateU = (levelCounts: readonly number[][]): number[][] =>
  levelCounts.map((counts) => {
    const total = counts.reduce((s, c) => s + c, 0);
    // Add-half smoothing: a level never seen among random pairs is rare, not impossible.
    return counts.map((c) => (c + 0.5) / (total + 0.5 * counts.length));
  });

interface EmResult {
  m: number[][];
  lambda: number;
  expectedMatches: number;
  /** Per comparison, the expected number of matching pairs where it had a level. */
  support: number[];
}

/**
 * EM over pattern counts, learning m for the comparisons in `learn` (and lambda); the others keep
 * `m0`. Comparisons outside `use` are ignored entirely (a session's blocked-on fields).
 */
export const expectationMaximisation = (
  patterns: readonly PatternCount[],
  labeled: readonly LabeledPattern[],
  m0: readonly (readonly number[])[],
  u: readonly (readonly number[])[],
  priors: readonly (readonly number[])[],
  use: readonly boolean[],
  learn: readonly boolean[],
  lambda0: number,
  maxIterations = 100,
): EmResult => {
  let m = m0.map((ms) => [...ms]);
  let lambda = lambda0;
  let expectedMatches = 0;
  let support = m.map(() => 0);
  const K = m.length;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    // log(m/u) per level, once per iteration rather than once per pattern: a million records
    // make a hundred thousand patterns, each visited by every session's every iteration.
    const ratios = logRatios(m, u);
    const matchCounts = m.map((ms) => ms.map(() => 0));
    let matches = 0;
    let total = 0;
    const accumulate = (levels: readonly number[], count: number, p: number) => {
      matches += count * p;
      total += count;
      for (let k = 0; k < K; k++) {
        const level = levels[k] as number;
        if (level !== NO_LEVEL && use[k]) (matchCounts[k] as number[])[level] = ((matchCounts[k] as number[])[level] as number) + count * p;
      }
    };
    for (const { levels, count } of patterns) accumulate(levels, count, posterior(levels, ratios, use, lambda));
    for (const { levels, match } of labeled) accumulate(levels, 1, match ? 1 : 0);
    const next = m.map((ms, k) => {
      if (!learn[k]) return ms;
      const counts = matchCounts[k] as number[];
      const sum = counts.reduce((s, c) => s + c, 0);
      const prior = priors[k] as readonly number[];
      return counts.map((c, l) => Math.max(MIN_PROBABILITY, (c + PRIOR_STRENGTH * (prior[l] as number)) / (sum + PRIOR_STRENGTH)));
    });
    const nextLambda = total === 0 ? lambda : Math.min(1 - 1e-9, Math.max(1e-12, matches / total));
    const change = Math.abs(nextLambda - lambda) + maxDifference(m, next);
    m = next;
    lambda = nextLambda;
    expectedMatches = matches;
    support = matchCounts.map((counts) => counts.reduce((s, c) => s + c, 0));
    if (change < 1e-7) break;
  }
  return { m, lambda, expectedMatches, support };
};

const maxDifference = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number => {
  let max = 0;
  a.forEach((xs, k) => xs.forEach((x, l) => (max = Math.max(max, Math.abs(x - ((b[k] as readonly number[])[l] as number))))));
  return max;
};

/** Natural log of m/u per comparison and level. */
const logRatios = (m: readonly (readonly number[])[], u: readonly (readonly number[])[]): number[][] =>
  m.map((ms, k) => ms.map((p, l) => Math.log(p / ((u[k] as readonly number[])[l] as number))));

const posterior = (levels: readonly number[], ratios: readonly (readonly number[])[], use: readonly boolean[], lambda: number): number => {
  let logRatio = Math.log(lambda / (1 - lambda));
  for (let k = 0; k < levels.length; k++) {
    const level = levels[k] as number;
    if (level === NO_LEVEL || !use[k]) continue;
    logRatio += (ratios[k] as readonly number[])[level] as number;
  }
  return 1 / (1 + Math.exp(-logRatio));
};

export interface TrainingInput {
  comparisons: readonly Comparison[];
  /** Per blocking rule: its candidate pairs' pattern counts and the comparisons it blocks on. */
  sessions: readonly { covers: readonly string[]; patterns: readonly PatternCount[] }[];
  /** Level counts per comparison among random pairs. */
  randomLevelCounts: readonly number[][];
  labeled: readonly LabeledPattern[];
  termFrequencies: (Map<string, number> | undefined)[];
  /** Number of records, for the prior of a random pair. */
  records: number;
}

/** At least this many learnable comparisons must remain in a session for EM to be identifiable. */
const MIN_COMPARISONS_PER_SESSION = 2;
/** A session must expect at least this many matches for its m estimates to count. */
const MIN_SESSION_MATCHES = 5;

export const train = (input: TrainingInput): Model => {
  const { comparisons } = input;
  const estimated = estimateU(input.randomLevelCounts);
  const u = comparisons.map((c, k) => (c.fixed ? [...c.fixed.u] : (estimated[k] as number[])));
  const priors = comparisons.map((c) => (c.fixed ? c.fixed.m : c.priorM));
  const learnable = comparisons.map((c) => c.fixed === undefined);

  // Per session, learn the comparisons it does not block on; pool the estimates weighted by the
  // matches each session expects to have seen with that comparison present.
  const pooled = comparisons.map((c) => c.levels.map(() => 0));
  const pooledWeight = comparisons.map(() => 0);
  for (const session of input.sessions) {
    const use = comparisons.map((c) => !session.covers.includes(c.name));
    const learn = learnable.map((l, k) => l && (use[k] as boolean));
    const informative = learn.filter((l, k) => l && isInformative(u[k] as number[], input.randomLevelCounts[k] ?? []));
    if (informative.length < MIN_COMPARISONS_PER_SESSION || session.patterns.length === 0) continue;
    const result = expectationMaximisation(session.patterns, input.labeled, priors, u, priors, use, learn, 0.1);
    if (result.expectedMatches < MIN_SESSION_MATCHES) continue;
    result.m.forEach((ms, k) => {
      if (!learn[k] || !isPlausible(ms, u[k] as number[])) return;
      const w = result.support[k] as number;
      pooledWeight[k] = (pooledWeight[k] as number) + w;
      ms.forEach((p, l) => ((pooled[k] as number[])[l] = ((pooled[k] as number[])[l] as number) + w * p));
    });
  }
  const m = comparisons.map((c, k) => {
    const w = pooledWeight[k] as number;
    return w > 0 ? (pooled[k] as number[]).map((p) => p / w) : [...(priors[k] as readonly number[])];
  });
  const mSource = comparisons.map((c, k): ComparisonParameters['mSource'] => (c.fixed ? 'fixed' : (pooledWeight[k] as number) > 0 ? 'learned' : 'prior'));

  // Lambda: the final model's expected matches among all candidates, over all pairs.
  const all = input.sessions.flatMap((s) => s.patterns);
  const everything = comparisons.map(() => true);
  const none = comparisons.map(() => false);
  const final = expectationMaximisation(all, input.labeled, m, u, priors, everything, none, 0.1);
  const allPairs = (input.records * (input.records - 1)) / 2;
  const lambda = allPairs === 0 ? 1e-6 : Math.min(0.5, Math.max(1 / allPairs, final.expectedMatches / allPairs));

  return {
    comparisons: comparisons.map((c, k) => ({ name: c.name, levels: c.levels, m: m[k] as number[], u: u[k] as number[], mSource: mSource[k] as ComparisonParameters['mSource'] })),
    lambda,
    termFrequencies: input.termFrequencies,
  };
};

/**
 * A comparison no random pair had, or where random pairs mostly agree (every record in one
 * country), cannot tell matches apart and does not make EM identifiable.
 */
const isInformative = (u: readonly number[], randomCounts: readonly number[]): boolean =>
  randomCounts.some((c) => c > 0) && (u[0] as number) < 0.5;

/** EM can wander into a solution where agreement is likelier among non-matches; reject that. */
const isPlausible = (m: readonly number[], u: readonly number[]): boolean => (m[0] as number) > (u[0] as number);

/** The weight each level contributes without term frequencies, for fast scoring. */
export const levelWeights = (model: Model): number[][] => model.comparisons.map((c) => c.m.map((m, l) => log2(m / (c.u[l] as number))));

export const priorWeight = (model: Model): number => log2(model.lambda / (1 - model.lambda));

/**
 * A pair's score with its evidence. `values[k]` is the value `tfValue` gave for the pair when
 * comparison k agreed exactly (the same on both sides), used for the term-frequency adjustment.
 */
export const score = (model: Model, levels: readonly number[], tfValues: readonly (string | undefined)[]): Score => {
  const prior = priorWeight(model);
  let weight = prior;
  const evidence: Evidence[] = [];
  model.comparisons.forEach((c, k) => {
    const level = levels[k] as number;
    if (level === NO_LEVEL) return;
    const m = c.m[level] as number;
    let w = log2(m / (c.u[level] as number));
    const e: Evidence = { comparison: c.name, level: c.levels[level] as string, weight: w };
    const tf = level === 0 ? termFrequency(model, k, tfValues[k]) : undefined;
    if (tf !== undefined) {
      w = log2(m / tf);
      e.weight = w;
      e.termFrequency = tf;
    }
    weight += w;
    evidence.push(e);
  });
  return { weight, probability: probabilityOf(weight), prior, evidence };
};

export const termFrequency = (model: Model, k: number, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  return model.termFrequencies[k]?.get(value);
};

export const probabilityOf = (weight: number): number => 1 / (1 + 2 ** -weight);
export const weightOf = (probability: number): number => log2(probability / (1 - probability));
