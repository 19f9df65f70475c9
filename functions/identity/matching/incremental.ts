/**
 * The live matcher's decision for one new or changed record: which entity it joins, which other
 * entities it proves to be the same customer, and which pairs a person should look at. It compares
 * and scores with the batch matcher's own functions (comparisons.ts, fellegi-sunter.ts, the
 * ambiguous-pattern rule of resolve.ts), so a pair scores the same live and in `concord resolve`.
 *
 * The rules mirror batch clustering (clustering.ts), applied to one record:
 * - a link needs the link threshold, evidence that is not only ambiguous, and cohesion: the mean
 *   match probability against the entity's compared members must reach the review threshold, so
 *   one look-alike member cannot pull a record into the wrong customer;
 * - a cannot-link (a person said no) or a conflicting trusted identifier refuses a link, and also
 *   the proposal: the question was answered, or the identifiers answer it;
 * - a must-link (a person said yes) joins whatever the scores say;
 * - a record that links strongly to two entities merges them only if they also match each other
 *   as wholes (the same cohesion rule), never by chaining through the record alone.
 * - a value of the record that several entities hold (a switchboard number, a shared mailbox)
 *   counts for less, as term frequencies make it count in batch (see `sharedValues`).
 * Pure: candidates, entities, constraints and the model come in; the decision goes out.
 */
import { blockingFor } from './blocking';
import { comparisonsFor, type CompareContext, type Comparison } from './comparisons';
import { levelWeights, score as scoreLevels, weightOf, type Model, type Score } from './fellegi-sunter';
import type { Prepared } from './match-record';
import type { LiveModel } from './model-snapshot';
import { compareLevels, DEFAULT_THRESHOLDS, isAmbiguous, tfValuesOf, wordWeightsFrom, type Thresholds } from './resolve';

export interface LiveScore extends Score {
  /** Positive evidence came only from ambiguous levels: the pair may go to a person, never link alone. */
  ambiguous: boolean;
}

/**
 * Per comparison (by index), how many entities hold the record's own value of it, where that is
 * known and more than one.
 */
export type SharedValues = ReadonlyMap<number, number>;

/** A model ready to score: the comparisons and the word weights computed once. */
export interface Scorer {
  live: LiveModel;
  score(a: Prepared, b: Prepared): LiveScore;
  /** Scores `record` against others, each of its values in `shared` counting as that much more common. */
  scoreFrom(record: Prepared, shared: SharedValues): (other: Prepared) => LiveScore;
}

export const createScorer = (live: LiveModel): Scorer => {
  const comparisons: readonly Comparison[] = comparisonsFor(live.kind);
  const ctx: CompareContext = { wordWeight: wordWeightsFrom(live.words) };
  const weights = levelWeights(live.model);
  const scoreWith = (model: Model, a: Prepared, b: Prepared): LiveScore => {
    const levels = compareLevels(comparisons, a, b, ctx);
    return { ...scoreLevels(model, levels, tfValuesOf(comparisons, levels, a)), ambiguous: isAmbiguous(comparisons, levels, weights) };
  };
  return {
    live,
    score: (a, b) => scoreWith(live.model, a, b),
    scoreFrom: (record, shared) => {
      const model = shared.size === 0 ? live.model : withSharedValues(live.model, comparisons, record, shared);
      return (other) => scoreWith(model, record, other);
    },
  };
};

/**
 * The model with the record's shared values made as common as their holders make them. A value
 * one entity holds agrees by chance about as often as the model's average exact agreement (u of
 * the exact level); one that k entities hold, k times as often, so its agreement weighs log2(k)
 * bits less. A value the model already knows to be commoner keeps its own frequency. Only the
 * record's own values are looked up when it is scored against others (an exact agreement's value
 * is the record's), so the model needs no other entries.
 */
const withSharedValues = (model: Model, comparisons: readonly Comparison[], record: Prepared, shared: SharedValues): Model => ({
  ...model,
  termFrequencies: model.termFrequencies.map((known, k) => {
    const holders = shared.get(k);
    const value = comparisons[k]?.tfValue?.(record);
    if (holders === undefined || value === undefined) return known;
    const share = Math.max(known?.get(value) ?? 0, holders * (model.comparisons[k]?.u[0] ?? 0));
    return new Map([[value, share]]);
  }),
});

/**
 * How many entities hold each of the record's values that is a blocking key of its own (a phone
 * number, an email address, a domain): every record holding such a value shares that key with
 * the record, so the candidates hold them all, and the distinct entities among them are counted.
 * `known` adds what the caller knows beyond the candidates (a block too big to read).
 */
