/**
 * Renders canonical changes as Stripe would deliver them: one snapshot Event per request, in the
 * shape of the API version the `stripe` package targets (the subscription period lives on its
 * items), signed with `Stripe-Signature: t=…,v1=…` by the package's own test-header helper.
 *
 * Stripe always sends the whole object, so within one call the simulator keeps each record's
 * fields so far and renders the merged snapshot; fields never given are null where Stripe allows
 * null and a plain default elsewhere. The first change to a record in a call is rendered as its
 * `.created` event and later ones as `.updated` (or the more specific invoice event the fields
 * imply). Stripe cannot express
 * everything Concord can: an account erase is sent as customer.deleted (a delete), a subscription
 * delete as customer.subscription.deleted with status "canceled" (Stripe ends subscriptions, it
 * never deletes them), and an invoice's `paymentFailed: false` only travels with invoice.paid.
 */
import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import type { Account, Invoice, Subscription } from '../../functions/shared/canonical';
import { stripeMajorToMinor } from '../../functions/ingest/connectors/stripe';
import type { DeliveryOptions, OutboundWebhook, SourceChange, VendorSimulator } from './vendor-simulator';

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const secondsOfIso = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
/** A stable Stripe-looking id: the same change at the same place renders the same way. */
const stripeId = (prefix: string, ...parts: unknown[]): string =>
  `${prefix}_${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24)}`;

const customerOf = (externalId: string, fields: Partial<Account>, createdAt: number) => ({
  id: externalId,
  object: 'customer',
  address:
    fields.address === undefined
      ? null
      : {
          line1: fields.address.street ?? null,
          line2: null,
          city: fields.address.city ?? null,
          state: fields.address.region ?? null,
          postal_code: fields.address.postalCode ?? null,
          country: fields.address.country ?? null,
        },
  balance: 0,
  created: createdAt,
  currency: null,
  default_source: null,
  delinquent: false,
  description: null,
  // The connector reads the company's domain from the billing email; this is how it gets there.
  email: fields.domain === undefined ? null : `billing@${fields.domain}`,
  invoice_prefix: externalId.slice(-8).toUpperCase(),
  invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
  livemode: false,
  metadata: fields.concordId === undefined ? {} : { concord_id: fields.concordId },
  name: fields.name ?? null,
  phone: fields.phone ?? null,
  preferred_locales: [],
  shipping: null,
  tax_exempt: 'none',
  test_clock: null,
  ...(fields.taxId === undefined
    ? {}
    : { tax_ids: { object: 'list', data: [{ id: stripeId('txi', externalId), object: 'tax_id', type: 'eu_vat', value: fields.taxId }], has_more: false } }),
});

const subscriptionOf = (externalId: string, fields: Partial<Subscription>, createdAt: number, canceled: boolean) => {
  const currency = (fields.currency ?? 'USD').toLowerCase();
  const quantity = fields.quantity ?? 1;
  // Stripe stores a unit price; the canonical amount is the whole, so it is divided back out.
  const unitAmount = fields.amount === undefined ? null : quantity === 0 ? stripeMajorToMinor(fields.amount, currency) : Math.round(stripeMajorToMinor(fields.amount, currency) / quantity);
  const periodEnd = fields.currentPeriodEnd === undefined ? createdAt + 30 * 86_400 : secondsOfIso(fields.currentPeriodEnd);
  const product = stripeId('prod', externalId);
  return {
    id: externalId,
    object: 'subscription',
    billing_cycle_anchor: createdAt,
    cancel_at: null,
    cancel_at_period_end: fields.cancelAtPeriodEnd ?? false,
    canceled_at: canceled ? periodEnd : null,
    collection_method: 'charge_automatically',
    created: createdAt,
    currency,
    customer: fields.accountRef ?? null,
    ended_at: canceled ? periodEnd : null,
    items: {
      object: 'list',
      data: [
        {
          id: stripeId('si', externalId),
          object: 'subscription_item',
          created: createdAt,
          current_period_end: periodEnd,
          current_period_start: periodEnd - 30 * 86_400,
          metadata: {},
          price: {
            id: stripeId('price', externalId, fields.plan),
            object: 'price',
            active: true,
            currency,
            nickname: fields.plan ?? null,
            product,
            recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
            type: 'recurring',
            unit_amount: unitAmount,
            unit_amount_decimal: unitAmount === null ? null : String(unitAmount),
          },
          quantity,
          subscription: externalId,
        },
      ],
      has_more: false,
    },
    livemode: false,
    metadata: {},
    start_date: createdAt,
    status: canceled ? 'canceled' : (fields.status ?? 'active'),
  };
};

