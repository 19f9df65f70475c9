import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { CanonicalEvent, formatSourceVersion } from '../../functions/shared/canonical';
import type { Translation, Verification, WebhookRequest } from '../../functions/ingest/connector';
import { genericConnector } from '../../functions/ingest/connectors/generic';
import { genericSimulator } from '../../local/vendors/generic';
import type { OutboundWebhook, SourceChange } from '../../local/vendors/vendor-simulator';

const KEY = Buffer.from('concord-generic-test-signing-key');
const SECRET = `whsec_${KEY.toString('base64')}`;
const BASE_URL = 'http://localhost:3000';
const receivedAt = new Date('2026-03-02T10:00:00Z');
const ts = String(Math.floor(receivedAt.getTime() / 1000));
const MSG = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';

const requestOf = (webhook: OutboundWebhook): WebhookRequest => ({
  method: webhook.method,
  url: `${BASE_URL}${webhook.path}`,
  headers: Object.fromEntries(Object.entries(webhook.headers).map(([name, value]) => [name.toLowerCase(), value])),
  rawBody: Buffer.from(webhook.body, 'utf8'),
});

/** Standard Webhooks, by hand: base64 HMAC-SHA256 over "<id>.<timestamp>.<body>", keyed by the decoded whsec_ secret. */
const handSigned = (body: string, id = MSG, timestamp = ts, key: Buffer = KEY): string => `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;

const rawRequest = (body: string, headers: Record<string, string | undefined>): WebhookRequest => ({
  method: 'POST',
  url: `${BASE_URL}/webhooks/generic`,
  headers: Object.fromEntries(Object.entries({ 'content-type': 'application/json', ...headers }).filter((e): e is [string, string] => e[1] !== undefined)),
  rawBody: Buffer.from(body, 'utf8'),
});
const signedRequest = (body: string, timestamp = ts): WebhookRequest =>
  rawRequest(body, { 'webhook-id': MSG, 'webhook-timestamp': timestamp, 'webhook-signature': handSigned(body, MSG, timestamp) });

const verify = (request: WebhookRequest, secrets: string[] = [SECRET]): Verification => genericConnector.verify(request, { secrets, receivedAt });
const translate = (body: unknown, headers: Record<string, string | undefined> = { 'webhook-id': MSG }): Translation =>
  genericConnector.translate(body, rawRequest('', headers), receivedAt);

const eventsOf = (translation: Translation): CanonicalEvent[] => {
  if (translation.kind !== 'events') throw new Error(`expected events, got ${translation.reason}: ${translation.detail}`);
  return translation.events.map((event) => CanonicalEvent.parse(event));
};

const change = (type: string, data: Record<string, unknown>, timestamp = '2026-03-02T09:59:58.120Z') => ({ type, timestamp, data });
const account = change('account.upserted', { entityType: 'account', externalId: 'ACC-42', sequence: 3, fields: { name: 'Acme GmbH', domain: 'acme.example', annualRevenue: 1_250_000.5 } });
const body = JSON.stringify(account);

describe('generic connector: verification (Standard Webhooks)', () => {
  it('accepts a signature computed by hand from the specification', () => {
    expect(verify(signedRequest(body))).toEqual({ kind: 'verified' });
  });

  it('accepts what the simulator sends', () => {
    const [webhook] = genericSimulator.deliveries([{ entityType: 'account', externalId: 'A', fields: { name: 'Acme' }, changeKind: 'upsert', occurredAt: receivedAt }], {
      secret: SECRET,
      baseUrl: BASE_URL,
      now: receivedAt,
    });
    expect(verify(requestOf(webhook!))).toEqual({ kind: 'verified' });
  });

  it('accepts one matching entry among several, and either of two configured secrets', () => {
    const other = Buffer.from('an-older-key');
    const request = rawRequest(body, { 'webhook-id': MSG, 'webhook-timestamp': ts, 'webhook-signature': `${handSigned(body, MSG, ts, other)} ${handSigned(body)}` });
    expect(verify(request)).toEqual({ kind: 'verified' });
    const oldOnly = rawRequest(body, { 'webhook-id': MSG, 'webhook-timestamp': ts, 'webhook-signature': handSigned(body, MSG, ts, other) });
    expect(verify(oldOnly, [SECRET, `whsec_${other.toString('base64')}`])).toEqual({ kind: 'verified' });
  });

  it('rejects a forged signature, a tampered body and a replayed id', () => {
    expect(verify(rawRequest(body, { 'webhook-id': MSG, 'webhook-timestamp': ts, 'webhook-signature': handSigned(body, MSG, ts, Buffer.from('forger')) }))).toMatchObject({ reason: 'bad-signature' });
    expect(verify({ ...signedRequest(body), rawBody: Buffer.from(body.replace('Acme', 'Evil')) })).toMatchObject({ reason: 'bad-signature' });
    const request = signedRequest(body);
    expect(verify({ ...request, headers: { ...request.headers, 'webhook-id': 'msg_other' } })).toMatchObject({ reason: 'bad-signature' });
  });

  it.each([
    ['301 s old', -301, 'stale-timestamp'],
    ['301 s ahead', 301, 'future-timestamp'],
    ['299 s old', -299, 'verified'],
  ])('judges a timestamp %s', (_label, offset, expected) => {
    const outcome = verify(signedRequest(body, String(Number(ts) + offset)));
    expect(outcome.kind === 'verified' ? 'verified' : outcome.reason).toBe(expected);
  });

  const good = handSigned(body);
  it.each([
    ['no signature', { 'webhook-id': MSG, 'webhook-timestamp': ts }, 'missing-signature'],
    ['an empty signature', { 'webhook-id': MSG, 'webhook-timestamp': ts, 'webhook-signature': '' }, 'missing-signature'],
    ['no timestamp', { 'webhook-id': MSG, 'webhook-signature': good }, 'missing-timestamp'],
    ['a timestamp in ISO form', { 'webhook-id': MSG, 'webhook-timestamp': receivedAt.toISOString(), 'webhook-signature': good }, 'missing-timestamp'],
    ['the timestamp header sent twice', { 'webhook-id': MSG, 'webhook-timestamp': `${ts}, ${ts}`, 'webhook-signature': good }, 'missing-timestamp'],
    ['an asymmetric v1a signature only', { 'webhook-id': MSG, 'webhook-timestamp': ts, 'webhook-signature': good.replace('v1,', 'v1a,') }, 'malformed-signature'],
    ['a signature that is not base64', { 'webhook-id': MSG, 'webhook-timestamp': ts, 'webhook-signature': 'v1,not*base64!' }, 'malformed-signature'],
    ['a signature of the wrong length', { 'webhook-id': MSG, 'webhook-timestamp': ts, 'webhook-signature': `v1,${Buffer.alloc(20).toString('base64')}` }, 'malformed-signature'],
  ])('rejects %s', (_label, headers, reason) => {
    expect(verify(rawRequest(body, headers))).toMatchObject({ kind: 'rejected', reason });
  });

  it('says no secret is configured when it has only an empty one', () => {
    expect(verify(signedRequest(body), [''])).toMatchObject({ kind: 'rejected', reason: 'no-secret-configured' });
  });
});

describe('generic connector: translation', () => {
  it('turns one change into one canonical event, its fields checked against the canonical schema', () => {
    const [event] = eventsOf(translate(account));
    expect(event).toEqual({
      eventId: `generic:${MSG}:0`,
      vendorEventId: `${MSG}:0`,
      sourceSystem: 'generic',
      entityType: 'account',
      externalId: 'ACC-42',
      occurredAt: '2026-03-02T09:59:58.120Z',
      sourceVersion: formatSourceVersion(Date.parse('2026-03-02T09:59:58.120Z'), 3),
      changeKind: 'upsert',
      fields: { name: 'Acme GmbH', domain: 'acme.example', annualRevenue: 1_250_000.5 },
      changedFields: ['name', 'domain', 'annualRevenue'],
      raw: account.data,
    });
  });

  it('treats a complete record as a snapshot, in which every field left out is cleared', () => {
    const [event] = eventsOf(translate(change('ticket.upserted', { entityType: 'ticket', externalId: 'T-1', complete: true, fields: { subject: 'Help', status: 'open' } })));
    expect(event).not.toHaveProperty('changedFields');
    expect(event?.fields).toEqual({ subject: 'Help', status: 'open' });
    expect(event?.clearedFields).toEqual(['accountRef', 'requesterRef', 'priority', 'openedAt', 'satisfaction']);
  });

  it('reads a field sent as null or "" as a clear of its canonical path, never as "" or silence', () => {
    // given a partial update that empties a text, a number, a reference and a date, and one address part
    const fields = { title: null, email: '', accountRef: null, birthDate: null, marketingOptIn: false, address: { city: null, country: 'DE' } };
    // when translated
    const [event] = eventsOf(translate(change('person.upserted', { entityType: 'person', externalId: 'P-7', fields })));
    // then the values are written, the emptied paths cleared, and both named as changed
    expect(event?.fields).toEqual({ marketingOptIn: false, address: { country: 'DE' } });
    expect([...(event?.clearedFields ?? [])].sort()).toEqual(['accountRef', 'address.city', 'birthDate', 'email', 'title']);
    expect([...(event?.changedFields ?? [])].sort()).toEqual(['accountRef', 'address', 'address.city', 'birthDate', 'email', 'marketingOptIn', 'title']);
  });

  it('clears each part of an address sent as null, and the parts a complete record’s address leaves out', () => {
    const parts = ['address.street', 'address.city', 'address.region', 'address.postalCode', 'address.country'];
    const [whole] = eventsOf(translate(change('account.upserted', { entityType: 'account', externalId: 'A', fields: { address: null } })));
    expect(whole).toMatchObject({ fields: {}, clearedFields: parts });
    const [complete] = eventsOf(translate(change('account.upserted', { entityType: 'account', externalId: 'A', complete: true, fields: { name: 'Acme', address: { city: 'Berlin' } } })));
    expect(complete?.fields).toEqual({ name: 'Acme', address: { city: 'Berlin' } });
    expect(complete?.clearedFields).toEqual(expect.arrayContaining(['domain', 'employees', 'concordId', 'address.street', 'address.country']));
    expect(complete?.clearedFields).not.toContain('address.city');
    expect(complete?.clearedFields).not.toContain('name');
  });

  it('still refuses a null under a name the canonical model does not have', () => {
    const translation = translate(change('account.upserted', { entityType: 'account', externalId: 'A', fields: { colour: null } }));
    expect(translation).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
    expect(translation.kind === 'invalid' && translation.detail).toMatch(/^data\.fields: .*colour/);
  });

  it('numbers the events of a batch by their place in it', () => {
    const batch = [
      account,
      change('person.deleted', { entityType: 'person', externalId: 'P-7' }),
      change('invoice.erased', { entityType: 'invoice', externalId: 'I-1' }),
      change('opportunity.undeleted', { entityType: 'opportunity', externalId: 'O-1' }),
    ];
    const events = eventsOf(translate(batch));
    expect(events.map((e) => [e.eventId, e.entityType, e.changeKind])).toEqual([
      [`generic:${MSG}:0`, 'account', 'upsert'],
      [`generic:${MSG}:1`, 'person', 'delete'],
      [`generic:${MSG}:2`, 'invoice', 'erase'],
      [`generic:${MSG}:3`, 'opportunity', 'undelete'],
    ]);
  });

  it('skips unknown kinds of change beside known ones, and is unsupported when there are only unknown ones', () => {
    const unknownEntity = change('contract.upserted', { entityType: 'contract', externalId: 'C-1', fields: { x: 1 } });
    const unknownVerb = change('account.merged', { entityType: 'account', externalId: 'A-1' });
    const events = eventsOf(translate([unknownEntity, account, unknownVerb]));
    expect(events.map((e) => e.eventId)).toEqual([`generic:${MSG}:1`]);
    expect(translate([unknownEntity, unknownVerb])).toMatchObject({ kind: 'invalid', reason: 'unsupported-event' });
    expect(translate(unknownEntity)).toMatchObject({ kind: 'invalid', reason: 'unsupported-event' });
  });

  it.each([
    ['an unknown field', change('account.upserted', { entityType: 'account', externalId: 'A', fields: { name: 'Acme', colour: 'red' } }), 'data.fields'],
    ['a field of the wrong type', change('account.upserted', { entityType: 'account', externalId: 'A', fields: { annualRevenue: '1.2M' } }), 'data.fields.annualRevenue'],
    ['a lower-case currency', change('invoice.upserted', { entityType: 'invoice', externalId: 'I', fields: { currency: 'eur' } }), 'data.fields.currency'],
    ['an upsert without fields', change('account.upserted', { entityType: 'account', externalId: 'A' }), 'data.fields'],
    ['a type that disagrees with data.entityType', change('account.upserted', { entityType: 'person', externalId: 'A', fields: {} }), 'type'],
    ['a timestamp without an offset', change('account.deleted', { entityType: 'account', externalId: 'A' }, '2026-03-02 09:59'), 'timestamp'],
    ['an empty externalId', change('account.deleted', { entityType: 'account', externalId: '' }), 'data.externalId'],
    ['a negative sequence', change('account.deleted', { entityType: 'account', externalId: 'A', sequence: -1 }), 'data.sequence'],
    ['a type without a verb', change('account', { entityType: 'account', externalId: 'A' }), 'type'],
  ])('rejects %s with the path of the problem', (_label, payload, path) => {
    const translation = translate(payload);
    expect(translation).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
    expect(translation.kind === 'invalid' && translation.detail.startsWith(`${path}:`)).toBe(true);
  });

  it('names the failing change of a batch by its index', () => {
    const translation = translate([account, change('account.upserted', { entityType: 'account', externalId: 'A', fields: { employees: -3 } })]);
    expect(translation).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
    expect(translation.kind === 'invalid' && translation.detail.startsWith('[1].data.fields.employees:')).toBe(true);
  });

  it.each([
    ['an empty batch', []],
    ['a string', 'account.upserted'],
    ['null', null],
    ['a batch over the limit', Array.from({ length: 1001 }, () => account)],
  ])('rejects %s', (_label, payload) => {
    expect(translate(payload)).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
  });

  it('refuses to name events without the message id', () => {
    expect(translate(account, {})).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
  });
});

describe('generic simulator → connector round trip', () => {
  const text = fc.string({ minLength: 1, maxLength: 30 });
  const instant = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map((ms) => new Date(ms).toISOString());
  const day = instant.map((iso) => iso.slice(0, 10));
  const currency = fc.constantFrom('USD', 'EUR', 'JPY');
  // JSON has no negative zero: -0 is sent as 0, so the round trip starts from what JSON can carry.
  const money = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
  const at = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map((ms) => new Date(ms));

  const upsert = fc.oneof(
    fc.record({ name: text, domain: text, employees: fc.nat(), annualRevenue: money, lifecycleStage: fc.constantFrom('lead', 'prospect', 'customer', 'expanded', 'churned'), address: fc.record({ city: text, country: text }, { requiredKeys: [] }) }, { requiredKeys: [] }).map((fields) => ({ entityType: 'account' as const, fields })),
    fc.record({ firstName: text, lastName: text, email: text, role: fc.constantFrom('buyer', 'user', 'influencer', 'executive_sponsor'), accountRef: text, birthDate: day, marketingOptIn: fc.boolean() }, { requiredKeys: [] }).map((fields) => ({ entityType: 'person' as const, fields })),
    fc.record({ name: text, accountRef: text, amount: money, currency, stage: text, isClosed: fc.boolean(), isWon: fc.boolean(), closeDate: day }, { requiredKeys: [] }).map((fields) => ({ entityType: 'opportunity' as const, fields })),
    fc.record({ kind: text, subject: text, occurredAt: instant, accountRef: text, personRef: text }, { requiredKeys: [] }).map((fields) => ({ entityType: 'activity' as const, fields })),
  );
  const sourceChange = fc
    .record({ body: upsert, externalId: text, occurredAt: at, sequence: fc.option(fc.integer({ min: 0, max: 9_999_999_999 }), { nil: undefined }), changeKind: fc.constantFrom('upsert', 'upsert', 'delete', 'erase') })
    .map(({ body: { entityType, fields }, changeKind, sequence, ...rest }): SourceChange =>
      ({ ...rest, entityType, fields: changeKind === 'upsert' ? fields : {}, changeKind, ...(sequence === undefined ? {} : { sequence }) }) as SourceChange,
    );

  it('gives back every change of a batch, in order, with its fields, time and sequence', () => {
    fc.assert(
      fc.property(fc.array(sourceChange, { minLength: 1, maxLength: 8 }), (changes) => {
        const webhooks = genericSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: receivedAt });
        expect(webhooks).toHaveLength(1);
        const webhook = webhooks[0]!;
        expect(verify(requestOf(webhook))).toEqual({ kind: 'verified' });
        const events = eventsOf(genericConnector.translate(JSON.parse(webhook.body), requestOf(webhook), receivedAt));
        expect(events).toHaveLength(changes.length);
        events.forEach((event, index) => {
          const c = changes[index]!;
          expect(event).toMatchObject({
            entityType: c.entityType,
            externalId: c.externalId,
            changeKind: c.changeKind,
            fields: c.fields,
            occurredAt: c.occurredAt.toISOString(),
            sourceVersion: formatSourceVersion(c.occurredAt.getTime(), c.sequence ?? 0),
            eventId: `generic:${webhook.headers['webhook-id']}:${index}`,
          });
        });
      }),
      { numRuns: 150 },
    );
  });

  it('splits very large batches and gives the same changes the same message id', () => {
    const many: SourceChange[] = Array.from({ length: 2500 }, (_, i) => ({ entityType: 'account', externalId: `A-${i}`, fields: { name: `Acme ${i}` }, changeKind: 'upsert', occurredAt: receivedAt }));
    const options = { secret: SECRET, baseUrl: BASE_URL, now: receivedAt };
    const webhooks = genericSimulator.deliveries(many, options);
    expect(webhooks.map((w) => (JSON.parse(w.body) as unknown[]).length)).toEqual([1000, 1000, 500]);
    expect(genericSimulator.deliveries(many, options).map((w) => w.headers['webhook-id'])).toEqual(webhooks.map((w) => w.headers['webhook-id']));
  });
});
