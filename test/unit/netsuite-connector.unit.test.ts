import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { CanonicalEvent, formatSourceVersion, type EntityFields } from '../../functions/shared/canonical';
import type { Translation, Verification, WebhookRequest } from '../../functions/ingest/connector';
import { domainOfUrl, netsuiteConnector } from '../../functions/ingest/connectors/netsuite';
import { netsuiteSimulator } from '../../local/vendors/netsuite';
import type { OutboundWebhook, SourceChange } from '../../local/vendors/vendor-simulator';

const SECRET = 'local-netsuite-shared-secret';
const NEXT_SECRET = 'rotated-netsuite-shared-secret';
const BASE_URL = 'http://localhost:3000';
const receivedAt = new Date('2026-03-02T10:00:00Z');
const t = Math.floor(receivedAt.getTime() / 1000);

const requestOf = (webhook: OutboundWebhook): WebhookRequest => ({
  method: webhook.method,
  url: `${BASE_URL}${webhook.path}`,
  headers: Object.fromEntries(Object.entries(webhook.headers).map(([name, value]) => [name.toLowerCase(), value])),
  rawBody: Buffer.from(webhook.body, 'utf8'),
});

/** The documented scheme, by hand: hex HMAC-SHA256 of "<t>.<body>" keyed by the secret. */
const handSigned = (body: string, timestamp: number | string, secret = SECRET): string => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

const rawRequest = (body: string, signature: string | undefined): WebhookRequest => ({
  method: 'POST',
  url: `${BASE_URL}/webhooks/netsuite`,
  headers: signature === undefined ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'x-concord-signature': signature },
  rawBody: Buffer.from(body, 'utf8'),
});

const verify = (request: WebhookRequest, secrets: string[] = [SECRET], at: Date = receivedAt): Verification =>
  netsuiteConnector.verify(request, { secrets, receivedAt: at });

const translate = (body: unknown): Translation => netsuiteConnector.translate(body, rawRequest('', undefined), receivedAt);

const eventsOf = (translation: Translation): CanonicalEvent[] => {
  if (translation.kind !== 'events') throw new Error(`expected events, got ${translation.reason}: ${translation.detail}`);
  return translation.events.map((event) => CanonicalEvent.parse(event));
};

const delivery = (recordType: string, eventType: string, record: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  deliveryId: '9d1e3f0c-5a0b-4b7e-9a53-2f1f3c6f8e21',
  account: '1234567',
  eventType,
  recordType,
  lastModified: '2026-03-02T09:59:58.000Z',
  record,
  ...extra,
});

const customer = {
  id: '4711',
  entityid: 'CUST-00042',
  companyname: 'Acme GmbH',
  isperson: false,
  email: 'ap@acme.example',
  phone: '+49 30 1234567',
  url: 'https://www.Acme.example/',
  vatregnumber: 'DE123456789',
  custentity_concord_id: 'cc_acc_01',
  stage: 'CUSTOMER',
  addressbook: [
    { defaultbilling: false, defaultshipping: true, label: 'Warehouse', addressbookaddress: { addr1: 'Lagerweg 9', city: 'Hamburg', zip: '20095', country: 'DE' } },
    { defaultbilling: 'T', defaultshipping: 'F', label: 'HQ', addressbookaddress: { addr1: 'Hauptstr. 1', addr2: 'Hof 2', city: 'Berlin', state: 'BE', zip: '10115', country: 'DE' } },
  ],
};
const body = JSON.stringify(delivery('customer', 'create', customer));
/** A copy of the full customer, for tests that change part of it. */
const customer_ = (): Record<string, unknown> => structuredClone(customer);

