/**
 * The right to be forgotten: erases a person from Concord and asks every source system that holds
 * them to do the same. The shell around erasure.ts: it finds the person, loads their records,
 * writes tombstones, blanks the records exactly as a vendor's privacy deletion would, lets
 * identity drop what it derived from them, asks the vendors, and logs and audits the outcome.
 *
 * The order is what makes a crash safe:
 *   1. hash the identifying values            (nothing is lost yet)
 *   2. write tombstones, then the log as 'in-progress'
 *   3. blank the source records (canonical 'erase': reconcile ignores every later change to them)
 *   4. identity drops match input and block keys (and emptied blocks, whose keys are values);
 *      overrides and views are rebuilt without them
 *   5. ask each source system to erase, with an idempotency key derived from the erasure
 *   6. log each system's answer; audit
 * A run that stops anywhere is finished by running again: every step is idempotent, the
 * erasure id comes from the person's unified id, and a system that already answered 'done' or
 * 'skipped' is not asked twice. A finished erasure run again answers 'already-erased'.
 */
import { EntityType, formatSourceVersion, SourceSystem, CanonicalEvent, type SourceRecord } from '../shared/canonical';
import type { Clock, IdGenerator } from '../shared/ports';
import type { SourceRecordStore } from '../reconcile/source-record.store';
import { tombstoneHashes } from './erasure';
import type { ErasureLog, ErasureMemberOutcome, ErasureStore } from './erasure.store';
import type { FieldOverride } from './golden/survivorship';
import type { Actor } from './graph/identity-graph';
import type { EntityRef, IdentityService } from './identity-service';
import { IdentityConflictError, type EntityItem, type IdentityStore } from './identity.store';
import { blockingFor } from './matching/blocking';
import { DEFAULT_MATCH_OPTIONS, prepare, type MatchOptions } from './matching/match-record';
import { normalizeEmail } from './normalize/email';
import type { ErasureRequester } from './writeback/ports';

export interface PersonEraserDeps {
  store: Pick<IdentityStore, 'blockMembers' | 'getMatchRecords' | 'getEntity' | 'saveOverrides'>;
  identity: Pick<IdentityService, 'entityOf' | 'processSourceRecord' | 'rebuildViews'>;
  sourceRecords: Pick<SourceRecordStore, 'getMany' | 'apply'>;
  erasures: ErasureStore;
  requester: ErasureRequester;
  clock: Clock;
  ids: IdGenerator;
  /** How the live matcher reads records (the email lookup prepares the address the same way). */
  match?: MatchOptions;
}

/** Whom an erasure names: a unified person id, a member's source key, or an email address. */
export type ErasureRef = EntityRef;

export type ErasureTarget =
  | { kind: 'found'; entity: EntityItem; requestedAs: ErasureLog['requestedAs'] }
  | { kind: 'already-erased'; log: ErasureLog }
  | { kind: 'not-found' }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'refused'; reason: string };

export type ErasureOutcome =
  | { kind: 'erased'; log: ErasureLog }
  | { kind: 'already-erased'; log: ErasureLog }
  | { kind: 'not-found' }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'refused'; reason: string };

/** Derived from the person, so running again continues the same erasure with the same vendor keys. */
export const erasureIdFor = (unifiedId: string): string => `ers_${unifiedId}`;

/** What each source system receives, stable across runs: a retry is the same request to the vendor. */
export const erasureIdempotencyKey = (erasureId: string, sourceKey: string): string => `erasure:${erasureId}:${sourceKey}`;

/** Source keys never hold '@' and unified ids never do, so an address is easy to tell apart. */
const looksLikeEmail = (ref: string): boolean => !ref.includes('#') && normalizeEmail(ref).kind === 'valid';

const mailboxOf = (raw: string | undefined): string | undefined => {
  const email = raw === undefined ? undefined : normalizeEmail(raw);
  return email?.kind === 'valid' ? email.matchKey : undefined;
};

