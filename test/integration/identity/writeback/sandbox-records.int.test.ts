/**
 * The sandbox's record view (`GET /sandbox/<system>/records/<key…>`, what a handoff receipt's link
 * opens locally), and how a fake extended with `withRoutes` picks between a route of its own and a
 * more general one of the fake it extends.
 */
import { route, withRoutes, type FakeSystem } from '../../../../local/sandbox/fake-system';
import { createNetsuiteFake } from '../../../../local/sandbox/fakes/netsuite';
import { startSandbox, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { CREDENTIALS, getJson } from './sandbox-fixtures';

let sandbox: RunningSandbox;

/** Sales orders as a later feature adds them: routes more specific than the base fake's `:recordType/:id`. */
const withSalesOrders: FakeSystem = withRoutes(createNetsuiteFake(), [
  route('PUT', '/services/rest/record/v1/salesOrder/:id', (request, { records }) => {
    records.patch(`salesOrder/${request.params.id}`, { memo: 'made by the added route' });
    return { status: 204 };
  }),
  route('GET', '/services/rest/record/v1/salesOrder/:id', (request) => ({ status: 200, body: { id: request.params.id, servedBy: 'the added route' } })),
]);

beforeAll(async () => {
  sandbox = await startSandbox({ systems: [withSalesOrders] });
});
afterAll(() => sandbox.stop());

const netsuite = (method: string, path: string, body?: unknown) =>
  fetch(`${sandbox.url}/netsuite/services/rest/record/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${CREDENTIALS.netsuiteToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('the record view', () => {
  it('answers one record with its system, key, state and fields', async () => {
    await netsuite('PATCH', 'customer/901', { custentity_concord_id: 'cust_901' });
    await netsuite('PUT', 'salesOrder/1042', {});

    expect(await getJson(`${sandbox.url}/sandbox/netsuite/records/customer/901`)).toEqual({
      status: 200,
      body: { system: 'netsuite', key: 'customer/901', state: 'live', fields: { custentity_concord_id: 'cust_901' } },
    });
    expect(await getJson(`${sandbox.url}/sandbox/netsuite/records/salesOrder/1042`)).toMatchObject({ status: 200, body: { key: 'salesOrder/1042' } });
  });

  it('shows a deleted record as such, since the link in an old receipt still opens it', async () => {
    await netsuite('PATCH', 'customer/902', { custentity_concord_id: 'cust_902' });
    await netsuite('DELETE', 'customer/902');
    expect(await getJson(`${sandbox.url}/sandbox/netsuite/records/customer/902`)).toEqual({
      status: 200,
      body: { system: 'netsuite', key: 'customer/902', state: 'erased', fields: {} },
    });
  });

  it('answers 404 for a key the system never held, no key, and a system it does not host', async () => {
    expect(await getJson(`${sandbox.url}/sandbox/netsuite/records/customer/999`)).toEqual({
      status: 404,
      body: { error: 'not-found', detail: 'netsuite holds no record "customer/999"' },
    });
    expect((await getJson(`${sandbox.url}/sandbox/netsuite/records`)).status).toBe(404);
    expect((await getJson(`${sandbox.url}/sandbox/sap/records/customer/1`)).status).toBe(404);
  });
});

describe('routes added to a fake', () => {
  it('serve their paths although a general route of the fake fits them too, which still serves the rest', async () => {
    const order = await netsuite('GET', 'salesOrder/1042');
    const customer = await netsuite('GET', 'customer/903');

    expect({ status: order.status, body: await order.json() }).toEqual({ status: 200, body: { id: '1042', servedBy: 'the added route' } });
    expect({ status: customer.status, body: await customer.json() }).toMatchObject({ status: 200, body: { id: '903' } });
  });

  it('leave a method neither serves answered 405 in the vendor’s format', async () => {
    const refused = await netsuite('POST', 'salesOrder/1042', {});
    expect({ status: refused.status, body: await refused.json() }).toMatchObject({ status: 405, body: { 'o:errorDetails': [{ 'o:errorCode': 'INVALID_REQUEST' }] } });
  });
});
