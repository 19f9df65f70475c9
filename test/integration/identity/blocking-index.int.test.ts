/**
 * The blocking index on DynamoDB Local: keys packed into shared index items (identity.store.ts),
 * written by the live path (indexMatchRecord, addToBlocks) and by the bulk backfill (updateAll of
 * blockIndexUpdates), read back by blockMembers whichever wrote them.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { updateAll } from '../../../functions/identity/bulk/batch-writer';
import { blockIndexUpdates, IdentityStore, MAX_BLOCK_SIZE, type MatchRecordItem } from '../../../functions/identity/identity.store';
import { startTestDynamo, type TestDynamo } from '../../support/dynamo';

let dynamo: TestDynamo;
let store: IdentityStore;
beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = new IdentityStore(dynamo.db, dynamo.tables.identity);
});
afterAll(() => dynamo.stop());

const matchRecord = (sourceKey: string, blockKeys: string[]): MatchRecordItem => ({ sourceKey, kind: 'person', blockKeys, active: true, sourceVersion: '1', updatedAt: '2026-01-01T00:00:00.000Z' });

/** Every value the identity table holds anywhere, as text: what an emptied key must not leave behind. */
const tableText = async (): Promise<string> => {
  const { Items } = await dynamo.db.send(new ScanCommand({ TableName: dynamo.tables.identity }));
  return JSON.stringify(Items, (_k, v: unknown) => (v instanceof Set ? [...v] : v));
};

describe('the blocking index', () => {
  it('moves a record from its old keys to its new ones, and a key left empty leaves no trace of its value', async () => {
    // given a record under an email and a phone, and another under the same email
    await store.indexMatchRecord(matchRecord('a', ['email#ann@example.com', 'phone#+15550100']), []);
    await store.indexMatchRecord(matchRecord('b', ['email#ann@example.com']), []);
    expect(await store.blockMembers('person', ['email#ann@example.com', 'phone#+15550100'])).toEqual({ members: ['a', 'b'], skipped: [] });
    // when the first changes its phone
    await store.indexMatchRecord(matchRecord('a', ['email#ann@example.com', 'phone#+15550199']), ['email#ann@example.com', 'phone#+15550100']);
    // then the old phone names nobody, and its value is nowhere in the table
    expect(await store.blockMembers('person', ['phone#+15550100'])).toEqual({ members: [], skipped: [] });
    expect(await store.blockMembers('person', ['phone#+15550199'])).toEqual({ members: ['a'], skipped: [] });
    expect(await tableText()).not.toContain('+15550100');
    expect((await store.getMatchRecord('a'))?.blockKeys).toEqual(['email#ann@example.com', 'phone#+15550199']);
  });

  it('skips a full block, and keeps adding the record to its other keys', async () => {
    const full = 'last name + city#smith|london';
    const crowd = Array.from({ length: MAX_BLOCK_SIZE }, (_, i) => `crowd${i}`);
    await updateAll(dynamo.db, blockIndexUpdates(dynamo.tables.identity, 'person', { add: new Map([[full, crowd]]) }).map((u) => u.update), { concurrency: 1 });
    await store.indexMatchRecord(matchRecord('c', [full, 'email#cal@example.com']), []);
    expect(await store.blockMembers('person', [full, 'email#cal@example.com'])).toEqual({ members: ['c'], skipped: [full] });
  });

  it('reads what the bulk path wrote as what the live path writes, and merges one into the other', async () => {
    // given many keys written in bulk: several land in one index item, some items hold over a hundred
    const keys = Array.from({ length: 3000 }, (_, i) => `name sounds#k${i}`);
    const updates = blockIndexUpdates(dynamo.tables.identity, 'person', { add: new Map(keys.map((k, i) => [k, [`bulk${i}`, `bulk${i}b`]])) });
    expect(updates.length).toBeLessThan(keys.length);
    expect(await updateAll(dynamo.db, updates.map((u) => u.update), { concurrency: 4 })).toBe('done');
    // when a live record joins one of them, and the same bulk updates run again (a resumed import)
    await store.addToBlocks('person', 'live', ['name sounds#k7']);
    await updateAll(dynamo.db, updates.map((u) => u.update), { concurrency: 4 });
    // then every key holds its records, the live one too
    expect((await store.blockMembers('person', ['name sounds#k7'])).members).toEqual(['bulk7', 'bulk7b', 'live']);
    const all = await store.blockMembers('person', keys.slice(0, 90));
    expect(all.members).toHaveLength(181);
  });
});