describe('NetSuite connector: verification', () => {
  it('accepts a signature computed by hand from the documented scheme', () => {
    expect(verify(rawRequest(body, `t=${t},v1=${handSigned(body, t)}`))).toEqual({ kind: 'verified' });
  });

  it('accepts upper-case hex, as some HMAC helpers write it', () => {
    expect(verify(rawRequest(body, `t=${t},v1=${handSigned(body, t).toUpperCase()}`))).toEqual({ kind: 'verified' });
  });

  it('signs the timestamp digits as sent', () => {
    const padded = `00${t}`;
    expect(verify(rawRequest(body, `t=${padded},v1=${handSigned(body, padded)}`))).toEqual({ kind: 'verified' });
    expect(verify(rawRequest(body, `t=${padded},v1=${handSigned(body, t)}`))).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
  });

  it('accepts what the simulator sends', () => {
    const [webhook] = netsuiteSimulator.deliveries([{ entityType: 'account', externalId: '1', fields: { name: 'Acme' }, changeKind: 'upsert', occurredAt: receivedAt }], {
      secret: SECRET,
      baseUrl: BASE_URL,
      now: receivedAt,
    });
    expect(verify(requestOf(webhook!))).toEqual({ kind: 'verified' });
  });

  it('accepts either of two signatures while the script signs with the old and the new secret', () => {
    const header = `t=${t},v1=${handSigned(body, t, 'retired-secret')},v1=${handSigned(body, t, NEXT_SECRET)}`;
    expect(verify(rawRequest(body, header), [SECRET, NEXT_SECRET])).toEqual({ kind: 'verified' });
  });

  it('rejects a forged signature and a tampered body', () => {
    expect(verify(rawRequest(body, `t=${t},v1=${handSigned(body, t, 'forger')}`))).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
    expect(verify(rawRequest(body.replace('Acme', 'Evil'), `t=${t},v1=${handSigned(body, t)}`))).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
  });

  it.each([
    ['299 s old', -299, 'verified'],
    ['301 s old', -301, 'stale-timestamp'],
    ['299 s ahead', 299, 'verified'],
    ['301 s ahead', 301, 'future-timestamp'],
  ])('judges a timestamp %s', (_label, offset, expected) => {
    const outcome = verify(rawRequest(body, `t=${t + offset},v1=${handSigned(body, t + offset)}`));
    expect(outcome.kind === 'verified' ? 'verified' : outcome.reason).toBe(expected);
  });

  const good = handSigned(body, t);
  it.each([
    ['no header', undefined, 'missing-signature'],
    ['an empty header', '', 'missing-signature'],
    ['no timestamp', `v1=${good}`, 'missing-timestamp'],
    ['a timestamp in milliseconds with a fraction', `t=${t}.5,v1=${good}`, 'missing-timestamp'],
    ['a negative timestamp', `t=-${t},v1=${good}`, 'missing-timestamp'],
    ['two timestamps', `t=${t},t=${t},v1=${good}`, 'malformed-signature'],
    ['the header sent twice', `t=${t},v1=${good}, t=${t},v1=${good}`, 'malformed-signature'],
    ['a v2 signature only', `t=${t},v2=${good}`, 'malformed-signature'],
    ['a signature that is not hex', `t=${t},v1=${'g'.repeat(64)}`, 'malformed-signature'],
    ['a truncated signature', `t=${t},v1=${good.slice(1)}`, 'malformed-signature'],
    ['a sha256= prefix', `t=${t},v1=sha256=${good}`, 'malformed-signature'],
    ['a bare signature', good, 'malformed-signature'],
  ])('rejects %s', (_label, header, reason) => {
    expect(verify(rawRequest(body, header))).toMatchObject({ kind: 'rejected', reason });
  });

  it('says no secret is configured when the only secret is empty', () => {
    expect(verify(rawRequest(body, `t=${t},v1=${good}`), [''])).toMatchObject({ kind: 'rejected', reason: 'no-secret-configured' });
    // An empty secret beside a real one is skipped, never used as an HMAC key.
    expect(verify(rawRequest(body, `t=${t},v1=${handSigned(body, t, '')}`), ['', SECRET])).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
  });

  it('never throws, whatever the header holds', () => {
    fc.assert(fc.property(fc.string(), (header) => expect(verify(rawRequest(body, header)).kind).toBe('rejected')));
  });
});

