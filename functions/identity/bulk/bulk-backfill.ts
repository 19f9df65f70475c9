/**
 * A bulk backfill: many records of one kind into the source-record store and the identity graph
 * at once, ending in the state the live pipeline (reconcile, then identity's processSourceRecord)
 * leaves for the same links, so that lookups, merges and unmerges, write-back and golden records
 * work on it as on live-built data. The steps:
 *
 *  1. read    the records as stored; each event applied as reconcile applies it
 *             (apply-source-change.ts), except where the store holds its values already;
 *  2. match   the batch matcher (`resolve`, as `concord resolve` runs it) over every imported
 *             record, scoring with the model the live engine scores with;
 *  3. before  what the identity table holds that bears on them (identity-before.ts);
 *  4. plan    what to write, and what to leave to the live engine (bulk-plan.ts);
 *  5. write   the source records and the blocking index (two tables at once; the index as updates
 *             merged into its items, which other records share); then, chunk by chunk,
 *             the chunk's events into the outbox, its match records and audit entries, and its
 *             entities; then the new proposals the same way;
 *  6. publish the events, once everything they announce is written (write-back reads the store),
 *             each outbox item cleared once its events are on the bus;
 *  7. live    each record the plan leaves to the live engine, through processSourceRecord once the
 *             bulk part is in place, and the views of bulk accounts other records refer to.
 *
 * Idempotent and resumable: the plan derives every id, entity, item and event from the records
 * and the import's `at`, and reads what the store already holds, so a second run writes nothing
 * new, and a run after a stop writes what is missing. Events are written to the outbox before
 * anything they announce, and an outbox left by a stopped run is published with the next run's
 * events (at least once, as everywhere on the bus). The blocking index is complete before any record points at its
 * entity, so a record found linked always has its blocks; and a record's match record is written
 * before its entity, as on the live path, so a store without match records of a kind holds no
 * entity of it.
 *
 * BatchWrite has no conditions: the backfill assumes nothing else writes these records (or, for
 * people, erases one) while it runs. Records outside the import are never written, and neither
 * is a blocking key any of them holds; an index item holds other keys too, so it is updated, never replaced.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { applySourceChange } from '../../reconcile/apply-source-change';
import type { SourceRecordStore } from '../../reconcile/source-record.store';
import { putEventsBatches } from '../../shared/bus-limits';
import { IDENTITY_EVENT_SOURCE } from '../../shared/bus-envelope';
import { sourceKeyOf, type CanonicalEvent, type SourceRecord } from '../../shared/canonical';
import type { BusEvent, Clock, EventBus } from '../../shared/ports';
import type { TableNames } from '../../shared/tables';
import type { ErasureStore } from '../erasure.store';
import { buildAccountViews, buildPersonViews } from '../golden/entity-views';
import { DEFAULT_SURVIVORSHIP_RULES } from '../golden/survivorship-rules';
import { blockKeysOf, type IdentityService } from '../identity-service';
import { blockIndexUpdates, identityItems, type IdentityStore } from '../identity.store';
import { matchInputOf } from '../matching/from-source-record';
import type { EntityKind, Prepared } from '../matching/match-record';
import { DEFAULT_THRESHOLDS, resolve, type ScoredPair } from '../matching/resolve';
import { foundingKeyOf, unifiedIdFor } from '../matching/unified-id';
import { chunksOf, forEachAtMost, getAll, MAX_BATCH_GET_KEYS, putAll, slicesOf, updateAll, type BatchOptions, type Completion } from './batch-writer';
import { planBulk, type BulkPlan, type BulkRecord, type IdentityBefore, type LiveReason, type PlannedCluster } from './bulk-plan';
import { erasedAmong, loadEntities, scanIdentity } from './identity-before';

export interface BulkBackfillDeps {
  db: DynamoDBDocumentClient;
  tables: Pick<TableNames, 'identity' | 'sourceRecords'>;
  /** The live engine: the model it scores with, and the records and views only it can decide. */
  identity: Pick<IdentityService, 'model' | 'processSourceRecord' | 'rebuildViews'>;
  identityStore: Pick<IdentityStore, 'getEntities' | 'pendingOutbox' | 'clearOutbox' | 'auditItems'>;
  sourceRecords: Pick<SourceRecordStore, 'getMany'>;
  erasures: Pick<ErasureStore, 'list' | 'tombstones'>;
  bus: EventBus;
  clock: Clock;
}

