/**
 * The live identity engine: the shell around the pure matcher, graph and golden-record modules.
 * It loads what a decision needs from the stores, asks the pure code, writes the outcome in one
 * transaction (with its events in an outbox), publishes, and rebuilds what people see.
 *
 * Every entry point is safe to repeat: a record processed twice finds itself linked and changes
 * nothing; a merge proposal decided twice is decided once (a conditional write); events wait in
 * the outbox until published, so a crash between writing and publishing loses nothing.
 */
import { SourceSystem, type SourceRecord } from '../shared/canonical';
import { IDENTITY_EVENT_SOURCE } from '../shared/bus-envelope';
import type { BusEvent, Clock, EventBus, IdGenerator } from '../shared/ports';
import type { SourceRecordStore } from '../reconcile/source-record.store';
import { buildAccountViews, buildPersonViews, type EntityViews } from './golden/entity-views';
import type { LifecycleDecision } from './golden/lifecycle';
import { DEFAULT_SURVIVORSHIP_RULES } from './golden/survivorship-rules';
import type { FieldOverride, SurvivorshipRules } from './golden/survivorship';
import {
  IdentityGraphError,
  link,
  merge as mergeEntities,
  resolveId,
  unmerge as unmergeEntities,
  type Actor,
  type Change,
  type Entity,
  type IdentityEvent,
  type IdentityGraph,
  type MergeRecord,
} from './graph/identity-graph';
import type { ErasureStore } from './erasure.store';
import {
  IdentityConflictError,
  type EntityItem,
  type EntityWrite,
  type GraphWrite,
  type IdentityStore,
  type MatchRecordItem,
  type OutboxEntry,
  type ProposalItem,
  type RecordState,
} from './identity.store';
import { blockingFor } from './matching/blocking';
import { defaultLiveModel } from './matching/default-model';
import { matchInputOf, matchKindOf } from './matching/from-source-record';
import { createScorer, decideIncremental, trustedIdSets, unionIds, type EntityAssessment, type EntityView, type LiveScore, type Scorer } from './matching/incremental';
import { DEFAULT_MATCH_OPTIONS, prepare, type EntityKind, type MatchInput, type MatchOptions, type Prepared } from './matching/match-record';
import { fromSnapshot, toSnapshot, type LiveModel } from './matching/model-snapshot';
import { DEFAULT_THRESHOLDS, resolve, wordFrequencies, type Thresholds } from './matching/resolve';
import { unifiedIdFor } from './matching/unified-id';

export interface IdentityServiceDeps {
  store: IdentityStore;
  sourceRecords: SourceRecordStore;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  /** Screens records never linked against erased people's tombstones. */
  erasures?: Pick<ErasureStore, 'screenArrival'>;
  thresholds?: Thresholds;
  match?: MatchOptions;
  survivorship?: SurvivorshipRules;
  /** How long a loaded model is used before looking for a newer one. */
  modelCacheMs?: number;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

export type ProcessOutcome = (
  | { kind: 'missing' }
  | { kind: 'unchanged'; unifiedId?: string }
  | { kind: 'related' }
  | {
      kind: 'processed';
      unifiedId?: string;
      joined?: string;
      founded: boolean;
      merges: string[];
      proposals: string[];
      /** A likely match was still being linked elsewhere when this record was decided. */
      unsettled?: boolean;
    }
) & {
  /** Entities whose views depend on the record: rebuilt by the caller, once per batch. */
  affected: string[];
};

export type DecisionOutcome =
  | { kind: 'merged'; merge: MergeRecord }
  | { kind: 'kept-apart' }
  | { kind: 'already-one'; unifiedId: string }
  | { kind: 'already-decided'; status: string; by?: string }
  | { kind: 'not-found'; what: string };

export type UnmergeOutcome = { kind: 'unmerged'; merge: MergeRecord } | { kind: 'already-undone'; at: string; by: string } | { kind: 'not-found' } | { kind: 'refused'; reason: string };

/** Fewer records than EM can learn anything from: the bundled model stays in use. */
export const MIN_TRAINING_RECORDS = 50;

export class TooFewRecordsError extends Error {
  constructor(
    readonly kind: EntityKind,
    readonly records: number,
  ) {
    super(`there are ${records} ${kind} records to train on (at least ${MIN_TRAINING_RECORDS} are needed); the bundled model stays in use`);
  }
}

/** The entity a person or the CLI names: a unified id, or a member's source key. */
export type EntityRef = string;

const ATTEMPTS = 6;
/** Prepared records kept in memory (a few kilobytes each). */
const PREPARED_CACHE_SIZE = 20_000;
const AUTOMATIC: Omit<Actor, 'reason'> = { by: 'concord' };

const toEntity = (item: EntityItem): Entity => ({
  unifiedId: item.unifiedId,
  kind: item.kind,
  members: item.members,
  createdAt: item.createdAt,
  status: item.status,
  ...(item.mergedInto ? { mergedInto: item.mergedInto } : {}),
});


const eventsToBus = (events: readonly IdentityEvent[], extra: readonly BusEvent[] = []): BusEvent[] => [
  ...events.map((e): BusEvent => ({ source: IDENTITY_EVENT_SOURCE, detailType: e.type, detail: e })),
  ...extra,
];

/** A sentence for the audit log: the score and the strongest evidence. */
const because = (score: LiveScore): string => {
  const top = [...score.evidence].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, 3);
  return `matched at p=${score.probability.toFixed(3)} (${top.map((e) => `${e.comparison} ${e.level}`).join(', ')})`;
};