describe('NetSuite connector: translation', () => {
  it('maps a customer, taking the default billing address', () => {
    const [event] = eventsOf(translate(delivery('customer', 'create', customer)));
    expect(event).toEqual({
      eventId: 'netsuite:9d1e3f0c-5a0b-4b7e-9a53-2f1f3c6f8e21',
      vendorEventId: '9d1e3f0c-5a0b-4b7e-9a53-2f1f3c6f8e21',
      sourceSystem: 'netsuite',
      entityType: 'account',
      externalId: '4711',
      occurredAt: '2026-03-02T09:59:58.000Z',
      sourceVersion: formatSourceVersion(Date.parse('2026-03-02T09:59:58.000Z')),
      changeKind: 'upsert',
      fields: {
        name: 'Acme GmbH',
        customerNumber: 'CUST-00042',
        website: 'https://www.Acme.example/',
        domain: 'acme.example',
        phone: '+49 30 1234567',
        address: { street: 'Hauptstr. 1\nHof 2', city: 'Berlin', region: 'BE', postalCode: '10115', country: 'DE' },
        taxId: 'DE123456789',
        concordId: 'cc_acc_01',
        lifecycleStage: 'customer',
      },
      raw: customer,
    });
  });

  it('names the changed fields of an inline edit, and reads an emptied one as a clear', () => {
    const [event] = eventsOf(translate(delivery('customer', 'xedit', { id: '4711', phone: '+49 30 7654321', url: '' })));
    // the web address was emptied, so the domain read off it goes too
    expect(event).toMatchObject({ fields: { phone: '+49 30 7654321' }, changedFields: ['phone', 'website', 'domain'], clearedFields: ['website', 'domain'] });
  });

  it('reads every mapped field a create or edit leaves empty, null or out as a clear of its canonical path', () => {
    // given a full snapshot of a customer whose phone, tax id and stage were emptied, and whose address book is empty
    const record = { id: '4711', entityid: 'CUST-00042', companyname: 'Acme GmbH', email: '', phone: '', url: null, vatregnumber: '  ', stage: null, addressbook: [] };
    // when translated
    const [event] = eventsOf(translate(delivery('customer', 'edit', record)));
    // then the empties are clears, by canonical path (the address part by part); the concord id, left out, is one too
    expect(event?.fields).toEqual({ name: 'Acme GmbH', customerNumber: 'CUST-00042' });
    expect([...(event?.clearedFields ?? [])].sort()).toEqual(
      ['address.city', 'address.country', 'address.postalCode', 'address.region', 'address.street', 'concordId', 'domain', 'lifecycleStage', 'phone', 'taxId', 'website'].sort(),
    );
    expect(event).not.toHaveProperty('changedFields');
  });

  it('clears an address part a snapshot’s address leaves empty, and a typed transaction field sent as "" or null', () => {
    const [customer] = eventsOf(
      translate(delivery('customer', 'create', { ...customer_(), addressbook: [{ defaultbilling: true, addressbookaddress: { addr1: 'Hauptstr. 1', addr2: '', city: 'Berlin', zip: null, country: 'DE' } }] })),
    );
    expect((customer?.fields as { address?: object }).address).toEqual({ street: 'Hauptstr. 1', city: 'Berlin', country: 'DE' });
    expect(customer?.clearedFields).toEqual(['address.region', 'address.postalCode']);
    const [invoice] = eventsOf(translate(delivery('invoice', 'edit', { id: '9001', tranid: 'INV-77', entity: '', total: null, amountremaining: '', currency: 'USD', status: 'Open', duedate: '' })));
    expect(invoice?.fields).toEqual({ number: 'INV-77', currency: 'USD', status: 'Open' });
    expect(invoice?.clearedFields).toEqual(['accountRef', 'amount', 'amountDue', 'dueDate']);
  });

  it('in an inline edit clears only what was sent empty: a field left out did not change', () => {
    const [event] = eventsOf(translate(delivery('salesorder', 'xedit', { id: '812', total: null, trandate: '', status: 'Billed' })));
    expect(event).toMatchObject({ fields: { status: 'Billed' }, changedFields: ['status', 'amount', 'orderDate'], clearedFields: ['amount', 'orderDate'] });
  });

  it('neither writes nor clears a stage Concord does not map', () => {
    const [event] = eventsOf(translate(delivery('customer', 'edit', { ...customer_(), stage: 'PARTNER' })));
    expect(event?.fields).not.toHaveProperty('lifecycleStage');
    expect(event).not.toHaveProperty('clearedFields');
  });

  it('maps a sales order', () => {
    const order = { id: 812, tranid: 'SO-1001', entity: 4711, total: '1234.50', currency: 'eur', status: 'Pending Fulfillment', trandate: '2026-03-01' };
    const [event] = eventsOf(translate(delivery('salesorder', 'edit', order)));
    expect(event).toMatchObject({
      entityType: 'order',
      externalId: '812',
      fields: { orderNumber: 'SO-1001', accountRef: '4711', amount: 1234.5, currency: 'EUR', status: 'Pending Fulfillment', orderDate: '2026-03-01' },
    });
    expect(event).not.toHaveProperty('changedFields');
  });

  it('maps an invoice', () => {
    const invoice = { id: '9001', tranid: 'INV-77', entity: '4711', total: 500, amountremaining: 125.25, currency: 'USD', status: 'Open', duedate: '2026-04-01', trandate: '' };
    const [event] = eventsOf(translate(delivery('invoice', 'create', invoice)));
    expect(event?.fields).toEqual({ number: 'INV-77', accountRef: '4711', amount: 500, amountDue: 125.25, currency: 'USD', status: 'Open', dueDate: '2026-04-01' });
  });

  it('maps a delete from the id alone', () => {
    const [event] = eventsOf(translate(delivery('invoice', 'delete', { id: '9001' })));
    expect(event).toMatchObject({ entityType: 'invoice', externalId: '9001', changeKind: 'delete', fields: {} });
  });

  it('gives a retried delivery the same event id', () => {
    const first = eventsOf(translate(delivery('invoice', 'delete', { id: '9001' })))[0];
    const retry = eventsOf(netsuiteConnector.translate(delivery('invoice', 'delete', { id: '9001' }), rawRequest('', undefined), new Date(receivedAt.getTime() + 120_000)))[0];
    expect(retry?.eventId).toBe(first?.eventId);
  });

  it.each([
    ['a record type it does not read', delivery('vendor', 'create', { id: '1' })],
    ['an event type the script should not send', delivery('salesorder', 'approve', { id: '1' })],
  ])('says it does not read %s', (_label, payload) => {
    expect(translate(payload)).toMatchObject({ kind: 'invalid', reason: 'unsupported-event' });
  });

  it.each([
    ['a record without an id', delivery('customer', 'create', { companyname: 'Acme' }), 'record.id'],
    ['a total that is not a number', delivery('invoice', 'create', { id: '1', total: '1.234,50' }), 'record.total'],
    ['a date in the user\'s display format', delivery('salesorder', 'create', { id: '1', trandate: '3/1/2026' }), 'record.trandate'],
    ['a currency symbol instead of its code', delivery('invoice', 'create', { id: '1', currency: '$' }), 'record.currency'],
    ['a currency internal id', delivery('invoice', 'create', { id: '1', currency: '2' }), 'record.currency'],
    ['a customer name as entity', delivery('invoice', 'create', { id: '1', entity: 'Acme GmbH' }), 'record.entity'],
    ['a lastModified that is not an instant', delivery('customer', 'create', { id: '1' }, { lastModified: '3/2/2026 9:59 am' }), 'lastModified'],
    ['no deliveryId', { ...delivery('customer', 'create', { id: '1' }), deliveryId: undefined }, 'deliveryId'],
  ])('rejects %s with the path of the problem', (_label, payload, path) => {
    const translation = translate(payload);
    expect(translation).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
    expect(translation.kind === 'invalid' && translation.detail.startsWith(`${path}:`)).toBe(true);
  });

  it.each([
    ['https://www.acme.example/about', 'acme.example'],
    ['acme.example', 'acme.example'],
    ['http://shop.acme.example:8080', 'shop.acme.example'],
    ['not a url', undefined],
    ['localhost', undefined],
  ])('reads the domain of %s', (url, domain) => {
    expect(domainOfUrl(url)).toBe(domain);
  });
});