export type BulkPhase = 'read' | 'match' | 'before' | 'plan' | 'sources' | 'index' | 'entities' | 'proposals' | 'publish' | 'live';

export interface BulkBackfillRequest {
  kind: EntityKind;
  /** One upsert per record, all of `kind`, no two of one record. */
  events: readonly CanonicalEvent[];
  /** The import's start: every link, audit entry and event carries it, so a later run repeats them exactly. */
  at: Date;
  /** Named in the audit log: where the records came from (a file name). */
  origin: string;
  /** Whether the stored record already holds what the event says (then it is not applied: nothing changes). */
  isUnchanged: (event: CanonicalEvent, stored: SourceRecord) => boolean;
  /** Threads for the matcher; by default two from some tens of thousands of records. */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (phase: BulkPhase, done: number, total: number) => void;
}

export type SourceVerdict = 'written' | 'unchanged' | 'erased';

export interface BulkReport {
  status: Completion;
  /** What became of each event's record in the source-record store, by source key. */
  verdicts: Map<string, SourceVerdict>;
  records: {
    /** Linked by this run in bulk. */
    bulk: number;
    /** An earlier run of the import linked them already, as this run would have. */
    alreadyLinked: number;
    /** Handed to the live engine, by reason ('inactive': deleted at its source). */
    live: Partial<Record<LiveReason | 'inactive', number>>;
  };
  entities: number;
  blocks: number;
  proposals: number;
  events: number;
  /** Items written to both tables: what DynamoDB's write throughput is measured against. */
  itemsWritten: number;
  /** Wall time of each step (ms). */
  timingsMs: Partial<Record<BulkPhase, number>>;
}

/** Requests in flight per table; DynamoDB Local works one table's writes at a time, AWS far more. */
const WRITE_CONCURRENCY = 8;
/** Clusters are written in chunks of about this many records, each chunk's events in the outbox first. */
const CHUNK_RECORDS = 250;
/** Chunks in flight at once. */
const CHUNKS_AT_ONCE = 4;
/** An outbox item stays well under DynamoDB's 400 KB. */
const MAX_OUTBOX_BYTES = 300_000;
/** Records the live engine handles at once (each a few round trips; the engine retries conflicts). */
const LIVE_CONCURRENCY = 4;
/** Outbox entries published at once. */
const PUBLISH_CONCURRENCY = 4;
/** From this many records the matcher's second thread pays for its start-up. */
const TWO_THREADS_FROM = 20_000;

interface OutboxEntry {
  id: string;
  events: BusEvent[];
}

/** One run: what it was asked, what it reports, and the outbox entries it wrote, to publish at the end. */
interface Run {
  deps: BulkBackfillDeps;
  request: BulkBackfillRequest;
  at: string;
  report: BulkReport;
  outbox: OutboxEntry[];
  progress: NonNullable<BulkBackfillRequest['onProgress']>;
}

const outboxScopeOf = (kind: EntityKind) => `bulk#${kind}`;

/** putAll, counting the items written into the report. */
const put = (run: Run, table: string, items: readonly Record<string, unknown>[], options: BatchOptions): Promise<Completion> =>
  putAll(run.deps.db, table, items, {
    ...options,
    onProgress: (n) => {
      run.report.itemsWritten += n;
      options.onProgress?.(n);
    },
  });