/** A merge proposal's id: one per pair of entities, whichever of them raised it. */
export const proposalIdOf = (a: string, b: string): string => `prp_${unifiedIdFor('account', [a, b].sort().join('\u0000')).slice(4)}`;

/** Block keys as stored: the rule's name, then its key. */
export const blockKeysOf = (kind: EntityKind, record: Prepared): string[] =>
  blockingFor(kind)
    .flatMap((rule) => (rule.keys(record) ?? []).map((k) => `${rule.name}#${k}`))
    .filter((k, i, all) => all.indexOf(k) === i)
    .sort();

export class IdentityService {
  private readonly thresholds: Thresholds;
  private readonly matchOptions: MatchOptions;
  private readonly rules: SurvivorshipRules;
  private readonly scorers = new Map<EntityKind, { scorer: Scorer; loadedAt: number }>();
  private readonly preparedCache = new Map<string, Prepared>();

  constructor(private readonly deps: IdentityServiceDeps) {
    this.thresholds = deps.thresholds ?? DEFAULT_THRESHOLDS;
    this.matchOptions = deps.match ?? DEFAULT_MATCH_OPTIONS;
    this.rules = deps.survivorship ?? DEFAULT_SURVIVORSHIP_RULES;
  }

  // ---- the live path: a source record changed ----------------------------------------------------

  /**
   * Matches a stored record (accounts and people) and relates it to its account. The views of
   * the entities it affects are left to the caller (`rebuildViews`), so a batch of a hundred
   * invoices of one customer rebuilds that customer once.
   */
  async processSourceRecord(sourceKey: string, entityType?: string): Promise<ProcessOutcome> {
    // The notice names the record's type: a deal or an invoice has no match state to read.
    const matchable = entityType === undefined || matchKindOf(entityType) !== undefined;
    const [record, stored] = await Promise.all([this.deps.sourceRecords.get(sourceKey), matchable ? this.deps.store.recordState(sourceKey) : undefined]);
    if (!record) return { kind: 'missing', affected: [] };
    const kind = matchKindOf(record.entityType);
    // Deals, subscriptions, tickets and people refer to an account: its views depend on them.
    if (kind === undefined) return { kind: 'related', affected: await this.relateToAccount(record) };
    const matching = async (): Promise<ProcessOutcome> => {
      const first = await this.withRetries(async (attempt) => this.matchRecord(record, kind, attempt === 1 && stored ? stored : await this.deps.store.recordState(sourceKey)));
      if (first.kind !== 'processed' || !first.unsettled) return first;
      const again = await this.withRetries(async () => this.matchRecord(record, kind, await this.deps.store.recordState(sourceKey), { lookAgain: true }));
      return { ...again, affected: [...new Set([...first.affected, ...again.affected])] };
    };
    const [related, outcome] = await Promise.all([this.relateToAccount(record), matching()]);
    return { ...outcome, affected: [...new Set([...outcome.affected, ...related])] };
  }

