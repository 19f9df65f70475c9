/**
 * The batch matcher: records in, clusters and review pairs out. The steps, each in its own module:
 * prepare (match-record.ts) → candidate pairs (blocking.ts) → comparison levels (comparisons.ts)
 * → a model learned from the data (fellegi-sunter.ts) → scores → clusters (clustering.ts).
 *
 * Decisions follow the thresholds: at or above `linkThreshold` records join automatically; between
 * `reviewThreshold` and it the pair becomes a merge proposal for a person; below, they stay apart.
 * People's earlier decisions are constraints (must-link, cannot-link) and labels for training.
 *
 * Memory stays proportional to the candidate pairs: each pair is kept as two indices and a pattern
 * id (12 bytes), and training only needs the counts per distinct pattern.
 */
import { blockingFor, generatePairs, keyTable, type BlockingRule, type BlockingStats } from './blocking';
import { cluster, type Link } from './clustering';
import { comparisonsFor, NO_LEVEL, type CompareContext, type Comparison } from './comparisons';
import { levelWeights, priorWeight, score, termFrequency, train, weightOf, type LabeledPattern, type Model, type PatternCount, type Score } from './fellegi-sunter';
import { DEFAULT_MATCH_OPTIONS, prepare, type EntityKind, type MatchInput, type MatchOptions, type Prepared } from './match-record';

export interface Thresholds {
  /** Probability at or above which records join without asking. */
  link: number;
  /** Probability at or above which a pair is put to a person. */
  review: number;
}

/** Chosen from the bench's measurements on the labelled data sets (see README, Identity). */
export const DEFAULT_THRESHOLDS: Thresholds = { link: 0.95, review: 0.5 };

export interface Decision {
  a: string;
  b: string;
  /** True: the same entity (must-link); false: different entities (cannot-link). */
  same: boolean;
}

export interface ResolveOptions {
  kind: EntityKind;
  thresholds?: Thresholds;
  match?: MatchOptions;
  /** People's decisions, by record key. */
  decisions?: readonly Decision[];
  maxBlockSize?: number;
  /** Random pairs sampled to estimate u. */
  randomPairs?: number;
  onProgress?: (phase: ResolvePhase, done: number, total: number) => void;
  /** A model trained earlier; when given, no training happens. */
  model?: Model;
}

export type ResolvePhase = 'prepare' | 'compare' | 'train' | 'score' | 'cluster';

export interface ScoredPair {
  a: number;
  b: number;
  score: Score;
}

export interface ResolveResult {
  records: Prepared[];
  /** Per record, the index of its cluster's representative. */
  clusterOf: Int32Array;
  /** Pairs in the review band whose records ended in different clusters, best per cluster pair. */
  review: ScoredPair[];
  /**
   * Links refused by clustering: a cannot-link, a trusted-id conflict, or two clusters that do not
   * match as wholes.
   */
  refused: ScoredPair[];
  model: Model;
  blocking: BlockingStats;
  /** Every candidate pair blocking produced, as record indices (for pair completeness). */
  candidates: { i: Uint32Array; j: Uint32Array; length: number };
  timingsMs: Record<ResolvePhase, number>;
}

/** A growable list of (i, j, pattern) triples in typed arrays. */
class PairList {
  i = new Uint32Array(1024);
  j = new Uint32Array(1024);
  pattern = new Uint32Array(1024);
  length = 0;
  push(i: number, j: number, pattern: number) {
    if (this.length === this.i.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.i = grow(this.i);
      this.j = grow(this.j);
      this.pattern = grow(this.pattern);
    }
    this.i[this.length] = i;
    this.j[this.length] = j;
    this.pattern[this.length] = pattern;
    this.length++;
  }
}

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

/**
 * Each value's share of the records holding the field. With `clusterOf`, a value counts once per
 * cluster: what matters is how many different entities share a name, and a big customer's hundred
 * duplicate records would otherwise make its own name look common.
 */
export const termFrequencies = (
  records: readonly Prepared[],
  comparisons: readonly Comparison[],
  clusterOf?: Int32Array,
): (Map<string, number> | undefined)[] =>
  comparisons.map((c) => {
    if (!c.tfValue) return undefined;
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    let total = 0;
    records.forEach((r, i) => {
      const v = c.tfValue?.(r);
      if (v === undefined) return;
      if (clusterOf) {
        const entry = `${clusterOf[i]}\u0000${v}`;
        if (seen.has(entry)) return;
        seen.add(entry);
      }
      total++;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    });
    const tf = new Map<string, number>();
    for (const [v, n] of counts) tf.set(v, n / total);
    return tf;
  });

export const compareLevels = (comparisons: readonly Comparison[], a: Prepared, b: Prepared, ctx: CompareContext): number[] =>
  comparisons.map((c) => c.compare(a, b, ctx));

