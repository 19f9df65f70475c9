import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { CanonicalEvent, formatSourceVersion, type EntityFields } from '../../functions/shared/canonical';
import type { Translation, Verification, WebhookRequest } from '../../functions/ingest/connector';
import { stripeConnector, stripeMinorToMajor } from '../../functions/ingest/connectors/stripe';
import { stripeSimulator } from '../../local/vendors/stripe';
import type { OutboundWebhook, SourceChange } from '../../local/vendors/vendor-simulator';

const SECRET = 'whsec_test_concord_endpoint_secret';
const OLD_SECRET = 'whsec_test_previous_endpoint_secret';
const BASE_URL = 'http://localhost:3000';
const receivedAt = new Date('2026-03-02T10:00:00Z');
const t = Math.floor(receivedAt.getTime() / 1000);

const requestOf = (webhook: OutboundWebhook): WebhookRequest => ({
  method: webhook.method,
  url: `${BASE_URL}${webhook.path}`,
  headers: Object.fromEntries(Object.entries(webhook.headers).map(([name, value]) => [name.toLowerCase(), value])),
  rawBody: Buffer.from(webhook.body, 'utf8'),
});

const rawRequest = (body: string, signature: string | undefined): WebhookRequest => ({
  method: 'POST',
  url: `${BASE_URL}/webhooks/stripe`,
  headers: signature === undefined ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'stripe-signature': signature },
  rawBody: Buffer.from(body, 'utf8'),
});

/** Stripe's documented scheme, computed by hand: hex HMAC-SHA256 of "<t>.<body>" keyed by the secret. */
const handSigned = (body: string, secret: string, timestamp: number): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

const verify = (request: WebhookRequest, secrets: string[] = [SECRET], at: Date = receivedAt): Verification =>
  stripeConnector.verify(request, { secrets, receivedAt: at });

const translateDelivery = (webhook: OutboundWebhook): Translation => {
  const request = requestOf(webhook);
  return stripeConnector.translate(JSON.parse(webhook.body), request, receivedAt);
};

const eventsOf = (translation: Translation): CanonicalEvent[] => {
  if (translation.kind !== 'events') throw new Error(`expected events, got ${translation.reason}: ${translation.detail}`);
  return translation.events.map((event) => CanonicalEvent.parse(event));
};

const stripeEvent = (type: string, object: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy',
  object: 'event',
  api_version: '2024-06-20',
  created: 1_772_445_000,
  data: { object },
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  type,
  ...extra,
});

const minimalBody = JSON.stringify(stripeEvent('customer.created', { id: 'cus_1', object: 'customer', name: 'Acme GmbH' }));

