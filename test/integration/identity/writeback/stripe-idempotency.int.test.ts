/**
 * Stripe's idempotency keys, end to end: the adapter sends the call's key, the sandbox answers a
 * repeat from its record of the first answer, so a retry never applies a write twice — even when
 * the first attempt landed after the caller had given up on it.
 */
import { createWriteBack } from '../../../../functions/identity/writeback/create-write-back';
import type { UnifiedIdWrite } from '../../../../functions/identity/writeback/ports';
import { startSandbox, type RunningSandbox } from '../../../../local/sandbox/sandbox-server';
import { CREDENTIALS, orderFault, writeBackConfigFor } from './sandbox-fixtures';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.stop());

const writeFor = (customerId: string, unifiedId: string, idempotencyKey: string): UnifiedIdWrite => ({
  sourceSystem: 'stripe',
  entityType: 'account',
  externalId: customerId,
  unifiedId,
  idempotencyKey,
});

const metadataOf = async (customerId: string): Promise<unknown> => {
  const response = await fetch(`${sandbox.url}/stripe/v1/customers/${customerId}`, { headers: { authorization: `Bearer ${CREDENTIALS.stripeKey}` } });
  return ((await response.json()) as { metadata: unknown }).metadata;
};

const postsTo = (customerId: string) => sandbox.requests('stripe').filter((r) => r.method === 'POST' && r.path === `/v1/customers/${customerId}`);

describe('Stripe idempotency keys', () => {
  it('sends the call’s idempotency key with the update', async () => {
    const writeBack = createWriteBack(writeBackConfigFor(sandbox.url));
    await writeBack.writeUnifiedId(writeFor('cus_Key1', 'cust_1', 'write:cus_Key1:v1'));
    expect(postsTo('cus_Key1')[0]?.headers['idempotency-key']).toBe('write:cus_Key1:v1');
  });

  it('answers a repeat of the key from the first answer, without applying the write again', async () => {
    const writeBack = createWriteBack(writeBackConfigFor(sandbox.url));
    const first = await writeBack.writeUnifiedId(writeFor('cus_Key2', 'cust_2', 'write:cus_Key2:v1'));
    // Meanwhile someone else changes the customer (another key, another value)...
    await writeBack.writeUnifiedId(writeFor('cus_Key2', 'cust_2_later', 'write:cus_Key2:v2'));
    // ...and the first write is delivered again, as at-least-once delivery may.
    const repeat = await writeBack.writeUnifiedId(writeFor('cus_Key2', 'cust_2', 'write:cus_Key2:v1'));

    expect([first.status, repeat.status]).toEqual(['done', 'done']);
    expect(postsTo('cus_Key2').at(-1)?.response?.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(await metadataOf('cus_Key2')).toEqual({ concord_id: 'cust_2_later' });
  });

  it('refuses a key reused for a different write, permanently: that is a bug in the key', async () => {
    const writeBack = createWriteBack(writeBackConfigFor(sandbox.url));
    await writeBack.writeUnifiedId(writeFor('cus_Key3', 'cust_3', 'write:cus_Key3'));
    const reused = await writeBack.writeUnifiedId(writeFor('cus_Key3', 'cust_other', 'write:cus_Key3'));

    expect(reused).toMatchObject({ status: 'failed', retryable: false, detail: expect.stringContaining('idempotency_error') });
    expect(await metadataOf('cus_Key3')).toEqual({ concord_id: 'cust_3' });
  });

  it('makes the retry of a write that timed out but landed a replay, not a second write', async () => {
    const impatient = createWriteBack(writeBackConfigFor(sandbox.url, 150));
    await orderFault(sandbox.url, 'stripe', { mode: 'slow', delayMs: 400, times: 1 });

    const timedOut = await impatient.writeUnifiedId(writeFor('cus_Key4', 'cust_4', 'write:cus_Key4'));
    expect(timedOut).toMatchObject({ status: 'failed', retryable: true, detail: 'no answer within 150 ms' });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the slow request lands after all

    const retried = await impatient.writeUnifiedId(writeFor('cus_Key4', 'cust_4', 'write:cus_Key4'));
    expect(retried.status).toBe('done');
    const [landed, replayed] = postsTo('cus_Key4');
    expect(landed).toMatchObject({ fault: 'slow', response: { status: 200 } });
    expect(replayed?.response?.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(await metadataOf('cus_Key4')).toEqual({ concord_id: 'cust_4' });
  });

  it('saves no answer for a request an injected fault failed, so the retry runs for real', async () => {
    const writeBack = createWriteBack(writeBackConfigFor(sandbox.url));
    await orderFault(sandbox.url, 'stripe', { mode: 'fail', status: 503, times: 1 });

    const failed = await writeBack.writeUnifiedId(writeFor('cus_Key5', 'cust_5', 'write:cus_Key5'));
    const retried = await writeBack.writeUnifiedId(writeFor('cus_Key5', 'cust_5', 'write:cus_Key5'));

    expect(failed).toMatchObject({ status: 'failed', retryable: true });
    expect(retried.status).toBe('done');
    expect(postsTo('cus_Key5')[1]?.response?.headers).not.toHaveProperty('idempotent-replayed');
    expect(await metadataOf('cus_Key5')).toEqual({ concord_id: 'cust_5' });
  });
});
