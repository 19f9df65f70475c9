import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { Translation, WebhookRequest } from '../../functions/ingest/connector';
import { hubspotConnector, hubspotSignedUri } from '../../functions/ingest/connectors/hubspot';
import { CanonicalEvent, type EntityFields } from '../../functions/shared/canonical';
import { hubspotSimulator } from '../../local/vendors/hubspot';
import type { OutboundWebhook, SourceChange } from '../../local/vendors/vendor-simulator';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const SECRET = 'b8d6f0c1-5a43-4f0e-9a52-3d2cbd3c1f7e';
const BASE_URL = 'https://concord.example';
const URL_CALLED = `${BASE_URL}/webhooks/hubspot`;
const ctx = { secrets: [SECRET], receivedAt: NOW };

const requestOf = (delivery: OutboundWebhook, url = `${BASE_URL}${delivery.path}`): WebhookRequest => ({
  method: delivery.method,
  url,
  headers: Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v])),
  rawBody: Buffer.from(delivery.body),
});

const eventsOf = (translation: Translation): CanonicalEvent[] => {
  if (translation.kind !== 'events') throw new Error(`expected events, got ${translation.reason}: ${translation.detail}`);
  return translation.events;
};

const translate = (body: unknown): Translation =>
  hubspotConnector.translate(body, { method: 'POST', url: URL_CALLED, headers: {}, rawBody: Buffer.alloc(0) }, NOW);

const receive = (deliveries: OutboundWebhook[]): CanonicalEvent[] =>
  deliveries.flatMap((delivery) => {
    const request = requestOf(delivery);
    expect(hubspotConnector.verify(request, ctx)).toEqual({ kind: 'verified' });
    return eventsOf(hubspotConnector.translate(JSON.parse(delivery.body), request, NOW));
  });

/** Signs as HubSpot's guide describes, with no code of ours: method + URI + body + timestamp. */
interface HandSigning {
  url?: string;
  timestamp?: string;
  secret?: string;
  /** The URI as hashed, when it differs from the URL called. */
  signedUri?: string;
}

const handSigned = (body: string, { url = URL_CALLED, timestamp = String(NOW.getTime()), secret = SECRET, signedUri }: HandSigning = {}): WebhookRequest => ({
  method: 'POST',
  url,
  headers: {
    'content-type': 'application/json',
    'x-hubspot-request-timestamp': timestamp,
    'x-hubspot-signature-v3': createHmac('sha256', secret).update(`POST${signedUri ?? url}${body}${timestamp}`, 'utf8').digest('base64'),
  },
  rawBody: Buffer.from(body),
});

const hsEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventId: 1000001,
  subscriptionId: 25,
  portalId: 33,
  appId: 1160452,
  occurredAt: 1772445600000,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId: 123,
  changeSource: 'CRM_UI',
  propertyName: 'email',
  propertyValue: 'ada@example.com',
  ...overrides,
});

const BODY = JSON.stringify([hsEvent()]);