describe('NetSuite simulator → connector round trip', () => {
  const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s);
  const id = fc.integer({ min: 1, max: 99_999_999 }).map(String);
  const day = fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map((s) => new Date(s * 1000).toISOString().slice(0, 10));
  const money = fc.integer({ min: -1_000_000, max: 100_000_000 }).map((cents) => cents / 100);
  const currency = fc.constantFrom('USD', 'EUR', 'JPY', 'GBP');

  const account = fc
    .record(
      {
        name: text,
        customerNumber: text,
        domain: fc.domain(),
        phone: text,
        address: fc.record({ street: text, city: text, region: text, postalCode: text, country: fc.constantFrom('DE', 'US') }, { requiredKeys: ['city'] }),
        taxId: text,
        concordId: text,
        lifecycleStage: fc.constantFrom('lead', 'prospect', 'customer'),
      },
      { requiredKeys: [] },
    )
    .map((fields): EntityFields['account'] => (fields.domain === undefined ? fields : { ...fields, website: `https://www.${fields.domain}/` }));
  const order = fc.record({ orderNumber: text, accountRef: id, amount: money, currency, status: text, orderDate: day }, { requiredKeys: [] });
  const invoice = fc.record({ number: text, accountRef: id, amount: money, amountDue: money, currency, status: text, dueDate: day }, { requiredKeys: [] });

  const change = fc.oneof(
    account.map((fields): SourceChange => ({ entityType: 'account', externalId: '4711', fields, changeKind: 'upsert', occurredAt: receivedAt })),
    order.map((fields): SourceChange => ({ entityType: 'order', externalId: '812', fields, changeKind: 'upsert', occurredAt: receivedAt })),
    invoice.map((fields): SourceChange => ({ entityType: 'invoice', externalId: '9001', fields, changeKind: 'upsert', occurredAt: receivedAt })),
  );

  it('gives back the canonical fields it rendered, first as a create and then as an inline edit', () => {
    fc.assert(
      fc.property(change, change, (first, second) => {
        const followUp = { ...second, entityType: first.entityType, externalId: first.externalId, occurredAt: new Date(receivedAt.getTime() + 1000) } as SourceChange;
        const webhooks = netsuiteSimulator.deliveries([first, followUp], { secret: SECRET, baseUrl: BASE_URL, now: receivedAt });
        const events = webhooks.map((webhook) => {
          expect(verify(requestOf(webhook))).toEqual({ kind: 'verified' });
          return eventsOf(netsuiteConnector.translate(JSON.parse(webhook.body), requestOf(webhook), receivedAt))[0]!;
        });
        expect(events[0]).toMatchObject({ entityType: first.entityType, externalId: first.externalId, changeKind: 'upsert', fields: first.fields });
        expect(events[0]).not.toHaveProperty('changedFields');
        // A follow-up of another entity type's fields keeps only the ones this record type has.
        if (second.entityType === first.entityType) {
          expect(events[1]).toMatchObject({ changeKind: 'upsert', fields: second.fields });
          expect([...(events[1]!.changedFields ?? [])].sort()).toEqual(Object.keys(second.fields).sort());
          expect(events[1]!.sourceVersion > events[0]!.sourceVersion).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('turns an emptied text of a later change into a clear', () => {
    const webhooks = netsuiteSimulator.deliveries(
      [
        { entityType: 'account', externalId: '4711', fields: { name: 'Acme', phone: '+49 30 1' }, changeKind: 'upsert', occurredAt: receivedAt },
        { entityType: 'account', externalId: '4711', fields: { phone: '' }, changeKind: 'upsert', occurredAt: new Date(receivedAt.getTime() + 1000) },
      ],
      { secret: SECRET, baseUrl: BASE_URL, now: receivedAt },
    );
    const [, edit] = webhooks.map((w) => eventsOf(netsuiteConnector.translate(JSON.parse(w.body), requestOf(w), receivedAt))[0]!);
    expect(edit).toMatchObject({ fields: {}, changedFields: ['phone'], clearedFields: ['phone'] });
  });

  it('sends deletes and erases as deletes', () => {
    const webhooks = netsuiteSimulator.deliveries(
      [
        { entityType: 'order', externalId: '812', fields: {}, changeKind: 'delete', occurredAt: receivedAt },
        { entityType: 'account', externalId: '4711', fields: {}, changeKind: 'erase', occurredAt: receivedAt },
      ],
      { secret: SECRET, baseUrl: BASE_URL, now: receivedAt },
    );
    const events = webhooks.map((w) => eventsOf(netsuiteConnector.translate(JSON.parse(w.body), requestOf(w), receivedAt))[0]!);
    expect(events.map((e) => [e.entityType, e.externalId, e.changeKind])).toEqual([
      ['order', '812', 'delete'],
      ['account', '4711', 'delete'],
    ]);
  });
});
