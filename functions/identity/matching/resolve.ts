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
 * id (12 bytes, compared-pairs.ts), and training only needs the counts per distinct pattern.
 * Preparing and comparing, most of a large run, can take a second thread (helper-thread.ts).
 */
import { blockPairCount, blockingFor, DEFAULT_BLOCK_LIMITS, keyIndex, keyIndexOf, KeyNumbers, type BlockingRule, type BlockingStats, type BlockLimits, type Shard } from './blocking';
import { cluster, type Link } from './clustering';
import { addShard, compareShard, compareShardApart, PairList, Patterns } from './compared-pairs';
import { comparisonsFor, NO_LEVEL, type CompareContext, type Comparison } from './comparisons';
import { levelWeights, priorWeight, probabilityOf, score, termFrequency, train, weightOf, type LabeledPattern, type Model, type Score } from './fellegi-sunter';
import { HelperThread } from './helper-thread';
import { createPreparer, DEFAULT_MATCH_OPTIONS, type EntityKind, type MatchInput, type MatchOptions, type Prepared } from './match-record';
import { wordWeights } from './word-weights';

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
  /** Keys held by more records are skipped (see BlockLimits). */
  maxBlockSize?: number;
  /** How many order values a record looks across in a large block (see BlockLimits). */
  blockWindow?: number;
  /** Random pairs sampled to estimate u. */
  randomPairs?: number;
  /**
   * Progress within a phase. For 'compare', `total` is the pairs the blocks hold, whole or by
   * window (counted once per rule), and `done` those checked so far.
   */
  onProgress?: (phase: ResolvePhase, done: number, total: number) => void;
  /** A model trained earlier; when given, no training happens. */
  model?: Model;
  /**
   * Threads to prepare and compare on: 1, or 2 for a second thread (helper-thread.ts), which
   * pays for its start-up (a second or so) from some tens of thousands of records. The result is
   * the same either way.
   */
  threads?: number;
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

export { wordFrequencies, wordWeights, wordWeightsFrom, type WordFrequencies } from './word-weights';

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
 * The random pairs that estimate u, drawn once and remembered with their levels. Both training
 * passes walk the same sequence of draws (the second skips pairs its rough clusters put together
 * and draws on where the first stopped), so the second pass compares only the pairs the first
 * never saw.
 */
class RandomPairs {
  private i = new Uint32Array(0);
  private j = new Uint32Array(0);
  private levels = new Int8Array(0);
  private drawn = 0;
  private readonly next: () => number;
  /** With few records, every pair instead of a sample. */
  private readonly everyPair: boolean;
  private readonly width: number;

  constructor(
    private readonly records: readonly Prepared[],
    private readonly comparisons: readonly Comparison[],
    private readonly ctx: CompareContext,
    private readonly pairs: number,
  ) {
    const n = records.length;
    this.everyPair = (n * (n - 1)) / 2 <= pairs;
    this.next = randomGenerator(0x5eed);
    this.width = comparisons.length;
  }

  /**
   * Level counts among the pairs, which estimate u. With `clusterOf`, pairs already in one cluster
   * are left out: when one customer holds a quarter of the records, a quarter of 'random' pairs
   * would otherwise be matches.
   */
  levelCounts(clusterOf?: Int32Array): number[][] {
    const counts = this.comparisons.map((c) => c.levels.map(() => 0));
    const apart = (d: number) => !clusterOf || clusterOf[this.i[d] as number] !== clusterOf[this.j[d] as number];
    const add = (d: number) => {
      for (let k = 0; k < this.width; k++) {
        const level = this.levels[d * this.width + k] as number;
        if (level !== NO_LEVEL) (counts[k] as number[])[level] = ((counts[k] as number[])[level] as number) + 1;
      }
    };
    if (this.everyPair) {
      this.enumerate();
      for (let d = 0; d < this.drawn; d++) if (apart(d)) add(d);
      return counts;
    }
    for (let s = 0, attempts = 0; s < this.pairs && attempts < this.pairs * 20; attempts++) {
      if (attempts === this.drawn) this.draw();
      if (!apart(attempts)) continue;
      add(attempts);
      s++;
    }
    return counts;
  }

