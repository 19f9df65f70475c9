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
  record && { fields: record.fields, fieldVersions: record.fieldVersions, status: record.status, version: record.status === 'erased' ? 'n/a' : record.version };

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
      kind: fc.constantFrom<CanonicalEvent['changeKind']>('upsert', 'upsert', 'upsert', 'delete', 'undelete', 'gap', 'erase'),
      name: fc.constantFrom('Acme', 'Acme Inc', 'ACME'),
      phone: fc.option(fc.constantFrom('+15550100', '+15550199'), { nil: undefined }),
    })
    .map(({ seq, kind, name, phone }) => accountEvent(seq, kind, kind === 'upsert' ? { name, ...(phone ? { phone } : {}) } : {}));

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