export const sharedValues = (record: Prepared, candidates: readonly Candidate[], known: ReadonlyMap<string, number> = new Map()): SharedValues => {
  const comparisons = comparisonsFor(record.kind);
  const keys = new Set(blockingFor(record.kind).flatMap((rule) => rule.keys(record) ?? []));
  const shared = new Map<number, number>();
  comparisons.forEach((c, k) => {
    const value = c.tfValue?.(record);
    if (value === undefined || !keys.has(value)) return;
    const holders = new Set<string>();
    for (const candidate of candidates) {
      if (candidate.record.key !== record.key && c.tfValue?.(candidate.record) === value) holders.add(candidate.unifiedId);
    }
    const count = Math.max(holders.size, known.get(value) ?? 0);
    if (count > 1) shared.set(k, count);
  });
  return shared;
};

/** An entity as the decision sees it. */
export interface EntityView {
  unifiedId: string;
  members: readonly string[];
  /** Every trusted identifier its members hold, by name. */
  trustedIds: Readonly<Record<string, readonly string[]>>;
}

export interface Candidate {
  record: Prepared;
  /** The active entity holding it. */
  unifiedId: string;
}

export interface IncrementalInput {
  record: Prepared;
  /** The active entity holding the record, if it already has one. */
  currentEntity?: EntityView;
  /** A few of that entity's other members: another entity merges in only if it matches them too. */
  currentSample?: readonly Prepared[];
  /** Records sharing a blocking key with it, each with its entity. */
  candidates: readonly Candidate[];
  /** Every entity a candidate belongs to. */
  entities: ReadonlyMap<string, EntityView>;
  /** Records a person said are someone else, and records a person said are the same. */
  cannotLink: ReadonlySet<string>;
  mustLink: ReadonlySet<string>;
  scorer: Scorer;
  thresholds?: Thresholds;
  /**
   * How many stored records hold a value of the record, by value, for values whose holders are
   * not all among the candidates: the blocking index's size of a block too big to read. Values a
   * blocking key finds are counted among the candidates without it.
   */
  holders?: ReadonlyMap<string, number>;
}

export interface PairEvidence {
  /** The candidate record the score is against. */
  sourceKey: string;
  score: LiveScore;
}

export interface EntityAssessment {
  unifiedId: string;
  best: PairEvidence;
  /** Mean match probability against the entity's compared members. */
  cohesion: number;
  verdict: 'link' | 'review' | 'apart' | 'must-link' | 'refused';
  /** Why a link or a proposal was refused. */
  refusal?: 'cannot-link' | 'trusted-id-conflict' | 'not-cohesive';
}

export interface IncrementalDecision {
  /** Join this entity (the record has none yet), or found a new one when undefined. */
  join?: EntityAssessment;
  /** Entities the same as the record's (after joining), to merge into it, strongest first. */
  merges: EntityAssessment[];
  /** Pairs for a person: the record and the best candidate of each entity in the review band. */
  proposals: EntityAssessment[];
  /** Everything assessed, strongest first, for explanation and audit. */
  assessed: EntityAssessment[];
}

const conflictingIds = (a: Readonly<Record<string, readonly string[]>>, b: Readonly<Record<string, readonly string[]>>): boolean =>
  Object.entries(a).some(([name, values]) => {
    const other = b[name];
    return other !== undefined && values.some((v) => !other.includes(v));
  }) ||
  Object.entries(b).some(([name, values]) => {
    const other = a[name];
    return other !== undefined && values.some((v) => !other.includes(v));
  });

/** A record's trusted identifiers in the entity form: name → values. */
export const trustedIdSets = (trustedIds: Readonly<Record<string, string>>): Record<string, string[]> =>
  Object.fromEntries(Object.entries(trustedIds).map(([name, value]) => [name, [value]]));

/** All the identifiers several records or entities hold, by name, each list sorted and distinct. */
export const unionIds = (...all: Readonly<Record<string, readonly string[]>>[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const ids of all) for (const [name, values] of Object.entries(ids)) out[name] = [...new Set([...(out[name] ?? []), ...values])].sort();
  return out;
};

/** Strongest first; equal probabilities by entity id, so the outcome never depends on input order. */
const byStrength = (x: EntityAssessment, y: EntityAssessment): number =>
  y.best.score.weight - x.best.score.weight || (x.unifiedId < y.unifiedId ? -1 : x.unifiedId > y.unifiedId ? 1 : 0);

/** Up to this many of an entity's members are compared for cohesion, as batch clustering samples. */
const COHESION_SAMPLE = 4;