/** For each comparison, the value of an exact agreement whose frequency adjusts its weight. */
export const tfValuesOf = (comparisons: readonly Comparison[], levels: readonly number[], a: Prepared): (string | undefined)[] =>
  comparisons.map((c, k) => (levels[k] === 0 && c.tfValue ? c.tfValue(a) : undefined));

/** A small deterministic PRNG (mulberry32): re-running on the same data samples the same pairs. */
const randomGenerator = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/**
 * Level counts among random pairs, which estimate u. With `clusterOf`, pairs already in one
 * cluster are left out: when one customer holds a quarter of the records, a quarter of 'random'
 * pairs would otherwise be matches.
 */
const randomLevelCounts = (
  records: readonly Prepared[],
  comparisons: readonly Comparison[],
  ctx: CompareContext,
  pairs: number,
  clusterOf?: Int32Array,
): number[][] => {
  const counts = comparisons.map((c) => c.levels.map(() => 0));
  const n = records.length;
  const apart = (i: number, j: number) => !clusterOf || clusterOf[i] !== clusterOf[j];
  const add = (a: Prepared, b: Prepared) => {
    comparisons.forEach((c, k) => {
      const level = c.compare(a, b, ctx);
      if (level !== NO_LEVEL) (counts[k] as number[])[level] = ((counts[k] as number[])[level] as number) + 1;
    });
  };
  if ((n * (n - 1)) / 2 <= pairs) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (apart(i, j)) add(records[i] as Prepared, records[j] as Prepared);
    return counts;
  }
  const random = randomGenerator(0x5eed);
  for (let s = 0, attempts = 0; s < pairs && attempts < pairs * 20; attempts++) {
    const i = Math.floor(random() * n);
    let j = Math.floor(random() * (n - 1));
    if (j >= i) j++;
    if (!apart(i, j)) continue;
    add(records[i] as Prepared, records[j] as Prepared);
    s++;
  }
  return counts;
};

const now = () => performance.now();

/**
 * Whether a pattern's positive evidence comes only from ambiguous levels; such a pair stays below
 * the link threshold whatever its weight (see Comparison).
 */
export const isAmbiguous = (comparisons: readonly Comparison[], levels: readonly number[], weights: readonly (readonly number[])[]): boolean => {
  let ambiguous = false;
  for (let k = 0; k < levels.length; k++) {
    const level = levels[k] as number;
    if (level === NO_LEVEL) continue;
    if ((comparisons[k] as Comparison).ambiguousLevels?.includes(level)) ambiguous = true;
    else if (((weights[k] as readonly number[])[level] as number) > 1) return false;
  }
  return ambiguous;
};