/** `system#entityType#externalId`; the external id may itself hold '#'. */
const recordRefOf = (sourceKey: string): Pick<ErasureMemberOutcome, 'sourceSystem' | 'entityType' | 'externalId'> => {
  const [system = '', type = '', ...rest] = sourceKey.split('#');
  return { sourceSystem: SourceSystem.parse(system), entityType: EntityType.parse(type), externalId: rest.join('#') };
};

/** The same change a vendor's privacy deletion becomes (see the HubSpot connector), for Concord's own erasure. */
const eraseEventOf = (record: SourceRecord, erasureId: string, now: Date): CanonicalEvent =>
  CanonicalEvent.parse({
    eventId: erasureIdempotencyKey(erasureId, record.sourceKey),
    sourceSystem: record.sourceSystem,
    entityType: record.entityType,
    externalId: record.externalId,
    occurredAt: now.toISOString(),
    sourceVersion: formatSourceVersion(now.getTime()),
    changeKind: 'erase',
    fields: {},
  });

/** A system that answered needs no second request; one that failed, or was never reached, does. */
const settled = (m: ErasureMemberOutcome | undefined): boolean => m?.status === 'done' || m?.status === 'skipped';

/** Tries to save an override change this many times when the entity keeps changing under it. */
const OVERRIDE_ATTEMPTS = 6;

export class PersonEraser {
  private readonly match: MatchOptions;

  constructor(private readonly deps: PersonEraserDeps) {
    this.match = deps.match ?? DEFAULT_MATCH_OPTIONS;
  }

  /**
   * Whom `ref` names, without changing anything: what the CLI shows before it erases. An email
   * whose person is erased names nobody any more, but its tombstone still names the erasure.
   */
  async find(ref: ErasureRef): Promise<ErasureTarget> {
    if (looksLikeEmail(ref)) {
      const found = await this.findByEmail(ref);
      if (found.kind !== 'not-found') return found;
      const log = await this.erasureOfEmail(ref);
      return log ? { kind: 'already-erased', log } : found;
    }
    const entity = await this.deps.identity.entityOf(ref);
    if (!entity) return { kind: 'not-found' };
    if (entity.kind !== 'person') return { kind: 'refused', reason: `${entity.unifiedId} is an account: erasure applies to people` };
    return { kind: 'found', entity, requestedAs: entity.members.includes(ref) ? 'source-key' : 'unified-id' };
  }

  /** The erasure an address was erased by, if it was. */
  private async erasureOfEmail(email: string): Promise<ErasureLog | undefined> {
    const [tombstone] = await this.deps.erasures.tombstones(tombstoneHashes({ email }));
    return tombstone === undefined ? undefined : this.deps.erasures.getLog(tombstone.erasureId);
  }