describe('Stripe connector: verification', () => {
  it('accepts a signature computed by hand from the documented scheme', () => {
    const signature = `t=${t},v1=${handSigned(minimalBody, SECRET, t)}`;
    expect(verify(rawRequest(minimalBody, signature))).toEqual({ kind: 'verified' });
  });

  it('accepts what the simulator sends', () => {
    const [webhook] = stripeSimulator.deliveries(
      [{ entityType: 'account', externalId: 'cus_9', fields: { name: 'Acme' }, changeKind: 'upsert', occurredAt: receivedAt }],
      { secret: SECRET, baseUrl: BASE_URL, now: receivedAt },
    );
    expect(verify(requestOf(webhook!))).toEqual({ kind: 'verified' });
  });

  it('accepts a delivery signed with either secret while one is being rotated', () => {
    const signature = `t=${t},v1=${handSigned(minimalBody, OLD_SECRET, t)}`;
    expect(verify(rawRequest(minimalBody, signature), [SECRET, OLD_SECRET])).toEqual({ kind: 'verified' });
  });

  it('accepts a header with several v1 signatures when any one matches (Stripe rolling its secret)', () => {
    const signature = `t=${t},v1=${handSigned(minimalBody, 'whsec_someone_else', t)},v1=${handSigned(minimalBody, SECRET, t)},v0=${'0'.repeat(64)}`;
    expect(verify(rawRequest(minimalBody, signature))).toEqual({ kind: 'verified' });
  });

  it('rejects a signature made with another secret', () => {
    const signature = `t=${t},v1=${handSigned(minimalBody, 'whsec_forger', t)}`;
    expect(verify(rawRequest(minimalBody, signature))).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
  });

  it('rejects a body changed after signing', () => {
    const signature = `t=${t},v1=${handSigned(minimalBody, SECRET, t)}`;
    expect(verify(rawRequest(minimalBody.replace('Acme', 'Evil'), signature))).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
  });

  it('rejects a signature over a different timestamp than the one in the header', () => {
    const signature = `t=${t + 1},v1=${handSigned(minimalBody, SECRET, t)}`;
    expect(verify(rawRequest(minimalBody, signature))).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
  });

  it.each([
    ['299 s old', -299, 'verified'],
    ['301 s old', -301, 'stale-timestamp'],
    ['299 s in the future', 299, 'verified'],
    ['301 s in the future', 301, 'future-timestamp'],
  ])('judges a timestamp %s', (_label, offset, expected) => {
    const signedAt = t + offset;
    const signature = `t=${signedAt},v1=${handSigned(minimalBody, SECRET, signedAt)}`;
    const outcome = verify(rawRequest(minimalBody, signature));
    expect(outcome.kind === 'verified' ? 'verified' : outcome.reason).toBe(expected);
  });

  it('judges freshness against the receipt time it is given, so a replay uses the original one', () => {
    const signedAt = t - 3600;
    const signature = `t=${signedAt},v1=${handSigned(minimalBody, SECRET, signedAt)}`;
    expect(verify(rawRequest(minimalBody, signature), [SECRET], new Date((signedAt + 10) * 1000))).toEqual({ kind: 'verified' });
  });

  const good = handSigned(minimalBody, SECRET, t);
  it.each([
    ['no header', undefined, 'missing-signature'],
    ['an empty header', '', 'missing-signature'],
    ['a blank header', '   ', 'missing-signature'],
    ['no timestamp', `v1=${good}`, 'missing-timestamp'],
    ['a timestamp that is not a number', `t=yesterday,v1=${good}`, 'missing-timestamp'],
    ['a timestamp with trailing junk', `t=${t}abc,v1=${good}`, 'missing-timestamp'],
    ['two timestamps (header sent twice, joined with a comma)', `t=${t},v1=${good},t=${t},v1=${good}`, 'malformed-signature'],
    ['the header sent twice, joined with ", "', `t=${t},v1=${good}, t=${t},v1=${good}`, 'malformed-signature'],
    ['only another scheme', `t=${t},v2=${good}`, 'malformed-signature'],
    ['only the test-mode v0 scheme', `t=${t},v0=${good}`, 'malformed-signature'],
    ['a signature that is not hex', `t=${t},v1=${'z'.repeat(64)}`, 'malformed-signature'],
    ['a signature of the wrong length', `t=${t},v1=${good.slice(0, 40)}`, 'malformed-signature'],
    ['a base64 signature', `t=${t},v1=${Buffer.from(good, 'hex').toString('base64')}`, 'malformed-signature'],
    ['an entry without "="', `t=${t},v1`, 'malformed-signature'],
    ['spaces inside', `t=${t}, v1=${good}`, 'malformed-signature'],
  ])('rejects %s', (_label, header, reason) => {
    expect(verify(rawRequest(minimalBody, header))).toMatchObject({ kind: 'rejected', reason });
  });

  it('says no secret is configured when the only secrets are empty or blank', () => {
    const signature = `t=${t},v1=${good}`;
    expect(verify(rawRequest(minimalBody, signature), [''])).toMatchObject({ kind: 'rejected', reason: 'no-secret-configured' });
    expect(verify(rawRequest(minimalBody, signature), [' '])).toMatchObject({ kind: 'rejected', reason: 'no-secret-configured' });
    expect(verify(rawRequest(minimalBody, signature), ['', SECRET])).toEqual({ kind: 'verified' });
  });

  it('verifies a correctly signed body that is not JSON, leaving the parse failure to the ingest path', () => {
    const body = '{"id": "evt_1", truncated';
    expect(verify(rawRequest(body, `t=${t},v1=${handSigned(body, SECRET, t)}`))).toEqual({ kind: 'verified' });
  });

  it('never throws, whatever the header holds', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        const outcome = verify(rawRequest(minimalBody, header));
        expect(outcome.kind).toBe('rejected');
      }),
    );
  });
});

