/**
 * Each vendor adapter against the sandbox over real HTTP: the write and the erasure arrive with the
 * vendor's method, path, body and credentials, the record then holds the unified id, and doing
 * either twice is harmless.
 */
import { createWriteBack } from '../../../../functions/identity/writeback/create-write-back';
import type { WriteBack } from '../../../../functions/identity/writeback/ports';
import type { SourceSystem } from '../../../../functions/shared/canonical';
import { startSandbox, type RecordedRequest, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { CREDENTIALS, getJson, writeBackConfigFor } from './sandbox-fixtures';

let sandbox: RunningSandbox;
let writeBack: WriteBack;

beforeAll(async () => {
  sandbox = await startSandbox();
  writeBack = createWriteBack(writeBackConfigFor(sandbox.url));
});
afterAll(() => sandbox.stop());

const zendeskBasic = `Basic ${Buffer.from(`${CREDENTIALS.zendeskEmail}/token:${CREDENTIALS.zendeskToken}`).toString('base64')}`;

interface VendorCase {
  name: string;
  system: SourceSystem;
  entityType: 'account' | 'person';
  /** A fresh record id for test number n. */
  idFor: (n: number) => string;
  authorization: string;
  write: (id: string, unifiedId: string) => { method: string; path: string; body: unknown };
  /** Where the record is read back, and where it keeps the unified id. */
  readPath: (id: string) => string;
  unifiedIdIn: (record: unknown) => unknown;
  erasure: (id: string) => { method: string; path: string }[];
  /** How a read shows an erased record: 404 unless the vendor says otherwise. */
  isGone?: (read: { status: number; body: unknown }) => boolean;
}

const salesforceCase = (sobject: 'Account' | 'Contact' | 'Lead', prefix: string, entityType: 'account' | 'person'): VendorCase => {
  const path = (id: string) => `/services/data/v62.0/sobjects/${sobject}/${id}`;
  return {
    name: `Salesforce ${sobject}`,
    system: 'salesforce',
    entityType,
    idFor: (n) => `${prefix}${String(n).padStart(12, '0')}AAA`,
    authorization: `Bearer ${CREDENTIALS.salesforceToken}`,
    write: (id, unifiedId) => ({ method: 'PATCH', path: path(id), body: { Concord_Id__c: unifiedId } }),
    readPath: path,
    unifiedIdIn: (record) => (record as { Concord_Id__c?: unknown }).Concord_Id__c,
    erasure: (id) => [{ method: 'DELETE', path: path(id) }],
  };
};

const hubspotCase = (object: 'companies' | 'contacts', entityType: 'account' | 'person', erasure: VendorCase['erasure']): VendorCase => ({
  name: `HubSpot ${object}`,
  system: 'hubspot',
  entityType,
  idFor: (n) => String(9000 + n),
  authorization: `Bearer ${CREDENTIALS.hubspotToken}`,
  write: (id, unifiedId) => ({ method: 'PATCH', path: `/crm/v3/objects/${object}/${id}`, body: { properties: { concord_id: unifiedId } } }),
  readPath: (id) => `/crm/v3/objects/${object}/${id}`,
  unifiedIdIn: (record) => (record as { properties: Record<string, unknown> }).properties.concord_id,
  erasure,
});

const zendeskCase = (collection: 'organizations' | 'users', wrapper: 'organization' | 'user', entityType: 'account' | 'person', erasure: VendorCase['erasure']): VendorCase => {
  const customFields = `${wrapper}_fields`;
  return {
    name: `Zendesk ${collection}`,
    system: 'zendesk',
    entityType,
    idFor: (n) => String(360_000 + n),
    authorization: zendeskBasic,
    write: (id, unifiedId) => ({ method: 'PUT', path: `/api/v2/${collection}/${id}`, body: { [wrapper]: { [customFields]: { concord_id: unifiedId } } } }),
    readPath: (id) => `/api/v2/${collection}/${id}`,
    unifiedIdIn: (record) => (record as Record<string, Record<string, Record<string, unknown>>>)[wrapper]?.[customFields]?.concord_id,
    erasure,
  };
};

const netsuiteCase = (recordType: 'customer' | 'contact', entityType: 'account' | 'person'): VendorCase => {
  const path = (id: string) => `/services/rest/record/v1/${recordType}/${id}`;
  return {
    name: `NetSuite ${recordType}`,
    system: 'netsuite',
    entityType,
    idFor: (n) => String(700 + n),
    authorization: `Bearer ${CREDENTIALS.netsuiteToken}`,
    write: (id, unifiedId) => ({ method: 'PATCH', path: path(id), body: { custentity_concord_id: unifiedId } }),
    readPath: path,
    unifiedIdIn: (record) => (record as { custentity_concord_id?: unknown }).custentity_concord_id,
    erasure: (id) => [{ method: 'DELETE', path: path(id) }],
  };
};

const CASES: VendorCase[] = [
  salesforceCase('Account', '001', 'account'),
  salesforceCase('Contact', '003', 'person'),
  salesforceCase('Lead', '00Q', 'person'),
  hubspotCase('companies', 'account', (id) => [{ method: 'DELETE', path: `/crm/v3/objects/companies/${id}` }]),
  hubspotCase('contacts', 'person', () => [{ method: 'POST', path: '/crm/v3/objects/contacts/gdpr-delete' }]),
  {
    name: 'Stripe customers',
    system: 'stripe',
    entityType: 'account',
    idFor: (n) => `cus_Sandbox${n}`,
    authorization: `Bearer ${CREDENTIALS.stripeKey}`,
    write: (id, unifiedId) => ({ method: 'POST', path: `/v1/customers/${id}`, body: { 'metadata[concord_id]': unifiedId } }),
    readPath: (id) => `/v1/customers/${id}`,
    unifiedIdIn: (record) => (record as { metadata: Record<string, unknown> }).metadata.concord_id,
    erasure: (id) => [{ method: 'DELETE', path: `/v1/customers/${id}` }],
    // Stripe still answers for a deleted customer, as `{ deleted: true }`.
    isGone: (read) => read.status === 200 && (read.body as { deleted?: unknown }).deleted === true,
  },
  zendeskCase('organizations', 'organization', 'account', (id) => [{ method: 'DELETE', path: `/api/v2/organizations/${id}` }]),
  zendeskCase('users', 'user', 'person', (id) => [
    { method: 'DELETE', path: `/api/v2/users/${id}` },
    { method: 'DELETE', path: `/api/v2/deleted_users/${id}` },
  ]),
  netsuiteCase('customer', 'account'),
  netsuiteCase('contact', 'person'),
];

/** The requests a system receives while `act` runs. */
const requestsDuring = async <T>(system: SourceSystem, act: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }> => {
  const before = sandbox.requests(system).length;
  const result = await act();
  return { result, requests: sandbox.requests(system).slice(before) };
};

const readRecord = async (c: VendorCase, id: string) => {
  const response = await fetch(`${sandbox.url}/${c.system}${c.readPath(id)}`, { headers: { authorization: c.authorization } });
  return { status: response.status, body: (await response.json()) as unknown };
};

let counter = 0;
const nextId = (c: VendorCase): string => c.idFor((counter += 1));
const keyFor = (id: string, purpose: string) => `${purpose}:${id}`;

describe.each(CASES)('$name', (c) => {
  it('writes the unified id with the vendor’s method, path, body and credentials, and the record then holds it', async () => {
    const id = nextId(c);
    const { result, requests } = await requestsDuring(c.system, () =>
      writeBack.writeUnifiedId({ sourceSystem: c.system, entityType: c.entityType, externalId: id, unifiedId: 'cust_01JSANDBOX', idempotencyKey: keyFor(id, 'write') }),
    );

    const expected = c.write(id, 'cust_01JSANDBOX');
    expect(result).toEqual({ status: 'done', request: { method: expected.method, url: `${sandbox.url}/${c.system}${expected.path}` } });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: expected.method, path: expected.path, body: expected.body, headers: { authorization: c.authorization } });
    const record = await readRecord(c, id);
    expect(record.status).toBe(200);
    expect(c.unifiedIdIn(record.body)).toBe('cust_01JSANDBOX');
  });

  it('writes the same unified id twice harmlessly: both succeed and the record is as after one', async () => {
    const id = nextId(c);
    const write = { sourceSystem: c.system, entityType: c.entityType, externalId: id, unifiedId: 'cust_TWICE', idempotencyKey: keyFor(id, 'write') };
    const first = await writeBack.writeUnifiedId(write);
    const afterFirst = await readRecord(c, id);
    const second = await writeBack.writeUnifiedId(write);

    expect([first.status, second.status]).toEqual(['done', 'done']);
    expect(await readRecord(c, id)).toEqual(afterFirst);
  });

  it('erases the record the vendor’s way, and a second erasure finds it gone and is done too', async () => {
    const id = nextId(c);
    await writeBack.writeUnifiedId({ sourceSystem: c.system, entityType: c.entityType, externalId: id, unifiedId: 'cust_ERASE', idempotencyKey: keyFor(id, 'write') });
    const erasure = { sourceSystem: c.system, entityType: c.entityType, externalId: id, idempotencyKey: keyFor(id, 'erase') };

    const { result, requests } = await requestsDuring(c.system, () => writeBack.requestErasure(erasure));
    const again = await writeBack.requestErasure(erasure);

    expect(result.status).toBe('done');
    expect(requests.map((r) => ({ method: r.method, path: r.path }))).toEqual(c.erasure(id));
    expect(requests.every((r) => r.headers.authorization === c.authorization)).toBe(true);
    expect(again.status).toBe('done');
    const isGone = c.isGone ?? ((read) => read.status === 404);
    expect(isGone(await readRecord(c, id))).toBe(true);
  });
});