/** Runs a step and keeps its wall time. */
const timed = async <T>(run: Run, step: keyof BulkReport['timingsMs'], work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await work();
  } finally {
    run.report.timingsMs[step] = Math.round(performance.now() - started);
  }
};

export const bulkBackfill = async (deps: BulkBackfillDeps, request: BulkBackfillRequest): Promise<BulkReport> => {
  const run: Run = {
    deps,
    request,
    at: request.at.toISOString(),
    report: { status: 'done', verdicts: new Map(), records: { bulk: 0, alreadyLinked: 0, live: {} }, entities: 0, blocks: 0, proposals: 0, events: 0, itemsWritten: 0, timingsMs: {} },
    outbox: [],
    progress: request.onProgress ?? (() => {}),
  };
  const interrupted = (): BulkReport => ({ ...run.report, status: 'interrupted' });
  // Events a stopped run left in the outbox: whatever they announce is written by the end of this
  // run, so they go out with its own.
  run.outbox.push(...(await deps.identityStore.pendingOutbox(outboxScopeOf(request.kind))));

  const { records, sourceItems } = await timed(run, 'read', () => readSources(run));
  const matched = await timed(run, 'match', () => matchAll(run, records));
  if (request.signal?.aborted) return interrupted();
  const before = await timed(run, 'before', () => readBefore(run, records, matched));
  const plan = await timed(run, 'plan', async () =>
    planBulk({
      kind: request.kind,
      at: run.at,
      origin: request.origin,
      records: matched.records,
      clusterOf: matched.clusterOf,
      pairs: matched.pairs,
      linkProbability: DEFAULT_THRESHOLDS.link,
      before,
      viewsOf: (unifiedId, members) =>
        request.kind === 'person'
          ? buildPersonViews({ unifiedId, members, overrides: [], rules: DEFAULT_SURVIVORSHIP_RULES })
          : buildAccountViews({ unifiedId, members, related: [], personIdOf: new Map(), overrides: [], rules: DEFAULT_SURVIVORSHIP_RULES, now: request.at }),
    }),
  );
  run.report.records.alreadyLinked = plan.alreadyLinked;
  run.report.blocks = plan.blocks.length;

  if ((await writeSourcesAndIndex(run, plan, sourceItems)) === 'interrupted') return interrupted();
  if ((await timed(run, 'entities', () => writeClusters(run, plan))) === 'interrupted') return interrupted();
  if ((await timed(run, 'proposals', () => writeProposals(run, plan))) === 'interrupted') return interrupted();
  // Published once everything they announce is written: consumers (write-back) read the store.
  await timed(run, 'publish', () => publish(run, run.outbox));

  const inactive = records.filter((r) => r.status !== 'active').map((r) => ({ sourceKey: r.sourceKey, reason: 'inactive' as const }));
  const related = plan.clusters.flatMap((c) => (c.entity?.members.some((k) => before.related.has(k)) ? [c.unifiedId] : []));
  const live = await timed(run, 'live', () => handToLive(run, [...plan.live, ...inactive], related));
  return live === 'interrupted' ? interrupted() : run.report;
};

/** The records as stored, each event applied as reconcile applies it, and the items of those that change. */
const readSources = async (run: Run): Promise<{ records: SourceRecord[]; sourceItems: Record<string, unknown>[] }> => {
  const { deps, request, report } = run;
  const keys = request.events.map((e) => sourceKeyOf(e));
  const stored = new Map<string, SourceRecord>();
  await forEachAtMost(WRITE_CONCURRENCY, chunksOf(keys, MAX_BATCH_GET_KEYS), async (slice) => {
    for (const r of await deps.sourceRecords.getMany(slice)) stored.set(r.sourceKey, r);
    run.progress('read', stored.size, keys.length);
  });
  const now = deps.clock.now();
  const records: SourceRecord[] = [];
  const sourceItems: Record<string, unknown>[] = [];
  for (const event of request.events) {
    const key = sourceKeyOf(event);
    const existing = stored.get(key);
    // A privacy deletion is final: reconcile refuses the event, and so does the backfill.
    if (existing?.status === 'erased') {
      report.verdicts.set(key, 'erased');
      continue;
    }
    const outcome = existing !== undefined && request.isUnchanged(event, existing) ? undefined : applySourceChange(existing, event, now);
    if (outcome?.kind === 'changed') {
      // Reconcile's item: the record and its revision, which the next conditional write checks.
      sourceItems.push({ ...outcome.record, rev: (existing?.rev ?? 0) + 1 });
      records.push(outcome.record);
      report.verdicts.set(key, 'written');
    } else if (existing !== undefined) {
      records.push(existing);
      report.verdicts.set(key, 'unchanged');
    }
  }
  return { records, sourceItems };
};