export const decideIncremental = (input: IncrementalInput): IncrementalDecision => {
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const linkWeight = weightOf(thresholds.link);
  const current = input.currentEntity?.unifiedId;
  const ownIds = unionIds(trustedIdSets(input.record.trustedIds), input.currentEntity?.trustedIds ?? {});

  const scoreAgainst = input.scorer.scoreFrom(input.record, sharedValues(input.record, input.candidates, input.holders));
  const scored = new Map<string, PairEvidence[]>();
  for (const c of input.candidates) {
    if (c.unifiedId === current || c.record.key === input.record.key) continue;
    const list = scored.get(c.unifiedId) ?? [];
    list.push({ sourceKey: c.record.key, score: scoreAgainst(c.record) });
    scored.set(c.unifiedId, list);
  }

  const assessed: EntityAssessment[] = [];
  for (const [unifiedId, pairs] of scored) {
    const entity = input.entities.get(unifiedId);
    if (!entity) continue;
    pairs.sort((x, y) => y.score.weight - x.score.weight || (x.sourceKey < y.sourceKey ? -1 : 1));
    const best = pairs[0] as PairEvidence;
    const sample = pairs.slice(0, COHESION_SAMPLE);
    const cohesion = sample.reduce((s, p) => s + p.score.probability, 0) / sample.length;
    const base = { unifiedId, best, cohesion };
    if (entity.members.some((k) => input.mustLink.has(k))) assessed.push({ ...base, verdict: 'must-link' });
    else if (entity.members.some((k) => input.cannotLink.has(k))) assessed.push({ ...base, verdict: 'refused', refusal: 'cannot-link' });
    else if (conflictingIds(ownIds, entity.trustedIds)) assessed.push({ ...base, verdict: 'refused', refusal: 'trusted-id-conflict' });
    else if (best.score.probability < thresholds.review) assessed.push({ ...base, verdict: 'apart' });
    else if (best.score.weight >= linkWeight && !best.score.ambiguous && cohesion >= thresholds.review) assessed.push({ ...base, verdict: 'link' });
    else assessed.push({ ...base, verdict: 'review', ...(cohesion < thresholds.review && best.score.weight >= linkWeight && !best.score.ambiguous ? { refusal: 'not-cohesive' as const } : {}) });
  }
  // Entities holding a must-link partner that no blocking key found still have to join.
  for (const entity of input.entities.values()) {
    if (entity.unifiedId === current || scored.has(entity.unifiedId)) continue;
    const partner = entity.members.find((k) => input.mustLink.has(k));
    if (partner === undefined) continue;
    const none: LiveScore = { weight: 0, probability: 0.5, prior: 0, evidence: [], ambiguous: false };
    assessed.push({ unifiedId: entity.unifiedId, best: { sourceKey: partner, score: none }, cohesion: 1, verdict: 'must-link' });
  }
  assessed.sort((x, y) => Number(y.verdict === 'must-link') - Number(x.verdict === 'must-link') || byStrength(x, y));

  const joinable = assessed.filter((a) => a.verdict === 'must-link' || a.verdict === 'link');
  const join = current === undefined ? joinable[0] : undefined;
  const merges: EntityAssessment[] = [];
  // What the record's entity holds after each step, to check the next merge against all of it.
  let heldIds = join ? unionIds(ownIds, (input.entities.get(join.unifiedId) as EntityView).trustedIds) : ownIds;
  const byKey = new Map(input.candidates.map((c) => [c.record.key, c.record]));
  const sampleOf = (id: string): Prepared[] => (scored.get(id) ?? []).slice(0, COHESION_SAMPLE).flatMap((p) => byKey.get(p.sourceKey) ?? []);
  const held: Prepared[][] = join ? [sampleOf(join.unifiedId)] : [(input.currentSample ?? []).slice(0, COHESION_SAMPLE)];
  for (const a of joinable) {
    if (a === join) continue;
    const entity = input.entities.get(a.unifiedId) as EntityView;
    if (a.verdict !== 'must-link') {
      if (conflictingIds(heldIds, entity.trustedIds)) continue;
      // The other entities already held must match this one as wholes, not only through the record.
      const theirs = sampleOf(a.unifiedId);
      if (held.some((ours) => meanProbability(input.scorer, ours, theirs) < thresholds.review)) continue;
    }
    merges.push(a);
    held.push(sampleOf(a.unifiedId));
    heldIds = unionIds(heldIds, entity.trustedIds);
  }
  const proposals = assessed.filter((a) => a.verdict === 'review' || (a.verdict === 'link' && a !== join && !merges.includes(a)));
  return { join, merges, proposals, assessed };
};

/** Mean match probability over every pair across two samples; 1 when either is empty (nothing contradicts). */
const meanProbability = (scorer: Scorer, ours: readonly Prepared[], theirs: readonly Prepared[]): number => {
  let sum = 0;
  let n = 0;
  for (const a of ours)
    for (const b of theirs) {
      sum += scorer.score(a, b).probability;
      n++;
    }
  return n === 0 ? 1 : sum / n;
};