const invoiceOf = (externalId: string, fields: Partial<Invoice>, createdAt: number) => {
  const currency = (fields.currency ?? 'USD').toLowerCase();
  const total = fields.amount === undefined ? 0 : stripeMajorToMinor(fields.amount, currency);
  const due = fields.amountDue !== undefined ? stripeMajorToMinor(fields.amountDue, currency) : fields.status === 'paid' ? 0 : total;
  return {
    id: externalId,
    object: 'invoice',
    account_country: 'US',
    amount_due: due,
    amount_paid: total - due,
    amount_remaining: due,
    attempt_count: fields.paymentFailed === true ? 1 : 0,
    auto_advance: true,
    collection_method: 'charge_automatically',
    created: createdAt,
    currency,
    customer: fields.accountRef ?? null,
    due_date: fields.dueDate === undefined ? null : secondsOfIso(`${fields.dueDate}T00:00:00Z`),
    livemode: false,
    metadata: {},
    number: fields.number ?? null,
    status: fields.status ?? 'open',
    status_transitions: {
      finalized_at: createdAt,
      marked_uncollectible_at: null,
      paid_at: fields.paidAt === undefined ? null : secondsOfIso(fields.paidAt),
      voided_at: null,
    },
    subtotal: total,
    total,
  };
};

/** The event Stripe would send for this change, and the object it would carry. */
const eventOf = (change: SourceChange, first: boolean): { type: string; object: Record<string, unknown> } => {
  const createdAt = seconds(change.occurredAt);
  switch (change.entityType) {
    case 'account':
      if (change.changeKind !== 'upsert') return { type: 'customer.deleted', object: { id: change.externalId, object: 'customer', deleted: true } };
      return { type: first ? 'customer.created' : 'customer.updated', object: customerOf(change.externalId, change.fields, createdAt) };
    case 'subscription': {
      if (change.changeKind !== 'upsert') return { type: 'customer.subscription.deleted', object: subscriptionOf(change.externalId, change.fields, createdAt, true) };
      const status = change.fields.status;
      const type = first ? 'customer.subscription.created' : status === 'paused' ? 'customer.subscription.paused' : 'customer.subscription.updated';
      return { type, object: subscriptionOf(change.externalId, change.fields, createdAt, false) };
    }
    case 'invoice': {
      if (change.changeKind !== 'upsert') return { type: 'invoice.deleted', object: { ...invoiceOf(change.externalId, {}, createdAt), status: 'draft' } };
      const { fields } = change;
      const type =
        fields.paymentFailed === true
          ? 'invoice.payment_failed'
          : fields.paymentFailed === false || fields.status === 'paid'
            ? 'invoice.paid'
            : fields.status === 'void'
              ? 'invoice.voided'
              : fields.status === 'uncollectible'
                ? 'invoice.marked_uncollectible'
                : first
                  ? 'invoice.created'
                  : 'invoice.updated';
      return { type, object: invoiceOf(change.externalId, fields, createdAt) };
    }
    default:
      throw new Error(`stripeSimulator: Stripe holds no ${change.entityType} records`);
  }
};

const deliveries = (changes: readonly SourceChange[], options: DeliveryOptions): OutboundWebhook[] => {
  const snapshots = new Map<string, SourceChange['fields']>();
  return changes.map((change, index) => {
    const key = `${change.entityType}#${change.externalId}`;
    const before = snapshots.get(key);
    const merged = { ...before, ...change.fields } as SourceChange['fields'];
    if (change.changeKind === 'upsert') snapshots.set(key, merged);
    else snapshots.delete(key);
    const { type, object } = eventOf({ ...change, fields: merged } as SourceChange, before === undefined);
    const event = {
      id: stripeId('evt', index, change.entityType, change.externalId, change.changeKind, change.fields, change.occurredAt.toISOString()),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: seconds(change.occurredAt),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    // Stripe sends pretty-printed JSON; the signature covers these exact bytes.
    const body = JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: options.secret, timestamp: seconds(options.now) });
    return {
      method: 'POST',
      path: '/webhooks/stripe',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Stripe-Signature': signature,
      },
      body,
    };
  });
};

export const stripeSimulator: VendorSimulator = {
  system: 'stripe',
  entityTypes: ['account', 'subscription', 'invoice'],
  deliveries,
};