  /**
   * The decision for one record, in as few round trips as the data allows: the record's state in
   * one query; then at once the erasure screen, its candidates' blocks and its current entity;
   * then the blocking index written while the candidates and their entities are read; then one
   * transaction. Its blocking keys are written before the transaction, so a record processed
   * after this one commits always finds it.
   */
  private async matchRecord(record: SourceRecord, kind: EntityKind, stored: RecordState, options: { lookAgain?: boolean } = {}): Promise<ProcessOutcome> {
    const at = this.deps.clock.now().toISOString();
    const existing = stored.match;
    // Events an earlier attempt wrote but did not publish (it crashed in between) go first.
    if (stored.outbox.length > 0) await this.publishOutbox(record.sourceKey, stored.outbox);
    const input = record.status === 'erased' ? undefined : matchInputOf(record);
    const prepared = input === undefined ? undefined : this.prepared(record.sourceKey, record.version, input);
    const blockKeys = record.status === 'active' && prepared ? blockKeysOf(kind, prepared) : [];
    const unchanged =
      existing !== undefined &&
      existing.unifiedId !== undefined &&
      existing.sourceVersion === record.version &&
      existing.active === (record.status === 'active' && prepared !== undefined) &&
      existing.blockKeys.join('\n') === blockKeys.join('\n');
    if (unchanged && !options.lookAgain) return { kind: 'unchanged', unifiedId: existing.unifiedId, affected: [] };

    // A record never linked that carries an erased person's email or phone stays out, as if erased
    // on arrival: a replayed or re-created record must not bring the person back.
    const screening =
      kind === 'person' && record.status === 'active' && existing?.unifiedId === undefined && this.deps.erasures !== undefined
        ? this.deps.erasures.screenArrival(record.sourceKey, record.fields, record.updatedAt, `refused#${record.sourceKey}#${record.version}`).then((s) => s.kind === 'erased')
        : Promise.resolve(false);
    // The pointer may name a merged entity: follow it, and trust it only if the entity lists the record.
    const pointing = existing?.unifiedId === undefined ? Promise.resolve(undefined) : this.deps.store.activeEntity(existing.unifiedId);
    const blocks = blockKeys.length > 0 ? this.deps.store.blockMembers(kind, blockKeys) : Promise.resolve({ members: [], skipped: [] });
    const [refused, pointed, { members }] = await Promise.all([screening, pointing, blocks]);
    const current = pointed?.members.includes(record.sourceKey) ? pointed : undefined;
    const active = record.status === 'active' && prepared !== undefined && !refused;
    const keys = active ? blockKeys : [];
    const item: MatchRecordItem = { sourceKey: record.sourceKey, kind, input: refused ? undefined : input, blockKeys: keys, active, sourceVersion: record.version, updatedAt: at };
    const writing = this.deps.store.indexMatchRecord(item, existing?.blockKeys ?? []);

    if (!active || !prepared) {
      await writing;
      // Deleted or erased: still a member (link first, never destroy), no longer evidence.
      return { kind: 'processed', unifiedId: current?.unifiedId, founded: false, merges: [], proposals: [], affected: current ? [current.unifiedId] : [] };
    }

    // Candidates, their entities, and people's decisions about this record, read while the index is written.
    const mustLink = new Set(stored.constraints.filter((c) => c.same).map((c) => c.other));
    const cannotLink = new Set(stored.constraints.filter((c) => !c.same).map((c) => c.other));
    const sampleKeys = current ? current.members.filter((k) => k !== record.sourceKey).slice(0, 4) : [];
    const reading = (async () => {
      const others = await this.deps.store.getMatchRecords([...new Set([...members, ...mustLink, ...sampleKeys])].filter((k) => k !== record.sourceKey));
      const byKey = new Map(others.map((o) => [o.sourceKey, o]));
      const candidateItems = members.flatMap((k) => {
        const c = byKey.get(k);
        return c?.active && c.input && c.unifiedId ? [c] : [];
      });
      const partnerItems = [...mustLink].flatMap((k) => (members.includes(k) ? [] : (byKey.get(k) ?? [])));
      const pointerIds = [...candidateItems, ...partnerItems].flatMap((c) => (c.unifiedId ? [c.unifiedId] : []));
      // The id this record would found an entity with, so reserving it needs no read of its own.
      const founding = current ? [] : [unifiedIdFor(kind, record.sourceKey)];
      const loaded = await this.loadEntities([...pointerIds, ...(current ? [current.unifiedId] : []), ...founding]);
      const sample = sampleKeys.flatMap((k) => {
        const m = byKey.get(k);
        return m?.input ? [this.prepared(m.sourceKey, m.sourceVersion, m.input)] : [];
      });
      // Records in the blocks whose state this decision saw final: linked, deleted or erased.
      const settled = new Set([
        record.sourceKey,
        ...members.filter((k) => {
          const m = byKey.get(k);
          return m !== undefined && (!m.active || m.unifiedId !== undefined);
        }),
      ]);
      return { candidateItems, loaded, sample, settled };
    })();
    const [, { candidateItems, loaded, sample, settled }] = await Promise.all([writing, reading]);
    const graph = loaded.graph;
    const views = new Map<string, EntityView>();
    for (const [id, e] of loaded.items) if (e.status === 'active') views.set(id, { unifiedId: id, members: e.members, trustedIds: e.trustedIds });
    const candidates = candidateItems.flatMap((c) => {
      const holder = resolveId(graph, c.unifiedId as string);
      const entity = holder === undefined ? undefined : graph.entities.get(holder);
      // A pointer not (yet) confirmed by the entity's members is a record still being linked.
      if (!entity?.members.includes(c.sourceKey)) {
        settled.delete(c.sourceKey);
        return [];
      }
      return [{ record: this.prepared(c.sourceKey, c.sourceVersion, c.input as MatchInput), unifiedId: entity.unifiedId }];
    });
    const scorer = await this.scorerFor(kind);
    const decision = decideIncremental({
      record: prepared,
      currentEntity: current ? { unifiedId: current.unifiedId, members: current.members, trustedIds: current.trustedIds } : undefined,
      currentSample: sample,
      candidates,
      entities: views,
      cannotLink,
      mustLink,
      scorer,
      thresholds: this.thresholds,
    });


    // Apply: join or found, then merges, as one graph change.
    let state: IdentityGraph = graph;
    const events: IdentityEvent[] = [];
    const audit: Change['audit'] = [];
    const merges: MergeRecord[] = [];
    const trusted = new Map<string, Record<string, string[]>>([...loaded.items].map(([id, e]) => [id, e.trustedIds]));
    let holder = current?.unifiedId;
    if (holder === undefined) {
      await this.reserveFoundingIds(kind, record.sourceKey, loaded, new Set([unifiedIdFor(kind, record.sourceKey)]));
      const reason = decision.join ? because(decision.join.best.score) : 'no existing entity matches';
      const linked = link(state, kind, record.sourceKey, decision.join?.unifiedId, at, { ...AUTOMATIC, reason });
      state = linked.graph;
      holder = linked.result;
      events.push(...linked.events);
      audit.push(...linked.audit);
    }
    trusted.set(holder, unionIds(trusted.get(holder) ?? {}, trustedIdSets(prepared.trustedIds)));
    for (const m of decision.merges) {
      const target = resolveId(state, m.unifiedId);
      if (target === undefined || target === resolveId(state, holder)) continue;
      if (await this.keptApart(state, holder, target)) continue;
      const reason = m.verdict === 'must-link' ? 'a person said these are the same' : because(m.best.score);
      const merged = mergeEntities(state, holder, target, `mrg_${this.deps.ids.next()}`, at, { ...AUTOMATIC, reason }, evidenceOf(m));
      state = merged.graph;
      events.push(...merged.events);
      audit.push(...merged.audit);
      merges.push(merged.result);
      trusted.set(merged.result.survivor, unionIds(trusted.get(merged.result.survivor) ?? {}, trusted.get(merged.result.absorbed) ?? {}));
      holder = merged.result.survivor;
    }

    const changed = [...state.entities.values()].filter((e) => e !== graph.entities.get(e.unifiedId));
    const pointers = new Map<string, string>();
    for (const e of changed) if (e.status === 'active') for (const k of e.members) if (graph.entityOf.get(k) !== e.unifiedId) pointers.set(k, e.unifiedId);
    const finalId = resolveId(state, holder) as string;
    let unsettled = false;
    const proposals = this.proposalsFor(kind, record.sourceKey, finalId, decision.proposals, at);
    await this.commit(
      {
        entities: changed.map((entity): EntityWrite => ({ entity, expectedRev: loaded.items.get(entity.unifiedId)?.rev, trustedIds: trusted.get(entity.unifiedId) ?? {} })),
        pointers,
        merges,
        audit,
        outboxScope: record.sourceKey,
        outboxId: this.deps.ids.next(),
        events: eventsToBus(events, proposals.map((p) => ({ source: IDENTITY_EVENT_SOURCE, detailType: 'identity.mergeProposed', detail: p }))),
      },
      [],
      async () => {
        // Two records of one customer processed at once may each decide before the other is
        // linked, and found two entities. So each reads its blocks again once committed: the one
        // that commits second finds the other there, linked (blocks are written before the
        // commit), and looks again. Nothing new in the blocks: nothing to look at again.
        const [after] = await Promise.all([this.deps.store.blockMembers(kind, blockKeys), ...proposals.map((p) => this.deps.store.putProposal(p))]);
        unsettled = after.members.some((k) => !settled.has(k));
      },
    );
    return {
      affected: [finalId],
      kind: 'processed',
      unifiedId: finalId,
      ...(decision.join ? { joined: decision.join.unifiedId } : {}),
      founded: current === undefined && decision.join === undefined,
      merges: merges.map((m) => m.mergeId),
      proposals: proposals.map((p) => p.proposalId),
      ...(unsettled ? { unsettled } : {}),
    };
  }

