/**
 * What a bulk backfill writes, decided in memory. Pure: the imported records as stored, the batch
 * matcher's clusters and what the identity table held before come in; entities (with their golden
 * records), match records, the blocking index, audit entries, merge proposals and events come out,
 * in the layout the live engine leaves for the same links, together with the records the live
 * engine must decide instead.
 *
 * A cluster is written in bulk only when nothing in the store bears on it:
 * - none of its records shares a blocking key with an active record outside the import: that
 *   record would be a candidate the batch matcher never saw;
 * - none of its records is an erased person coming back (the live engine screens and refuses it);
 * - none was matched before at another version or under other keys: a changed record is weighed
 *   against its entity, which is the live engine's work;
 * - the store holds either nothing of it, or exactly this cluster (a bulk run that stopped half
 *   way). An entity holding some of its records, or other records too, or several entities holding
 *   them, is for the live engine to reconcile: join, merge or propose, and keep their ids.
 * The other records go to the live engine once the bulk part is in place, so they meet the bulk
 * entities through the same blocking index.
 *
 * Ids are the live rule's (`unifiedIdFor`), founded by the cluster's smallest record key as in
 * `concord resolve`: the same file gives the same ids whatever its row order, and every run of one
 * import (same `at`) writes the same items and the same events again.
 */
import type { SourceRecord } from '../../shared/canonical';
import { IDENTITY_EVENT_SOURCE } from '../../shared/bus-envelope';
import type { BusEvent } from '../../shared/ports';
import type { EntityViews } from '../golden/entity-views';
import type { AuditEntry, IdentityEvent } from '../graph/identity-graph';
import { proposalIdOf } from '../identity-service';
import { MAX_BLOCK_SIZE, type EntityItem, type MatchRecordItem, type ProposalItem } from '../identity.store';
import { trustedIdSets, unionIds } from '../matching/incremental';
import type { EntityKind, MatchInput, Prepared } from '../matching/match-record';
import type { ScoredPair } from '../matching/resolve';
import { foundingKeyOf, unifiedIdFor } from '../matching/unified-id';

/** One imported record, active at its source, as the matcher and the store see it. */
export interface BulkRecord {
  record: SourceRecord;
  /** What identity matches on (from-source-record.ts), stored in its match record. */
  input: MatchInput;
  /** The batch matcher's prepared form of `input`. */
  prepared: Prepared;
  /** Its blocking keys as the live engine stores them (`blockKeysOf`). */
  blockKeys: readonly string[];
}

/** What the identity table said of an imported record before the run. */
export interface StoredMatch {
  sourceKey: string;
  blockKeys: readonly string[];
  unifiedId?: string;
  active: boolean;
  sourceVersion: string;
}

export interface IdentityBefore {
  /** The imported records' match state, by source key. */
  stored: ReadonlyMap<string, StoredMatch>;
  /** Blocking keys that active records outside the import hold. */
  foreignKeys: ReadonlySet<string>;
  /** Imported records whose email or phone tombstones say belong to an erased person. */
  erased: ReadonlySet<string>;
  /** Every entity the records' pointers and the clusters' ids name, tombstones followed. */
  entities: ReadonlyMap<string, EntityItem>;
}

export interface BulkPlanInput {
  kind: EntityKind;
  /** The import's start: every link, audit entry and event of every run of one import carries it. */
  at: string;
  /** Named in the audit log: the file the records came from. */
  origin: string;
  /** In the matcher's order: `clusterOf` and `pairs` index into it. */
  records: readonly BulkRecord[];
  clusterOf: Int32Array;
  /** The matcher's review-band pairs and the links clustering refused, between clusters. */
  pairs: readonly ScoredPair[];
  /** Probability at or above which the matcher links (a refused link is 'not cohesive'). */
  linkProbability: number;
  before: IdentityBefore;
  /** The golden record (and for an account lifecycle and hierarchy) of a new entity. */
  viewsOf: (unifiedId: string, members: readonly SourceRecord[]) => EntityViews;
}

