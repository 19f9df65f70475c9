import { formatSourceVersion, type CanonicalEvent } from '../../functions/shared/canonical';
import { SourceRecordStore } from '../../functions/reconcile/source-record.store';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

const now = new Date('2026-11-24T12:00:00Z');
let dynamo: TestDynamo;
let store: SourceRecordStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = new SourceRecordStore(dynamo.db, dynamo.tables.sourceRecords);
});
afterAll(() => dynamo.stop());

const propertyChange = (seq: number, fields: Record<string, unknown>): CanonicalEvent =>
  ({
    eventId: `hubspot:${seq}`,
    sourceSystem: 'hubspot',
    entityType: 'person',
    externalId: '501',
    occurredAt: new Date(1_700_000_000_000 + seq).toISOString(),
    sourceVersion: formatSourceVersion(1_700_000_000_000 + seq),
    changeKind: 'upsert',
    changedFields: Object.keys(fields),
    fields,
  }) as CanonicalEvent;

describe('the source record store on DynamoDB Local', () => {
  it('keeps every field when partial updates to one record race each other', async () => {
    // given six single-property changes delivered at once, twice each (at-least-once)
    const events = [
      propertyChange(1, { firstName: 'Bob' }),
      propertyChange(2, { lastName: 'Smith' }),
      propertyChange(3, { email: 'bob@acme.example' }),
      propertyChange(4, { phone: '+15550100' }),
      propertyChange(5, { title: 'CFO' }),
      propertyChange(6, { firstName: 'Robert' }),
    ];
    await Promise.all([...events, ...events].map((e) => store.apply(e, now)));
    // then the record holds the newest value of every field
    const record = await store.get('hubspot#person#501');
    expect(record?.fields).toEqual({ firstName: 'Robert', lastName: 'Smith', email: 'bob@acme.example', phone: '+15550100', title: 'CFO' });
  });

  it('answers unchanged for a redelivered event and writes nothing', async () => {
    const event = propertyChange(10, { title: 'VP Finance' });
    expect((await store.apply(event, now)).kind).toBe('changed');
    const before = await store.get('hubspot#person#501');
    expect(await store.apply(event, now)).toEqual({ kind: 'unchanged', reason: 'already-applied' });
    expect((await store.get('hubspot#person#501'))?.rev).toBe(before?.rev);
  });
});
