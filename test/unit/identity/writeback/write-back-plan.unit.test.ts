/**
 * The write-back planner: which records an identity change touches, and what writing a record's
 * unified id back means given what identity holds now and what the ledger remembers.
 */
import fc from 'fast-check';
import type { WriteResult } from '../../../../functions/identity/writeback/ports';
import {
  IdentityChange,
  ledgerEntryAfter,
  planRecordWrite,
  recordRefOf,
  recordsTouchedBy,
  WRITE_BACK_TRIGGERS,
  type CurrentIdentity,
  type LedgerEntry,
} from '../../../../functions/identity/writeback/write-back-plan';
import { routes } from '../../../../functions/shared/routing';

const SF_ACCOUNT = 'salesforce#account#001Dn000001AbCdEAA';
const HS_CONTACT = 'hubspot#person#51';
const at = '2026-11-24T12:00:00.000Z';

const carrying = (unifiedId: string): CurrentIdentity => ({ unifiedId, active: true });
const ledgerOf = (unifiedId: string, status: LedgerEntry['status'], version: number): LedgerEntry => ({ sourceKey: SF_ACCOUNT, unifiedId, status, at, version });

const writeOf = (plan: ReturnType<typeof planRecordWrite>) => {
  if (plan.kind !== 'write') throw new Error(`expected a write, got a skip: ${plan.reason}`);
  return plan.write;
};

describe('the records an identity change touches', () => {
  it('a link: the record, with the id of the entity it joined or founded', () => {
    const change = IdentityChange.parse({ type: 'identity.linked', unifiedId: 'cus_A', kind: 'account', sourceKey: SF_ACCOUNT, created: true, at });
    expect(recordsTouchedBy(change)).toEqual([{ sourceKey: SF_ACCOUNT, unifiedId: 'cus_A' }]);
  });

  it("a merge: the absorbed entity's records, now with the survivor's id", () => {
    const change = IdentityChange.parse({ type: 'identity.merged', mergeId: 'mrg_1', survivor: 'cus_S', absorbed: 'cus_A', kind: 'account', moved: [SF_ACCOUNT, 'stripe#account#cus_X'], by: 'concord', at });
    expect(recordsTouchedBy(change)).toEqual([
      { sourceKey: SF_ACCOUNT, unifiedId: 'cus_S' },
      { sourceKey: 'stripe#account#cus_X', unifiedId: 'cus_S' },
    ]);
  });

  it("an unmerge: the records the merge moved, back with the restored entity's own id", () => {
    const change = IdentityChange.parse({ type: 'identity.unmerged', mergeId: 'mrg_1', survivor: 'cus_S', restored: 'cus_A', kind: 'account', moved: [SF_ACCOUNT], by: 'U1', at });
    expect(recordsTouchedBy(change)).toEqual([{ sourceKey: SF_ACCOUNT, unifiedId: 'cus_A' }]);
  });

  it('is what the routing table sends to write-back, and nothing else', () => {
    const route = routes.find((r) => r.target === 'writeback');
    expect(route?.pattern).toEqual({ source: ['concord.identity'], 'detail-type': [...WRITE_BACK_TRIGGERS] });
  });
});

describe('planning one record', () => {
  it('writes the id the record carries now, into its own system, whatever id the event named', () => {
    // given a merge event that named cus_S, handled after an unmerge gave the record cus_A back
    const plan = planRecordWrite({ sourceKey: SF_ACCOUNT, current: carrying('cus_A'), ledger: ledgerOf('cus_S', 'written', 2) });
    expect(writeOf(plan)).toEqual({ sourceSystem: 'salesforce', entityType: 'account', externalId: '001Dn000001AbCdEAA', unifiedId: 'cus_A', idempotencyKey: expect.stringMatching(/^cus_A\.3\./) });
  });

  it('writes nothing when the system confirmed the id the record carries now: a redelivered older event changes nothing', () => {
    expect(planRecordWrite({ sourceKey: SF_ACCOUNT, current: carrying('cus_S'), ledger: ledgerOf('cus_S', 'written', 4) })).toEqual({ kind: 'skip', reason: 'already-held' });
  });

  it.each(['refused', 'unconfirmed'] as const)('writes again when the last write of the same id was %s', (status) => {
    expect(writeOf(planRecordWrite({ sourceKey: SF_ACCOUNT, current: carrying('cus_S'), ledger: ledgerOf('cus_S', status, 4) })).unifiedId).toBe('cus_S');
  });

  it('writes again, whatever the ledger says, after a race with another writer', () => {
    expect(writeOf(planRecordWrite({ sourceKey: SF_ACCOUNT, current: carrying('cus_S'), ledger: ledgerOf('cus_S', 'written', 4), distrustLedger: true })).unifiedId).toBe('cus_S');
  });

  it('skips a record that is gone, in no entity, or not a record key', () => {
    expect(planRecordWrite({ sourceKey: SF_ACCOUNT, current: undefined, ledger: undefined })).toEqual({ kind: 'skip', reason: 'record-gone' });
    expect(planRecordWrite({ sourceKey: SF_ACCOUNT, current: { unifiedId: 'cus_A', active: false }, ledger: undefined })).toEqual({ kind: 'skip', reason: 'record-gone' });
    expect(planRecordWrite({ sourceKey: SF_ACCOUNT, current: { unifiedId: undefined, active: true }, ledger: undefined })).toEqual({ kind: 'skip', reason: 'in-no-entity' });
    expect(planRecordWrite({ sourceKey: 'sap#account#1', current: carrying('cus_A'), ledger: undefined })).toEqual({ kind: 'skip', reason: 'not-a-record-key' });
  });

  it("reads a source key whose external id holds '#'", () => {
    expect(recordRefOf('generic#person#crm#42')).toEqual({ sourceSystem: 'generic', entityType: 'person', externalId: 'crm#42' });
    expect(recordRefOf('generic#person#')).toBeUndefined();
  });
});

