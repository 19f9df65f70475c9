/**
 * The candidate pairs, compared: each pair kept as two record indices and a pattern id (12
 * bytes), and per training session (one per blocking rule) how often it saw each pattern. The
 * work splits into shards of blocks (blocking.ts, Shard) that can run on separate threads and be
 * put together in part order, so the result is the same however many threads ran it.
 */
import { candidatePairs, type BlockingRule, type BlockingStats, type KeyIndex, type Shard } from './blocking';
import { NO_LEVEL, type CompareContext, type Comparison } from './comparisons';
import type { PatternCount } from './fellegi-sunter';
import type { Prepared } from './match-record';

/**
 * A growable list of (i, j, pattern) triples in typed arrays. Sized up front to the most pairs
 * blocking can produce: the memory of a typed array is only taken as it is written, and growing
 * by doubling would copy hundreds of megabytes at a million records.
 */
export class PairList {
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

/** A session's patterns in the order it first saw them, and the count per pattern id. */
export interface SessionCounts {
  order: number[];
  counts: number[];
}

/**
 * The distinct comparison patterns of the candidate pairs, and how often each training session
 * saw each. A pattern is a number in mixed radix, one digit per comparison, so a pair's pattern
 * is found without building its level list.
 */
export class Patterns {
  readonly levels: number[][] = [];
  private readonly ids = new Map<number, number>();
  private readonly radix: number[];
  private readonly scratch: number[];
  readonly sessions: SessionCounts[];

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
    return this.idOf(code);
  }

  /** The pattern id of a list of levels. */
  ofLevels(levels: readonly number[]): number {
    let code = 0;
    for (let k = 0; k < this.radix.length; k++) {
      const level = levels[k] as number;
      this.scratch[k] = level;
      code = code * (this.radix[k] as number) + (level + 1);
    }
    return this.idOf(code);
  }

  /** The id of the pattern in `scratch`, whose code is `code`. */
  private idOf(code: number): number {
    let id = this.ids.get(code);
    if (id === undefined) {
      id = this.levels.length;
      this.ids.set(code, id);
      this.levels.push([...this.scratch]);
    }
    return id;
  }

  count(session: number, id: number, times = 1) {
    const s = this.sessions[session] as SessionCounts;
    while (s.counts.length <= id) s.counts.push(0);
    if (s.counts[id] === 0) s.order.push(id);
    s.counts[id] = (s.counts[id] as number) + times;
  }

  patternCounts(session: number): PatternCount[] {
    const s = this.sessions[session] as SessionCounts;
    return s.order.map((id): PatternCount => ({ levels: this.levels[id] as number[], count: s.counts[id] as number }));
  }
}

/** What one shard found, in a form that crosses threads: typed arrays and plain lists. */
export interface ComparedShard {
  i: Uint32Array;
  j: Uint32Array;
  /** Per pair, an index into `levels`. */
  pattern: Uint32Array;
  levels: number[][];
  sessions: SessionCounts[];
  blocking: BlockingStats;
}

/**
 * The pairs of one shard, compared, added to `pairs` and counted in `patterns`. `onChecked`
 * hears how many of the shard's block pairs have been checked.
 */
export const compareShard = (
  records: readonly Prepared[],
  ctx: CompareContext,
  index: KeyIndex,
  rules: readonly BlockingRule[],
  shard: Shard,
  patterns: Patterns,
  pairs: PairList,
  onChecked?: (checked: number) => void,
): BlockingStats =>
  candidatePairs(
    index,
    rules,
    (i, j, rule, laterRules) => {
      const id = patterns.of(records[i] as Prepared, records[j] as Prepared, ctx);
      patterns.count(rule, id);
      for (let e = rule + 1; laterRules >>> e !== 0; e++) if ((laterRules >>> e) & 1) patterns.count(e, id);
      pairs.push(i, j, id);
    },
    onChecked,
    shard,
  );

/** One shard's findings on their own, to send to the thread that puts the shards together. */
export const compareShardApart = (records: readonly Prepared[], ctx: CompareContext, index: KeyIndex, rules: readonly BlockingRule[], shard: Shard, comparisons: readonly Comparison[]): ComparedShard => {
  const patterns = new Patterns(comparisons, rules.length);
  const pairs = new PairList(0);
  const blocking = compareShard(records, ctx, index, rules, shard, patterns, pairs);
  return {
    i: pairs.i.slice(0, pairs.length),
    j: pairs.j.slice(0, pairs.length),
    pattern: pairs.pattern.slice(0, pairs.length),
    levels: patterns.levels,
    sessions: patterns.sessions,
    blocking,
  };
};

/** Adds a later shard's findings after those already in `pairs` and `patterns`. */
export const addShard = (shard: ComparedShard, patterns: Patterns, pairs: PairList, blocking: BlockingStats): void => {
  const idOf = shard.levels.map((levels) => patterns.ofLevels(levels));
  shard.sessions.forEach((s, session) => {
    for (const id of s.order) patterns.count(session, idOf[id] as number, s.counts[id] as number);
  });
  for (let p = 0; p < shard.i.length; p++) pairs.push(shard.i[p] as number, shard.j[p] as number, idOf[shard.pattern[p] as number] as number);
  blocking.rules.forEach((r, k) => (r.pairs += (shard.blocking.rules[k] as BlockingStats['rules'][number]).pairs));
  blocking.pairs += shard.blocking.pairs;
};