/** Why a record goes to the live engine rather than being linked in bulk. */
export type LiveReason = 'meets-stored-records' | 'erased-person' | 'matched-before' | 'linked-otherwise' | 'id-taken';

/** A new entity's item: membership as writeGraph writes it, views as its first saveViews does. */
export type NewEntity = EntityItem & { viewsSaved: number };

export interface PlannedCluster {
  unifiedId: string;
  /** The entity to found; absent when an earlier run of the import wrote it already. */
  entity?: NewEntity;
  /** Match records (with the entity pointer) of the members linked now. */
  matchRecords: MatchRecordItem[];
  audit: { entry: AuditEntry; id: string };
  /** identity.linked per member linked now, and a new account's lifecycle transition. */
  events: BusEvent[];
}

export interface BulkPlan {
  /** Clusters with something to write, ordered by id. */
  clusters: PlannedCluster[];
  /** Blocking index items, each with every imported record holding the key (at most MAX_BLOCK_SIZE), in no order. */
  blocks: { blockKey: string; members: string[] }[];
  /** One per pair of bulk entities the matcher puts in the review band (pending, deterministic ids). */
  proposals: ProposalItem[];
  live: { sourceKey: string; reason: LiveReason }[];
  /** Records an earlier run linked exactly as this one would: nothing to do. */
  alreadyLinked: number;
}

const AUTOMATIC_BY = 'concord';

const sameMembers = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && b.every((k) => a.includes(k));

const sameValues = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((v) => y.includes(v));

/** Whether two entities hold different values of one trusted identifier: never the same customer. */
const trustedIdsDisagree = (a: Readonly<Record<string, readonly string[]>>, b: Readonly<Record<string, readonly string[]>>): boolean =>
  Object.entries(a).some(([name, values]) => b[name] !== undefined && !sameValues(values, b[name]));

/** The active entity an id leads to, following tombstones. */
const activeEntity = (entities: ReadonlyMap<string, EntityItem>, id: string): EntityItem | undefined => {
  const seen = new Set<string>();
  let entity = entities.get(id);
  while (entity !== undefined && entity.status !== 'active' && entity.mergedInto !== undefined && !seen.has(entity.unifiedId)) {
    seen.add(entity.unifiedId);
    entity = entities.get(entity.mergedInto);
  }
  return entity?.status === 'active' ? entity : undefined;
};

/** Whether the record is matched in the store as it is now: same version, same keys, active. */
const isCurrent = (stored: StoredMatch, r: BulkRecord): boolean =>
  stored.active && stored.sourceVersion === r.record.version && sameMembers(stored.blockKeys, r.blockKeys);

const eventOf = (event: IdentityEvent | { type: string }, detail: unknown = event): BusEvent => ({ source: IDENTITY_EVENT_SOURCE, detailType: event.type, detail });

type Route = { kind: 'live'; reason: LiveReason } | { kind: 'found'; unifiedId: string } | { kind: 'complete'; entity: EntityItem };