  async erasePerson(ref: ErasureRef, actor: Actor): Promise<ErasureOutcome> {
    const target = await this.find(ref);
    if (target.kind !== 'found') return target;
    const { entity, requestedAs } = target;
    const erasureId = erasureIdFor(entity.unifiedId);
    const previous = await this.deps.erasures.getLog(erasureId);
    const records = await this.deps.sourceRecords.getMany(entity.members);
    const recordOf = new Map(records.map((r) => [r.sourceKey, r]));
    const outcomeOf = new Map((previous?.members ?? []).map((m) => [m.sourceKey, m]));
    // A record Concord never stored holds nothing here; the vendor is still asked (step 5).
    const blank = (sourceKey: string) => (recordOf.get(sourceKey)?.status ?? 'erased') === 'erased';
    if (previous?.status === 'erased' && entity.members.every((k) => blank(k) && settled(outcomeOf.get(k)))) {
      return { kind: 'already-erased', log: previous };
    }

    const now = this.deps.clock.now();
    const at = now.toISOString();
    // 1–2. Hash before blanking. Match inputs too: a record its vendor erased (a HubSpot privacy
    // deletion) is blank in the store already, but identity may still hold what it matched on.
    const matchRecords = await this.deps.store.getMatchRecords(entity.members);
    const hashes = [...new Set([...records.flatMap((r) => tombstoneHashes(r.fields)), ...matchRecords.flatMap((m) => (m.input ? tombstoneHashes(m.input.fields) : []))])];
    const added = await this.deps.erasures.put(hashes, erasureId, at);
    const members = entity.members.map((sourceKey): ErasureMemberOutcome => {
      const earlier = outcomeOf.get(sourceKey);
      return earlier && settled(earlier) ? earlier : { sourceKey, ...recordRefOf(sourceKey), status: 'pending' };
    });
    let log: ErasureLog = {
      erasureId,
      unifiedId: entity.unifiedId,
      requestedAs: previous?.requestedAs ?? requestedAs,
      // Who asked, and why, is the first run's; each run's own actor is in its audit entry.
      by: previous?.by ?? actor.by,
      reason: previous?.reason ?? actor.reason,
      requestedAt: previous?.requestedAt ?? at,
      updatedAt: at,
      status: 'in-progress',
      tombstones: (previous?.tombstones ?? 0) + added,
      runs: (previous?.runs ?? 0) + 1,
      members,
    };
    await this.deps.erasures.putLog(log);

    // 3. Blank each record. The accounts a person belongs to show them in their contact
    // hierarchy; the reference is blanked too, so it is read first.
    const accountKeys = records.flatMap((r) => (typeof r.fields.accountRef === 'string' ? [`${r.sourceSystem}#account#${r.fields.accountRef}`] : []));
    for (const record of records) if (record.status !== 'erased') await this.deps.sourceRecords.apply(eraseEventOf(record, erasureId, now), now);

    // 4. Identity forgets what it derived: match input, block keys (an emptied block is deleted,
    //    as its key is the value), typed overrides, views.
    for (const sourceKey of entity.members) await this.deps.identity.processSourceRecord(sourceKey);
    await this.dropTypedOverrides(entity.unifiedId, actor, erasureId, at);
    await this.deps.erasures.redactAuditValues(entity.unifiedId, erasureId);
    await this.deps.identity.rebuildViews(entity.unifiedId);
    const accounts = await Promise.all([...new Set(accountKeys)].map((k) => this.deps.identity.entityOf(k)));
    for (const id of new Set(accounts.flatMap((a) => (a ? [a.unifiedId] : [])))) await this.deps.identity.rebuildViews(id);

    // 5. Ask every system, in parallel: an adapter answers refusals and outages as values.
    const asked = await Promise.all(members.map((m) => (settled(m) ? m : this.ask(m, erasureId))));

    // 6. The outcome, and the audit entry (one per run, so a retry shows in the history).
    log = { ...log, members: asked, status: asked.every(settled) ? 'erased' : 'incomplete', updatedAt: this.deps.clock.now().toISOString() };
    await this.deps.erasures.putLog(log);
    await this.deps.erasures.appendAudit(
      {
        at,
        action: 'erase',
        unifiedIds: [entity.unifiedId],
        sourceKeys: entity.members,
        by: actor.by,
        reason: actor.reason,
        detail: { erasureId, run: log.runs, status: log.status, tombstonesAdded: added, systems: asked.map((m) => ({ sourceKey: m.sourceKey, status: m.status })) },
      },
      `${erasureId}#${log.runs}`,
    );
    return { kind: 'erased', log };
  }

