/**
 * The few removals a real stream carries: admins deleting records nobody references (mostly the
 * duplicates someone noticed), and one privacy erasure of a HubSpot contact (GDPR/CCPA request).
 */
import type { EntityType, SourceSystem } from '../../functions/shared/canonical';
import type { LedgerRecord, SystemLedger } from './ledger';
import { HOUR } from './model';
import type { Rng } from './rng';

const DELETABLE: ReadonlySet<EntityType> = new Set(['account', 'person', 'opportunity', 'activity', 'ticket']);
const DELETING_SYSTEMS: readonly SourceSystem[] = ['salesforce', 'hubspot', 'zendesk'];
const REF_FIELDS = ['accountRef', 'requesterRef', 'personRef'] as const;
/** How much likelier a planted duplicate is to be deleted than any other record. */
const DUPLICATE_WEIGHT = 5;

const referencedIds = (ledger: SystemLedger): Set<string> => {
  const refs = new Set<string>();
  for (const r of ledger.records.values()) {
    for (const f of REF_FIELDS) {
      const v = r.fields[f];
      if (typeof v === 'string') refs.add(v);
    }
  }
  return refs;
};

/** Some time after the record's last change, and not after now. */
const laterThan = (rng: Rng, r: LedgerRecord, now: number): number => Math.min(now, r.lastAt + HOUR + rng.next() * Math.max(0, now - r.lastAt - HOUR));

/** Removes and returns a random element (order of the rest does not matter). */
const takeRandom = <T>(rng: Rng, pool: T[]): T => {
  const i = rng.int(0, pool.length - 1);
  const item = pool[i] as T;
  pool[i] = pool[pool.length - 1] as T;
  pool.pop();
  return item;
};

export interface Removals {
  deletes: number;
  erasures: number;
}

export const planRemovals = (rng: Rng, ledgers: ReadonlyMap<SourceSystem, SystemLedger>, deletes: number, now: number): Removals => {
  let erasures = 0;
  const hubspot = ledgers.get('hubspot');
  const contacts = hubspot ? [...hubspot.records.values()].filter((r) => r.entityType === 'person' && r.status === 'active') : [];
  if (hubspot && contacts.length > 0) {
    const target = rng.pick(contacts);
    hubspot.remove(target.externalId, 'erase', laterThan(rng, target, now));
    erasures++;
  }

  type Candidate = { ledger: SystemLedger; record: LedgerRecord };
  const duplicates: Candidate[] = [];
  const others: Candidate[] = [];
  for (const system of DELETING_SYSTEMS) {
    const ledger = ledgers.get(system);
    if (!ledger) continue;
    const refs = referencedIds(ledger);
    for (const record of ledger.records.values()) {
      if (record.status !== 'active' || !DELETABLE.has(record.entityType) || refs.has(record.externalId)) continue;
      (record.duplicateOf !== undefined ? duplicates : others).push({ ledger, record });
    }
  }
  let done = 0;
  for (; done < deletes && duplicates.length + others.length > 0; done++) {
    const weight = DUPLICATE_WEIGHT * duplicates.length;
    const pool = rng.chance(weight / (weight + others.length)) ? duplicates : others;
    const { ledger, record } = takeRandom(rng, pool);
    ledger.remove(record.externalId, 'delete', laterThan(rng, record, now));
  }
  return { deletes: done, erasures };
};
