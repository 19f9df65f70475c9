/**
 * The Salesforce CRM adapter against the sandbox's Salesforce (the base fake with the handoff
 * routes), over real HTTP: an opportunity exists once per handoff key however often, and however
 * concurrently, a step asks; owners are found by email; a vendor that fails, hangs or is slow is a
 * classified failure, never a throw.
 */
import type { CrmPort } from '../../../../functions/handoffs/targets/ports';
import { createSalesforceCrm, SalesforceCrmConfig } from '../../../../functions/handoffs/targets/salesforce';
import { withRoutes } from '../../../../local/sandbox/fake-system';
import { createSalesforceFake } from '../../../../local/sandbox/fakes/salesforce';
import { startSandbox, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { salesforceHandoffRoutes } from '../../../../local/sandbox/targets/salesforce-opportunities';
import { orderFault } from '../../../integration/identity/writeback/sandbox-fixtures';
import { heldRequestAnswered, recordAt, recordsOfType, slowingFirst } from './erp-crm-sandbox';

/** The deadline of the fault tests; others get a roomy one, as the machine is shared. */
const DEADLINE_MS = 300;
const ROOMY_DEADLINE_MS = 5_000;
const TOKEN = '00Dsandbox!salesforce-access-token';
const OPPORTUNITY_ID = /^006[A-Za-z0-9]{15}$/;

let sandbox: RunningSandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ systems: [withRoutes(createSalesforceFake(), salesforceHandoffRoutes)] });
});
afterEach(() => sandbox.stop());

const crmWith = (overrides: Partial<SalesforceCrmConfig> = {}): CrmPort =>
  createSalesforceCrm(
    SalesforceCrmConfig.parse({
      baseUrl: `${sandbox.url}/salesforce`,
      credentials: { accessToken: TOKEN },
      timeoutMs: ROOMY_DEADLINE_MS,
      recordUrl: { Opportunity: 'https://acme.lightning.force.com/lightning/r/Opportunity/{id}/view' },
      ...overrides,
    }),
  );

const renewal = {
  externalKey: 'h-91c2-crm-renewal',
  accountId: '001Sb0000000042AAA',
  name: 'Acme Robotics — renewal 2026',
  amount: 52_000,
  currency: 'EUR',
  closeDate: '2026-03-31',
  stage: 'Prospecting',
  type: 'Renewal',
  description: 'Term ends 2026-03-31',
};

/** A user in the sandbox org, as an admin would have made them. */
const createUser = async (email: string, username = email): Promise<string> => {
  const response = await fetch(`${sandbox.url}/salesforce/services/data/v62.0/sobjects/User`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ Username: username, LastName: 'Okafor', FirstName: 'Ada', Email: email }),
  });
  const body = (await response.json()) as { id: string };
  return body.id;
};