  /**
   * A source system erased one of a person's records (a HubSpot privacy deletion): the person is
   * erased everywhere, as `concord erase` would do. It must run before identity forgets the
   * record's match input, as the tombstones need its values. Nothing happens (undefined) when
   * identity holds nothing of the record, or an erasure of the person exists already: Concord's
   * own erasure blanks records the same way, and its log is written first.
   */
  async eraseAfterSourceErased(sourceKey: string, by: string): Promise<ErasureOutcome | undefined> {
    const [match] = await this.deps.store.getMatchRecords([sourceKey]);
    if (match?.kind !== 'person' || match.input === undefined) return undefined;
    const entity = await this.deps.identity.entityOf(sourceKey);
    if (!entity) return undefined;
    if (await this.deps.erasures.getLog(erasureIdFor(entity.unifiedId))) return undefined;
    return this.erasePerson(sourceKey, { by, reason: `${sourceKey} was erased at its source (a privacy deletion): the person is erased everywhere` });
  }

  /**
   * A person's email names the records the live matcher would block together on it; of those,
   * the active ones whose mailbox is this one. They must all be one person: two entities sharing
   * the address is for a person to sort out (name the unified id instead).
   */
  private async findByEmail(email: string): Promise<ErasureTarget> {
    const mailbox = mailboxOf(email);
    const probe = prepare({ key: 'erasure-probe', source: 'erasure', kind: 'person', fields: { email }, trustedIds: {} }, this.match);
    // Stored block keys are the rule's name, then its key (identity-service.ts `blockKeysOf`).
    const blockKeys = blockingFor('person').flatMap((rule) => (rule.keys(probe) ?? []).map((k) => `${rule.name}#${k}`));
    const { members } = await this.deps.store.blockMembers('person', blockKeys);
    const holders = (await this.deps.store.getMatchRecords(members)).filter((m) => m.active && mailboxOf(m.input?.fields.email) === mailbox);
    const entities = new Map<string, EntityItem>();
    for (const m of holders) {
      const entity = await this.deps.identity.entityOf(m.sourceKey);
      if (entity) entities.set(entity.unifiedId, entity);
    }
    const [only, ...others] = [...entities.values()];
    if (only === undefined) return { kind: 'not-found' };
    if (others.length > 0) return { kind: 'ambiguous', candidates: [...entities.keys()].sort() };
    return { kind: 'found', entity: only, requestedAs: 'email' };
  }

  /**
   * Overrides that carry a value a person typed are the person's data; those that only choose a
   * member are decisions, and stay. Saved with the entity's revision, so re-read on a conflict.
   */
  private async dropTypedOverrides(unifiedId: string, actor: Actor, erasureId: string, at: string): Promise<void> {
    for (let attempt = 1; attempt <= OVERRIDE_ATTEMPTS; attempt++) {
      const entity = await this.deps.store.getEntity(unifiedId);
      const overrides = (entity?.overrides ?? []) as FieldOverride[];
      const kept = overrides.filter((o) => o.value === undefined);
      if (!entity || kept.length === overrides.length) return;
      const audit = { at, action: 'override' as const, unifiedIds: [unifiedId], sourceKeys: [], by: actor.by, reason: `erasure ${erasureId}: typed values removed`, detail: { erasureId, fields: overrides.filter((o) => o.value !== undefined).map((o) => o.field) } };
      if (await this.deps.store.saveOverrides(unifiedId, entity.rev, kept, audit)) return;
    }
    throw new IdentityConflictError(`the overrides of ${unifiedId} kept changing while erasure ${erasureId} removed their values`);
  }

  private async ask(member: ErasureMemberOutcome, erasureId: string): Promise<ErasureMemberOutcome> {
    const { sourceKey, sourceSystem, entityType, externalId } = member;
    const result = await this.deps.requester.requestErasure({ sourceSystem, entityType, externalId, idempotencyKey: erasureIdempotencyKey(erasureId, sourceKey) });
    return {
      sourceKey,
      sourceSystem,
      entityType,
      externalId,
      status: result.status,
      ...(result.retryable === undefined ? {} : { retryable: result.retryable }),
      ...(result.detail === undefined ? {} : { detail: result.detail }),
      ...(result.request === undefined ? {} : { request: result.request }),
      askedAt: this.deps.clock.now().toISOString(),
    };
  }
}
