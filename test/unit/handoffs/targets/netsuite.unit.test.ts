/**
 * The NetSuite ERP adapter against the sandbox's NetSuite (the base fake with the handoff routes),
 * over real HTTP: customers and sales orders exist once however often, and however concurrently,
 * a step asks; a vendor that fails, hangs or is slow is a classified failure, never a throw.
 */
import { createNetsuiteErp, NetsuiteErpConfig } from '../../../../functions/handoffs/targets/netsuite';
import type { ErpPort } from '../../../../functions/handoffs/targets/ports';
import { withRoutes } from '../../../../local/sandbox/fake-system';
import { createNetsuiteFake } from '../../../../local/sandbox/fakes/netsuite';
import { startSandbox, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { netsuiteHandoffRoutes } from '../../../../local/sandbox/targets/netsuite-orders';
import { orderFault } from '../../../integration/identity/writeback/sandbox-fixtures';
import { heldRequestAnswered, recordAt, recordsOfType, slowingFirst } from './erp-crm-sandbox';

/** The deadline of the fault tests; others get a roomy one, as the machine is shared. */
const DEADLINE_MS = 300;
const ROOMY_DEADLINE_MS = 5_000;
const TOKEN = 'netsuite-oauth2-access-token';

let sandbox: RunningSandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ systems: [withRoutes(createNetsuiteFake(), netsuiteHandoffRoutes)] });
});
afterEach(() => sandbox.stop());

const erpWith = (overrides: Partial<NetsuiteErpConfig> = {}): ErpPort =>
  createNetsuiteErp(
    NetsuiteErpConfig.parse({
      baseUrl: `${sandbox.url}/netsuite`,
      credentials: { accessToken: TOKEN },
      timeoutMs: ROOMY_DEADLINE_MS,
      recordUrl: {
        customer: 'https://1234567.app.netsuite.com/app/common/entity/custjob.nl?id={id}',
        salesOrder: 'https://1234567.app.netsuite.com/app/accounting/transactions/salesord.nl?id={id}',
      },
      currencyIds: { USD: '1', EUR: '4' },
      itemIds: { 'Platform (annual)': '310', Onboarding: '311' },
      ...overrides,
    }),
  );

const customer = { externalId: 'h-7f3a-erp-customer', companyName: 'Acme Robotics', unifiedId: 'cust_01HACME', email: 'ap@acme.example', currency: 'EUR' };

const order = (customerId: string) => ({
  externalId: 'h-7f3a-erp-order',
  customerId,
  unifiedId: 'cust_01HACME',
  opportunityRef: 'salesforce:006Sb0000000001AAA',
  currency: 'EUR',
  orderDate: '2025-03-31T15:00:00.000Z',
  lines: [
    { item: 'Platform (annual)', quantity: 1, amount: 48_000 },
    { item: 'Onboarding', quantity: 1, amount: 6_000 },
  ],
  memo: 'Closed-won: Acme Robotics expansion',
});

/** The customer's internal id, made through the adapter as the handoff's first step does. */
const madeCustomerId = async (erp: ErpPort): Promise<string> => {
  const made = await erp.upsertCustomer(customer);
  if (made.status !== 'done') throw new Error(`the customer was not made: ${made.detail}`);
  return made.record.id;
};

describe('upsertCustomer', () => {
  it('creates the customer with the unified id, and a repeat finds the same one', async () => {
    const erp = erpWith();
    const first = await erp.upsertCustomer(customer);
    const again = await erp.upsertCustomer(customer);

    expect(first).toEqual({
      status: 'done',
      record: { system: 'erp', kind: 'customer', id: expect.stringMatching(/^\d+$/), url: expect.stringMatching(/custjob\.nl\?id=\d+$/), existed: false },
    });
    if (first.status !== 'done') return;
    expect(again).toEqual({ status: 'done', record: { ...first.record, existed: true } });
    expect(await recordsOfType(sandbox, 'netsuite', 'customer')).toHaveLength(1);
    expect(await recordAt(sandbox, 'netsuite', `customer/${first.record.id}`)).toEqual({
      system: 'netsuite',
      key: `customer/${first.record.id}`,
      state: 'live',
      fields: { companyname: 'Acme Robotics', custentity_concord_id: 'cust_01HACME', email: 'ap@acme.example', currency: { id: '4' }, externalId: customer.externalId },
    });
  });

  it('sets the subsidiary a OneWorld account asks for', async () => {
    const made = await erpWith({ subsidiaryId: '3' }).upsertCustomer(customer);
    if (made.status !== 'done') throw new Error(made.detail);
    expect((await recordAt(sandbox, 'netsuite', `customer/${made.record.id}`))?.fields).toMatchObject({ subsidiary: { id: '3' } });
  });

  it('refuses, without asking NetSuite, an external id NetSuite would refuse and a currency it has no id for', async () => {
    const erp = erpWith();
    expect(await erp.upsertCustomer({ ...customer, externalId: 'handoff:7f3a/erp' })).toEqual({
      status: 'failed',
      retryable: false,
      detail: expect.stringContaining('letters, digits'),
    });
    expect(await erp.upsertCustomer({ ...customer, currency: 'CHF' })).toEqual({ status: 'failed', retryable: false, detail: expect.stringContaining('"CHF"') });
    expect(sandbox.requests('netsuite')).toEqual([]);
  });
});

