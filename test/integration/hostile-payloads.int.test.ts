/**
 * Validly signed deliveries that are still unfit to store: each is answered with a clear 4xx and
 * kept in the quarantine, or stored safely, never accepted and then lost in a dead-letter queue.
 */
import { randomUUID } from 'node:crypto';
import { createHmac } from 'node:crypto';
import { signStandardWebhook } from '../../functions/ingest/standard-webhooks';
import type { LocalRuntime } from '../../local/runtime';
import { signingSecretFor } from '../../local/local-secrets';
import { postWebhook } from '../../local/send-webhooks';
import { startTestRuntime } from '../support/runtime';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime.stop());

const sendGeneric = (data: Record<string, unknown>) => {
  const body = JSON.stringify({ type: `${String(data.entityType)}.upserted`, timestamp: '2026-11-20T10:00:00Z', data });
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signStandardWebhook({ id, timestamp, body, secret: signingSecretFor('generic', runtime.secretEnv) });
  return postWebhook(runtime.url, 'generic', {
    method: 'POST',
    path: '/webhooks/generic',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
    body,
  });
};

const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { leaf: true } : { deeper: nested(depth - 1) });

describe('signed but unfit deliveries', () => {
  it('refuses a number DynamoDB cannot hold exactly, with the field named', async () => {
    const result = await sendGeneric({ entityType: 'account', externalId: 'big-1', fields: { name: 'Big Co', annualRevenue: 1e20 } });
    expect(result.status).toBe(422);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'schema-violation', detail: expect.stringContaining('annualRevenue') });
  });

  it('stores a record whose raw payload nests deeper than DynamoDB allows', async () => {
    const result = await sendGeneric({ entityType: 'account', externalId: 'deep-1', fields: { name: 'Deep Co' }, extra: nested(40) });
    expect(result.status).toBe(202);
    await runtime.drain();
    expect((await runtime.sourceRecords.get('generic#account#deep-1'))?.fields).toEqual({ name: 'Deep Co' });
    expect(runtime.deadLetterQueues.reconcile.depth()).toBe(0);
  });

  it('refuses, with 413, a delivery whose event the bus could never carry', async () => {
    const result = await sendGeneric({ entityType: 'account', externalId: 'huge-1', fields: { name: 'x'.repeat(200_000) } });
    expect(result.status).toBe(413);
    const { quarantineId } = JSON.parse(result.body) as { quarantineId: string };
    expect(await runtime.quarantine.get(quarantineId)).toMatchObject({ stage: 'validation', reason: 'event-too-large' });
  });

  it('quarantines a HubSpot event whose timestamp no date can hold, instead of failing with a 500', async () => {
    const body = JSON.stringify([{ eventId: 1, subscriptionId: 2, portalId: 3, appId: 4, occurredAt: 9e15, subscriptionType: 'contact.creation', attemptNumber: 0, objectId: 5, changeSource: 'CRM' }]);
    const timestamp = String(Date.now());
    const uri = `${runtime.url}/webhooks/hubspot`;
    const signature = createHmac('sha256', signingSecretFor('hubspot', runtime.secretEnv)).update(`POST${uri}${body}${timestamp}`).digest('base64');
    const result = await postWebhook(runtime.url, 'hubspot', {
      method: 'POST',
      path: '/webhooks/hubspot',
      headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
      body,
    });
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect(JSON.parse(result.body)).toHaveProperty('quarantineId');
  });
});