describe('hubspotConnector.verify — signature v3', () => {
  const reason = (request: WebhookRequest, secrets = [SECRET]): string => {
    const result = hubspotConnector.verify(request, { secrets, receivedAt: NOW });
    return result.kind === 'verified' ? 'verified' : result.reason;
  };
  const withHeaders = (request: WebhookRequest, headers: Record<string, string | undefined>): WebhookRequest => ({
    ...request,
    headers: Object.fromEntries(Object.entries({ ...request.headers, ...headers }).filter((e): e is [string, string] => e[1] !== undefined)),
  });

  it('accepts a request signed by hand as the documentation describes', () => {
    expect(reason(handSigned(BODY))).toBe('verified');
  });

  it('decodes exactly the listed URL escapes before hashing, and no others', () => {
    const url = `${BASE_URL}/webhooks/hubspot?portal=a%3Ab%2Fc%3Fd%40e%21f%24g%27h%28i%29j%2Ak%2Cl%3Bm&space=a%20b&pct=%25`;
    const decoded = `${BASE_URL}/webhooks/hubspot?portal=a:b/c?d@e!f$g'h(i)j*k,l;m&space=a%20b&pct=%25`;
    expect(hubspotSignedUri(url)).toBe(decoded);
    expect(hubspotSignedUri(url.toLowerCase().replace('https://concord.example', BASE_URL))).toBe(decoded.toLowerCase());
    expect(reason(handSigned(BODY, { url, signedUri: decoded }))).toBe('verified');
    // HubSpot hashes the decoded form, so a signature over the raw escapes is not HubSpot's.
    expect(reason(handSigned(BODY, { url, signedUri: url }))).toBe('bad-signature');
  });

  it('accepts any of the configured secrets while they rotate, skipping empty ones', () => {
    expect(reason(handSigned(BODY, { secret: 'new-secret' }), ['', 'old-secret', 'new-secret'])).toBe('verified');
  });

  it('rejects a forged signature, a tampered body, another URL and another method', () => {
    expect(reason(handSigned(BODY, { secret: 'attacker' }))).toBe('bad-signature');
    expect(reason({ ...handSigned(BODY), rawBody: Buffer.from(BODY.replace('ada', 'eve')) })).toBe('bad-signature');
    expect(reason({ ...handSigned(BODY), url: `${BASE_URL}/webhooks/other` })).toBe('bad-signature');
    expect(reason({ ...handSigned(BODY), method: 'PUT' })).toBe('bad-signature');
  });

  it('rejects timestamps older or newer than 5 minutes, even when correctly signed', () => {
    expect(reason(handSigned(BODY, { timestamp: String(NOW.getTime() - 5 * 60_000 - 1) }))).toBe('stale-timestamp');
    expect(reason(handSigned(BODY, { timestamp: String(NOW.getTime() + 5 * 60_000 + 1) }))).toBe('future-timestamp');
    expect(reason(handSigned(BODY, { timestamp: String(NOW.getTime() - 4 * 60_000) }))).toBe('verified');
  });

  it('reads the timestamp as milliseconds, so a timestamp in seconds is stale', () => {
    expect(reason(handSigned(BODY, { timestamp: String(Math.floor(NOW.getTime() / 1000)) }))).toBe('stale-timestamp');
  });

  it.each([
    ['no signature', { 'x-hubspot-signature-v3': undefined }, 'missing-signature'],
    ['an empty signature', { 'x-hubspot-signature-v3': '' }, 'missing-signature'],
    ['only a legacy v1 signature', { 'x-hubspot-signature-v3': undefined, 'x-hubspot-signature': 'ab'.repeat(32) }, 'missing-signature'],
    ['no timestamp', { 'x-hubspot-request-timestamp': undefined }, 'missing-timestamp'],
    ['an empty timestamp', { 'x-hubspot-request-timestamp': '' }, 'missing-timestamp'],
    ['a non-numeric timestamp', { 'x-hubspot-request-timestamp': 'Mon, 02 Mar 2026 10:00:00 GMT' }, 'missing-timestamp'],
    ['a duplicated timestamp', { 'x-hubspot-request-timestamp': `${NOW.getTime()}, ${NOW.getTime()}` }, 'missing-timestamp'],
    ['a hex signature', { 'x-hubspot-signature-v3': 'ab'.repeat(32) }, 'malformed-signature'],
    ['a signature that is not base64', { 'x-hubspot-signature-v3': 'not base64!' }, 'malformed-signature'],
    ['a truncated signature', { 'x-hubspot-signature-v3': 'AAAAAAAAAAAAAAAAAAAAAA==' }, 'malformed-signature'],
    ['a version prefix', { 'x-hubspot-signature-v3': 'v3=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, 'malformed-signature'],
  ])('rejects a request with %s', (_name, headers, expected) => {
    expect(reason(withHeaders(handSigned(BODY), headers))).toBe(expected);
  });

  it('rejects a signature header sent twice (joined with ", ") as malformed', () => {
    const signed = handSigned(BODY);
    const signature = signed.headers['x-hubspot-signature-v3'] ?? '';
    expect(reason(withHeaders(signed, { 'x-hubspot-signature-v3': `${signature}, ${signature}` }))).toBe('malformed-signature');
  });

  it('reports no-secret-configured without a usable secret', () => {
    expect(reason(handSigned(BODY), [])).toBe('no-secret-configured');
    expect(reason(handSigned(BODY), [''])).toBe('no-secret-configured');
  });

  it('never throws on arbitrary headers', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('x-hubspot-signature-v3', 'x-hubspot-request-timestamp'), fc.string()), fc.string(), (headers, url) => {
        const result = hubspotConnector.verify({ method: 'POST', url, headers, rawBody: Buffer.from(BODY) }, ctx);
        expect(result.kind).toBe('rejected');
      }),
    );
  });
});