  /** Records of other types (and people) refer to an account: its views depend on them. */
  private async relateToAccount(record: SourceRecord): Promise<string[]> {
    const ref = typeof record.fields.accountRef === 'string' ? record.fields.accountRef : undefined;
    if (ref === undefined) return [];
    const accountKey = `${record.sourceSystem}#account#${ref}`;
    await this.deps.store.relate(accountKey, record.sourceKey, record.entityType);
    const account = await this.deps.store.entityOfRecord(accountKey);
    return account ? [account.unifiedId] : [];
  }

  // ---- people's decisions ------------------------------------------------------------------------

  /** Merges the entities of two records or ids, as a person decided; the decision becomes a must-link. */
  async merge(a: EntityRef, b: EntityRef, actor: Actor): Promise<DecisionOutcome> {
    return this.withRetries(() => this.decide(a, b, true, actor));
  }

  /** Records that the two are different: a cannot-link every later run respects. */
  async keepApart(a: EntityRef, b: EntityRef, actor: Actor): Promise<DecisionOutcome> {
    return this.withRetries(() => this.decide(a, b, false, actor));
  }

  /**
   * Approves or rejects a pending proposal. Two people deciding at once make one decision: the
   * proposal's status is part of the write, so the second finds it decided.
   */
  async decideProposal(proposalId: string, approve: boolean, actor: Actor): Promise<DecisionOutcome> {
    return this.withRetries(async () => {
      const proposal = await this.deps.store.getProposal(proposalId);
      if (!proposal) return { kind: 'not-found', what: `proposal ${proposalId}` };
      if (proposal.status !== 'pending') return { kind: 'already-decided', status: proposal.status, by: proposal.decidedBy };
      return this.decide(proposal.a, proposal.b, approve, actor, proposal);
    });
  }