interface Matched {
  records: BulkRecord[];
  clusterOf: Int32Array;
  pairs: ScoredPair[];
}

/** The batch matcher over every record active at its source, with the model the live engine scores with. */
const matchAll = async (run: Run, records: readonly SourceRecord[]): Promise<Matched> => {
  const { kind } = run.request;
  const matchable = records.flatMap((record) => {
    const input = record.status === 'active' ? matchInputOf(record) : undefined;
    return input ? [{ record, input }] : [];
  });
  if (matchable.length === 0) return { records: [], clusterOf: new Int32Array(0), pairs: [] };
  const { model } = await run.deps.identity.model(kind);
  const threads = run.request.threads ?? (matchable.length >= TWO_THREADS_FROM ? 2 : 1);
  const result = resolve(
    matchable.map((m) => m.input),
    { kind, model, thresholds: DEFAULT_THRESHOLDS, threads, onProgress: (_phase, done, total) => run.progress('match', done, total) },
  );
  return {
    records: matchable.map((m, i) => {
      const prepared = result.records[i] as Prepared;
      return { ...m, prepared, blockKeys: blockKeysOf(kind, prepared) };
    }),
    clusterOf: result.clusterOf,
    pairs: [...result.review, ...result.refused],
  };
};

/** What the identity table holds that bears on the records (identity-before.ts). */
const readBefore = async (run: Run, records: readonly SourceRecord[], matched: Matched): Promise<IdentityBefore & { related: ReadonlySet<string> }> => {
  const { deps, request } = run;
  const scan = await scanIdentity(deps.db, deps.tables.identity, {
    kind: request.kind,
    records,
    blockKeys: new Set(matched.records.flatMap((r) => r.blockKeys)),
    onProgress: (n) => run.progress('before', n, n),
  });
  // The id each cluster would found its entity with, to see whether the store holds it already.
  const founders = new Map<number, string>();
  matched.clusterOf.forEach((rep, i) => {
    const key = (matched.records[i] as BulkRecord).record.sourceKey;
    const founder = founders.get(rep);
    founders.set(rep, founder === undefined ? key : foundingKeyOf([founder, key]));
  });
  const pointers = [...scan.stored.values()].flatMap((s) => s.unifiedId ?? []);
  // An entity's records get their match records before it is written, here and live: a table
  // without match records of the kind holds no entity of it, and the ids need no looking up.
  const intended = scan.matchRecords === 0 ? [] : [...founders.values()].map((k) => unifiedIdFor(request.kind, k));
  const [entities, erased] = await Promise.all([
    loadEntities(deps.identityStore, [...pointers, ...intended]),
    erasedAmong(
      deps.erasures,
      request.kind,
      matched.records.map((r) => r.record),
    ),
  ]);
  return { stored: scan.stored, foreignKeys: scan.foreignKeys, related: scan.related, erased, entities };
};

