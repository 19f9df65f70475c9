/**
 * The sandbox itself: its control API, that its fakes refuse what the vendors refuse in the
 * vendors' own formats, that more fake systems can be registered, and that it stops promptly.
 */
import { request as httpRequest, Agent } from 'node:http';
import { createNetsuiteFake } from '../../../../local/sandbox/fakes/netsuite';
import { route, withRoutes, type FakeSystem } from '../../../../local/sandbox/fake-system';
import { writeBackFakes } from '../../../../local/sandbox/fakes';
import { startSandbox, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { CREDENTIALS, getJson, orderFault } from './sandbox-fixtures';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.stop());

const send = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(`${sandbox.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
};

const json = (method: string, authorization: string | undefined, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
  body: JSON.stringify(body),
});

describe('the control API', () => {
  it('lists every fake system at GET /sandbox', async () => {
    const { status, body } = await getJson(`${sandbox.url}/sandbox`);
    expect(status).toBe(200);
    expect((body as { systems: { name: string; prefix: string }[] }).systems.map((s) => s.prefix)).toEqual([
      '/salesforce',
      '/hubspot',
      '/stripe',
      '/zendesk',
      '/netsuite',
      '/generic',
    ]);
  });

  it('shows what a system was asked, with its answers, and the records it now holds', async () => {
    await send('/netsuite/services/rest/record/v1/customer/901', json('PATCH', `Bearer ${CREDENTIALS.netsuiteToken}`, { custentity_concord_id: 'cust_901' }));
    const { body } = await getJson(`${sandbox.url}/sandbox/netsuite`);
    expect(body).toMatchObject({
      system: 'netsuite',
      fault: null,
      requests: expect.arrayContaining([
        expect.objectContaining({ method: 'PATCH', path: '/services/rest/record/v1/customer/901', body: { custentity_concord_id: 'cust_901' }, response: expect.objectContaining({ status: 204 }) }),
      ]),
      records: expect.arrayContaining([{ key: 'customer/901', state: 'live', fields: { custentity_concord_id: 'cust_901' } }]),
    });
  });

  it('shows a standing fault and refuses a malformed fault order', async () => {
    await orderFault(sandbox.url, 'hubspot', { mode: 'fail', status: 503, times: 2 });
    expect((await getJson(`${sandbox.url}/sandbox/hubspot`)).body).toMatchObject({ fault: { mode: 'fail', status: 503, remaining: 2 } });
    await send('/sandbox/hubspot/faults', { method: 'DELETE' });

    const refused = await send('/sandbox/hubspot/faults', json('POST', undefined, { mode: 'explode' }));
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid-fault', detail: expect.stringContaining('mode') } });
  });

  it('answers 404 for a system it does not host', async () => {
    expect((await send('/sandbox/sap')).status).toBe(404);
    expect((await send('/sap/api/customers')).status).toBe(404);
  });
});

describe('fakes refuse what the vendor refuses, in its own format', () => {
  const cases: { name: string; path: string; init: RequestInit; status: number; body: unknown }[] = [
    {
      name: 'Salesforce without a token',
      path: '/salesforce/services/data/v62.0/sobjects/Account/001000000000001AAA',
      init: json('PATCH', undefined, { Concord_Id__c: 'x' }),
      status: 401,
      body: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid', fields: [] }],
    },
    {
      name: 'Salesforce, a field the object lacks',
      path: '/salesforce/services/data/v62.0/sobjects/Account/001000000000001AAA',
      init: json('PATCH', 'Bearer t', { Concord_Unified_Id__c: 'x' }),
      status: 400,
      body: [{ errorCode: 'INVALID_FIELD', message: "No such column 'Concord_Unified_Id__c' on sobject of type Account", fields: [] }],
    },
    {
      name: 'HubSpot, a property that does not exist',
      path: '/hubspot/crm/v3/objects/companies/77',
      init: json('PATCH', 'Bearer t', { properties: { concord_unified_id: 'x' } }),
      status: 400,
      body: expect.objectContaining({ status: 'error', category: 'VALIDATION_ERROR', message: expect.stringContaining('concord_unified_id') }),
    },
    {
      name: 'HubSpot, properties not wrapped',
      path: '/hubspot/crm/v3/objects/contacts/77',
      init: json('PATCH', 'Bearer t', { concord_id: 'x' }),
      status: 400,
      body: expect.objectContaining({ category: 'VALIDATION_ERROR' }),
    },
    {
      name: 'NetSuite without credentials',
      path: '/netsuite/services/rest/record/v1/customer/77',
      init: json('PATCH', undefined, { custentity_concord_id: 'x' }),
      status: 401,
      body: expect.objectContaining({ status: 401, 'o:errorDetails': [expect.objectContaining({ 'o:errorCode': 'INVALID_LOGIN' })] }),
    },
    {
      name: 'NetSuite, an unknown record type',
      path: '/netsuite/services/rest/record/v1/salesorder/77',
      init: json('PATCH', 'Bearer t', {}),
      status: 404,
      body: expect.objectContaining({ 'o:errorDetails': [expect.objectContaining({ 'o:errorCode': 'INVALID_RCRD_TYPE' })] }),
    },
    {
      name: 'Zendesk, a custom field that does not exist',
      path: '/zendesk/api/v2/users/77',
      init: json('PUT', 'Bearer t', { user: { user_fields: { unified: 'x' } } }),
      status: 422,
      body: expect.objectContaining({ error: 'RecordInvalid' }),
    },
    {
      name: 'Zendesk, the record not under its wrapper key',
      path: '/zendesk/api/v2/organizations/77.json',
      init: json('PUT', 'Bearer t', { organization_fields: { concord_id: 'x' } }),
      status: 400,
      body: expect.objectContaining({ error: 'InvalidEndpoint' }),
    },
    {
      name: 'Zendesk, a permanent deletion of a user not soft-deleted first',
      path: '/zendesk/api/v2/deleted_users/78',
      init: { method: 'DELETE', headers: { authorization: 'Bearer t' } },
      status: 404,
      body: { error: 'RecordNotFound', description: 'Not found' },
    },
    {
      name: 'Stripe, JSON instead of form encoding',
      path: '/stripe/v1/customers/cus_X1',
      init: json('POST', `Bearer ${CREDENTIALS.stripeKey}`, { metadata: { concord_id: 'x' } }),
      status: 400,
      body: { error: expect.objectContaining({ type: 'invalid_request_error' }) },
    },
    {
      name: 'Stripe, an unknown parameter',
      path: '/stripe/v1/customers/cus_X1',
      init: { method: 'POST', headers: { authorization: `Bearer ${CREDENTIALS.stripeKey}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'concord_id=x' },
      status: 400,
      body: { error: expect.objectContaining({ code: 'parameter_unknown', param: 'concord_id' }) },
    },
    {
      name: 'Stripe, not a secret key',
      path: '/stripe/v1/customers/cus_X1',
      init: { method: 'DELETE', headers: { authorization: 'Bearer pk_test_publishable' } },
      status: 401,
      body: { error: expect.objectContaining({ type: 'invalid_request_error', message: expect.stringContaining('Invalid API Key') }) },
    },
    {
      name: 'a generic receiver, an unsigned delivery',
      path: '/generic/webhook',
      init: json('POST', undefined, { type: 'unified_id.assigned', timestamp: '2026-01-01T00:00:00Z', data: {} }),
      status: 401,
      body: { error: expect.stringContaining('missing-signature') },
    },
  ];

  it.each(cases)('$name', async ({ path, init, status, body }) => {
    expect(await send(path, init)).toEqual({ status, body });
  });

  it('answers a method a path does not serve with 405, in the vendor’s format', async () => {
    const answer = await send('/salesforce/services/data/v62.0/sobjects/Account/001000000000001AAA', { method: 'PUT', headers: { authorization: 'Bearer t' } });
    expect(answer).toEqual({ status: 405, body: [expect.objectContaining({ errorCode: 'METHOD_NOT_ALLOWED' })] });
  });
});