describe('upsertOpportunity', () => {
  it('creates the opportunity under its handoff key, and a repeat finds the same one', async () => {
    const crm = crmWith();
    const first = await crm.upsertOpportunity(renewal);
    const again = await crm.upsertOpportunity(renewal);

    expect(first).toEqual({
      status: 'done',
      record: { system: 'crm', kind: 'Opportunity', id: expect.stringMatching(OPPORTUNITY_ID), url: expect.stringMatching(/\/lightning\/r\/Opportunity\/006\w{15}\/view$/), existed: false },
    });
    if (first.status !== 'done') return;
    expect(again).toEqual({ status: 'done', record: { ...first.record, existed: true } });
    expect(await recordAt(sandbox, 'salesforce', `Opportunity/${first.record.id}`)).toEqual({
      system: 'salesforce',
      key: `Opportunity/${first.record.id}`,
      state: 'live',
      fields: {
        AccountId: renewal.accountId,
        Name: renewal.name,
        Amount: 52_000,
        CloseDate: '2026-03-31',
        StageName: 'Prospecting',
        Type: 'Renewal',
        CurrencyIsoCode: 'EUR',
        Description: 'Term ends 2026-03-31',
        Concord_Handoff_Key__c: 'h-91c2-crm-renewal',
      },
    });
  });

  it('makes one opportunity of ten concurrent repeats, and every one of them names it', async () => {
    const crm = crmWith();
    const results = await Promise.all(Array.from({ length: 10 }, () => crm.upsertOpportunity(renewal)));

    const ids = new Set(results.map((result) => (result.status === 'done' ? result.record.id : result.detail)));
    expect([...ids]).toEqual([expect.stringMatching(OPPORTUNITY_ID)]);
    expect(await recordsOfType(sandbox, 'salesforce', 'Opportunity')).toHaveLength(1);
  });

  it('makes the user with the owner’s email the owner, and leaves the owner unset when no user has it', async () => {
    const ownerId = await createUser('ada.okafor@concord.example');
    const owned = await crmWith().upsertOpportunity({ ...renewal, ownerEmail: 'Ada.Okafor@concord.example' });
    const unowned = await crmWith().upsertOpportunity({ ...renewal, externalKey: 'h-91c2-crm-other', ownerEmail: 'nobody@concord.example' });
    if (owned.status !== 'done' || unowned.status !== 'done') throw new Error('the opportunities were not made');

    expect((await recordAt(sandbox, 'salesforce', `Opportunity/${owned.record.id}`))?.fields).toMatchObject({ OwnerId: ownerId });
    expect((await recordAt(sandbox, 'salesforce', `Opportunity/${unowned.record.id}`))?.fields).not.toHaveProperty('OwnerId');
  });

  it('finds the id by the key when an API version before 46.0 answers an update with 204', async () => {
    const crm = crmWith({ apiVersion: 'v45.0' });
    const first = await crm.upsertOpportunity(renewal);
    const again = await crm.upsertOpportunity(renewal);

    expect(first).toMatchObject({ status: 'done', record: { existed: false } });
    expect(again).toEqual(first.status === 'done' ? { status: 'done', record: { ...first.record, existed: true } } : 'unreachable');
    expect(sandbox.requests('salesforce').map((request) => `${request.method} ${request.response?.status}`)).toEqual(['PATCH 201', 'PATCH 204', 'GET 200']);
  });

  it('reports what Salesforce refuses as permanent, in its words', async () => {
    const notAnAccount = await crmWith().upsertOpportunity({ ...renewal, accountId: '003Sb0000000042AAA' });
    expect(notAnAccount).toMatchObject({ status: 'failed', retryable: false, detail: expect.stringContaining('HTTP 400: MALFORMED_ID') });
  });

  it('leaves CurrencyIsoCode out for an org without multiple currencies', async () => {
    const made = await crmWith({ multiCurrency: false }).upsertOpportunity(renewal);
    if (made.status !== 'done') throw new Error(made.detail);
    expect((await recordAt(sandbox, 'salesforce', `Opportunity/${made.record.id}`))?.fields).not.toHaveProperty('CurrencyIsoCode');
  });
});

describe('updateOpportunity', () => {
  it('sets the converted lead’s context and owner on an opportunity Salesforce made', async () => {
    const ownerId = await createUser('sam.lee@concord.example');
    const converted = '006Hs00000AbCdEIA3';
    const updated = await crmWith().updateOpportunity({
      id: converted,
      key: 'h-55aa-crm-context',
      fields: { description: 'From lead: 40 seats, EU data residency', leadSource: 'Webinar', nextStep: 'Security review', ownerEmail: 'sam.lee@concord.example' },
    });

    expect(updated).toEqual({ status: 'done', record: { system: 'crm', kind: 'Opportunity', id: converted, url: expect.stringContaining(converted), existed: true } });
    const [record] = await recordsOfType(sandbox, 'salesforce', 'Opportunity');
    expect(record?.fields).toEqual({ Description: 'From lead: 40 seats, EU data residency', LeadSource: 'Webinar', NextStep: 'Security review', OwnerId: ownerId });
  });

  it('reports an id that is no opportunity’s as permanent', async () => {
    const refused = await crmWith().updateOpportunity({ id: '001Hs00000AbCdEIA3', key: 'k', fields: { nextStep: 'Call' } });
    expect(refused).toMatchObject({ status: 'failed', retryable: false, detail: expect.stringContaining('MALFORMED_ID') });
  });
});

