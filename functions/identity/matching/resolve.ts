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
import { blockPairCount, blockingFor, candidatePairs, keyIndex, type BlockingRule, type BlockingStats } from './blocking';
import { cluster, type Link } from './clustering';
import { comparisonsFor, NO_LEVEL, type CompareContext, type Comparison } from './comparisons';
import { levelWeights, priorWeight, score, termFrequency, train, weightOf, type LabeledPattern, type Model, type PatternCount, type Score } from './fellegi-sunter';
import { createPreparer, DEFAULT_MATCH_OPTIONS, type EntityKind, type MatchInput, type MatchOptions, type Prepared } from './match-record';

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
  /**
   * Progress within a phase. For 'compare', `total` is the pairs the blocks hold under the size cap
   * (counted once per rule) and `done` those checked so far.
   */
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

/**
 * A growable list of (i, j, pattern) triples in typed arrays. Sized up front to the most pairs
 * blocking can produce: the memory of a typed array is only taken as it is written, and growing
 * by doubling would copy hundreds of megabytes at a million records.
 */
class PairList {
  i: Uint32Array;
  j: Uint32Array;
  pattern: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    this.i = new Uint32Array(Math.max(1024, capacity));
    this.j = new Uint32Array(this.i.length);
    this.pattern = new Uint32Array(this.i.length);
  }
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
    const idOf = new Map<string, number>();
    const distinct: string[] = [];
    const of = new Int32Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const v = c.tfValue(records[i] as Prepared);
      if (v === undefined) {
        of[i] = -1;
        continue;
      }
      let id = idOf.get(v);
      if (id === undefined) {
        id = distinct.length;
        idOf.set(v, id);
        distinct.push(v);
      }
      of[i] = id;
    }
    values.push(distinct);
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

/**
 * The distinct comparison patterns of the candidate pairs, and how often each training session
 * (one per blocking rule) saw each. A pattern is a number in mixed radix, one digit per
 * comparison, so a pair's pattern is found without building its level list.
 */
class Patterns {
  readonly levels: number[][] = [];
  private readonly ids = new Map<number, number>();
  private readonly radix: number[];
  private readonly scratch: number[];
  /** Per session, its patterns in the order it first saw them, and the count per pattern id. */
  readonly sessions: { order: number[]; counts: number[] }[];

  constructor(
    private readonly comparisons: readonly Comparison[],
    sessions: number,
  ) {
    this.radix = comparisons.map((c) => c.levels.length + 1);
    this.scratch = comparisons.map(() => NO_LEVEL);
    this.sessions = Array.from({ length: sessions }, () => ({ order: [], counts: [] }));
  }

  /** The pattern id of the pair. */
  of(a: Prepared, b: Prepared, ctx: CompareContext): number {
    let code = 0;
    for (let k = 0; k < this.radix.length; k++) {
      const level = (this.comparisons[k] as Comparison).compare(a, b, ctx);
      this.scratch[k] = level;
      code = code * (this.radix[k] as number) + (level + 1);
    }
    let id = this.ids.get(code);
    if (id === undefined) {
      id = this.levels.length;
      this.ids.set(code, id);
      this.levels.push([...this.scratch]);
    }
    return id;
  }

  count(session: number, id: number) {
    const s = this.sessions[session] as { order: number[]; counts: number[] };
    while (s.counts.length <= id) s.counts.push(0);
    if (s.counts[id] === 0) s.order.push(id);
    s.counts[id] = (s.counts[id] as number) + 1;
  }

  patternCounts(session: number): PatternCount[] {
    const s = this.sessions[session] as { order: number[]; counts: number[] };
    return s.order.map((id): PatternCount => ({ levels: this.levels[id] as number[], count: s.counts[id] as number }));
  }
}

/**
 * Every candidate pair, compared: its records and pattern, and the patterns' counts per training
 * session. The blocking keys live only while pairs are generated.
 */
const comparePairs = (
  records: readonly Prepared[],
  comparisons: readonly Comparison[],
  rules: readonly BlockingRule[],
  ctx: CompareContext,
  maxBlockSize: number | undefined,
  progress: (checked: number, total: number) => void,
): { patterns: Patterns; pairs: PairList; blocking: BlockingStats } => {
  const patterns = new Patterns(comparisons, rules.length);
  const index = keyIndex(records, rules);
  const total = blockPairCount(index, maxBlockSize);
  const pairs = new PairList(total);
  progress(0, total);
  const blocking = candidatePairs(
    index,
    rules,
    (i, j, rule, laterRules) => {
      const id = patterns.of(records[i] as Prepared, records[j] as Prepared, ctx);
      patterns.count(rule, id);
      for (let e = rule + 1; laterRules >>> e !== 0; e++) if ((laterRules >>> e) & 1) patterns.count(e, id);
      pairs.push(i, j, id);
    },
    maxBlockSize,
    (checked) => progress(checked, total),
  );
  progress(total, total);
  return { patterns, pairs, blocking };
};

export const resolve = (inputs: readonly MatchInput[], options: ResolveOptions): ResolveResult => {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const progress = options.onProgress ?? (() => {});
  const timings: Record<ResolvePhase, number> = { prepare: 0, compare: 0, train: 0, score: 0, cluster: 0 };
  const comparisons = comparisonsFor(options.kind);
  const rules: readonly BlockingRule[] = blockingFor(options.kind);
  const matchOptions = options.match ?? DEFAULT_MATCH_OPTIONS;

  let t = now();
  const records: Prepared[] = [];
  const prepare = createPreparer(matchOptions);
  const step = Math.max(1, Math.floor(inputs.length / 100));
  for (let index = 0; index < inputs.length; index++) {
    records.push(prepare(inputs[index] as MatchInput));
    if (index % step === 0) progress('prepare', index, inputs.length);
  }
  progress('prepare', inputs.length, inputs.length);
  const ctx: CompareContext = { wordWeight: wordWeights(records) };
  timings.prepare = now() - t;

  // Candidate pairs and their comparison patterns.
  t = now();
  const { patterns, pairs, blocking } = comparePairs(records, comparisons, rules, ctx, options.maxBlockSize, (checked, total) =>
    progress('compare', checked, total),
  );
  timings.compare = now() - t;

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
  const pairScore = (model: Model, i: number, j: number): Score => {
    const a = records[i] as Prepared;
    const levels = compareLevels(comparisons, a, records[j] as Prepared, ctx);
    return score(model, levels, tfValuesOf(comparisons, levels, a));
  };

  /**
   * Candidate pairs at or above `minWeight` under `model`, term frequencies included. A pair whose
   * only support is an ambiguous level stays below the link threshold (see Comparison).
   */
  const linksAbove = (model: Model, shares: readonly (Float64Array | undefined)[] | undefined, minWeight: number): Link[] => {
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
    const out: Link[] = [];
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
      if (w >= minWeight) out.push({ i, j: pairs.j[p] as number, weight: w });
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