describe('registering more fake systems', () => {
  const pmTool: FakeSystem = {
    name: 'pm-tool',
    error: (status, message) => ({ status, body: { errors: [{ message }] } }),
    routes: [
      route('POST', '/api/1.0/projects', (request, { records }) => {
        const key = `projects/${records.list().length + 1}`;
        records.patch(key, { name: (request.body.kind === 'json' ? (request.body.value as { name?: unknown }).name : undefined) ?? null });
        return { status: 201, body: { data: { gid: key } } };
      }),
    ],
  };
  const salesOrders = route('POST', '/services/rest/record/v1/salesOrder', () => ({ status: 204, headers: { location: '/services/rest/record/v1/salesOrder/1' } }));

  it('hosts a new system next to the vendors, and a vendor fake extended with more routes', async () => {
    const extended = await startSandbox({ systems: [...writeBackFakes().filter((s) => s.name !== 'netsuite'), withRoutes(createNetsuiteFake(), [salesOrders]), pmTool] });
    try {
      const project = await fetch(`${extended.url}/pm-tool/api/1.0/projects`, json('POST', undefined, { name: 'Kickoff' }));
      const order = await fetch(`${extended.url}/netsuite/services/rest/record/v1/salesOrder`, json('POST', 'Bearer t', { entity: { id: '42' } }));
      const faulted = await (async () => {
        await fetch(`${extended.url}/sandbox/pm-tool/faults`, json('POST', undefined, { mode: 'fail', status: 503, times: 1 }));
        return fetch(`${extended.url}/pm-tool/api/1.0/projects`, json('POST', undefined, { name: 'Again' }));
      })();

      expect(project.status).toBe(201);
      expect(order.status).toBe(204);
      expect({ status: faulted.status, body: await faulted.json() }).toEqual({ status: 503, body: { errors: [{ message: 'fault injected by the sandbox (HTTP 503)' }] } });
      expect(extended.requests('pm-tool').map((r) => r.response?.status)).toEqual([201, 503]);
    } finally {
      await extended.stop();
    }
  });

  it('refuses two systems of one name', async () => {
    await expect(startSandbox({ systems: [pmTool, pmTool] })).rejects.toThrow(/two fake systems are named "pm-tool"/);
  });
});

describe('stopping', () => {
  it('stops promptly with an idle keep-alive connection open', async () => {
    const own = await startSandbox();
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      httpRequest(`${own.url}/sandbox`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    const started = Date.now();
    await own.stop();
    agent.destroy();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops promptly while a timeout fault holds a request unanswered', async () => {
    const own = await startSandbox();
    await orderFault(own.url, 'stripe', { mode: 'timeout' });
    const held = fetch(`${own.url}/stripe/v1/customers/cus_Held`, { headers: { authorization: `Bearer ${CREDENTIALS.stripeKey}` } });
    held.catch(() => undefined); // asserted below
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = Date.now();
    await own.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(held).rejects.toThrow('fetch failed');
  });
});