describe('upsertSalesOrder', () => {
  it('creates the order for the customer with its lines and references, and a repeat leaves one order with the same lines', async () => {
    const erp = erpWith();
    const customerId = await madeCustomerId(erp);
    const first = await erp.upsertSalesOrder(order(customerId));
    const again = await erp.upsertSalesOrder(order(customerId));

    expect(first).toEqual({
      status: 'done',
      record: { system: 'erp', kind: 'salesOrder', id: expect.stringMatching(/^\d+$/), url: expect.stringMatching(/salesord\.nl\?id=\d+$/), existed: false },
    });
    if (first.status !== 'done') return;
    expect(again).toEqual({ status: 'done', record: { ...first.record, existed: true } });
    expect(await recordsOfType(sandbox, 'netsuite', 'salesOrder')).toEqual([
      {
        key: `salesOrder/${first.record.id}`,
        state: 'live',
        fields: {
          entity: { id: customerId },
          trandate: '2025-03-31',
          currency: { id: '4' },
          custbody_concord_id: 'cust_01HACME',
          custbody_concord_opportunity: 'salesforce:006Sb0000000001AAA',
          memo: 'Closed-won: Acme Robotics expansion',
          item: {
            items: [
              { item: { id: '310' }, quantity: 1, amount: 48_000 },
              { item: { id: '311' }, quantity: 1, amount: 6_000 },
            ],
          },
          externalId: 'h-7f3a-erp-order',
        },
      },
    ]);
  });

  it('makes one order of ten concurrent repeats, and every one of them names it', async () => {
    const erp = erpWith();
    const customerId = await madeCustomerId(erp);
    const results = await Promise.all(Array.from({ length: 10 }, () => erp.upsertSalesOrder(order(customerId))));

    const ids = new Set(results.map((result) => (result.status === 'done' ? result.record.id : result.detail)));
    expect([...ids]).toEqual([expect.stringMatching(/^\d+$/)]);
    expect(await recordsOfType(sandbox, 'netsuite', 'salesOrder')).toHaveLength(1);
  });

  it('refuses an item it has no NetSuite id for, and passes one that is an internal id already', async () => {
    const erp = erpWith();
    const customerId = await madeCustomerId(erp);
    const unknown = await erp.upsertSalesOrder({ ...order(customerId), lines: [{ item: 'Gold support', quantity: 1, amount: 100 }] });
    const byId = await erp.upsertSalesOrder({ ...order(customerId), lines: [{ item: '977', quantity: 2, amount: 100 }] });

    expect(unknown).toEqual({ status: 'failed', retryable: false, detail: expect.stringContaining('"Gold support"') });
    expect(byId.status).toBe('done');
  });
});