  private enumerate() {
    if (this.drawn > 0) return;
    const n = this.records.length;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) this.remember(i, j);
  }

  private draw() {
    const n = this.records.length;
    const i = Math.floor(this.next() * n);
    let j = Math.floor(this.next() * (n - 1));
    if (j >= i) j++;
    this.remember(i, j);
  }

  private remember(i: number, j: number) {
    const d = this.drawn;
    if (d === this.i.length) {
      const capacity = Math.max(1024, d * 2);
      this.i = grown(this.i, new Uint32Array(capacity));
      this.j = grown(this.j, new Uint32Array(capacity));
      this.levels = grown(this.levels, new Int8Array(capacity * this.width));
    }
    this.i[d] = i;
    this.j[d] = j;
    const a = this.records[i] as Prepared;
    const b = this.records[j] as Prepared;
    for (let k = 0; k < this.width; k++) this.levels[d * this.width + k] = (this.comparisons[k] as Comparison).compare(a, b, this.ctx);
    this.drawn++;
  }
}

const grown = <T extends Uint32Array | Int8Array>(from: T, to: T): T => {
  to.set(from);
  return to;
};

/**
 * Each record's term-frequency value per comparison, as numbers: equal values, equal numbers, in
 * the order values are first met. Frequencies are then counted per number, and a pair's
 * adjustment looked up per number, instead of building and hashing strings per pair.
 */
interface TermValues {
  /** Per comparison with a tfValue: the distinct values, and per record its value's index (-1: none). */
  values: (string[] | undefined)[];
  ids: (Int32Array | undefined)[];
}

const termValuesOf = (records: readonly Prepared[], comparisons: readonly Comparison[]): TermValues => {
  const values: (string[] | undefined)[] = [];
  const ids: (Int32Array | undefined)[] = [];
  for (const c of comparisons) {
    if (!c.tfValue) {
      values.push(undefined);
      ids.push(undefined);
      continue;
    }
    const numbers = new KeyNumbers(records.length);
    const of = new Int32Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const v = c.tfValue(records[i] as Prepared);
      of[i] = v === undefined ? -1 : numbers.numberOf(v);
    }
    values.push(numbers.strings as string[]);
    ids.push(of);
  }
  return { values, ids };
};

/** Record indices grouped by cluster, so each cluster's members can be visited together. */
const membersByCluster = (clusterOf: Int32Array): { offset: Int32Array; members: Int32Array } => {
  const n = clusterOf.length;
  const offset = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offset[(clusterOf[i] as number) + 1] = (offset[(clusterOf[i] as number) + 1] as number) + 1;
  for (let c = 0; c < n; c++) offset[c + 1] = (offset[c + 1] as number) + (offset[c] as number);
  const fill = offset.slice(0, n);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i] as number;
    members[fill[c] as number] = i;
    fill[c] = (fill[c] as number) + 1;
  }
  return { offset, members };
};

/**
 * `termFrequencies` over term values, per value number: each value's share of the records holding
 * the field, a value counting once per cluster with `clusterOf`.
 */
const termSharesOf = (terms: TermValues, clusterOf?: Int32Array): (Float64Array | undefined)[] => {
  const clusters = clusterOf && membersByCluster(clusterOf);
  return terms.ids.map((of, k) => {
    const values = terms.values[k];
    if (!of || !values) return undefined;
    const counts = new Float64Array(values.length);
    let total = 0;
    if (!clusters) {
      for (let i = 0; i < of.length; i++) {
        const v = of[i] as number;
        if (v < 0) continue;
        counts[v] = (counts[v] as number) + 1;
        total++;
      }
    } else {
      // A value's last cluster seen: members of one cluster come together, so a value seen
      // again within the cluster is not counted again.
      const lastCluster = new Int32Array(values.length).fill(-1);
      const { offset, members } = clusters;
      for (let c = 0; c < of.length; c++) {
        for (let x = offset[c] as number; x < (offset[c + 1] as number); x++) {
          const v = of[members[x] as number] as number;
          if (v < 0 || lastCluster[v] === c) continue;
          lastCluster[v] = c;
          counts[v] = (counts[v] as number) + 1;
          total++;
        }
      }
    }
    for (let v = 0; v < counts.length; v++) counts[v] = (counts[v] as number) / total;
    return counts;
  });
};