describe('a vendor that fails, hangs or is slow', () => {
  it.each([503, 409])('reports HTTP %i as retryable', async (status) => {
    await orderFault(sandbox.url, 'salesforce', { mode: 'fail', status });
    expect(await crmWith().upsertOpportunity(renewal)).toMatchObject({ status: 'failed', retryable: true, detail: expect.stringContaining(`HTTP ${status}`), request: { method: 'PATCH' } });
  });

  it('reports HTTP 400 as permanent', async () => {
    await orderFault(sandbox.url, 'salesforce', { mode: 'fail', status: 400 });
    expect(await crmWith().upsertOpportunity(renewal)).toMatchObject({ status: 'failed', retryable: false, detail: expect.stringContaining('HTTP 400: BAD_REQUEST') });
  });

  it('fails the step when the owner cannot be looked up, rather than making it without one', async () => {
    await orderFault(sandbox.url, 'salesforce', { mode: 'fail', status: 503, times: 1 });
    expect(await crmWith().upsertOpportunity({ ...renewal, ownerEmail: 'ada.okafor@concord.example' })).toMatchObject({ status: 'failed', retryable: true, request: { method: 'GET' } });
    expect(await recordsOfType(sandbox, 'salesforce', 'Opportunity')).toEqual([]);
  });

  it('gives up at its deadline on a vendor that never answers, and calls that retryable', async () => {
    await orderFault(sandbox.url, 'salesforce', { mode: 'timeout', times: 1 });
    expect(await crmWith({ timeoutMs: DEADLINE_MS }).upsertOpportunity(renewal)).toEqual({
      status: 'failed',
      retryable: true,
      detail: `no answer within ${DEADLINE_MS} ms`,
      request: { method: 'PATCH', url: expect.stringContaining('/Opportunity/Concord_Handoff_Key__c/h-91c2-crm-renewal') },
    });
  });

  it('finds, on the retry, the opportunity a write it gave up on made after all', async () => {
    const gaveUp = await crmWith({ timeoutMs: DEADLINE_MS, fetch: slowingFirst(sandbox, 'salesforce', 'PATCH', DEADLINE_MS * 2) }).upsertOpportunity(renewal);
    expect(gaveUp).toMatchObject({ status: 'failed', retryable: true, detail: `no answer within ${DEADLINE_MS} ms` });

    await heldRequestAnswered(sandbox, 'salesforce');
    expect(await crmWith().upsertOpportunity(renewal)).toMatchObject({ status: 'done', record: { existed: true } });
    expect(await recordsOfType(sandbox, 'salesforce', 'Opportunity')).toHaveLength(1);
  });

  it('reports credentials Salesforce refuses as permanent', async () => {
    const refused = await crmWith({ credentials: { accessToken: 'not a token' } }).upsertOpportunity(renewal);
    expect(refused).toMatchObject({ status: 'failed', retryable: false, detail: expect.stringContaining('HTTP 401: INVALID_SESSION_ID') });
  });
});

describe('the sandbox Salesforce', () => {
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}/salesforce/services/data/v62.0/${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };

  it('refuses a field Opportunity does not have, and a new one without its required fields, in Salesforce’s format', async () => {
    expect(await send('PATCH', 'sobjects/Opportunity/Concord_Handoff_Key__c/k1', { Name: 'x', Stage: 'Won' })).toEqual({
      status: 400,
      body: [{ errorCode: 'INVALID_FIELD', message: "No such column 'Stage' on sobject of type Opportunity", fields: [] }],
    });
    expect(await send('PATCH', 'sobjects/Opportunity/Concord_Handoff_Key__c/k1', { Name: 'x' })).toEqual({
      status: 400,
      body: [{ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [StageName, CloseDate]', fields: ['StageName', 'CloseDate'] }],
    });
  });

  it('reads an opportunity by its key and by its 15- or 18-character id, and 404s a key nobody upserted', async () => {
    const made = await send('PATCH', 'sobjects/Opportunity/Concord_Handoff_Key__c/k2', { Name: 'x', StageName: 'Prospecting', CloseDate: '2026-01-31' });
    const { id } = made.body as { id: string };

    expect(made).toEqual({ status: 201, body: { id: expect.stringMatching(OPPORTUNITY_ID), success: true, errors: [], created: true } });
    expect(await send('GET', 'sobjects/Opportunity/Concord_Handoff_Key__c/k2')).toMatchObject({ status: 200, body: { Id: id, Name: 'x' } });
    expect(await send('GET', `sobjects/Opportunity/${id.slice(0, 15)}?fields=Name`)).toEqual({
      status: 200,
      body: { attributes: { type: 'Opportunity', url: `/services/data/v62.0/sobjects/Opportunity/${id}` }, Id: id, Name: 'x' },
    });
    expect(await send('GET', 'sobjects/Opportunity/Concord_Handoff_Key__c/k-none')).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
    expect(await send('GET', 'sobjects/Opportunity/Missing_Field__c/k2')).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
  });

  it('answers the user query, and refuses SOQL it does not serve and a duplicate username', async () => {
    const id = await createUser("o'hara@concord.example");
    const soql = (q: string) => send('GET', `query?q=${encodeURIComponent(q)}`);

    expect(await soql("SELECT Id, LastName FROM User WHERE Email = 'O\\'Hara@concord.example' AND IsActive = true LIMIT 1")).toEqual({
      status: 200,
      body: { totalSize: 1, done: true, records: [{ attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${id}` }, Id: id, LastName: 'Okafor' }] },
    });
    expect(await soql('SELECT Id FROM Account')).toMatchObject({ status: 400, body: [{ errorCode: 'MALFORMED_QUERY' }] });
    expect(await send('POST', 'sobjects/User', { Username: "o'hara@concord.example", LastName: 'Other', Email: 'x@concord.example' })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'DUPLICATE_USERNAME' }],
    });
  });
});