/** The source records and the blocking index at once: two tables, which DynamoDB writes side by side. */
const writeSourcesAndIndex = async (run: Run, plan: BulkPlan, sourceItems: readonly Record<string, unknown>[]): Promise<Completion> => {
  const { deps, request } = run;
  let sources = 0;
  let blocks = 0;
  const completions = await Promise.all([
    timed(run, 'sources', () =>
      put(run, deps.tables.sourceRecords, sourceItems, { concurrency: WRITE_CONCURRENCY, signal: request.signal, onProgress: (n) => run.progress('sources', (sources += n), sourceItems.length) }),
    ),
    timed(run, 'index', () => {
      // Updates, not puts: an index item holds other records' keys too, and live writes may meet it meanwhile.
      const updates = blockIndexUpdates(deps.tables.identity, request.kind, { add: new Map(plan.blocks.map((b) => [b.blockKey, b.members])) }).map((u) => u.update);
      return updateAll(deps.db, updates, {
        concurrency: WRITE_CONCURRENCY,
        signal: request.signal,
        onProgress: (n) => {
          run.report.itemsWritten += n;
          run.progress('index', (blocks += n), updates.length);
        },
      });
    }),
  ]);
  return completions.includes('interrupted') ? 'interrupted' : 'done';
};

/** Writes events into the outbox first, so a stop after `write` cannot lose them; they are published at the end. */
const announce = async (run: Run, entryId: string, events: readonly BusEvent[], write: () => Promise<Completion>): Promise<Completion> => {
  const entries: OutboxEntry[] = slicesOf(events, Infinity, MAX_OUTBOX_BYTES, (e) => JSON.stringify(e).length).map((slice, n) => ({ id: `${entryId}-${n}`, events: slice }));
  const scope = outboxScopeOf(run.request.kind);
  await put(run, run.deps.tables.identity, entries.map((e) => identityItems.outbox(scope, e.id, e.events)), { concurrency: 1 });
  run.outbox.push(...entries);
  return write();
};

