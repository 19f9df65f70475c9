import fc from 'fast-check';
import { formatSourceVersion, type CanonicalEvent, type SourceRecord } from '../../functions/shared/canonical';
import { applySourceChange } from '../../functions/reconcile/apply-source-change';

const now = new Date('2026-11-24T12:00:00Z');

const accountEvent = (seq: number, changeKind: CanonicalEvent['changeKind'], fields: Record<string, string> = {}, extra: Partial<CanonicalEvent> = {}): CanonicalEvent =>
  ({
    eventId: `evt-${seq}-${changeKind}`,
    sourceSystem: 'salesforce',
    entityType: 'account',
    externalId: '001000000000001AAA',
    occurredAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    sourceVersion: formatSourceVersion(1_700_000_000_000 + seq * 1000),
    changeKind,
    fields,
    ...extra,
  }) as CanonicalEvent;

const applyAll = (events: readonly CanonicalEvent[]): SourceRecord | undefined =>
  events.reduce<SourceRecord | undefined>((record, event) => {
    const outcome = applySourceChange(record, event, now);
    return outcome.kind === 'changed' ? { ...outcome.record, rev: (record?.rev ?? 0) + 1 } : record;
  }, undefined);

/**
 * What must converge: the data, not bookkeeping such as timestamps and the last event id. An
 * erased record ignores everything after the erasure, so its version says nothing.
 */
const essence = (record: SourceRecord | undefined) =>
  record && {
    fields: record.fields,
    fieldVersions: record.fieldVersions,
    status: record.status,
    version: record.status === 'erased' ? 'n/a' : record.version,
    rereadPending: record.rereadRequestedVersion !== undefined,
  };