describe('Stripe connector: translation', () => {
  it('maps a customer to an account, its billing email to a company domain, and keeps the raw object', () => {
    const customer = {
      id: 'cus_NffrFeUfNV2Hib',
      object: 'customer',
      name: 'Acme GmbH',
      email: 'Billing@Acme.example',
      phone: '+49 30 1234567',
      address: { line1: 'Hauptstr. 1', line2: 'Hof 2', city: 'Berlin', state: null, postal_code: '10115', country: 'DE' },
      metadata: { concord_id: 'cc_acc_01', other: 'x' },
      tax_ids: { object: 'list', data: [{ id: 'txi_1', object: 'tax_id', type: 'eu_vat', value: 'DE123456789' }] },
    };
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('customer.updated', customer), rawRequest('', undefined), receivedAt));
    expect(event).toEqual({
      eventId: 'stripe:evt_1NG8Du2eZvKYlo2CUI79vXWy',
      vendorEventId: 'evt_1NG8Du2eZvKYlo2CUI79vXWy',
      sourceSystem: 'stripe',
      entityType: 'account',
      externalId: 'cus_NffrFeUfNV2Hib',
      occurredAt: new Date(1_772_445_000_000).toISOString(),
      sourceVersion: formatSourceVersion(1_772_445_000_000, 1),
      changeKind: 'upsert',
      fields: {
        name: 'Acme GmbH',
        domain: 'acme.example',
        phone: '+49 30 1234567',
        address: { street: 'Hauptstr. 1\nHof 2', city: 'Berlin', postalCode: '10115', country: 'DE' },
        taxId: 'DE123456789',
        concordId: 'cc_acc_01',
      },
      // the object is the whole customer, so its null state is a clear
      clearedFields: ['address.region'],
      raw: customer,
    });
  });

  it('takes no company domain from a personal mailbox', () => {
    const [event] = eventsOf(
      stripeConnector.translate(stripeEvent('customer.created', { id: 'cus_1', object: 'customer', name: 'Jo', email: 'jo@gmail.com' }), rawRequest('', undefined), receivedAt),
    );
    expect(event?.fields).toEqual({ name: 'Jo' });
  });

  it('reads every mapped attribute a customer object holds no value for as a clear, never as "" or silence', () => {
    // given a customer whose phone, address, company email and Concord id were emptied in Stripe
    const customer = { id: 'cus_1', object: 'customer', name: 'Acme GmbH', email: 'jo@gmail.com', phone: '', address: null, metadata: {} };
    // when translated
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('customer.updated', customer), rawRequest('', undefined), receivedAt));
    // then only the name is written and each emptied canonical path is cleared; tax ids, not expanded, are not spoken of
    expect(event?.fields).toEqual({ name: 'Acme GmbH' });
    expect(event?.clearedFields).toEqual(['domain', 'phone', 'address.street', 'address.city', 'address.region', 'address.postalCode', 'address.country', 'concordId']);
    expect(event).not.toHaveProperty('changedFields');
  });

  it('clears the tax id only when the expanded tax_ids list says there is none', () => {
    const base = { id: 'cus_1', object: 'customer', name: 'Acme', email: 'ap@acme.example', phone: '+1', address: { line1: 'a', city: 'b', state: 'c', postal_code: 'd', country: 'DE' }, metadata: { concord_id: 'x' } };
    const translated = (extra: Record<string, unknown>) => eventsOf(stripeConnector.translate(stripeEvent('customer.updated', { ...base, ...extra }), rawRequest('', undefined), receivedAt))[0];
    expect(translated({})).not.toHaveProperty('clearedFields');
    expect(translated({ tax_ids: { object: 'list', data: [] } })?.clearedFields).toEqual(['taxId']);
  });

  it('reports customer.deleted as a delete', () => {
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('customer.deleted', { id: 'cus_1', object: 'customer', deleted: true }), rawRequest('', undefined), receivedAt));
    expect(event).toMatchObject({ entityType: 'account', externalId: 'cus_1', changeKind: 'delete', fields: {} });
  });

  const subscription = (overrides: Record<string, unknown> = {}, item: Record<string, unknown> = {}) => ({
    id: 'sub_1',
    object: 'subscription',
    customer: 'cus_1',
    status: 'active',
    currency: 'jpy',
    cancel_at_period_end: true,
    items: {
      object: 'list',
      data: [{ id: 'si_1', object: 'subscription_item', quantity: 3, current_period_end: 1_775_000_000, price: { id: 'price_1', nickname: 'Team', product: 'prod_1', unit_amount: 1500, currency: 'jpy' }, ...item }],
    },
    ...overrides,
  });

  it('maps a subscription with its period on the item (API 2025-03-31.basil and later), in a zero-decimal currency', () => {
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('customer.subscription.created', subscription()), rawRequest('', undefined), receivedAt));
    expect(event).toMatchObject({
      entityType: 'subscription',
      externalId: 'sub_1',
      changeKind: 'upsert',
      fields: { accountRef: 'cus_1', status: 'active', plan: 'Team', quantity: 3, amount: 4500, currency: 'JPY', currentPeriodEnd: '2026-03-31T23:33:20.000Z', cancelAtPeriodEnd: true },
    });
  });

  it('maps a subscription with its period on the subscription (older API versions), an expanded customer and a product for a plan', () => {
    const sub = subscription(
      { customer: { id: 'cus_2', object: 'customer' }, currency: 'usd', current_period_end: 1_775_000_000 },
      { current_period_end: undefined, price: { id: 'price_1', nickname: null, product: { id: 'prod_pro' }, unit_amount: 1999, currency: 'usd' }, quantity: 2 },
    );
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('customer.subscription.updated', sub), rawRequest('', undefined), receivedAt));
    expect(event?.fields).toMatchObject({ accountRef: 'cus_2', plan: 'prod_pro', amount: 39.98, currency: 'USD', currentPeriodEnd: '2026-03-31T23:33:20.000Z' });
  });

  it('sums every item of a subscription, in a three-decimal currency', () => {
    const sub = subscription(
      { currency: 'kwd' },
      {},
    );
    sub.items.data.push({ id: 'si_2', object: 'subscription_item', quantity: 1, current_period_end: 1_775_000_000, price: { id: 'price_2', nickname: 'Add-on', product: 'prod_2', unit_amount: 2505, currency: 'kwd' } });
    sub.items.data[0]!.price.currency = 'kwd';
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('customer.subscription.updated', sub), rawRequest('', undefined), receivedAt));
    expect(event?.fields).toMatchObject({ plan: 'Team', quantity: 3, amount: 7.005, currency: 'KWD' });
  });

  it('clears what a subscription object holds no value for: a metered price’s amount, a missing customer', () => {
    const metered = subscription({ customer: null, cancel_at_period_end: null }, { quantity: null, price: { id: 'price_m', nickname: 'Metered', product: 'prod_1', unit_amount: null, currency: 'jpy' } });
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('customer.subscription.updated', metered), rawRequest('', undefined), receivedAt));
    expect(event?.fields).toEqual({ status: 'active', plan: 'Metered', currency: 'JPY', currentPeriodEnd: '2026-03-31T23:33:20.000Z' });
    expect(event?.clearedFields).toEqual(['accountRef', 'quantity', 'amount', 'cancelAtPeriodEnd']);
  });

  it('reports an ended subscription as status canceled, not as a deleted record', () => {
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('customer.subscription.deleted', subscription({ status: 'canceled' })), rawRequest('', undefined), receivedAt));
    expect(event).toMatchObject({ changeKind: 'upsert', fields: { status: 'canceled' } });
  });

  const invoice = (overrides: Record<string, unknown> = {}) => ({
    id: 'in_1',
    object: 'invoice',
    number: 'ACME-0042',
    customer: 'cus_1',
    total: 12_000,
    amount_due: 12_000,
    currency: 'eur',
    status: 'open',
    due_date: 1_775_000_000,
    status_transitions: { finalized_at: 1_772_000_000, paid_at: null },
    ...overrides,
  });

  it('maps an invoice whose payment failed', () => {
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('invoice.payment_failed', invoice()), rawRequest('', undefined), receivedAt));
    expect(event?.fields).toEqual({ number: 'ACME-0042', accountRef: 'cus_1', amount: 120, amountDue: 120, currency: 'EUR', status: 'open', dueDate: '2026-03-31', paymentFailed: true });
  });

  it('maps a paid invoice with the time it was paid', () => {
    const paid = invoice({ status: 'paid', amount_due: 0, status_transitions: { paid_at: 1_772_445_000 } });
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('invoice.paid', paid), rawRequest('', undefined), receivedAt));
    expect(event?.fields).toMatchObject({ status: 'paid', amountDue: 0, paidAt: new Date(1_772_445_000_000).toISOString(), paymentFailed: false });
  });

  it('leaves paymentFailed alone on events that do not speak about payment', () => {
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('invoice.finalized', invoice()), rawRequest('', undefined), receivedAt));
    expect(event?.fields).not.toHaveProperty('paymentFailed');
    expect(event?.clearedFields).not.toContain('paymentFailed');
  });

  it('clears an invoice’s unpaid time, and the due date and number a draft charged automatically has none of', () => {
    const draft = invoice({ number: null, due_date: null, status: 'draft' });
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('invoice.updated', draft), rawRequest('', undefined), receivedAt));
    expect(event?.fields).toEqual({ accountRef: 'cus_1', amount: 120, amountDue: 120, currency: 'EUR', status: 'draft' });
    expect(event?.clearedFields).toEqual(['number', 'dueDate', 'paidAt']);
  });

  it('orders same-second events of one invoice by their place in its lifecycle', () => {
    const versions = ['invoice.created', 'invoice.finalized', 'invoice.paid'].map((type) => {
      const [event] = eventsOf(stripeConnector.translate(stripeEvent(type, invoice()), rawRequest('', undefined), receivedAt));
      return event!.sourceVersion;
    });
    expect([...versions].sort()).toEqual(versions);
    expect(new Set(versions).size).toBe(3);
  });

  it('reports a deleted draft invoice as a delete', () => {
    const [event] = eventsOf(stripeConnector.translate(stripeEvent('invoice.deleted', invoice({ status: 'draft' })), rawRequest('', undefined), receivedAt));
    expect(event).toMatchObject({ entityType: 'invoice', changeKind: 'delete' });
  });

  it('gives the same event id to the same event delivered twice', () => {
    const body = stripeEvent('invoice.paid', invoice());
    const a = eventsOf(stripeConnector.translate(body, rawRequest('', undefined), receivedAt));
    const b = eventsOf(stripeConnector.translate(structuredClone(body), rawRequest('', undefined), new Date(receivedAt.getTime() + 60_000)));
    expect(a[0]?.eventId).toBe(b[0]?.eventId);
  });

  it('says which event types it does not read', () => {
    expect(stripeConnector.translate(stripeEvent('charge.succeeded', { id: 'ch_1', object: 'charge' }), rawRequest('', undefined), receivedAt)).toMatchObject({
      kind: 'invalid',
      reason: 'unsupported-event',
    });
  });

  it.each([
    ['a body that is not an event', { hello: 'world' }, 'id'],
    ['an event without an object id', stripeEvent('invoice.paid', { object: 'invoice' }), 'data.object.id'],
    ['an invoice whose total is text', stripeEvent('invoice.paid', invoice({ total: '120.00' })), 'data.object.total'],
    ['a subscription without items', stripeEvent('customer.subscription.updated', { id: 'sub_1', object: 'subscription', customer: 'cus_1', status: 'active' }), 'data.object.items'],
    ['a non-object body', 'evt_1', '(root)'],
  ])('rejects %s with the path of the problem', (_label, body, path) => {
    const translation = stripeConnector.translate(body, rawRequest('', undefined), receivedAt);
    expect(translation).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
    expect(translation.kind === 'invalid' && translation.detail.startsWith(`${path}:`)).toBe(true);
  });
});