describe('vendor-specific shapes', () => {
  it('asks HubSpot for a GDPR deletion of a contact by its id', async () => {
    const { requests } = await requestsDuring('hubspot', () => writeBack.requestErasure({ sourceSystem: 'hubspot', entityType: 'person', externalId: '8801', idempotencyKey: 'k' }));
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/crm/v3/objects/contacts/gdpr-delete', body: { objectId: '8801' } });
  });

  it('says that a HubSpot company is archived, not erased, as HubSpot has no privacy deletion for companies', async () => {
    const result = await writeBack.requestErasure({ sourceSystem: 'hubspot', entityType: 'account', externalId: '8802', idempotencyKey: 'k' });
    expect(result).toMatchObject({ status: 'done', detail: expect.stringMatching(/archived.*restorable/) });
  });

  it('keeps a Stripe customer’s other metadata when writing the unified id', async () => {
    const customerUrl = `${sandbox.url}/stripe/v1/customers/cus_Keeps1`;
    const authorization = `Bearer ${CREDENTIALS.stripeKey}`;
    await fetch(customerUrl, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: 'metadata[plan_owner]=finance' });

    await writeBack.writeUnifiedId({ sourceSystem: 'stripe', entityType: 'account', externalId: 'cus_Keeps1', unifiedId: 'cust_K', idempotencyKey: 'keeps-1' });

    const customer = (await (await fetch(customerUrl, { headers: { authorization } })).json()) as { metadata: unknown };
    expect(customer.metadata).toEqual({ plan_owner: 'finance', concord_id: 'cust_K' });
  });

  it('delivers a signed Standard Webhooks message to a generic system, keyed by the idempotency key', async () => {
    const { result, requests } = await requestsDuring('generic', () =>
      writeBack.writeUnifiedId({ sourceSystem: 'generic', entityType: 'person', externalId: 'P-7', unifiedId: 'person_01J', idempotencyKey: 'assign:P-7:1' }),
    );
    expect(result.status).toBe('done');
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/webhook',
      headers: { 'webhook-id': 'assign:P-7:1', 'webhook-timestamp': expect.stringMatching(/^\d+$/), 'webhook-signature': expect.stringMatching(/^v1,/) },
      body: { type: 'unified_id.assigned', timestamp: expect.any(String), data: { entityType: 'person', externalId: 'P-7', unifiedId: 'person_01J' } },
      response: { status: 200, body: { status: 'applied' } },
    });
    expect((await getJson(`${sandbox.url}/generic/records/person/P-7`)).body).toMatchObject({ state: 'live', unifiedId: 'person_01J' });
  });

  it('lets a generic receiver deduplicate a redelivery by its webhook-id', async () => {
    const write = { sourceSystem: 'generic' as const, entityType: 'account' as const, externalId: 'ACC-9', unifiedId: 'cust_9', idempotencyKey: 'assign:ACC-9:1' };
    await writeBack.writeUnifiedId(write);
    const { result, requests } = await requestsDuring('generic', () => writeBack.writeUnifiedId(write));
    expect(result.status).toBe('done');
    expect(requests[0]?.response?.body).toEqual({ status: 'duplicate' });
  });

  it('erases at a generic system with an erasure.requested message', async () => {
    await writeBack.writeUnifiedId({ sourceSystem: 'generic', entityType: 'person', externalId: 'P-8', unifiedId: 'person_8', idempotencyKey: 'assign:P-8' });
    const result = await writeBack.requestErasure({ sourceSystem: 'generic', entityType: 'person', externalId: 'P-8', idempotencyKey: 'erase:P-8' });
    expect(result.status).toBe('done');
    expect((await getJson(`${sandbox.url}/generic/records/person/P-8`)).body).toEqual({ entityType: 'person', externalId: 'P-8', state: 'erased' });
  });
});