describe('applying a source change', () => {
  it('creates the record from its first event', () => {
    const outcome = applySourceChange(undefined, accountEvent(1, 'upsert', { name: 'Acme Inc' }), now);
    expect(outcome).toMatchObject({ kind: 'changed', record: { sourceKey: 'salesforce#account#001000000000001AAA', status: 'active', fields: { name: 'Acme Inc' } } });
  });

  it('changes nothing when the same event arrives twice', () => {
    const first = applyAll([accountEvent(1, 'upsert', { name: 'Acme Inc' })]);
    expect(applySourceChange(first, accountEvent(1, 'upsert', { name: 'Acme Inc' }), now)).toEqual({ kind: 'unchanged', reason: 'already-applied' });
  });

  it('keeps the newer value when an older partial update arrives late', () => {
    const record = applyAll([accountEvent(2, 'upsert', { name: 'Acme Incorporated' }), accountEvent(1, 'upsert', { name: 'Acme Inc', phone: '+1 555 0100' })]);
    // given the older event also set a field the newer one did not touch, that field is taken
    expect(record?.fields).toEqual({ name: 'Acme Incorporated', phone: '+1 555 0100' });
  });

  it('treats a gap as a re-read request, never as a blank update', () => {
    const record = applyAll([accountEvent(1, 'upsert', { name: 'Acme Inc' }), accountEvent(2, 'gap')]);
    expect(record?.fields).toEqual({ name: 'Acme Inc' });
    expect(record?.rereadRequestedAt).toBe(now.toISOString());
  });

  it('clears the re-read request when a full snapshot arrives after the gap', () => {
    const record = applyAll([accountEvent(1, 'gap'), accountEvent(2, 'upsert', { name: 'Acme Inc' })]);
    expect(record?.rereadRequestedAt).toBeUndefined();
  });

  it('never lets a change bring an erased person back', () => {
    const erased = applyAll([accountEvent(1, 'upsert', { name: 'Acme Inc' }), accountEvent(2, 'erase')]);
    expect(erased).toMatchObject({ status: 'erased', fields: {} });
    expect(applySourceChange(erased, accountEvent(3, 'upsert', { name: 'Back again' }), now)).toEqual({ kind: 'unchanged', reason: 'erased' });
  });

  it('orders delete and undelete by version', () => {
    expect(applyAll([accountEvent(3, 'undelete'), accountEvent(2, 'delete')])?.status).toBe('active');
    expect(applyAll([accountEvent(2, 'undelete'), accountEvent(3, 'delete')])?.status).toBe('deleted');
  });

  const arbEvent = fc
    .record({
      seq: fc.integer({ min: 1, max: 6 }),
      kind: fc.constantFrom<CanonicalEvent['changeKind']>('upsert', 'upsert', 'upsert', 'delete', 'undelete', 'gap', 'gap', 'erase'),
      name: fc.constantFrom('Acme', 'Acme Inc', 'ACME'),
      phone: fc.constantFrom<string | undefined | null>('+15550100', '+15550199', undefined, null),
      partial: fc.boolean(),
    })
    .map(({ seq, kind, name, phone, partial }) => {
      if (kind !== 'upsert') return accountEvent(seq, kind);
      // null stands for "the vendor cleared the phone"
      const fields: Record<string, string> = phone === null || phone === undefined ? { name } : { name, phone };
      const extra: Partial<CanonicalEvent> = {
        ...(partial ? { changedFields: Object.keys(fields) } : {}),
        ...(phone === null ? { clearedFields: ['phone'] } : {}),
      };
      return accountEvent(seq, kind, fields, extra);
    });

  it('converges whatever the order and however often events are delivered', () => {
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 12 }), fc.array(fc.nat()), (events, keys) => {
        const shuffled = events.map((e, i) => ({ e, k: keys[i] ?? i })).sort((a, b) => a.k - b.k).map(({ e }) => e);
        const withDuplicates = [...shuffled, ...events.slice(0, keys.length % (events.length + 1))];
        expect(essence(applyAll(withDuplicates))).toEqual(essence(applyAll(events)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('cleared fields', () => {
  it('empties a field the vendor cleared, and a late older value does not bring it back', () => {
    const record = applyAll([
      accountEvent(1, 'upsert', { name: 'Acme', phone: '+15550100' }),
      accountEvent(3, 'upsert', {}, { changedFields: ['phone'], clearedFields: ['phone'] }),
      accountEvent(2, 'upsert', { phone: '+15550199' }, { changedFields: ['phone'] }),
    ]);
    expect(record?.fields).toEqual({ name: 'Acme' });
  });

  it('clears one part of an address and drops the address once it is empty', () => {
    const withCity = applyAll([accountEvent(1, 'upsert', {}, { fields: { address: { city: 'Boston' } } } as Partial<CanonicalEvent>)]);
    const outcome = applySourceChange(withCity, accountEvent(2, 'upsert', {}, { changedFields: ['address.city'], clearedFields: ['address.city'] }), now);
    expect(outcome).toMatchObject({ kind: 'changed', record: { fields: {} } });
  });
});

describe('re-read requests', () => {
  it('does not raise a request again when a gap is redelivered after the full read that answered it', () => {
    const gap = accountEvent(2, 'gap');
    const record = applyAll([gap, accountEvent(3, 'upsert', { name: 'Acme' }), gap]);
    expect(record?.rereadRequestedAt).toBeUndefined();
  });

  it('keeps the request when the snapshot that arrives is older than the gap', () => {
    const record = applyAll([accountEvent(5, 'gap'), accountEvent(4, 'upsert', { name: 'Acme' })]);
    expect(record?.rereadRequestedVersion).toBe(formatSourceVersion(1_700_000_005_000));
  });

  it('is not answered by a partial update', () => {
    const record = applyAll([accountEvent(1, 'gap'), accountEvent(2, 'upsert', { name: 'Acme' }, { changedFields: ['name'] })]);
    expect(record?.rereadRequestedAt).toBe(now.toISOString());
  });
});

describe('nested fields', () => {
  it('versions each part of an address on its own, so a city change keeps the street', () => {
    const record = applyAll([
      accountEvent(1, 'upsert', {}, { fields: { address: { street: '1 Main St', city: 'Boston' } } } as Partial<CanonicalEvent>),
      accountEvent(2, 'upsert', {}, { fields: { address: { city: 'Cambridge' } }, changedFields: ['address.city'] } as Partial<CanonicalEvent>),
    ]);
    expect(record?.fields).toEqual({ address: { street: '1 Main St', city: 'Cambridge' } });
    expect(record?.fieldVersions['address.street']).toBe(formatSourceVersion(1_700_000_001_000));
  });
});