  private async decide(a: EntityRef, b: EntityRef, same: boolean, actor: Actor, proposal?: ProposalItem): Promise<DecisionOutcome> {
    const at = this.deps.clock.now().toISOString();
    const [left, right] = await Promise.all([this.entityOf(a), this.entityOf(b)]);
    if (!left) return { kind: 'not-found', what: a };
    if (!right) return { kind: 'not-found', what: b };
    const [keyA, keyB] = [this.representative(a, left), this.representative(b, right)];
    const extra = this.deps.store.constraintItems(keyA, keyB, same, actor.by, at, actor.reason);
    // An approval that merges names its merge on the proposal, so whoever shows the proposal can offer its undo.
    const mergeId = same && left.unifiedId !== right.unifiedId ? `mrg_${this.deps.ids.next()}` : undefined;
    if (proposal) extra.push(this.deps.store.decideProposalItem(proposal, same ? 'approved' : 'rejected', actor.by, at, mergeId));
    const decisionId = this.deps.ids.next();
    extra.push(
      ...this.deps.store.auditItems(
        { at, action: 'decide', unifiedIds: [...new Set([left.unifiedId, right.unifiedId])], sourceKeys: [keyA, keyB], by: actor.by, reason: actor.reason, detail: { same, proposalId: proposal?.proposalId } },
        decisionId,
      ),
    );
    if (mergeId === undefined) {
      // Saying two records of one entity are different does not split it: the constraint is kept,
      // and undoing the merge that joined them is how they come apart.
      await this.deps.store.writeGraph({ entities: [], pointers: new Map(), merges: [], audit: [], outboxScope: keyA, outboxId: decisionId, events: [] }, extra);
      return same ? { kind: 'already-one', unifiedId: left.unifiedId } : { kind: 'kept-apart' };
    }
    const loaded = await this.loadEntities([left.unifiedId, right.unifiedId]);
    const evidence = await this.explainPair(keyA, keyB);
    const merged = mergeEntities(loaded.graph, left.unifiedId, right.unifiedId, mergeId, at, actor, evidence ? { probability: evidence.probability, fields: evidence.evidence } : undefined);
    const survivor = merged.result.survivor;
    const pointers = new Map(merged.result.moved.map((k) => [k, survivor]));
    await this.commit(
      {
        entities: [...merged.graph.entities.values()]
          .filter((e) => e !== loaded.graph.entities.get(e.unifiedId))
          .map((entity) => ({ entity, expectedRev: loaded.items.get(entity.unifiedId)?.rev, trustedIds: unionIds(left.trustedIds, right.trustedIds) })),
        pointers,
        merges: [merged.result],
        audit: merged.audit,
        outboxScope: `decision#${mergeId}`,
        outboxId: mergeId,
        events: eventsToBus(merged.events),
      },
      extra,
    );
    await this.rebuildViews(survivor);
    return { kind: 'merged', merge: merged.result };
  }

  /** Undoes a merge exactly; the two sides become a cannot-link so no later run merges them again. */
  async unmerge(mergeId: string, actor: Actor): Promise<UnmergeOutcome> {
    return this.withRetries(async () => {
      const record = await this.deps.store.getMerge(mergeId);
      if (!record) return { kind: 'not-found' as const };
      if (record.undone) return { kind: 'already-undone' as const, ...record.undone };
      const at = this.deps.clock.now().toISOString();
      const holder = await this.deps.store.activeEntity(record.survivor);
      if (!holder) return { kind: 'refused' as const, reason: `the entity that absorbed ${record.absorbed} no longer exists` };
      const loaded = await this.loadEntities([holder.unifiedId, record.absorbed]);
      let undone: Change<MergeRecord>;
      try {
        undone = unmergeEntities(loaded.graph, record, at, actor);
      } catch (error) {
        if (error instanceof IdentityGraphError) return { kind: 'refused' as const, reason: error.message };
        throw error;
      }
      const restored = undone.graph.entities.get(record.absorbed) as Entity;
      const remaining = undone.graph.entities.get(holder.unifiedId) as Entity;
      const trustedOf = async (e: Entity) => unionIds(...(await this.deps.store.getMatchRecords(e.members)).map((m) => trustedIdSets(m.input?.trustedIds ?? {})));
      const extra = [this.deps.store.undoMergeItem(undone.result)];
      const [sideA, sideB] = [record.moved[0], record.before.survivor.members[0]];
      if (sideA !== undefined && sideB !== undefined) extra.push(...this.deps.store.constraintItems(sideA, sideB, false, actor.by, at, `unmerged ${mergeId}: ${actor.reason}`));
      await this.commit(
        {
          entities: [
            { entity: remaining, expectedRev: loaded.items.get(remaining.unifiedId)?.rev, trustedIds: await trustedOf(remaining) },
            { entity: restored, expectedRev: loaded.items.get(restored.unifiedId)?.rev, trustedIds: await trustedOf(restored) },
          ],
          pointers: new Map(restored.members.map((k) => [k, restored.unifiedId])),
          merges: [],
          audit: undone.audit,
          outboxScope: `decision#${mergeId}`,
          outboxId: `${mergeId}-undo`,
          events: eventsToBus(undone.events),
        },
        extra,
      );
      await this.rebuildViews(remaining.unifiedId);
      await this.rebuildViews(restored.unifiedId);
      return { kind: 'unmerged' as const, merge: undone.result };
    });
  }

