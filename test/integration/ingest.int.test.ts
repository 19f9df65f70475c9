/**
 * Every connector through the real path: signed HTTP webhook → local server → the ingest Lambda
 * handler → bus → queue → reconcile handler → DynamoDB Local.
 */
import type { SourceSystem } from '../../functions/shared/canonical';
import { WEBHOOK_SECRET_ENV } from '../../functions/shared/config';
import type { LocalRuntime } from '../../local/runtime';
import { signingSecretFor } from '../../local/local-secrets';
import { postWebhook } from '../../local/send-webhooks';
import { simulators } from '../../local/vendors';
import type { OutboundWebhook, SourceChange } from '../../local/vendors/vendor-simulator';
import { startTestRuntime } from '../support/runtime';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime.stop());

const at = (iso: string) => new Date(iso);

/** One account per system, with the external id format each vendor uses. */
const accountChange = (system: SourceSystem, name: string, occurredAt = at('2026-11-01T10:00:00Z')): SourceChange => {
  const externalId = { salesforce: '001000000000042AAA', hubspot: '4242', stripe: 'cus_Test42', zendesk: '4242', netsuite: '4242', generic: 'acct-42' }[system];
  return { entityType: 'account', externalId, changeKind: 'upsert', occurredAt, fields: { name, phone: '+15550100', address: { city: 'Boston', country: 'US' } } };
};

const deliveriesFor = (system: SourceSystem, changes: SourceChange[], now = new Date()): OutboundWebhook[] =>
  simulators[system].deliveries(changes, { secret: signingSecretFor(system, runtime.secretEnv), baseUrl: runtime.url, now });

const send = (system: SourceSystem, delivery: OutboundWebhook) => postWebhook(runtime.url, system, delivery);

const systems: SourceSystem[] = ['salesforce', 'hubspot', 'stripe', 'zendesk', 'netsuite', 'generic'];

describe.each(systems)('%s webhooks', (system) => {
  it('stores a validly signed delivery as a source record', async () => {
    const [delivery] = deliveriesFor(system, [accountChange(system, 'Acme Analytics')]);
    const result = await send(system, delivery!);
    expect(result.status).toBe(202);
    await runtime.drain();
    const records = await runtime.sourceRecords.list({ sourceSystem: system, entityType: 'account' });
    expect(records.map((r) => r.fields.name)).toContain('Acme Analytics');
  });

  it('changes nothing when the same delivery arrives twice', async () => {
    const [delivery] = deliveriesFor(system, [accountChange(system, 'Acme Twice', at('2026-11-02T10:00:00Z'))]);
    await send(system, delivery!);
    await runtime.drain();
    const [before] = await runtime.sourceRecords.list({ sourceSystem: system, entityType: 'account' });
    expect((await send(system, delivery!)).status).toBe(202);
    await runtime.drain();
    const [after] = await runtime.sourceRecords.list({ sourceSystem: system, entityType: 'account' });
    expect(after?.rev).toBe(before?.rev);
    expect(after?.fields.name).toBe('Acme Twice');
  });

  it('keeps the newer version when an older change arrives after it', async () => {
    const [newer] = deliveriesFor(system, [accountChange(system, 'Acme Newest', at('2026-11-10T10:00:00Z'))]);
    const [older] = deliveriesFor(system, [accountChange(system, 'Acme Older', at('2026-11-05T10:00:00Z'))]);
    await send(system, newer!);
    await send(system, older!);
    await runtime.drain();
    const [record] = await runtime.sourceRecords.list({ sourceSystem: system, entityType: 'account' });
    expect(record?.fields.name).toBe('Acme Newest');
  });

  it('rejects and quarantines a forged delivery', async () => {
    const [delivery] = simulators[system].deliveries([accountChange(system, 'Forged Corp')], { secret: forgedSecret(system), baseUrl: runtime.url, now: new Date() });
    const result = await send(system, delivery!);
    expect(result.status).toBe(401);
    const { quarantineId, error } = JSON.parse(result.body) as { quarantineId: string; error: string };
    expect(error).toBe('bad-signature');
    expect(await runtime.quarantine.get(quarantineId)).toMatchObject({ system, stage: 'verification', reason: 'bad-signature', status: 'open' });
  });

  it('rejects a delivery signed ten minutes ago', async () => {
    const [delivery] = deliveriesFor(system, [accountChange(system, 'Stale Corp')], new Date(Date.now() - 10 * 60_000));
    const result = await send(system, delivery!);
    expect(result.status).toBe(401);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'stale-timestamp' });
  });

  it('rejects a delivery signed ten minutes in the future', async () => {
    const [delivery] = deliveriesFor(system, [accountChange(system, 'Future Corp')], new Date(Date.now() + 10 * 60_000));
    const result = await send(system, delivery!);
    expect(result.status).toBe(401);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'future-timestamp' });
  });
});

/** A secret of the right shape for the vendor's scheme, but not the configured one. */
const forgedSecret = (system: SourceSystem): string =>
  system === 'salesforce' || system === 'generic' ? `whsec_${Buffer.from('an attacker key of some length').toString('base64')}` : 'not-the-secret';

describe('the webhook endpoint', () => {
  it('answers 404 for a system it does not know, and stores nothing', async () => {
    const response = await fetch(`${runtime.url}/webhooks/sap`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(await runtime.quarantine.list('open', 500)).not.toContainEqual(expect.objectContaining({ system: 'sap' }));
  });

  it('answers 413 for a body over the limit and quarantines its head', async () => {
    const response = await fetch(`${runtime.url}/webhooks/stripe`, { method: 'POST', body: 'x'.repeat(1_100_000) });
    expect(response.status).toBe(413);
    const { quarantineId } = (await response.json()) as { quarantineId: string };
    expect(await runtime.quarantine.get(quarantineId)).toMatchObject({ stage: 'size', reason: 'payload-too-large' });
  });

  it.each(['application/json', 'application/octet-stream'])('verifies and stores a non-ASCII body sent as %s', async (contentType) => {
    const name = `Zürcher Ümlaut GmbH 🚀 ${contentType}`;
    const [delivery] = deliveriesFor('zendesk', [{ ...accountChange('zendesk', name), externalId: contentType.length.toString() }]);
    const result = await send('zendesk', { ...delivery!, headers: { ...delivery!.headers, 'content-type': contentType } });
    expect(result.status).toBe(202);
    await runtime.drain();
    expect((await runtime.sourceRecords.get(`zendesk#account#${contentType.length}`))?.fields.name).toBe(name);
  });

  it('reports healthy once ready', async () => {
    const response = await fetch(`${runtime.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', queues: { reconcile: { deadLetters: 0 } } });
  });

  it('has a secret configured for every system', () => {
    for (const name of Object.values(WEBHOOK_SECRET_ENV)) expect(runtime.secretEnv[name]).toBeTruthy();
  });
});