/** The shares as a model keeps them: value → share, values in the order records first hold them, as `termFrequencies` has them. */
const termFrequencyMaps = (terms: TermValues, shares: readonly (Float64Array | undefined)[]): (Map<string, number> | undefined)[] =>
  shares.map((of, k) => {
    const values = terms.values[k];
    if (!of || !values) return undefined;
    const tf = new Map<string, number>();
    for (let v = 0; v < values.length; v++) tf.set(values[v] as string, of[v] as number);
    return tf;
  });

const now = () => performance.now();

/**
 * Whether a pattern's positive evidence comes only from ambiguous levels (and weak evidence, see
 * Comparison.weakEvidence); such a pair stays below the link threshold whatever its weight.
 */
export const isAmbiguous = (comparisons: readonly Comparison[], levels: readonly number[], weights: readonly (readonly number[])[]): boolean => {
  let ambiguous = false;
  for (let k = 0; k < levels.length; k++) {
    const level = levels[k] as number;
    if (level === NO_LEVEL) continue;
    const comparison = comparisons[k] as Comparison;
    if (comparison.ambiguousLevels?.includes(level)) ambiguous = true;
    else if (!comparison.weakEvidence && ((weights[k] as readonly number[])[level] as number) > 1) return false;
  }
  return ambiguous;
};

/**
 * The candidate pairs split in two shards, the first compared here and the later one apart (on
 * the helper thread when there is one) and added after it: the same pairs, patterns and counts,
 * in the same order, whether one thread ran or two.
 */
const FIRST_SHARD: Shard = { part: 0, parts: 2 };
const LATER_SHARD: Shard = { part: 1, parts: 2 };

/** Every input prepared, in order: the helper prepares the later half while this thread does the first. */
const prepareAll = (inputs: readonly MatchInput[], options: MatchOptions, helper: HelperThread | undefined, progress: (done: number) => void): Prepared[] => {
  const half = helper ? Math.ceil(inputs.length / 2) : inputs.length;
  helper?.prepare(inputs.slice(half));
  const records: Prepared[] = [];
  const prepare = createPreparer(options);
  const step = Math.max(1, Math.floor(inputs.length / 100));
  for (let index = 0; index < half; index++) {
    records.push(prepare(inputs[index] as MatchInput));
    if (index % step === 0) progress(index);
  }
  if (helper) {
    helper.share(records);
    for (const r of helper.prepared()) records.push(r);
  }
  progress(inputs.length);
  return records;
};

/**
 * Every candidate pair, compared: its records and pattern, and the patterns' counts per training
 * session. The blocking keys live only while pairs are generated.
 */
const comparePairs = (
  records: readonly Prepared[],
  comparisons: readonly Comparison[],
  rules: readonly BlockingRule[],
  ctx: CompareContext,
  limits: BlockLimits,
  helper: HelperThread | undefined,
  progress: (checked: number, total: number) => void,
): { patterns: Patterns; pairs: PairList; blocking: BlockingStats } => {
  const index = helper ? keyIndexOf(records.length, helper.keyLists(records, rules, limits), limits) : keyIndex(records, rules, limits);
  const total = blockPairCount(index);
  const patterns = new Patterns(comparisons, rules.length);
  const pairs = new PairList(total);
  progress(0, total);
  // Progress counts this thread's shard, about half of the pairs.
  const blocking = compareShard(records, ctx, index, rules, FIRST_SHARD, patterns, pairs, (checked) => progress(Math.min(total, checked * 2), total));
  addShard(helper ? helper.compared() : compareShardApart(records, ctx, index, rules, LATER_SHARD, comparisons), patterns, pairs, blocking);
  progress(total, total);
  return { patterns, pairs, blocking };
};

/** A link between candidate records, with its pattern. */
interface CandidateLink extends Link {
  pattern: number;
}