export const planBulk = (input: BulkPlanInput): BulkPlan => {
  const { kind, at, before } = input;
  const indicesOf = new Map<number, number[]>();
  input.clusterOf.forEach((rep, i) => (indicesOf.get(rep) ?? indicesOf.set(rep, []).get(rep)!).push(i));

  const holderOf = (r: BulkRecord): string | undefined => {
    const pointer = before.stored.get(r.record.sourceKey)?.unifiedId;
    const entity = pointer === undefined ? undefined : activeEntity(before.entities, pointer);
    return entity?.members.includes(r.record.sourceKey) ? entity.unifiedId : undefined;
  };

  const routeOf = (cluster: readonly BulkRecord[]): Route => {
    const keys = cluster.map((r) => r.record.sourceKey);
    if (cluster.some((r) => before.erased.has(r.record.sourceKey))) return { kind: 'live', reason: 'erased-person' };
    if (cluster.some((r) => r.blockKeys.some((k) => before.foreignKeys.has(k)))) return { kind: 'live', reason: 'meets-stored-records' };
    const changed = (r: BulkRecord) => {
      const stored = before.stored.get(r.record.sourceKey);
      return stored !== undefined && !isCurrent(stored, r);
    };
    if (cluster.some(changed)) return { kind: 'live', reason: 'matched-before' };
    const intended = unifiedIdFor(kind, foundingKeyOf(keys));
    const atIntended = before.entities.get(intended);
    const holders = new Set(cluster.flatMap((r) => holderOf(r) ?? []));
    if (atIntended?.status === 'active' && atIntended.members.some((k) => keys.includes(k))) holders.add(intended);
    if (holders.size === 0) return atIntended === undefined ? { kind: 'found', unifiedId: intended } : { kind: 'live', reason: 'id-taken' };
    const [only] = holders;
    const holder = holders.size === 1 && only !== undefined ? before.entities.get(only) : undefined;
    return holder !== undefined && sameMembers(holder.members, keys) ? { kind: 'complete', entity: holder } : { kind: 'live', reason: 'linked-otherwise' };
  };

  const clusters: PlannedCluster[] = [];
  const live: BulkPlan['live'] = [];
  const entityOfIndex = new Map<number, { unifiedId: string; trustedIds: Record<string, string[]> }>();
  const linkedNow: BulkRecord[] = [];
  let alreadyLinked = 0;
  for (const indices of indicesOf.values()) {
    // By key, so the items and events come out the same whatever the order of the file.
    const cluster = indices.map((i) => input.records[i] as BulkRecord).sort((a, b) => (a.record.sourceKey < b.record.sourceKey ? -1 : 1));
    const route = routeOf(cluster);
    if (route.kind === 'live') {
      for (const r of cluster) live.push({ sourceKey: r.record.sourceKey, reason: route.reason });
      continue;
    }
    const keys = cluster.map((r) => r.record.sourceKey);
    const unifiedId = route.kind === 'found' ? route.unifiedId : route.entity.unifiedId;
    const trustedIds = route.kind === 'found' ? unionIds(...cluster.map((r) => trustedIdSets(r.prepared.trustedIds))) : route.entity.trustedIds;
    for (const i of indices) entityOfIndex.set(i, { unifiedId, trustedIds });
    // A run that stopped half way may have linked some members already: they are not linked twice.
    const toLink = route.kind === 'found' ? cluster : cluster.filter((r) => holderOf(r) === undefined);
    alreadyLinked += cluster.length - toLink.length;
    if (toLink.length === 0) continue;
    linkedNow.push(...toLink);
    const founder = foundingKeyOf(keys);
    const views = route.kind === 'found' ? input.viewsOf(unifiedId, cluster.map((r) => r.record)) : undefined;
    const entity: NewEntity | undefined = views && {
      unifiedId,
      kind,
      members: keys,
      createdAt: at,
      status: 'active',
      rev: 0,
      trustedIds,
      label: views.label,
      golden: views.golden,
      lifecycle: views.lifecycle ?? null,
      lifecycleStage: views.lifecycle?.stage ?? 'none',
      hierarchy: views.hierarchy ?? null,
      viewsSaved: 1,
      overrides: [],
      updatedAt: at,
    };
    const linked = toLink.map((r): IdentityEvent => ({ type: 'identity.linked', unifiedId, kind, sourceKey: r.record.sourceKey, created: route.kind === 'found' && r.record.sourceKey === founder, at }));
    clusters.push({
      unifiedId,
      ...(entity ? { entity } : {}),
      matchRecords: toLink.map((r) => ({ sourceKey: r.record.sourceKey, kind, input: r.input, blockKeys: [...r.blockKeys], unifiedId, active: true, sourceVersion: r.record.version, updatedAt: at })),
      audit: {
        // One entry per entity, under an id of its own: a later run of the import writes the same entry again.
        id: `bulk#${unifiedId}`,
        entry: {
          at,
          action: 'link',
          unifiedIds: [unifiedId],
          sourceKeys: keys,
          by: AUTOMATIC_BY,
          reason: keys.length === 1 ? `bulk import of ${input.origin}: no other record matches` : `bulk import of ${input.origin}: the batch matcher joined these ${keys.length} records`,
        },
      },
      events: [...linked.map((e) => eventOf(e)), ...(views?.transition ? [eventOf(views.transition)] : [])],
    });
  }
  clusters.sort((a, b) => (a.unifiedId < b.unifiedId ? -1 : 1));

  return {
    clusters,
    blocks: blocksOf(linkedNow, input.records, before.stored),
    proposals: proposalsOf(input, entityOfIndex),
    live: live.sort((a, b) => (a.sourceKey < b.sourceKey ? -1 : 1)),
    alreadyLinked,
  };
};