describe('hubspotConnector.translate', () => {
  it('turns a property change into an upsert of the one mapped field', () => {
    const [event, ...rest] = eventsOf(translate([hsEvent()]));
    expect(rest).toEqual([]);
    expect(event).toEqual({
      eventId: 'hubspot:1000001',
      sourceSystem: 'hubspot',
      entityType: 'person',
      externalId: '123',
      occurredAt: '2026-03-02T10:00:00.000Z',
      sourceVersion: '0001772445600000:0001000001',
      changeKind: 'upsert',
      fields: { email: 'ada@example.com' },
      changedFields: ['email'],
      vendorEventId: '1000001',
      raw: hsEvent(),
    });
  });

  it.each([
    ['contact', 'firstname', 'Ada', { firstName: 'Ada' }],
    ['contact', 'jobtitle', 'CTO', { title: 'CTO' }],
    ['contact', 'associatedcompanyid', '9001', { accountRef: '9001' }],
    ['contact', 'zip', '94105', { address: { postalCode: '94105' } }],
    ['contact', 'concord_id', 'cust_1', { concordId: 'cust_1' }],
    ['contact', 'hs_buying_role', 'BLOCKER;EXECUTIVE_SPONSOR', { role: 'executive_sponsor' }],
    ['contact', 'hs_buying_role', 'END_USER', { role: 'user' }],
    ['contact', 'date_of_birth', '1815-12-10', { birthDate: '1815-12-10' }],
    ['contact', 'hs_email_optout', 'true', { marketingOptIn: false }],
    ['company', 'concord_owner_email', 'rep@acme.example', { ownerEmail: 'rep@acme.example' }],
    ['deal', 'hs_analytics_source', 'ORGANIC_SEARCH', { leadSource: 'ORGANIC_SEARCH' }],
    ['deal', 'concord_product_line', 'Platform', { productLine: 'Platform' }],
    ['company', 'name', 'Acme', { name: 'Acme' }],
    ['company', 'domain', 'acme.com', { domain: 'acme.com' }],
    ['company', 'state', 'CA', { address: { region: 'CA' } }],
    ['company', 'numberofemployees', '250', { employees: 250 }],
    ['company', 'numberofemployees', '250.0', { employees: 250 }],
    ['company', 'annualrevenue', '1500000.50', { annualRevenue: 1500000.5 }],
    ['company', 'lifecyclestage', 'salesqualifiedlead', { lifecycleStage: 'prospect' }],
    ['company', 'lifecyclestage', 'evangelist', { lifecycleStage: 'customer' }],
    ['deal', 'dealname', 'Big deal', { name: 'Big deal' }],
    ['deal', 'amount', '125000', { amount: 125000 }],
    ['deal', 'deal_currency_code', 'eur', { currency: 'EUR' }],
    ['deal', 'dealstage', 'closedwon', { stage: 'closedwon' }],
    ['deal', 'hs_is_closed', 'true', { isClosed: true }],
    ['deal', 'hs_is_closed_won', 'false', { isWon: false }],
    ['deal', 'closedate', '1782777600000', { closeDate: '2026-06-30' }],
    ['deal', 'closedate', '2026-06-30T00:00:00Z', { closeDate: '2026-06-30' }],
  ])('maps %s property %s = %s', (object, propertyName, propertyValue, fields) => {
    const [event] = eventsOf(translate([hsEvent({ subscriptionType: `${object}.propertyChange`, propertyName, propertyValue })]));
    expect(event?.fields).toEqual(fields);
  });

  it('reports a property set to "" as a clear of its canonical path, whatever its type, never as "" or silence', () => {
    // given properties of every kind emptied in HubSpot
    const [email, employees, city, closeDate, role, isWon] = eventsOf(
      translate([
        hsEvent({ propertyValue: '' }),
        hsEvent({ eventId: 2, subscriptionType: 'company.propertyChange', propertyName: 'numberofemployees', propertyValue: '' }),
        hsEvent({ eventId: 3, subscriptionType: 'company.propertyChange', propertyName: 'city', propertyValue: '' }),
        hsEvent({ eventId: 4, subscriptionType: 'deal.propertyChange', propertyName: 'closedate', propertyValue: '' }),
        hsEvent({ eventId: 5, propertyName: 'hs_buying_role', propertyValue: '' }),
        hsEvent({ eventId: 6, subscriptionType: 'deal.propertyChange', propertyName: 'hs_is_closed_won', propertyValue: '' }),
      ]),
    );
    // then each is an upsert with no value, naming the path as cleared and as changed
    expect(email).toMatchObject({ changeKind: 'upsert', fields: {}, changedFields: ['email'], clearedFields: ['email'] });
    expect(employees).toMatchObject({ fields: {}, changedFields: ['employees'], clearedFields: ['employees'] });
    expect(city).toMatchObject({ fields: {}, changedFields: ['address.city'], clearedFields: ['address.city'] });
    expect(closeDate).toMatchObject({ entityType: 'opportunity', fields: {}, clearedFields: ['closeDate'] });
    expect(role).toMatchObject({ fields: {}, clearedFields: ['role'] });
    expect(isWon).toMatchObject({ fields: {}, clearedFields: ['isWon'] });
    expect([email, employees, city, closeDate, role, isWon].every((e) => CanonicalEvent.safeParse(e).success)).toBe(true);
  });

  it('reads a null propertyValue as a clear too, and a value as no clear', () => {
    const [cleared, set] = eventsOf(translate([hsEvent({ propertyName: 'phone', propertyValue: null }), hsEvent({ eventId: 2, propertyName: 'phone', propertyValue: '+1 555' })]));
    expect(cleared).toMatchObject({ fields: {}, clearedFields: ['phone'] });
    expect(set).toMatchObject({ fields: { phone: '+1 555' }, changedFields: ['phone'] });
    expect(set).not.toHaveProperty('clearedFields');
  });

  it('skips properties it does not map, and custom lifecycle stages, without failing the batch', () => {
    const events = eventsOf(
      translate([
        hsEvent({ propertyName: 'hs_lead_status', propertyValue: 'NEW' }),
        hsEvent({ eventId: 2, subscriptionType: 'company.propertyChange', propertyName: 'lifecyclestage', propertyValue: '1234567' }),
        hsEvent({ eventId: 3, subscriptionType: 'deal.propertyChange', propertyName: 'pipeline', propertyValue: 'default' }),
        hsEvent({ eventId: 5, propertyName: 'hs_buying_role', propertyValue: 'BLOCKER;OTHER' }),
        hsEvent({ eventId: 6, propertyName: 'date_of_birth', propertyValue: 'sometime in 1970' }),
        hsEvent({ eventId: 4 }),
      ]),
    );
    expect(events.map((e) => e.eventId)).toEqual(['hubspot:4']);
    expect(translate([hsEvent({ propertyName: 'constructor' })])).toEqual({ kind: 'events', events: [] });
  });

  it.each([
    ['contact.creation', 'gap', 'person'],
    ['company.creation', 'gap', 'account'],
    ['deal.creation', 'gap', 'opportunity'],
    ['contact.deletion', 'delete', 'person'],
    ['deal.deletion', 'delete', 'opportunity'],
    ['company.restore', 'undelete', 'account'],
    ['contact.privacyDeletion', 'erase', 'person'],
  ])('maps %s to a %s of a %s, with no fields', (subscriptionType, changeKind, entityType) => {
    const [event] = eventsOf(translate([hsEvent({ subscriptionType, propertyName: undefined, propertyValue: undefined })]));
    expect(event).toMatchObject({ changeKind, entityType, externalId: '123', fields: {} });
    expect(event?.changedFields).toBeUndefined();
  });

  it('maps a merge to a re-read of the primary and a delete of each merged-away record', () => {
    const events = eventsOf(
      translate([hsEvent({ subscriptionType: 'contact.merge', propertyName: undefined, propertyValue: undefined, objectId: 100, primaryObjectId: 100, mergedObjectIds: [200, 300], newObjectId: 100 })]),
    );
    expect(events.map((e) => [e.eventId, e.changeKind, e.externalId])).toEqual([
      ['hubspot:1000001:100', 'gap', '100'],
      ['hubspot:1000001:200', 'delete', '200'],
      ['hubspot:1000001:300', 'delete', '300'],
    ]);
  });

  it('also re-reads the new record when a merge created one', () => {
    const events = eventsOf(translate([hsEvent({ subscriptionType: 'company.merge', objectId: 100, primaryObjectId: 100, mergedObjectIds: [200], newObjectId: 555 })]));
    expect(events.map((e) => [e.changeKind, e.externalId])).toEqual([
      ['gap', '100'],
      ['gap', '555'],
      ['delete', '200'],
    ]);
  });

  it('gives a redelivered event (same eventId) the same canonical id', () => {
    const [first, again] = eventsOf(translate([hsEvent(), hsEvent({ attemptNumber: 3 })]));
    expect(first?.eventId).toBe(again?.eventId);
  });

  it('orders distinct events of one millisecond by eventId', () => {
    const [a, b] = eventsOf(translate([hsEvent({ eventId: 7 }), hsEvent({ eventId: 8, propertyValue: 'b@example.com' })]));
    expect((a?.sourceVersion ?? '') < (b?.sourceVersion ?? '')).toBe(true);
  });

  it('rejects a batch of only unsupported subscriptions, and skips them in a mixed batch', () => {
    const association = hsEvent({ subscriptionType: 'contact.associationChange', associationType: 'CONTACT_TO_COMPANY' });
    expect(translate([association, hsEvent({ subscriptionType: 'ticket.creation' })])).toMatchObject({ kind: 'invalid', reason: 'unsupported-event' });
    expect(translate([hsEvent({ subscriptionType: 'company.privacyDeletion' })])).toMatchObject({ reason: 'unsupported-event' });
    expect(eventsOf(translate([association, hsEvent()])).map((e) => e.eventId)).toEqual(['hubspot:1000001']);
  });

  it.each([
    ['a body that is not an array', hsEvent(), 'expected array'],
    ['an event without objectId', [hsEvent({ objectId: undefined })], '0.objectId'],
    ['an event without occurredAt', [hsEvent({ occurredAt: undefined })], '0.occurredAt'],
    ['a property change without propertyName', [hsEvent({ propertyName: undefined })], '0.propertyName'],
    ['a non-numeric employee count', [hsEvent({ subscriptionType: 'company.propertyChange', propertyName: 'numberofemployees', propertyValue: 'many' })], '[0].propertyValue (numberofemployees)'],
    ['a bad boolean', [hsEvent({ subscriptionType: 'deal.propertyChange', propertyName: 'hs_is_closed', propertyValue: 'yes' })], 'hs_is_closed'],
    ['a bad close date', [hsEvent({ subscriptionType: 'deal.propertyChange', propertyName: 'closedate', propertyValue: 'soon' })], 'closedate'],
  ])('reports a schema violation, with the path, for %s', (_name, body, detail) => {
    const result = translate(body);
    expect(result).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
    expect(result.kind === 'invalid' && result.detail).toContain(detail);
  });

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.anything(), (body) => {
        expect(['events', 'invalid']).toContain(translate(body).kind);
        expect(['events', 'invalid']).toContain(translate([body]).kind);
      }),
    );
  });
});