export const resolve = (inputs: readonly MatchInput[], options: ResolveOptions): ResolveResult => {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const progress = options.onProgress ?? (() => {});
  const timings: Record<ResolvePhase, number> = { prepare: 0, compare: 0, train: 0, score: 0, cluster: 0 };
  const comparisons = comparisonsFor(options.kind);
  const rules: readonly BlockingRule[] = blockingFor(options.kind);
  const matchOptions = options.match ?? DEFAULT_MATCH_OPTIONS;

  const limits: BlockLimits = {
    window: options.blockWindow ?? DEFAULT_BLOCK_LIMITS.window,
    maxBlockSize: options.maxBlockSize ?? DEFAULT_BLOCK_LIMITS.maxBlockSize,
  };
  const helper = (options.threads ?? 1) > 1 ? new HelperThread(options.kind, matchOptions, limits, LATER_SHARD) : undefined;

  let t = now();
  let records: Prepared[];
  let ctx: CompareContext;
  let compared: ReturnType<typeof comparePairs>;
  try {
    records = prepareAll(inputs, matchOptions, helper, (done) => progress('prepare', done, inputs.length));
    ctx = { wordWeight: wordWeights(records) };
    timings.prepare = now() - t;

    // Candidate pairs and their comparison patterns.
    t = now();
    compared = comparePairs(records, comparisons, rules, ctx, limits, helper, (checked, total) => progress('compare', checked, total));
    timings.compare = now() - t;
  } catch (e) {
    helper?.stop();
    throw e;
  }
  const { patterns, pairs, blocking } = compared;

  // The model.
  t = now();
  const indexOf = options.decisions?.length ? new Map(records.map((r, i) => [r.key, i])) : new Map<string, number>();
  const decisions = (options.decisions ?? []).flatMap((d) => {
    const a = indexOf.get(d.a);
    const b = indexOf.get(d.b);
    return a === undefined || b === undefined ? [] : [{ a, b, same: d.same }];
  });
  const sessions = rules.map((rule, r) => ({ covers: rule.covers, patterns: patterns.patternCounts(r) }));
  const labeled = decisions.map(
    (d): LabeledPattern => ({ levels: compareLevels(comparisons, records[d.a] as Prepared, records[d.b] as Prepared, ctx), match: d.same }),
  );
  const terms = termValuesOf(records, comparisons);
  const randomPairs = new RandomPairs(records, comparisons, ctx, options.randomPairs ?? 200_000);
  /**
   * A model and its term frequencies per value number. The first pass's model only ranks this
   * run's pairs, which needs the numbers alone; the maps (a million entries per field at a
   * million records) are built for the model this run returns.
   */
  const trainOn = (clusterOf: Int32Array | undefined, final: boolean): { model: Model; shares: (Float64Array | undefined)[] } => {
    const shares = termSharesOf(terms, clusterOf);
    const model = train({
      comparisons,
      sessions,
      randomLevelCounts: randomPairs.levelCounts(clusterOf),
      labeled,
      termFrequencies: final ? termFrequencyMaps(terms, shares) : comparisons.map(() => undefined),
      records: records.length,
    });
    return { model, shares };
  };
  const constraints = {
    mustLink: decisions.filter((d) => d.same).map((d) => [d.a, d.b] as const),
    cannotLink: decisions.filter((d) => !d.same).map((d) => [d.a, d.b] as const),
  };
  const trustedIdsOf = (i: number) => (records[i] as Prepared).trustedIds;
  /**
   * The match probability `score` gives two records, without the evidence it lists: the cohesion
   * check asks for millions at a million records. The same sum in the same order, so the same
   * number.
   */
  const probabilityUnder = (model: Model): ((i: number, j: number) => number) => {
    const weights = levelWeights(model);
    const prior = priorWeight(model);
    // Per comparison and value, the weight of an exact agreement on it, found on first need.
    const exact = terms.values.map((values) => (values ? new Float64Array(values.length).fill(Number.NaN) : undefined));
    const exactWeight = (k: number, v: number): number => {
      const known = (exact[k] as Float64Array)[v] as number;
      if (!Number.isNaN(known)) return known;
      const c = model.comparisons[k] as Model['comparisons'][number];
      const tf = termFrequency(model, k, (terms.values[k] as string[])[v]);
      const w = tf === undefined ? ((weights[k] as number[])[0] as number) : Math.log2((c.m[0] as number) / tf);
      (exact[k] as Float64Array)[v] = w;
      return w;
    };
    return (i, j) => {
      const a = records[i] as Prepared;
      const b = records[j] as Prepared;
      let weight = prior;
      for (let k = 0; k < comparisons.length; k++) {
        const level = (comparisons[k] as Comparison).compare(a, b, ctx);
        if (level === NO_LEVEL) continue;
        const v = level === 0 ? (terms.ids[k]?.[i] ?? -1) : -1;
        weight += v >= 0 ? exactWeight(k, v) : ((weights[k] as number[])[level] as number);
      }
      return probabilityOf(weight);
    };
  };

  /**
   * Candidate pairs at or above `minWeight` under `model`, term frequencies included. A pair whose
   * only support is an ambiguous level stays below the link threshold (see Comparison).
   */
  const linksAbove = (model: Model, shares: readonly (Float64Array | undefined)[] | undefined, minWeight: number): CandidateLink[] => {
    const weights = levelWeights(model);
    const prior = priorWeight(model);
    const patternWeight = patterns.levels.map((levels) => levels.reduce((w, level, k) => (level === NO_LEVEL ? w : w + ((weights[k] as number[])[level] as number)), prior));
    const ambiguous = patterns.levels.map((levels) => isAmbiguous(comparisons, levels, weights));
    // Per pattern, the comparisons whose exact agreement a term frequency may adjust.
    const adjustable = patterns.levels.map((levels) => levels.flatMap((level, k) => (level === 0 && terms.ids[k] ? [k] : [])));
    // Per comparison and value, what its term frequency adds to an exact agreement (NaN: none).
    // A model trained elsewhere has its own frequencies, looked up by value.
    const adjustment = terms.values.map((values, k) => {
      if (!values) return undefined;
      const u0 = (model.comparisons[k] as { u: number[] }).u[0] as number;
      const share = shares?.[k];
      return Float64Array.from(values, (v, id) => {
        const f = share ? share[id] : termFrequency(model, k, v);
        return f === undefined ? Number.NaN : Math.log2(u0 / f);
      });
    });
    const out: CandidateLink[] = [];
    for (let p = 0; p < pairs.length; p++) {
      const id = pairs.pattern[p] as number;
      let w = patternWeight[id] as number;
      const i = pairs.i[p] as number;
      for (const k of adjustable[id] as number[]) {
        const v = (terms.ids[k] as Int32Array)[i] as number;
        if (v < 0) continue;
        const add = (adjustment[k] as Float64Array)[v] as number;
        if (!Number.isNaN(add)) w += add;
      }
      if (ambiguous[id]) w = Math.min(w, linkWeight - 1e-9);
      if (w >= minWeight) out.push({ i, j: pairs.j[p] as number, weight: w, pattern: id });
    }
    return out;
  };
  const reviewWeight = weightOf(thresholds.review);
  const linkWeight = weightOf(thresholds.link);

  // Two passes: the first model's clusters (joined generously, at the review threshold) tell the
  // second which random pairs are really matches and how many entities share each value.
  progress('train', 0, 1);
  let model: Model;
  let shares: (Float64Array | undefined)[] | undefined;
  if (options.model) model = options.model;
  else {
    const first = trainOn(undefined, false);
    const rough = cluster(records.length, linksAbove(first.model, first.shares, reviewWeight), constraints, trustedIdsOf).clusterOf;
    ({ model, shares } = trainOn(rough, true));
  }
  progress('train', 1, 1);
  timings.train = now() - t;

  t = now();
  const candidates = linksAbove(model, shares, reviewWeight);
  progress('score', pairs.length, pairs.length);
  timings.score = now() - t;

  t = now();
  const links = candidates.filter((l) => l.weight >= linkWeight);
  const { clusterOf, refused } = cluster(records.length, links, constraints, trustedIdsOf, {
    minimum: thresholds.review,
    probability: probabilityUnder(model),
  });
  // A candidate's levels are its pattern's: no need to compare its records again.
  const scorePair = (l: CandidateLink): ScoredPair => {
    const levels = patterns.levels[l.pattern] as number[];
    return { a: l.i, b: l.j, score: score(model, levels, tfValuesOf(comparisons, levels, records[l.i] as Prepared)) };
  };
  const bestPerClusterPair = new Map<number, CandidateLink>();
  for (const l of candidates) {
    if (l.weight >= linkWeight) continue;
    const ca = clusterOf[l.i] as number;
    const cb = clusterOf[l.j] as number;
    if (ca === cb) continue;
    const key = ca < cb ? ca * records.length + cb : cb * records.length + ca;
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
    refused: (refused as CandidateLink[]).map(scorePair),
    model,
    blocking,
    candidates: { i: pairs.i, j: pairs.j, length: pairs.length },
    timingsMs: timings,
  };
};