describe('what is not written', () => {
  const unsupported: [SourceSystem, 'account' | 'person' | 'opportunity' | 'ticket' | 'invoice'][] = [
    ['salesforce', 'opportunity'],
    ['hubspot', 'opportunity'],
    ['stripe', 'person'],
    ['stripe', 'invoice'],
    ['zendesk', 'ticket'],
    ['netsuite', 'invoice'],
    ['generic', 'opportunity'],
  ];

  it.each(unsupported)('skips a %s %s with a reason, sending nothing', async (system, entityType) => {
    const { result: write, requests } = await requestsDuring(system, () =>
      writeBack.writeUnifiedId({ sourceSystem: system, entityType, externalId: 'x1', unifiedId: 'u', idempotencyKey: 'k' }),
    );
    const erase = await writeBack.requestErasure({ sourceSystem: system, entityType, externalId: 'x1', idempotencyKey: 'k' });
    expect(write).toEqual({ status: 'skipped', detail: expect.stringContaining(`no ${entityType} records`) });
    expect(erase.status).toBe('skipped');
    expect(requests).toEqual([]);
  });

  it('skips a system that has no write-back configured', async () => {
    const onlySalesforce = createWriteBack({ salesforce: writeBackConfigFor(sandbox.url).salesforce });
    const result = await onlySalesforce.writeUnifiedId({ sourceSystem: 'hubspot', entityType: 'account', externalId: '1', unifiedId: 'u', idempotencyKey: 'k' });
    expect(result).toEqual({ status: 'skipped', detail: 'write-back to hubspot is not configured' });
  });

  it('refuses a blank external id without a request: it would address the collection, not a record', async () => {
    const { result, requests } = await requestsDuring('salesforce', () =>
      writeBack.requestErasure({ sourceSystem: 'salesforce', entityType: 'account', externalId: ' ', idempotencyKey: 'k' }),
    );
    expect(result).toEqual({ status: 'failed', retryable: false, detail: 'the external id is blank' });
    expect(requests).toEqual([]);
  });

  it('reports a vendor’s refusal of a malformed id as permanent, in the vendor’s words', async () => {
    const result = await writeBack.writeUnifiedId({ sourceSystem: 'salesforce', entityType: 'account', externalId: '003000000000001AAA', unifiedId: 'u', idempotencyKey: 'k' });
    expect(result).toMatchObject({ status: 'failed', retryable: false, detail: 'HTTP 400: MALFORMED_ID: Account ID: id value of incorrect type: 003000000000001AAA' });
  });

  it('reports a write to a deleted record as a permanent failure', async () => {
    const id = 'cus_Deleted1';
    await writeBack.requestErasure({ sourceSystem: 'stripe', entityType: 'account', externalId: id, idempotencyKey: 'erase' });
    const result = await writeBack.writeUnifiedId({ sourceSystem: 'stripe', entityType: 'account', externalId: id, unifiedId: 'u', idempotencyKey: 'write' });
    expect(result).toMatchObject({ status: 'failed', retryable: false, detail: expect.stringContaining('resource_missing') });
  });
});