describe('a vendor that fails, hangs or is slow', () => {
  it.each([503, 429])('reports HTTP %i as retryable', async (status) => {
    await orderFault(sandbox.url, 'netsuite', { mode: 'fail', status });
    expect(await erpWith().upsertCustomer(customer)).toMatchObject({ status: 'failed', retryable: true, detail: expect.stringContaining(`HTTP ${status}`), request: { method: 'GET' } });
  });

  it('reports HTTP 400 as permanent', async () => {
    await orderFault(sandbox.url, 'netsuite', { mode: 'fail', status: 400 });
    expect(await erpWith().upsertCustomer(customer)).toMatchObject({ status: 'failed', retryable: false, detail: expect.stringContaining('HTTP 400: INVALID_CONTENT') });
  });

  it('gives up at its deadline on a vendor that never answers, and calls that retryable', async () => {
    await orderFault(sandbox.url, 'netsuite', { mode: 'timeout', times: 1 });
    expect(await erpWith({ timeoutMs: DEADLINE_MS }).upsertCustomer(customer)).toEqual({
      status: 'failed',
      retryable: true,
      detail: `no answer within ${DEADLINE_MS} ms`,
      request: { method: 'GET', url: expect.stringContaining('/customer/eid:h-7f3a-erp-customer') },
    });
  });

  it('finds, on the retry, the order a write it gave up on made after all', async () => {
    const customerId = await madeCustomerId(erpWith());
    // The reads before the write must beat the deadline on a busy machine, so it is not the shortest.
    const deadline = 1_000;
    const gaveUp = await erpWith({ timeoutMs: deadline, fetch: slowingFirst(sandbox, 'netsuite', 'PUT', deadline * 1.5) }).upsertSalesOrder(order(customerId));
    expect(gaveUp).toMatchObject({ status: 'failed', retryable: true, request: { method: 'PUT' } });

    await heldRequestAnswered(sandbox, 'netsuite');
    const retried = await erpWith().upsertSalesOrder(order(customerId));
    expect(retried).toMatchObject({ status: 'done', record: { existed: true } });
    expect(await recordsOfType(sandbox, 'netsuite', 'salesOrder')).toHaveLength(1);
  });

  it('reports credentials NetSuite refuses as permanent', async () => {
    const refused = await erpWith({ credentials: { accessToken: 'not a token' } }).upsertCustomer(customer);
    expect(refused).toMatchObject({ status: 'failed', retryable: false, detail: expect.stringContaining('HTTP 401: INVALID_LOGIN') });
  });
});

describe('the sandbox NetSuite', () => {
  const put = (path: string, body: unknown) =>
    fetch(`${sandbox.url}/netsuite/services/rest/record/v1/${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = async (path: string) => {
    const response = await fetch(`${sandbox.url}/netsuite/services/rest/record/v1/${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('refuses a field the record does not have, in NetSuite’s error format', async () => {
    const response = await put('customer/eid:acme', { companyname: 'Acme', creditlimit_typo: 5 });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 400,
      body: expect.objectContaining({ status: 400, 'o:errorDetails': [{ 'o:errorCode': 'INVALID_CONTENT', detail: expect.stringContaining('creditlimit_typo') }] }),
    });
  });

  it('asks a new order for a customer and a line, and refuses a reference that is not an internal id', async () => {
    const noLines = await put('salesOrder/eid:so-1', { entity: { id: '42' } });
    const byName = await put('salesOrder/eid:so-1', { entity: { id: '42' }, currency: { refName: 'EUR' }, item: { items: [{ item: { id: '1' }, quantity: 1 }] } });
    expect((await noLines.json()) as unknown).toMatchObject({ 'o:errorDetails': [{ 'o:errorCode': 'USER_ERROR' }] });
    expect((await byName.json()) as unknown).toMatchObject({ 'o:errorDetails': [{ 'o:errorCode': 'INVALID_CONTENT', detail: expect.stringContaining('currency') }] });
  });

  it('reads a made order by internal and by external id, adds lines on an update unless told to replace them', async () => {
    const line = { item: { id: '310' }, quantity: 1, amount: 10 };
    const created = await put('salesOrder/eid:so-2', { entity: { id: '42' }, item: { items: [line] } });
    const internalId = created.headers.get('location')?.split('/').pop() ?? '';
    await put('salesOrder/eid:so-2', { item: { items: [line] } });
    const added = await get(`salesOrder/${internalId}`);
    await put('salesOrder/eid:so-2?replace=item', { item: { items: [line] } });
    const replaced = await get('salesOrder/eid:so-2');

    expect(created.status).toBe(204);
    expect(added).toMatchObject({ status: 200, body: { id: internalId, externalId: 'so-2', item: { items: [line, line] } } });
    expect(replaced).toMatchObject({ status: 200, body: { id: internalId, item: { items: [line] } } });
    expect(await get('salesOrder/eid:so-unknown')).toMatchObject({ status: 404, body: { 'o:errorDetails': [{ 'o:errorCode': 'NONEXISTENT_ID' }] } });
  });

  it('still serves the base fake’s customers by internal id', async () => {
    expect(await get('customer/901')).toEqual({ status: 200, body: { links: [{ rel: 'self', href: '/services/rest/record/v1/customer/901' }], id: '901' } });
  });
});
