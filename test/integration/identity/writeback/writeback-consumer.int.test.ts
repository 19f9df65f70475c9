/**
 * Write-back on the real local runtime: records of one customer arrive from Salesforce and HubSpot
 * through the signed webhooks, identity links them, and the writeback consumer writes each
 * record's unified id into its system's sandbox, in that vendor's API shape. Redelivered events
 * write nothing; a merge and its undo write the ids the records carry after them; a vendor outage
 * is retried until the write lands.
 */
import type { SourceSystem } from '../../../../functions/shared/canonical';
import { IDENTITY_EVENT_SOURCE } from '../../../../functions/shared/bus-envelope';
import type { LocalRuntime } from '../../../../local/runtime';
import type { RecordedRequest } from '../../../../local/sandbox/sandbox-server';
import { sendChanges } from '../../../../local/send-webhooks';
import type { SourceChange } from '../../../../local/vendors/vendor-simulator';
import { startTestRuntime } from '../../../support/runtime';
import { orderFault } from './sandbox-fixtures';

let runtime: LocalRuntime;
const now = new Date();
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000);

const NORTHWIND = {
  name: 'Northwind Traders',
  domain: 'northwind.example',
  website: 'https://www.northwind.example',
  phone: '+1 415 555 0100',
  address: { street: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' },
};
const jane = { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@northwind.example', phone: '+1 415 555 0101', title: 'VP Operations' };

const SF = { account: '001Dn00000NwTrAAAA', jane: '003Dn00000JaneDAAA', bob: '003Dn00000BobSmAAA' };
const HS = { company: '4000000101', jane: '1000101', carol: '1000102' };

const salesforceChanges: SourceChange[] = [
  { entityType: 'account', externalId: SF.account, fields: NORTHWIND, changeKind: 'upsert', occurredAt: minutesAgo(30) },
  { entityType: 'person', externalId: SF.jane, fields: { ...jane, accountRef: SF.account }, changeKind: 'upsert', occurredAt: minutesAgo(29) },
  {
    entityType: 'person',
    externalId: SF.bob,
    fields: { firstName: 'Robert', lastName: 'Smithson', email: 'rsmithson@northwind.example', phone: '+1 415 555 0177', accountRef: SF.account },
    changeKind: 'upsert',
    occurredAt: minutesAgo(28),
  },
];
const hubspotChanges: SourceChange[] = [
  { entityType: 'account', externalId: HS.company, fields: NORTHWIND, changeKind: 'upsert', occurredAt: minutesAgo(20) },
  { entityType: 'person', externalId: HS.jane, fields: { ...jane, accountRef: HS.company }, changeKind: 'upsert', occurredAt: minutesAgo(19) },
];

const send = async (changes: Partial<Record<SourceSystem, SourceChange[]>>) => {
  const results = await sendChanges(runtime.url, changes, { secretEnv: runtime.secretEnv, now });
  expect(results.filter((r) => r.status !== 202)).toEqual([]);
  await runtime.drain(120_000);
};

const unifiedIdOf = async (sourceKey: string): Promise<string> => {
  const entity = await runtime.identityStore.entityOfRecord(sourceKey);
  if (!entity) throw new Error(`${sourceKey} is in no entity`);
  return entity.unifiedId;
};

/** The writes a sandbox was asked for at a path (reads are not writes). */
const writesTo = (system: string, path: string): RecordedRequest[] => runtime.sandbox.requests(system).filter((r) => r.method !== 'GET' && r.path === path);

const salesforcePath = (sobject: string, id: string) => `/services/data/v62.0/sobjects/${sobject}/${id}`;
const hubspotPath = (object: string, id: string) => `/crm/v3/objects/${object}/${id}`;
const requestCount = () => (['salesforce', 'hubspot', 'stripe', 'zendesk', 'netsuite', 'generic'] as const).reduce((n, s) => n + runtime.sandbox.requests(s).length, 0);

beforeAll(async () => {
  // Retries come back after the visibility timeout: short here, so the outage test is quick.
  runtime = await startTestRuntime({ visibilityTimeoutMs: 5_000 });
  // One system after the other, so each record is linked once (founding, then joining) and never
  // founds an entity that a merge later absorbs.
  await send({ salesforce: salesforceChanges });
  await send({ hubspot: hubspotChanges });
});
afterAll(() => runtime.stop());

describe('write-back of unified ids', () => {
  it("gives the customer's records one id across both systems", async () => {
    expect(await unifiedIdOf(`hubspot#account#${HS.company}`)).toBe(await unifiedIdOf(`salesforce#account#${SF.account}`));
    expect(await unifiedIdOf(`hubspot#person#${HS.jane}`)).toBe(await unifiedIdOf(`salesforce#person#${SF.jane}`));
  });

  it("writes each Salesforce record's unified id exactly once, as a PATCH of Concord_Id__c", async () => {
    for (const [sobject, id, type] of [
      ['Account', SF.account, 'account'],
      ['Contact', SF.jane, 'person'],
      ['Contact', SF.bob, 'person'],
    ] as const) {
      const writes = writesTo('salesforce', salesforcePath(sobject, id));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatchObject({
        method: 'PATCH',
        headers: expect.objectContaining({ authorization: expect.stringMatching(/^Bearer /), 'content-type': 'application/json' }),
        body: { Concord_Id__c: await unifiedIdOf(`salesforce#${type}#${id}`) },
        response: { status: 204 },
      });
    }
  });

  it("writes each HubSpot record's unified id exactly once, as a PATCH of the concord_id property", async () => {
    for (const [object, id, type] of [
      ['companies', HS.company, 'account'],
      ['contacts', HS.jane, 'person'],
    ] as const) {
      const writes = writesTo('hubspot', hubspotPath(object, id));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatchObject({ method: 'PATCH', body: { properties: { concord_id: await unifiedIdOf(`hubspot#${type}#${id}`) } }, response: { status: 200 } });
    }
  });

  it('asks no other system for anything', () => {
    for (const system of ['stripe', 'zendesk', 'netsuite', 'generic']) expect(runtime.sandbox.requests(system)).toEqual([]);
  });

  it('writes nothing new when every identity event is delivered again', async () => {
    const before = requestCount();
    expect(runtime.bus.replay({ source: [IDENTITY_EVENT_SOURCE] })).toBeGreaterThanOrEqual(5);
    await runtime.drain(120_000);
    expect(requestCount()).toBe(before);
  });

  it("writes the survivor's id to the absorbed records on a merge, and each record's own id back on its undo", async () => {
    const bobKey = `salesforce#person#${SF.bob}`;
    const bobPath = salesforcePath('Contact', SF.bob);
    const bobsOwnId = await unifiedIdOf(bobKey);
    const janesId = await unifiedIdOf(`salesforce#person#${SF.jane}`);
    const concordIdOfBob = () => runtime.sandbox.records('salesforce').find((r) => r.key === `Contact/${SF.bob.slice(0, 15)}`)?.fields.Concord_Id__c;

    // when a steward merges Bob into Jane's entity (the larger one survives)
    const merged = await runtime.identity.merge(bobKey, `hubspot#person#${HS.jane}`, { by: 'U-steward', reason: 'test' });
    expect(merged).toMatchObject({ kind: 'merged', merge: { survivor: janesId, absorbed: bobsOwnId } });
    await runtime.drain(120_000);
    expect(writesTo('salesforce', bobPath).map((r) => r.body)).toEqual([{ Concord_Id__c: bobsOwnId }, { Concord_Id__c: janesId }]);
    // Jane's own records already held the survivor's id.
    expect(writesTo('salesforce', salesforcePath('Contact', SF.jane))).toHaveLength(1);
    expect(writesTo('hubspot', hubspotPath('contacts', HS.jane))).toHaveLength(1);

    // and the older events arrive again (Bob's link named his own id): the newer id stays
    runtime.bus.replay({ source: [IDENTITY_EVENT_SOURCE], 'detail-type': ['identity.linked'] });
    await runtime.drain(120_000);
    expect(writesTo('salesforce', bobPath)).toHaveLength(2);
    expect(concordIdOfBob()).toBe(janesId);

    // when the merge is undone, Bob's record carries its own id again
    if (merged.kind !== 'merged') return;
    expect(await runtime.identity.unmerge(merged.merge.mergeId, { by: 'U-steward', reason: 'test' })).toMatchObject({ kind: 'unmerged' });
    await runtime.drain(120_000);
    expect(writesTo('salesforce', bobPath).map((r) => r.body)).toEqual([{ Concord_Id__c: bobsOwnId }, { Concord_Id__c: janesId }, { Concord_Id__c: bobsOwnId }]);
    expect(concordIdOfBob()).toBe(bobsOwnId);
  });

  it('retries a write the vendor answered with 503 until it lands', async () => {
    // given HubSpot down for the next request
    await orderFault(runtime.url, 'hubspot', { mode: 'fail', status: 503, times: 1 });
    const carol = { firstName: 'Carol', lastName: 'Nguyen', email: 'carol.nguyen@northwind.example', accountRef: HS.company };
    await send({ hubspot: [{ entityType: 'person', externalId: HS.carol, fields: carol, changeKind: 'upsert', occurredAt: minutesAgo(5) }] });
    const writes = writesTo('hubspot', hubspotPath('contacts', HS.carol));
    expect(writes.map((r) => r.response?.status)).toEqual([503, 200]);
    expect(writes[1]!.body).toEqual({ properties: { concord_id: await unifiedIdOf(`hubspot#person#${HS.carol}`) } });
    expect(await runtime.writeBackLedger.get(`hubspot#person#${HS.carol}`)).toMatchObject({ status: 'written' });
    expect(runtime.deadLetterQueues.writeback.depth()).toBe(0);
  });

  it('lists what each sandbox was asked at /sandbox/<system> on the runtime server', async () => {
    const listing = (await (await fetch(`${runtime.url}/sandbox/salesforce`)).json()) as { requests: unknown[]; records: unknown[] };
    expect(listing.requests.length).toBeGreaterThanOrEqual(5);
    expect(listing.records).toEqual(expect.arrayContaining([expect.objectContaining({ key: `Account/${SF.account.slice(0, 15)}`, fields: { Concord_Id__c: expect.stringMatching(/^cus_/) } })]));
  });
});