/** Consecutive clusters of about CHUNK_RECORDS records. */
const chunkClusters = (clusters: readonly PlannedCluster[]): PlannedCluster[][] => {
  const chunks: PlannedCluster[][] = [];
  let current: PlannedCluster[] = [];
  let records = 0;
  for (const c of clusters) {
    current.push(c);
    records += c.matchRecords.length;
    if (records >= CHUNK_RECORDS) {
      chunks.push(current);
      current = [];
      records = 0;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

/** Chunk by chunk: its events into the outbox, then its entities, match records and audit entries. */
const writeClusters = async (run: Run, plan: BulkPlan): Promise<Completion> => {
  const { deps, request, report } = run;
  const total = plan.clusters.reduce((n, c) => n + c.matchRecords.length, 0);
  let written = 0;
  let stopped = false;
  const completion = await forEachAtMost(
    CHUNKS_AT_ONCE,
    chunkClusters(plan.clusters).map((clusters, n) => ({ clusters, n })),
    async ({ clusters, n }) => {
      // Match records (and the audit) before the entities that list them: see readBefore.
      const linking = clusters.flatMap((c) => [
        ...c.matchRecords.map((m) => identityItems.matchRecord(m)),
        // The store's own audit items: one per entity the entry names, listed once.
        ...deps.identityStore.auditItems(c.audit.entry, c.audit.id).flatMap((item) => (item.Put?.Item ? [item.Put.Item] : [])),
      ]);
      const founding = clusters.flatMap((c) => (c.entity ? [identityItems.entity(c.entity, run.at)] : []));
      const write = async (): Promise<Completion> => {
        const options = { concurrency: 2, ...(request.signal ? { signal: request.signal } : {}) };
        return (await put(run, deps.tables.identity, linking, options)) === 'done' ? put(run, deps.tables.identity, founding, options) : 'interrupted';
      };
      if ((await announce(run, `${run.at}#${n}`, clusters.flatMap((c) => c.events), write)) === 'interrupted') {
        stopped = true;
        return;
      }
      for (const c of clusters) {
        report.records.bulk += c.matchRecords.length;
        if (c.entity) report.entities++;
      }
      written += clusters.reduce((sum, c) => sum + c.matchRecords.length, 0);
      run.progress('entities', written, total);
    },
    request.signal,
  );
  return completion === 'interrupted' || stopped ? 'interrupted' : 'done';
};

/** Proposals a backfill announces one by one; more are announced together. */
export const PROPOSALS_ANNOUNCED_ONE_BY_ONE = 10;

/** New proposals, announced as the live engine does; one a person may have decided since an earlier run is left as it is. */
const writeProposals = async (run: Run, plan: BulkPlan): Promise<Completion> => {
  const { deps, request } = run;
  const existing = await getAll(deps.db, deps.tables.identity, plan.proposals.map((p) => identityItems.proposalKey(p.proposalId)), { concurrency: WRITE_CONCURRENCY });
  const known = new Set(existing.map((i) => String(i.proposalId)));
  const fresh = plan.proposals.filter((p) => !known.has(p.proposalId));
  // A few proposals are put to the stewards one by one, as the live engine does; a backfill's
  // thousands are announced once, and wait in /concord queue and App Home.
  const events: BusEvent[] =
    fresh.length <= PROPOSALS_ANNOUNCED_ONE_BY_ONE
      ? fresh.map((p): BusEvent => ({ source: IDENTITY_EVENT_SOURCE, detailType: 'identity.mergeProposed', detail: p }))
      : [{ source: IDENTITY_EVENT_SOURCE, detailType: 'identity.proposalsImported', detail: { kind: request.kind, count: fresh.length, at: run.at } }];
  let written = 0;
  const completion = await announce(run, `${run.at}#proposals`, events, () =>
    put(
      run,
      deps.tables.identity,
      fresh.map((p) => identityItems.proposal(p)),
      { concurrency: WRITE_CONCURRENCY, signal: request.signal, onProgress: (n) => run.progress('proposals', (written += n), fresh.length) },
    ),
  );
  if (completion === 'done') run.report.proposals = fresh.length;
  return completion;
};

/** Publishes outbox entries in PutEvents-sized batches (bus-limits.ts), clearing each once published. */
const publish = async (run: Run, written: readonly OutboxEntry[]): Promise<void> => {
  const scope = outboxScopeOf(run.request.kind);
  // A run after a stop may write an entry a stopped run left under the same id: the newer is the one stored.
  const entries = [...new Map(written.map((e) => [e.id, e])).values()];
  const total = entries.reduce((n, e) => n + e.events.length, 0);
  await forEachAtMost(PUBLISH_CONCURRENCY, entries, async (entry) => {
    for (const batch of putEventsBatches(entry.events)) await run.deps.bus.publish(batch);
    await run.deps.identityStore.clearOutbox(scope, entry.id);
    run.report.events += entry.events.length;
    run.progress('publish', run.report.events, total);
  });
};

/**
 * The records only the live engine can decide, one by one as a notice of each would make it, once
 * the bulk part is in place; then the views of what they changed, and of bulk accounts other
 * records refer to (their lifecycle and hierarchy come from those records).
 */
const handToLive = async (run: Run, records: readonly { sourceKey: string; reason: LiveReason | 'inactive' }[], related: readonly string[]): Promise<Completion> => {
  const { deps, request, report } = run;
  for (const { reason } of records) report.records.live[reason] = (report.records.live[reason] ?? 0) + 1;
  const affected = new Set(related);
  let done = 0;
  const linked = await forEachAtMost(
    LIVE_CONCURRENCY,
    records,
    async ({ sourceKey }) => {
      const outcome = await deps.identity.processSourceRecord(sourceKey, request.kind);
      for (const id of outcome.affected) affected.add(id);
      run.progress('live', ++done, records.length);
    },
    request.signal,
  );
  if (linked === 'interrupted') return linked;
  return forEachAtMost(LIVE_CONCURRENCY, [...affected], (id) => deps.identity.rebuildViews(id), request.signal);
};
