/**
 * The pure core of the write-back consumer (writeback.handler.ts is its shell): which source
 * records an identity change touches, what writing a record's unified id back means now, and what
 * the ledger remembers afterwards.
 *
 * An event says what changed at one moment; by the time it is handled (late, twice, or after a
 * newer one) the record may carry another id. So an event only names the records to look at, and
 * each record is written with the id it carries *now*. A redelivered older event then asks for
 * the current id, which the ledger shows the system already holds, and nothing is written.
 *
 * The ledger (one entry per record, write-back-ledger.store.ts) remembers the last id sent to the
 * record's system and whether the system confirmed it. Only a confirmed write of the current id
 * makes a write unnecessary.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { IDENTITY_EVENT_SOURCE } from '../../shared/bus-envelope';
import { EntityType, SourceSystem } from '../../shared/canonical';
import type { RecordRef, UnifiedIdWrite, WriteResult } from './ports';

// ---- what arrives: identity's events (functions/identity/graph/identity-graph.ts) ----------------

const SourceKey = z.string().min(1);
const UnifiedId = z.string().min(1);

/** A record joined an entity, or founded one: it carries that entity's id. */
const Linked = z.object({ type: z.literal('identity.linked'), unifiedId: UnifiedId, sourceKey: SourceKey });
/** The absorbed entity's records now carry the survivor's id. */
const Merged = z.object({ type: z.literal('identity.merged'), survivor: UnifiedId, absorbed: UnifiedId, moved: z.array(SourceKey) });
/** The records the merge moved carry the restored entity's own id again. */
const Unmerged = z.object({ type: z.literal('identity.unmerged'), survivor: UnifiedId, restored: UnifiedId, moved: z.array(SourceKey) });

export const IdentityChange = z.discriminatedUnion('type', [Linked, Merged, Unmerged]);
export type IdentityChange = z.infer<typeof IdentityChange>;

/** The detail types that change which unified id a record carries: the routing table's writeback route. */
export const WRITE_BACK_TRIGGERS = IdentityChange.options.map((option) => option.shape.type.value);

/** An identity change as EventBridge delivers it to the writeback queue. */
export const IdentityChangeEnvelope = z.object({
  id: z.string(),
  source: z.literal(IDENTITY_EVENT_SOURCE),
  'detail-type': z.enum(WRITE_BACK_TRIGGERS),
  time: z.string(),
  detail: IdentityChange,
});
export type IdentityChangeEnvelope = z.infer<typeof IdentityChangeEnvelope>;

/** A record an event names, with the unified id the event says it carries (which may be stale by now). */
export interface TouchedRecord {
  sourceKey: string;
  unifiedId: string;
}

export const recordsTouchedBy = (change: IdentityChange): TouchedRecord[] => {
  switch (change.type) {
    case 'identity.linked':
      return [{ sourceKey: change.sourceKey, unifiedId: change.unifiedId }];
    case 'identity.merged':
      return change.moved.map((sourceKey) => ({ sourceKey, unifiedId: change.survivor }));
    case 'identity.unmerged':
      return change.moved.map((sourceKey) => ({ sourceKey, unifiedId: change.restored }));
  }
};

// ---- what is known when deciding --------------------------------------------------------------

/** A record as identity holds it now. */
export interface CurrentIdentity {
  /** The active entity listing the record among its members; undefined while none does. */
  unifiedId: string | undefined;
  /** False once its source deleted or erased it: a record that is gone is not written to. */
  active: boolean;
}

export const LedgerStatus = z.enum(['written', 'refused', 'unconfirmed']);
/**
 * - written: the system confirmed it holds `unifiedId`;
 * - refused: the system refused to take `unifiedId` for good (a person must look, see the log);
 * - unconfirmed: the last write got no answer, or raced another writer: it may land at any time,
 *   so the entry vouches for nothing until a write is confirmed again.
 */
export type LedgerStatus = z.infer<typeof LedgerStatus>;