describe('idempotency keys', () => {
  it('derive from business identity only: the same state plans the same key', () => {
    const plan = () => writeOf(planRecordWrite({ sourceKey: HS_CONTACT, current: carrying('per_P'), ledger: undefined })).idempotencyKey;
    expect(plan()).toBe(plan());
  });

  it('never repeat for one record: A, then B, then A again are three keys', () => {
    const first = writeOf(planRecordWrite({ sourceKey: SF_ACCOUNT, current: carrying('cus_A'), ledger: undefined }));
    const second = writeOf(planRecordWrite({ sourceKey: SF_ACCOUNT, current: carrying('cus_B'), ledger: ledgerOf('cus_A', 'written', 1) }));
    const third = writeOf(planRecordWrite({ sourceKey: SF_ACCOUNT, current: carrying('cus_A'), ledger: ledgerOf('cus_B', 'written', 2) }));
    expect(new Set([first.idempotencyKey, second.idempotencyKey, third.idempotencyKey]).size).toBe(3);
  });

  it('differ between records that take the same id', () => {
    const key = (sourceKey: string) => writeOf(planRecordWrite({ sourceKey, current: carrying('cus_A'), ledger: undefined })).idempotencyKey;
    expect(key(SF_ACCOUNT)).not.toBe(key('hubspot#account#9001'));
  });

  it('are safe in HTTP headers whatever the external id holds', () => {
    const key = writeOf(planRecordWrite({ sourceKey: 'generic#account#Ünïcode id\nwith newline', current: carrying('cus_A'), ledger: undefined })).idempotencyKey;
    expect(key).toMatch(/^[A-Za-z0-9_.-]+$/);
  });
});

describe('what the ledger remembers after a write', () => {
  const write = writeOf(planRecordWrite({ sourceKey: SF_ACCOUNT, current: carrying('cus_A'), ledger: undefined }));
  const now = new Date(at);
  const after = (result: WriteResult) => ledgerEntryAfter(SF_ACCOUNT, write, result, now);

  it('written on success', () => {
    expect(after({ status: 'done' })).toEqual({ sourceKey: SF_ACCOUNT, unifiedId: 'cus_A', status: 'written', at });
  });

  it('unconfirmed on a failure that may pass (it may still land), refused with the reason on one that will not', () => {
    expect(after({ status: 'failed', retryable: true, detail: 'HTTP 503: SERVER_UNAVAILABLE' })).toMatchObject({ status: 'unconfirmed', detail: 'HTTP 503: SERVER_UNAVAILABLE' });
    expect(after({ status: 'failed', retryable: false, detail: "HTTP 400: INVALID_FIELD: No such column 'Concord_Id__c'" })).toMatchObject({ status: 'refused', detail: expect.stringContaining('INVALID_FIELD') });
  });

  it('nothing when nothing was sent (the system holds no such record, or is not configured)', () => {
    expect(after({ status: 'skipped', detail: 'Stripe holds no person records that carry a unified id' })).toBeUndefined();
  });
});

describe('properties', () => {
  const arbState = fc.record({
    current: fc.option(fc.record({ unifiedId: fc.option(fc.constantFrom('cus_A', 'cus_B'), { nil: undefined }), active: fc.boolean() }), { nil: undefined }),
    ledger: fc.option(
      fc.record({ unifiedId: fc.constantFrom('cus_A', 'cus_B'), status: fc.constantFrom('written' as const, 'refused' as const, 'unconfirmed' as const), version: fc.integer({ min: 1, max: 50 }) }),
      { nil: undefined },
    ),
  });

  it('writing once and planning again writes nothing: running twice is running once', () => {
    fc.assert(
      fc.property(arbState, ({ current, ledger }) => {
        const entry = ledger === undefined ? undefined : { ...ledger, sourceKey: SF_ACCOUNT, at };
        const plan = planRecordWrite({ sourceKey: SF_ACCOUNT, current, ledger: entry });
        if (plan.kind === 'skip') return;
        const recorded = ledgerEntryAfter(SF_ACCOUNT, plan.write, { status: 'done' }, new Date(at))!;
        expect(planRecordWrite({ sourceKey: SF_ACCOUNT, current, ledger: { ...recorded, version: (entry?.version ?? 0) + 1 } })).toEqual({ kind: 'skip', reason: 'already-held' });
      }),
    );
  });

  it('only ever writes the id the record carries now', () => {
    fc.assert(
      fc.property(arbState, fc.boolean(), ({ current, ledger }, distrustLedger) => {
        const plan = planRecordWrite({ sourceKey: SF_ACCOUNT, current, ledger: ledger === undefined ? undefined : { ...ledger, sourceKey: SF_ACCOUNT, at }, distrustLedger });
        if (plan.kind === 'write') expect(plan.write.unifiedId).toBe(current?.unifiedId);
      }),
    );
  });
});