  /** Chooses which member's value wins a field of the golden record; audited, replaces an earlier choice. */
  async override(ref: EntityRef, override: FieldOverride): Promise<EntityItem | undefined> {
    const entity = await this.entityOf(ref);
    if (!entity) return undefined;
    const overrides = [...(entity.overrides as FieldOverride[]).filter((o) => o.field !== override.field), override];
    await this.deps.store.saveOverrides(entity.unifiedId, entity.rev, overrides, { at: override.at, action: 'override', unifiedIds: [entity.unifiedId], sourceKeys: [], by: override.by, reason: override.reason, detail: override });
    await this.rebuildViews(entity.unifiedId);
    return this.deps.store.getEntity(entity.unifiedId);
  }

  // ---- views --------------------------------------------------------------------------------------

  /** Rebuilds the golden record (and for an account its lifecycle and hierarchy) from the members. */
  async rebuildViews(unifiedId: string): Promise<void> {
    let id = unifiedId;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      // The entity is read as the ticket leaves it: a later ticket always means fresher data.
      const taken = await this.deps.store.takeViewsTicket(id);
      if (!taken) return;
      const { ticket, entity } = taken;
      if (entity.status !== 'active') {
        // Merged meanwhile: the survivor's views are the ones to rebuild.
        if (entity.mergedInto === undefined) return;
        id = entity.mergedInto;
        continue;
      }
      const views = await this.buildViews(entity);
      const events: BusEvent[] = views.transition ? [{ source: IDENTITY_EVENT_SOURCE, detailType: views.transition.type, detail: views.transition }] : [];
      const outbox = events.length > 0 ? { scope: `views#${entity.unifiedId}`, id: this.deps.ids.next(), events } : undefined;
      const saved = await this.deps.store.saveViews(entity.unifiedId, ticket, entity.lifecycleStage, views, outbox);
      // The whole scope: a transition an earlier rebuild saved but crashed before publishing goes too.
      if (saved === 'saved' && outbox) await this.flushOutbox(outbox.scope);
      // 'stale': a rebuild that started later has saved already. 'moved': start again from the new stage.
      if (saved !== 'moved') return;
    }
    throw new IdentityConflictError(`the views of ${unifiedId} kept changing while being rebuilt`);
  }

  private async buildViews(entity: EntityItem): Promise<EntityViews> {
    const overrides = entity.overrides as FieldOverride[];
    if (entity.kind === 'person') {
      const members = await this.deps.sourceRecords.getMany(entity.members);
      return buildPersonViews({ unifiedId: entity.unifiedId, members, overrides, rules: this.rules });
    }
    // The members, and at once what refers to them: deals, subscriptions, tickets, people.
    const relatedRecords = async () => {
      const relations = (await Promise.all(entity.members.map((k) => this.deps.store.relatedTo(k)))).flat();
      // A relation names its record's type, so the people's entity pointers are read beside the records.
      const [related, people] = await Promise.all([
        this.deps.sourceRecords.getMany(relations.map((r) => r.sourceKey)),
        this.deps.store.getMatchRecords(relations.filter((r) => r.entityType === 'person').map((r) => r.sourceKey)),
      ]);
      const holders = await this.loadEntities(people.flatMap((p) => (p.unifiedId ? [p.unifiedId] : [])));
      const personIdOf = new Map(people.flatMap((p) => (p.unifiedId ? [[p.sourceKey, resolveId(holders.graph, p.unifiedId) ?? p.unifiedId] as const] : [])));
      return { related, personIdOf };
    };
    const [members, { related, personIdOf }] = await Promise.all([this.deps.sourceRecords.getMany(entity.members), relatedRecords()]);
    return buildAccountViews({
      unifiedId: entity.unifiedId,
      members,
      related,
      personIdOf,
      overrides,
      rules: this.rules,
      previousLifecycle: (entity.lifecycle ?? undefined) as LifecycleDecision | undefined,
      now: this.deps.clock.now(),
    });
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** The active entity a unified id or a member's source key names. */
  async entityOf(ref: EntityRef): Promise<EntityItem | undefined> {
    return (await this.deps.store.activeEntity(ref)) ?? (await this.deps.store.entityOfRecord(ref));
  }

  /** The score of two records (source keys) under the current model, with its per-field evidence. */
  async explainPair(a: string, b: string): Promise<LiveScore | undefined> {
    const [ra, rb] = await Promise.all([this.deps.store.getMatchRecord(a), this.deps.store.getMatchRecord(b)]);
    if (!ra?.input || !rb?.input || ra.kind !== rb.kind) return undefined;
    const scorer = await this.scorerFor(ra.kind);
    return scorer.score(prepare(ra.input, this.matchOptions), prepare(rb.input, this.matchOptions));
  }

  async model(kind: EntityKind): Promise<LiveModel> {
    return (await this.scorerFor(kind)).live;
  }

  /**
   * Entities a person means by QUERY: a unified id, a source key, an external id in any system,
   * or an email, domain, phone or name. The query is read as each kind of record would be and
   * looked up through the blocking index, so it is normalized exactly as records are ('ACME
   * Corp.' finds 'Acme Corporation', '(415) 555-0100' finds '+14155550100').
   */
  async lookup(query: string): Promise<EntityItem[]> {
    const q = query.trim();
    if (q === '') return [];
    const direct = await this.entityOf(q);
    if (direct) return [direct];
    const keys = SourceSystem.options.flatMap((system) => (['account', 'person'] as const).map((type) => `${system}#${type}#${q}`));
    const byExternalId = (await this.deps.store.getMatchRecords(keys)).map((r) => r.sourceKey);
    const words = q.split(/\s+/);
    const probes: { kind: EntityKind; fields: Record<string, string> }[] = [
      { kind: 'person', fields: { email: q } },
      { kind: 'account', fields: { domain: q, website: q } },
      { kind: 'account', fields: { name: q } },
      { kind: 'account', fields: { phone: q } },
      { kind: 'person', fields: { phone: q } },
      ...(words.length >= 2 ? [{ kind: 'person' as const, fields: { first_name: words.slice(0, -1).join(' '), last_name: words.at(-1) as string } }] : []),
    ];
    // Only the rules that read the probe's own fields: 'name start' would find every 'Acme…'.
    const exactRules = new Set(['email', 'domain', 'phone', 'name without spaces', 'name + other initial']);
    const found = new Set(byExternalId);
    for (const probe of probes) {
      const prepared = prepare({ key: 'lookup', source: 'lookup', kind: probe.kind, fields: probe.fields, trustedIds: {} }, this.matchOptions);
      const blockKeys = blockKeysOf(probe.kind, prepared).filter((k) => exactRules.has(k.slice(0, k.indexOf('#'))));
      for (const k of (await this.deps.store.blockMembers(probe.kind, blockKeys)).members) found.add(k);
    }
    const entities = new Map<string, EntityItem>();
    for (const key of [...found].sort()) {
      const e = await this.deps.store.entityOfRecord(key);
      if (e) entities.set(e.unifiedId, e);
    }
    return [...entities.values()];
  }

  /**
   * Trains the model of a kind on every stored record, with people's decisions as labels, and
   * stores it: the live matcher uses it from its next load on.
   */
  async trainModel(kind: EntityKind, onProgress?: (phase: string, done: number, total: number) => void): Promise<LiveModel> {
    const inputs: MatchInput[] = [];
    for await (const page of this.deps.store.scanMatchRecords(kind)) for (const r of page) if (r.active && r.input) inputs.push(r.input);
    if (inputs.length < MIN_TRAINING_RECORDS) throw new TooFewRecordsError(kind, inputs.length);
    const decisions = (await this.deps.store.allConstraints(inputs.map((i) => i.key))).filter((c) => c.a < c.b).map((c) => ({ a: c.a, b: c.b, same: c.same }));
    const result = resolve(inputs, { kind, decisions, match: this.matchOptions, onProgress });
    const snapshot = toSnapshot(kind, result.model, wordFrequencies(result.records), { trainedAt: this.deps.clock.now().toISOString(), records: inputs.length, origin: 'trained' });
    await this.deps.store.putModel(snapshot);
    this.scorers.delete(kind);
    return (await this.scorerFor(kind)).live;
  }

  // ---- internals ----------------------------------------------------------------------------------

  private representative(ref: EntityRef, entity: EntityItem): string {
    return entity.members.includes(ref) ? ref : ([...entity.members].sort()[0] as string);
  }

  private async scorerFor(kind: EntityKind): Promise<Scorer> {
    const cached = this.scorers.get(kind);
    const now = Date.now();
    if (cached && now - cached.loadedAt < (this.deps.modelCacheMs ?? 60_000)) return cached.scorer;
    const snapshot = await this.deps.store.getModel(kind);
    let live: LiveModel = defaultLiveModel(kind);
    if (snapshot) {
      const check = fromSnapshot(snapshot);
      if (check.kind === 'ok') live = check.live;
      else this.deps.log?.('stored model is stale; using the bundled one until it is trained again', { kind, reason: check.reason });
    }
    const scorer = createScorer(live);
    this.scorers.set(kind, { scorer, loadedAt: now });
    return scorer;
  }

  /** Loads entities by id, following tombstones, into a partial graph. */
  private async loadEntities(ids: readonly string[]): Promise<{ graph: IdentityGraph; items: Map<string, EntityItem> }> {
    const items = new Map<string, EntityItem>();
    let pending = [...new Set(ids)];
    while (pending.length > 0) {
      const got = await this.deps.store.getEntities(pending.filter((id) => !items.has(id)));
      for (const e of got) items.set(e.unifiedId, e);
      pending = got.flatMap((e) => (e.status === 'merged' && e.mergedInto && !items.has(e.mergedInto) ? [e.mergedInto] : []));
    }
    return { graph: graphOf(items), items };
  }

  /**
   * A record founding an entity takes an id derived from its key; load any entity already holding
   * it. `read` are ids already looked up (found ones are in `loaded`).
   */
  private async reserveFoundingIds(kind: EntityKind, sourceKey: string, loaded: { graph: IdentityGraph; items: Map<string, EntityItem> }, read: ReadonlySet<string> = new Set()): Promise<void> {
    for (let n = 1; ; n++) {
      const id = unifiedIdFor(kind, n === 1 ? sourceKey : `${sourceKey}#${n}`);
      if (loaded.items.has(id)) continue;
      const existing = read.has(id) ? undefined : await this.deps.store.getEntity(id);
      if (!existing) break;
      loaded.items.set(id, existing);
    }
    loaded.graph = graphOf(loaded.items);
  }

  /** Whether a person said some member of one entity is not some member of the other. */
  private async keptApart(graph: IdentityGraph, a: string, b: string): Promise<boolean> {
    const ea = graph.entities.get(resolveId(graph, a) as string) as Entity;
    const eb = graph.entities.get(resolveId(graph, b) as string) as Entity;
    const [small, large] = ea.members.length <= eb.members.length ? [ea, eb] : [eb, ea];
    const constraints = await this.deps.store.allConstraints(small.members);
    return constraints.some((c) => !c.same && large.members.includes(c.b));
  }

  private proposalsFor(kind: EntityKind, sourceKey: string, holder: string, assessed: readonly EntityAssessment[], at: string): ProposalItem[] {
    return assessed
      .filter((p) => p.unifiedId !== holder)
      .map((p) => ({
        proposalId: proposalIdOf(holder, p.unifiedId),
        kind,
        a: sourceKey,
        b: p.best.sourceKey,
        entityA: holder,
        entityB: p.unifiedId,
        probability: p.best.score.probability,
        weight: p.best.score.weight,
        prior: p.best.score.prior,
        evidence: p.best.score.evidence,
        reason: p.refusal === 'not-cohesive' ? 'a strong match, but the two entities do not match as wholes' : p.best.score.ambiguous ? 'the only agreement is ambiguous' : 'in the review band',
        status: 'pending',
        createdAt: at,
      }));
  }

  /**
   * Writes a change, then publishes its events and clears them from the outbox. `alongside` is
   * work that runs after the write, with the publishing.
   */
  private async commit(change: GraphWrite, extra: Parameters<IdentityStore['writeGraph']>[1], alongside?: () => Promise<void>): Promise<void> {
    await this.deps.store.writeGraph(change, extra);
    const written = change.events.length > 0 ? [{ id: change.outboxId, events: [...change.events] }] : [];
    await Promise.all([this.publishOutbox(change.outboxScope, written), alongside?.()]);
  }

  /** Publishes events a change left in its outbox (this run's, or one a crash interrupted). */
  private async flushOutbox(scope: string): Promise<void> {
    await this.publishOutbox(scope, await this.deps.store.pendingOutbox(scope));
  }

  private async publishOutbox(scope: string, entries: readonly OutboxEntry[]): Promise<void> {
    for (const pending of entries) {
      await this.deps.bus.publish(pending.events);
      await this.deps.store.clearOutbox(scope, pending.id);
    }
  }

  /** A record's prepared form, kept while its version is current: candidates recur from record to record. */
  private prepared(sourceKey: string, version: string, input: MatchInput): Prepared {
    const key = `${sourceKey}\u0000${version}`;
    const cached = this.preparedCache.get(key);
    if (cached) {
      // Map order is insertion order: re-inserting marks it recently used.
      this.preparedCache.delete(key);
      this.preparedCache.set(key, cached);
      return cached;
    }
    const made = prepare(input, this.matchOptions);
    this.preparedCache.set(key, made);
    if (this.preparedCache.size > PREPARED_CACHE_SIZE) this.preparedCache.delete(this.preparedCache.keys().next().value as string);
    return made;
  }

  private async withRetries<T>(work: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(attempt);
      } catch (error) {
        if (!(error instanceof IdentityConflictError) || attempt >= ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
  }
}

const graphOf = (items: ReadonlyMap<string, EntityItem>): IdentityGraph => {
  const entities = new Map<string, Entity>();
  const entityOf = new Map<string, string>();
  for (const [id, item] of items) {
    const e = toEntity(item);
    entities.set(id, e);
    if (e.status === 'active') for (const k of e.members) entityOf.set(k, id);
  }
  return { entities, entityOf };
};

const evidenceOf = (a: EntityAssessment) => ({ probability: a.best.score.probability, fields: a.best.score.evidence });