export const LedgerEntry = z.object({
  sourceKey: SourceKey,
  /** The unified id last sent to the record's system. */
  unifiedId: UnifiedId,
  status: LedgerStatus,
  /** When the outcome was recorded (ISO 8601). */
  at: z.string(),
  /** The vendor's refusal or the failure, for people. */
  detail: z.string().optional(),
  /**
   * Raised by every change to the entry. Outcomes are recorded only if it did not move since the
   * write was planned (optimistic concurrency), and the next write's idempotency key counts on
   * from it, so no key is ever sent twice for different moments of one record: A, then B, then A
   * again use three keys (a vendor that remembers keys would answer the third from its memory of
   * the first and apply nothing).
   */
  version: z.number().int().positive(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

// ---- the decision ---------------------------------------------------------------------------------

export type SkipReason =
  /** The key does not name a system, an entity type and an external id. */
  | 'not-a-record-key'
  /** Identity has no such record, or its source deleted or erased it. */
  | 'record-gone'
  /** No entity lists the record (yet): there is no id to write. */
  | 'in-no-entity'
  /** The ledger says the system confirmed the id the record carries now. */
  | 'already-held';

export type RecordPlan = { kind: 'write'; write: UnifiedIdWrite } | { kind: 'skip'; reason: SkipReason };

export interface PlanInput {
  sourceKey: string;
  current: CurrentIdentity | undefined;
  ledger: LedgerEntry | undefined;
  /**
   * Set after our write raced another writer of the same record: ours may have landed last with
   * an older id, whatever the ledger says, so the current id is written again under a new key.
   */
  distrustLedger?: boolean;
}

/** The record a source key names (`<system>#<entity type>#<external id>`; the external id may hold '#'). */
export const recordRefOf = (sourceKey: string): Omit<RecordRef, 'idempotencyKey'> | undefined => {
  const [system, entityType, ...rest] = sourceKey.split('#');
  const externalId = rest.join('#');
  const parsedSystem = SourceSystem.safeParse(system);
  const parsedType = EntityType.safeParse(entityType);
  if (!parsedSystem.success || !parsedType.success || externalId === '') return undefined;
  return { sourceSystem: parsedSystem.data, entityType: parsedType.data, externalId };
};

/**
 * The idempotency key of writing `unifiedId` to a record whose ledger stands at `version`: business
 * identity only (no clock, no randomness), so two writers planning the same write from the same
 * state send the same key. The source key is hashed: external ids are the vendors' own strings,
 * and the key travels in HTTP headers (Idempotency-Key, webhook-id).
 */
export const writeKeyOf = (unifiedId: string, sourceKey: string, version: number): string =>
  `${unifiedId}.${version}.${createHash('sha256').update(sourceKey).digest('base64url').slice(0, 22)}`;

export const planRecordWrite = ({ sourceKey, current, ledger, distrustLedger = false }: PlanInput): RecordPlan => {
  const ref = recordRefOf(sourceKey);
  if (ref === undefined) return { kind: 'skip', reason: 'not-a-record-key' };
  if (current === undefined || !current.active) return { kind: 'skip', reason: 'record-gone' };
  const { unifiedId } = current;
  if (unifiedId === undefined) return { kind: 'skip', reason: 'in-no-entity' };
  if (!distrustLedger && ledger?.status === 'written' && ledger.unifiedId === unifiedId) return { kind: 'skip', reason: 'already-held' };
  return { kind: 'write', write: { ...ref, unifiedId, idempotencyKey: writeKeyOf(unifiedId, sourceKey, (ledger?.version ?? 0) + 1) } };
};

// ---- what the ledger remembers afterwards ---------------------------------------------------------

/** The ledger entry after a write's result, without its version; undefined when nothing was sent. */
export const ledgerEntryAfter = (sourceKey: string, write: UnifiedIdWrite, result: WriteResult, at: Date): Omit<LedgerEntry, 'version'> | undefined => {
  if (result.status === 'skipped') return undefined;
  const entry = { sourceKey, unifiedId: write.unifiedId, at: at.toISOString() };
  if (result.status === 'done') return { ...entry, status: 'written' };
  return { ...entry, status: result.retryable ? 'unconfirmed' : 'refused', detail: result.detail ?? 'failed' };
};