describe('hubspotSimulator → connector round trip', () => {
  const at = (minute: number) => new Date(NOW.getTime() - 60 * 60_000 + minute * 60_000);

  /** Folds a record's upserts like the store does, one field at a time. */
  const fold = (events: readonly CanonicalEvent[]): Map<string, Record<string, unknown>> => {
    const records = new Map<string, Record<string, unknown>>();
    for (const event of [...events].sort((a, b) => (a.sourceVersion < b.sourceVersion ? -1 : 1))) {
      if (event.changeKind !== 'upsert') continue;
      const key = `${event.entityType}#${event.externalId}`;
      const record = records.get(key) ?? {};
      for (const [name, value] of Object.entries(event.fields)) {
        record[name] = name === 'address' ? { ...(record.address as object | undefined), ...(value as object) } : value;
      }
      records.set(key, record);
    }
    return records;
  };

  it('renders a create as a creation then one property change per property, signed, ≤100 events a request', () => {
    const changes: SourceChange[] = [
      { entityType: 'person', externalId: '51', changeKind: 'upsert', occurredAt: at(1), fields: { email: 'ada@example.com', firstName: 'Ada', address: { city: 'London' } } },
      { entityType: 'person', externalId: '51', changeKind: 'upsert', occurredAt: at(2), fields: { title: 'CTO' } },
      { entityType: 'person', externalId: '52', changeKind: 'erase', occurredAt: at(3), fields: {} },
      ...Array.from({ length: 60 }, (_, i): SourceChange => ({ entityType: 'account', externalId: String(1000 + i), changeKind: 'upsert', occurredAt: at(4), fields: { name: `Co ${i}` } })),
    ];
    const deliveries = hubspotSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: NOW });
    const bodies = deliveries.map((d) => JSON.parse(d.body) as { subscriptionType: string; propertyName?: string }[]);
    expect(bodies.map((b) => b.length)).toEqual([100, 27]);
    expect(bodies[0]?.slice(0, 7).map((e) => `${e.subscriptionType}${e.propertyName ? `:${e.propertyName}` : ''}`)).toEqual([
      'contact.creation',
      'contact.propertyChange:firstname',
      'contact.propertyChange:email',
      'contact.propertyChange:city',
      'contact.propertyChange:jobtitle',
      'contact.deletion',
      'contact.privacyDeletion',
    ]);
    expect(deliveries.every((d) => d.path === '/webhooks/hubspot')).toBe(true);

    const events = receive(deliveries);
    expect(events.filter((e) => e.externalId === '51').map((e) => e.changeKind)).toEqual(['gap', 'upsert', 'upsert', 'upsert', 'upsert']);
    expect(events.filter((e) => e.externalId === '52').map((e) => e.changeKind)).toEqual(['delete', 'erase']);
    expect(fold(events).get('person#51')).toEqual({ email: 'ada@example.com', firstName: 'Ada', title: 'CTO', address: { city: 'London' } });
    expect(events.every((e) => CanonicalEvent.safeParse(e).success)).toBe(true);
  });

  it('turns the simulator’s emptied text into a propertyChange of "" and so into a clear', () => {
    const changes: SourceChange[] = [
      { entityType: 'account', externalId: '61', changeKind: 'upsert', occurredAt: at(1), fields: { name: 'Acme', phone: '+1 555' } },
      { entityType: 'account', externalId: '61', changeKind: 'upsert', occurredAt: at(2), fields: { phone: '', address: { city: '' } } },
    ];
    const cleared = receive(hubspotSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: NOW })).filter((e) => e.clearedFields !== undefined);
    expect(cleared.map((e) => [e.clearedFields, e.fields])).toEqual([
      [['phone'], {}],
      [['address.city'], {}],
    ]);
  });

  it('renders the same changes identically, so a re-render is a redelivery with the same ids', () => {
    const changes: SourceChange[] = [{ entityType: 'opportunity', externalId: '77', changeKind: 'upsert', occurredAt: at(1), fields: { name: 'Deal', amount: 10 } }];
    const first = receive(hubspotSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: NOW }));
    const again = receive(hubspotSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: new Date(NOW.getTime() + 1000) }));
    expect(again.map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
  });

  it('rejects its own delivery when stale, future, forged or sent to another URL', () => {
    const changes: SourceChange[] = [{ entityType: 'account', externalId: '9', changeKind: 'delete', occurredAt: at(1), fields: {} }];
    const verify = (now: Date, secret = SECRET, url?: string) => {
      const delivery = hubspotSimulator.deliveries(changes, { secret, baseUrl: BASE_URL, now })[0] as OutboundWebhook;
      return hubspotConnector.verify(requestOf(delivery, url), ctx);
    };
    expect(verify(NOW)).toEqual({ kind: 'verified' });
    expect(verify(new Date(NOW.getTime() - 10 * 60_000))).toMatchObject({ reason: 'stale-timestamp' });
    expect(verify(new Date(NOW.getTime() + 10 * 60_000))).toMatchObject({ reason: 'future-timestamp' });
    expect(verify(NOW, 'other-secret')).toMatchObject({ reason: 'bad-signature' });
    expect(verify(NOW, SECRET, 'https://elsewhere.example/webhooks/hubspot')).toMatchObject({ reason: 'bad-signature' });
  });

  it('refuses to render ids HubSpot could not have', () => {
    expect(() => hubspotSimulator.deliveries([{ entityType: 'account', externalId: 'acc-1', changeKind: 'delete', occurredAt: NOW, fields: {} }], { secret: SECRET, baseUrl: BASE_URL, now: NOW })).toThrow(
      /numbers/,
    );
  });

  const text = fc.string({ minLength: 1, maxLength: 30 });
  const hsId = fc.bigInt({ min: 1n, max: 999_999_999_999n }).map(String);
  const address = fc.record({ street: text, city: text, region: text, postalCode: text, country: text }, { requiredKeys: [] });
  const accountFields: fc.Arbitrary<EntityFields['account']> = fc.record(
    {
      name: text,
      domain: text,
      website: text,
      phone: text,
      industry: text,
      employees: fc.nat({ max: 1_000_000 }),
      annualRevenue: fc.double({ min: 0, max: 1e15, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
      lifecycleStage: fc.constantFrom('lead' as const, 'prospect' as const, 'customer' as const),
      ownerEmail: text,
      concordId: text,
      address,
    },
    { requiredKeys: [] },
  );
  const personFields: fc.Arbitrary<EntityFields['person']> = fc.record(
    {
      firstName: text,
      lastName: text,
      email: text,
      phone: text,
      title: text,
      role: fc.constantFrom('buyer' as const, 'user' as const, 'influencer' as const, 'executive_sponsor' as const),
      accountRef: hsId,
      birthDate: fc.integer({ min: Date.UTC(1930, 0, 1), max: Date.UTC(2010, 0, 1) }).map((ms) => new Date(ms).toISOString().slice(0, 10)),
      marketingOptIn: fc.boolean(),
      concordId: text,
      address,
    },
    { requiredKeys: [] },
  );
  const opportunityFields: fc.Arbitrary<EntityFields['opportunity']> = fc.record(
    {
      name: text,
      amount: fc.integer({ min: -1e9, max: 1e12 }).map((c) => c / 100),
      currency: fc.constantFrom('USD', 'EUR', 'JPY'),
      stage: text,
      isClosed: fc.boolean(),
      isWon: fc.boolean(),
      closeDate: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }).map((ms) => new Date(ms).toISOString().slice(0, 10)),
      leadSource: text,
      ownerEmail: text,
      productLine: text,
    },
    { requiredKeys: [] },
  );
  const change: fc.Arbitrary<SourceChange> = fc
    .oneof(
      fc.record({ entityType: fc.constant('account' as const), externalId: hsId, fields: accountFields }),
      fc.record({ entityType: fc.constant('person' as const), externalId: hsId, fields: personFields }),
      fc.record({ entityType: fc.constant('opportunity' as const), externalId: hsId, fields: opportunityFields }),
    )
    .chain((c) =>
      fc.record({ ms: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), sequence: fc.nat({ max: 50 }) }).map(
        ({ ms, sequence }) => ({ ...c, changeKind: 'upsert' as const, occurredAt: new Date(ms), sequence }) as SourceChange,
      ),
    );

  it('gives back every field it rendered, however the records are batched (property)', () => {
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 40 }), (changes) => {
        const events = receive(hubspotSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: NOW }));
        // Expected: the changes folded in (occurredAt, sequence, position) order, as the versions order them.
        const ordered = changes.map((c, i) => ({ c, i })).sort((a, b) => a.c.occurredAt.getTime() - b.c.occurredAt.getTime() || (a.c.sequence ?? 0) - (b.c.sequence ?? 0) || a.i - b.i);
        const expected = new Map<string, Record<string, unknown>>();
        for (const { c } of ordered) {
          const key = `${c.entityType}#${c.externalId}`;
          const record = expected.get(key) ?? {};
          for (const [name, value] of Object.entries(c.fields)) {
            if (name === 'address' && Object.keys(value as object).length === 0) continue;
            record[name] = name === 'address' ? { ...(record.address as object | undefined), ...(value as object) } : value;
          }
          if (Object.keys(record).length > 0 || expected.has(key)) expected.set(key, record);
        }
        const folded = fold(events);
        for (const [key, record] of expected) expect(folded.get(key) ?? {}).toEqual(record);
      }),
      { numRuns: 60 },
    );
  });
});