/**
 * The blocking index items the records linked now need. Each holds every imported record with the
 * key: those linked now, and those the store already lists under it (no record outside the import
 * holds any of these keys, or the record would have gone to the live engine). A key more records
 * hold than a block keeps is cut at its first MAX_BLOCK_SIZE keys; the live engine skips such a
 * block when it looks for candidates, as `concord resolve` does.
 */
const blocksOf = (linkedNow: readonly BulkRecord[], records: readonly BulkRecord[], stored: ReadonlyMap<string, StoredMatch>): BulkPlan['blocks'] => {
  const holders = new Map<string, Set<string>>();
  for (const r of linkedNow) for (const k of r.blockKeys) (holders.get(k) ?? holders.set(k, new Set()).get(k)!).add(r.record.sourceKey);
  for (const r of records) for (const k of stored.get(r.record.sourceKey)?.blockKeys ?? []) holders.get(k)?.add(r.record.sourceKey);
  // A key more records hold than a block keeps is cut at its smallest keys, the same on every run.
  return [...holders].map(([blockKey, keys]) => ({ blockKey, members: keys.size > MAX_BLOCK_SIZE ? [...keys].sort().slice(0, MAX_BLOCK_SIZE) : [...keys] }));
};

/**
 * A pending proposal per pair of bulk entities the matcher found alike but did not join: the best
 * pair between them, as the live engine raises one when a record meets an entity in the review
 * band, or strongly but not as a whole. Entities with different trusted identifiers are never
 * proposed: the identifiers answer the question.
 */
const proposalsOf = (input: BulkPlanInput, entityOf: ReadonlyMap<number, { unifiedId: string; trustedIds: Record<string, string[]> }>): ProposalItem[] => {
  const best = new Map<string, ProposalItem>();
  for (const pair of input.pairs) {
    const a = entityOf.get(pair.a);
    const b = entityOf.get(pair.b);
    if (a === undefined || b === undefined || a.unifiedId === b.unifiedId || trustedIdsDisagree(a.trustedIds, b.trustedIds)) continue;
    const proposalId = proposalIdOf(a.unifiedId, b.unifiedId);
    const seen = best.get(proposalId);
    if (seen !== undefined && seen.probability >= pair.score.probability) continue;
    best.set(proposalId, {
      proposalId,
      kind: input.kind,
      a: (input.records[pair.a] as BulkRecord).record.sourceKey,
      b: (input.records[pair.b] as BulkRecord).record.sourceKey,
      entityA: a.unifiedId,
      entityB: b.unifiedId,
      probability: pair.score.probability,
      weight: pair.score.weight,
      prior: pair.score.prior,
      evidence: pair.score.evidence,
      reason: pair.score.probability >= input.linkProbability ? 'a strong match, but the two entities do not match as wholes' : 'in the review band',
      status: 'pending',
      createdAt: input.at,
    });
  }
  return [...best.values()].sort((x, y) => (x.proposalId < y.proposalId ? -1 : 1));
};