export const resolve = (inputs: readonly MatchInput[], options: ResolveOptions): ResolveResult => {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const progress = options.onProgress ?? (() => {});
  const timings: Record<ResolvePhase, number> = { prepare: 0, compare: 0, train: 0, score: 0, cluster: 0 };
  const comparisons = comparisonsFor(options.kind);
  const rules: readonly BlockingRule[] = blockingFor(options.kind);

  let t = now();
  const records: Prepared[] = [];
  const step = Math.max(1, Math.floor(inputs.length / 100));
  inputs.forEach((input, index) => {
    records.push(prepare(input, options.match ?? DEFAULT_MATCH_OPTIONS));
    if (index % step === 0) progress('prepare', index, inputs.length);
  });
  progress('prepare', inputs.length, inputs.length);
  const indexOf = new Map(records.map((r, i) => [r.key, i]));
  const ctx: CompareContext = { wordWeight: wordWeights(records) };
  timings.prepare = now() - t;

  // Candidate pairs and their comparison patterns.
  t = now();
  const radix = comparisons.map((c) => c.levels.length + 1);
  const patternIds = new Map<number, number>();
  const patternLevels: number[][] = [];
  const sessionCounts = rules.map(() => new Map<number, number>());
  const pairs = new PairList();
  const table = keyTable(records, rules);
  const blocking = generatePairs(
    table,
    rules,
    (i, j, rule, alsoFoundBy) => {
      const levels = compareLevels(comparisons, records[i] as Prepared, records[j] as Prepared, ctx);
      let code = 0;
      for (let k = 0; k < levels.length; k++) code = code * (radix[k] as number) + ((levels[k] as number) + 1);
      let id = patternIds.get(code);
      if (id === undefined) {
        id = patternLevels.length;
        patternIds.set(code, id);
        patternLevels.push(levels);
      }
      for (const r of [rule, ...alsoFoundBy]) {
        const counts = sessionCounts[r] as Map<number, number>;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      pairs.push(i, j, id);
      if (pairs.length % 100_000 === 0) progress('compare', pairs.length, pairs.length);
    },
    options.maxBlockSize,
  );
  progress('compare', pairs.length, pairs.length);
  timings.compare = now() - t;

  // The model.
  t = now();
  const decisions = (options.decisions ?? []).flatMap((d) => {
    const a = indexOf.get(d.a);
    const b = indexOf.get(d.b);
    return a === undefined || b === undefined ? [] : [{ a, b, same: d.same }];
  });
  const sessions = rules.map((rule, r) => ({
    covers: rule.covers,
    patterns: [...(sessionCounts[r] as Map<number, number>)].map(([id, count]): PatternCount => ({ levels: patternLevels[id] as number[], count })),
  }));
  const labeled = decisions.map(
    (d): LabeledPattern => ({ levels: compareLevels(comparisons, records[d.a] as Prepared, records[d.b] as Prepared, ctx), match: d.same }),
  );
  const trainOn = (clusterOf?: Int32Array): Model =>
    train({
      comparisons,
      sessions,
      randomLevelCounts: randomLevelCounts(records, comparisons, ctx, options.randomPairs ?? 200_000, clusterOf),
      labeled,
      termFrequencies: termFrequencies(records, comparisons, clusterOf),
      records: records.length,
    });
  const constraints = {
    mustLink: decisions.filter((d) => d.same).map((d) => [d.a, d.b] as const),
    cannotLink: decisions.filter((d) => !d.same).map((d) => [d.a, d.b] as const),
  };
  const trustedIdsOf = (i: number) => (records[i] as Prepared).trustedIds;
  const pairScore = (model: Model, i: number, j: number): Score => {
    const a = records[i] as Prepared;
    const levels = compareLevels(comparisons, a, records[j] as Prepared, ctx);
    return score(model, levels, tfValuesOf(comparisons, levels, a));
  };

  /**
   * Candidate pairs at or above `minWeight` under `model`, term frequencies included. A pair whose
   * only support is an ambiguous level stays below the link threshold (see Comparison).
   */
  const linksAbove = (model: Model, minWeight: number): Link[] => {
    const weights = levelWeights(model);
    const prior = priorWeight(model);
    const patternWeight = patternLevels.map((levels) => levels.reduce((w, level, k) => (level === NO_LEVEL ? w : w + ((weights[k] as number[])[level] as number)), prior));
    const ambiguous = patternLevels.map((levels) => isAmbiguous(comparisons, levels, weights));
    const out: Link[] = [];
    for (let p = 0; p < pairs.length; p++) {
      const id = pairs.pattern[p] as number;
      const levels = patternLevels[id] as number[];
      let w = patternWeight[id] as number;
      const a = records[pairs.i[p] as number] as Prepared;
      for (let k = 0; k < levels.length; k++) {
        if (levels[k] !== 0) continue;
        const f = termFrequency(model, k, (comparisons[k] as Comparison).tfValue?.(a));
        if (f !== undefined) w += Math.log2(((model.comparisons[k] as { u: number[] }).u[0] as number) / f);
      }
      if (ambiguous[id]) w = Math.min(w, linkWeight - 1e-9);
      if (w >= minWeight) out.push({ i: pairs.i[p] as number, j: pairs.j[p] as number, weight: w });
    }
    return out;
  };
  const reviewWeight = weightOf(thresholds.review);
  const linkWeight = weightOf(thresholds.link);

  // Two passes: the first model's clusters (joined generously, at the review threshold) tell the
  // second which random pairs are really matches and how many entities share each value.
  progress('train', 0, 1);
  let model: Model;
  if (options.model) model = options.model;
  else {
    const first = trainOn();
    const rough = cluster(records.length, linksAbove(first, reviewWeight), constraints, trustedIdsOf).clusterOf;
    model = trainOn(rough);
  }
  progress('train', 1, 1);
  timings.train = now() - t;

  t = now();
  const candidates = linksAbove(model, reviewWeight);
  progress('score', pairs.length, pairs.length);
  timings.score = now() - t;

  t = now();
  const links = candidates.filter((l) => l.weight >= linkWeight);
  const { clusterOf, refused } = cluster(records.length, links, constraints, trustedIdsOf, {
    minimum: thresholds.review,
    probability: (i, j) => pairScore(model, i, j).probability,
  });
  const scorePair = (l: Link): ScoredPair => ({ a: l.i, b: l.j, score: pairScore(model, l.i, l.j) });
  const bestPerClusterPair = new Map<string, Link>();
  for (const l of candidates) {
    if (l.weight >= linkWeight) continue;
    const ca = clusterOf[l.i] as number;
    const cb = clusterOf[l.j] as number;
    if (ca === cb) continue;
    const key = ca < cb ? `${ca}:${cb}` : `${cb}:${ca}`;
    const best = bestPerClusterPair.get(key);
    if (!best || l.weight > best.weight) bestPerClusterPair.set(key, l);
  }
  const review = [...bestPerClusterPair.values()].sort((x, y) => y.weight - x.weight).map(scorePair);
  progress('cluster', 1, 1);
  timings.cluster = now() - t;

  return {
    records,
    clusterOf,
    review,
    refused: refused.map(scorePair),
    model,
    blocking,
    candidates: { i: pairs.i, j: pairs.j, length: pairs.length },
    timingsMs: timings,
  };
};