describe('Stripe simulator → connector round trip', () => {
  const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && s !== '');
  const instant = fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map((s) => new Date(s * 1000).toISOString());
  const day = fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map((s) => new Date(s * 1000).toISOString().slice(0, 10));
  const currency = fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'GBP', 'CLP');

  const account = fc.record(
    {
      name: text,
      domain: fc.domain().filter((d) => !['gmail.com', 'outlook.com'].includes(d)),
      phone: text,
      address: fc.record({ street: text, city: text, region: text, postalCode: text, country: fc.constantFrom('DE', 'US', 'JP') }, { requiredKeys: [] }),
      taxId: text,
      concordId: text,
    },
    { requiredKeys: [] },
  ).map((fields) => (fields.address !== undefined && Object.keys(fields.address).length === 0 ? { ...fields, address: undefined } : fields))
    .map((fields) => JSON.parse(JSON.stringify(fields)) as EntityFields['account']);

  const subscription = fc
    .record({ accountRef: text.map((s) => `cus_${s}`), status: fc.constantFrom('active', 'trialing', 'past_due', 'paused'), plan: text, quantity: fc.integer({ min: 1, max: 50 }), unit: fc.integer({ min: 0, max: 1_000_000 }), currency, currentPeriodEnd: instant, cancelAtPeriodEnd: fc.boolean() })
    .map(({ unit, ...fields }): EntityFields['subscription'] => ({ ...fields, amount: stripeMinorToMajor(unit * fields.quantity, fields.currency) }));

  const invoice = fc
    .record({ number: text, accountRef: text.map((s) => `cus_${s}`), total: fc.integer({ min: 0, max: 10_000_000 }), due: fc.integer({ min: 0, max: 10_000_000 }), currency, status: fc.constantFrom('draft', 'open', 'paid', 'void', 'uncollectible'), dueDate: day, paidAt: instant, paymentFailed: fc.constantFrom(true, false, undefined) })
    .map(({ total, due, paymentFailed, ...fields }): EntityFields['invoice'] => ({
      ...fields,
      amount: stripeMinorToMajor(total, fields.currency),
      amountDue: stripeMinorToMajor(due, fields.currency),
      ...(paymentFailed === undefined ? {} : { paymentFailed }),
    }));

  const change = fc.oneof(
    account.map((fields): SourceChange => ({ entityType: 'account', externalId: 'cus_A1', fields, changeKind: 'upsert', occurredAt: receivedAt })),
    subscription.map((fields): SourceChange => ({ entityType: 'subscription', externalId: 'sub_A1', fields, changeKind: 'upsert', occurredAt: receivedAt })),
    invoice.map((fields): SourceChange => ({ entityType: 'invoice', externalId: 'in_A1', fields, changeKind: 'upsert', occurredAt: receivedAt })),
  );

  /** What Stripe can say back: an invoice.paid event also says the last payment did not fail. */
  const expectedFields = (c: SourceChange) =>
    c.entityType === 'invoice' && c.fields.paymentFailed === undefined && c.fields.status === 'paid' ? { ...c.fields, paymentFailed: false } : c.fields;

  it('gives back the canonical fields it rendered', () => {
    fc.assert(
      fc.property(change, (c) => {
        const [webhook] = stripeSimulator.deliveries([c], { secret: SECRET, baseUrl: BASE_URL, now: receivedAt });
        expect(verify(requestOf(webhook!))).toEqual({ kind: 'verified' });
        const [event] = eventsOf(translateDelivery(webhook!));
        expect(event).toMatchObject({ entityType: c.entityType, externalId: c.externalId, changeKind: 'upsert', occurredAt: receivedAt.toISOString() });
        expect(event?.fields).toEqual(expectedFields(c));
      }),
      { numRuns: 200 },
    );
  });

  it('renders one event per delivery, creations before updates, and deletes as Stripe can express them', () => {
    const later = new Date(receivedAt.getTime() + 1000);
    const webhooks = stripeSimulator.deliveries(
      [
        { entityType: 'account', externalId: 'cus_1', fields: { name: 'Acme' }, changeKind: 'upsert', occurredAt: receivedAt },
        { entityType: 'account', externalId: 'cus_1', fields: { phone: '+1 555' }, changeKind: 'upsert', occurredAt: later },
        { entityType: 'account', externalId: 'cus_1', fields: {}, changeKind: 'erase', occurredAt: later },
        { entityType: 'invoice', externalId: 'in_1', fields: { amount: 10, currency: 'USD' }, changeKind: 'delete', occurredAt: later },
      ],
      { secret: SECRET, baseUrl: BASE_URL, now: later },
    );
    expect(webhooks.map((w) => (JSON.parse(w.body) as { type: string }).type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted', 'invoice.deleted']);
    const events = webhooks.map((w) => eventsOf(translateDelivery(w))[0]!);
    // Stripe sends whole objects, so the update still carries the name it had.
    expect(events[1]?.fields).toEqual({ name: 'Acme', phone: '+1 555' });
    expect(events.map((e) => e.changeKind)).toEqual(['upsert', 'upsert', 'delete', 'delete']);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(4);
    for (const webhook of webhooks) expect(verify(requestOf(webhook), [SECRET], later)).toEqual({ kind: 'verified' });
  });

  it('speaks of every field it maps in each snapshot: written, or cleared when emptied (property)', () => {
    const leaves = (fields: object): string[] =>
      Object.entries(fields).flatMap(([name, value]) => (typeof value === 'object' && value !== null ? Object.keys(value as object).map((part) => `${name}.${part}`) : [name]));
    const address = ['address.street', 'address.city', 'address.region', 'address.postalCode', 'address.country'];
    const mapped = { account: ['name', 'domain', 'phone', ...address, 'concordId'], subscription: ['accountRef', 'status', 'plan', 'quantity', 'amount', 'currency', 'currentPeriodEnd', 'cancelAtPeriodEnd'], invoice: ['number', 'accountRef', 'amount', 'amountDue', 'currency', 'status', 'dueDate', 'paidAt'] } as const;
    fc.assert(
      fc.property(change, (c) => {
        const [event] = eventsOf(translateDelivery(stripeSimulator.deliveries([c], { secret: SECRET, baseUrl: BASE_URL, now: receivedAt })[0]!));
        const written = leaves(event!.fields);
        const cleared = event!.clearedFields ?? [];
        expect(cleared.filter((path) => written.includes(path))).toEqual([]);
        for (const path of mapped[c.entityType as keyof typeof mapped]) expect([...written, ...cleared]).toContain(path);
      }),
      { numRuns: 100 },
    );
  });

  it('turns an emptied text of a later change into a clear, as the whole object no longer holds it', () => {
    const webhooks = stripeSimulator.deliveries(
      [
        { entityType: 'account', externalId: 'cus_1', fields: { name: 'Acme', phone: '+1 555' }, changeKind: 'upsert', occurredAt: receivedAt },
        { entityType: 'account', externalId: 'cus_1', fields: { phone: '' }, changeKind: 'upsert', occurredAt: new Date(receivedAt.getTime() + 1000) },
      ],
      { secret: SECRET, baseUrl: BASE_URL, now: receivedAt },
    );
    const [, updated] = webhooks.map((w) => eventsOf(translateDelivery(w))[0]!);
    expect(updated?.fields).toEqual({ name: 'Acme' });
    expect(updated?.clearedFields).toContain('phone');
  });

  it('renders the same changes the same way', () => {
    const changes: SourceChange[] = [{ entityType: 'invoice', externalId: 'in_1', fields: { amount: 10, currency: 'USD' }, changeKind: 'upsert', occurredAt: receivedAt }];
    const options = { secret: SECRET, baseUrl: BASE_URL, now: receivedAt };
    expect(stripeSimulator.deliveries(changes, options)).toEqual(stripeSimulator.deliveries(changes, options));
  });
});
