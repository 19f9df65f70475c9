/**
 * Stripe webhooks (snapshot events, docs.stripe.com/webhooks).
 *
 * Wire format:
 * - `POST`, JSON body: one Event per delivery, `{ id: "evt_…", object: "event", type, created
 *   (Unix seconds), api_version, data: { object: <the Customer / Subscription / Invoice after the
 *   change>, previous_attributes? } }`.
 * - `Stripe-Signature: t=<Unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…][,v0=…]`,
 *   keyed with the endpoint secret (`whsec_…`, used as the literal string). While Stripe rolls a
 *   secret it sends one `v1` per active secret; any match is enough. We verify with the `stripe`
 *   package (`webhooks.constructEvent`), trying every configured secret, and add what it lacks: a
 *   strict header parse first, and a refusal of timestamps more than 5 minutes in the future.
 *
 * Events → canonical entities (every object is a full snapshot, so no `changedFields`):
 * - customer.created / customer.updated → account upsert (name, phone, address, tax_ids[0] when
 *   expanded, metadata.concord_id → concordId; the billing email is a person's mailbox, not an
 *   account field, so only its domain is kept, as the account's domain, unless it is a personal
 *   mail provider's); customer.deleted → account delete (Stripe's deletion is permanent, but it
 *   is not a privacy erasure).
 * - customer.subscription.created / updated / paused / resumed / deleted → subscription upsert.
 *   Stripe never deletes a subscription: `deleted` means it ended, so it arrives as status
 *   "canceled", not as a canonical delete.
 * - invoice.created / finalized / updated / paid / payment_failed / voided /
 *   marked_uncollectible → invoice upsert; invoice.deleted (drafts only) → invoice delete.
 *
 * Clears: every object is the whole record, and Stripe writes an empty attribute as null, so a
 * mapped value the object holds none of — null, "", blank or left out — is a clear, named in
 * `clearedFields` (a null address clears each part; a billing email without a company domain
 * clears the domain; a subscription whose price has no fixed amount clears the amount). Two
 * values are not in every object, and so are never cleared by their absence: `tax_ids` is there
 * only when the sender expanded it, and `paymentFailed` is spoken of only by invoice.paid and
 * invoice.payment_failed.
 */
import Stripe from 'stripe';
import { z } from 'zod';
import { formatSourceVersion, type Account, type Address, type Invoice, type Subscription } from '../../shared/canonical';
import type { Connector, Translation, Verification, VerifyContext, WebhookRequest } from '../connector';
import { checkFreshness, noUsableSecret } from '../signature';
import {
  canonicalEventOf,
  clearableText,
  parseTimestampedSignature,
  schemaViolation,
  sentInSnapshot,
  unsupportedEvent,
  upsertEventOf,
  type ClearableFields,
  type EventIdentity,
} from './connector-kit';

/** Stripe's own default, and Concord's window: 5 minutes. */
const TOLERANCE_SECONDS = 300;

// ---------------------------------------------------------------------------------------------
// Verification

const rejected = (reason: Extract<Verification, { kind: 'rejected' }>['reason'], detail: string): Verification => ({ kind: 'rejected', reason, detail });

type SecretOutcome = 'matched' | 'stale' | 'no-match' | { malformed: string };

/**
 * One secret through `constructEvent`. It throws a StripeSignatureVerificationError for every
 * signature problem; anything else it throws comes from parsing the payload, which it does only
 * after the signature matched — so that is a verified delivery with a body that is not JSON (the
 * ingest path reports it as malformed-json).
 */
const trySecret = (request: WebhookRequest, header: string, secret: string, receivedAt: Date): SecretOutcome => {
  try {
    // receivedAt is in milliseconds: the library divides it by 1000 itself.
    Stripe.webhooks.constructEvent(request.rawBody, header, secret, TOLERANCE_SECONDS, undefined, receivedAt.getTime());
    return 'matched';
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) return 'matched';
    if (error.message.startsWith('Timestamp outside the tolerance zone')) return 'stale';
    if (error.message.startsWith('No signatures found matching')) return 'no-match';
    return { malformed: error.message.split('\n')[0] ?? 'unreadable Stripe-Signature' };
  }
};

const verify = (request: WebhookRequest, ctx: VerifyContext): Verification => {
  // The library also treats a whitespace-only secret as none.
  const secrets = ctx.secrets.filter((s) => s.trim().length > 0);
  if (noUsableSecret(secrets)) return rejected('no-secret-configured', 'no Stripe endpoint secret is configured');
  const header = request.headers['stripe-signature'];
  const parsed = parseTimestampedSignature(header, 'Stripe-Signature');
  if (parsed.kind === 'rejected') return parsed;

  let stale = false;
  for (const secret of secrets) {
    const outcome = trySecret(request, header as string, secret, ctx.receivedAt);
    if (outcome === 'matched') {
      // constructEvent only looks back; a timestamp from the future is a clock game or a forgery
      // prepared in advance, and is refused just the same.
      return checkFreshness(parsed.seconds * 1000, ctx.receivedAt);
    }
    if (outcome === 'stale') stale = true;
    else if (outcome !== 'no-match') return rejected('malformed-signature', outcome.malformed);
  }
  if (stale) return rejected('stale-timestamp', `signed at ${parsed.seconds}, more than ${TOLERANCE_SECONDS} s before receipt`);
  return rejected('bad-signature', `none of the ${parsed.v1.length} v1 signature(s) matches a configured secret`);
};

// ---------------------------------------------------------------------------------------------
// Money

/** Currencies whose smallest unit is the unit itself (docs.stripe.com/currencies#zero-decimal). */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
/** Currencies Stripe counts in thousandths. */
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);
// ISK, HUF and TWD have no minor unit in practice, but Stripe's API still counts them in
// hundredths for backwards compatibility, so they stay at the default exponent of 2.

/** How many decimal places Stripe's integer amounts carry for a currency. */
export const stripeCurrencyExponent = (currency: string): number => {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
};

/** 1999 USD cents → 19.99; 1999 JPY → 1999. Rounded to the exponent to shed float noise. */
export const stripeMinorToMajor = (minor: number, currency: string): number => {
  const exponent = stripeCurrencyExponent(currency);
  return Number((minor / 10 ** exponent).toFixed(exponent));
};

export const stripeMajorToMinor = (major: number, currency: string): number => Math.round(major * 10 ** stripeCurrencyExponent(currency));

// ---------------------------------------------------------------------------------------------
// Wire format (only what we read; Stripe sends much more, and adds fields without notice)

const StripeId = z.string().min(1);
/** An id field that may arrive expanded into the object it names. */
const StripeRef = z.union([StripeId, z.looseObject({ id: StripeId })]).transform((ref) => (typeof ref === 'string' ? ref : ref.id));
const StripeCurrency = z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO currency code');
const UnixSeconds = z.number().int().nonnegative();

const StripeEvent = z.looseObject({
  id: StripeId,
  object: z.literal('event'),
  type: z.string().min(1),
  created: UnixSeconds,
  api_version: z.string().nullish(),
  data: z.looseObject({ object: z.looseObject({ id: StripeId }) }),
});
type StripeEvent = z.infer<typeof StripeEvent>;

const StripeAddress = z.looseObject({
  line1: z.string().nullish(),
  line2: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  postal_code: z.string().nullish(),
  country: z.string().nullish(),
});

const StripeCustomer = z.looseObject({
  id: StripeId,
  object: z.literal('customer'),
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  address: StripeAddress.nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  /** Only present when the sender expanded it; webhooks usually leave it out. */
  tax_ids: z.looseObject({ data: z.array(z.looseObject({ value: z.string() })) }).nullish(),
});

const StripePrice = z.looseObject({
  id: StripeId,
  nickname: z.string().nullish(),
  product: StripeRef,
  unit_amount: z.number().int().nullish(),
  /** Sub-cent prices carry their amount here, as a decimal string, and unit_amount is null. */
  unit_amount_decimal: z.string().regex(/^\d+(\.\d+)?$/).nullish(),
  currency: StripeCurrency,
});

const StripeSubscriptionItem = z.looseObject({
  price: StripePrice,
  quantity: z.number().int().nonnegative().nullish(),
  /** API versions from 2025-03-31.basil keep the period on each item. */
  current_period_end: UnixSeconds.nullish(),
});

const StripeSubscription = z.looseObject({
  id: StripeId,
  object: z.literal('subscription'),
  customer: StripeRef.nullish(),
  status: z.string().min(1),
  currency: StripeCurrency.nullish(),
  items: z.looseObject({ data: z.array(StripeSubscriptionItem) }),
  quantity: z.number().int().nonnegative().nullish(),
  /** Older API versions keep the period on the subscription. */
  current_period_end: UnixSeconds.nullish(),
  cancel_at_period_end: z.boolean().nullish(),
});

const StripeInvoice = z.looseObject({
  id: StripeId,
  object: z.literal('invoice'),
  number: z.string().nullish(),
  customer: StripeRef.nullish(),
  total: z.number().int().nullish(),
  amount_due: z.number().int().nullish(),
  currency: StripeCurrency.nullish(),
  status: z.string().nullish(),
  due_date: UnixSeconds.nullish(),
  status_transitions: z.looseObject({ paid_at: UnixSeconds.nullish() }).nullish(),
});

// ---------------------------------------------------------------------------------------------
// Mapping

const present = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);
/** A text attribute of a whole object: null when Stripe holds none. */
const text = (value: string | null | undefined): string | null => clearableText(sentInSnapshot(value)) ?? null;
/** Any other attribute of a whole object: null when Stripe holds none. */
const held = <T>(value: T | null | undefined): T | null => sentInSnapshot(value);
const isoDateTimeOf = (seconds: number): string => new Date(seconds * 1000).toISOString();
/** Stripe dates are instants; the calendar date is taken in UTC. */
const isoDateOf = (seconds: number): string => isoDateTimeOf(seconds).slice(0, 10);

/**
 * Mailbox providers whose domain says nothing about the customer's company. A Stripe customer
 * has a billing email but no website, so its email domain is the best company-domain hint there
 * is — unless it is one of these.
 */
const PERSONAL_MAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'hotmail.com', 'hotmail.co.uk', 'outlook.com', 'live.com', 'msn.com',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de',
  'yandex.ru', 'mail.ru', 'qq.com', '163.com', 'zoho.com', 'fastmail.com', 'hey.com',
]);

export const companyDomainOfEmail = (email: string | null | undefined): string | undefined => {
  const at = email?.lastIndexOf('@') ?? -1;
  if (email === null || email === undefined || at < 1) return undefined;
  const domain = email.slice(at + 1).trim().toLowerCase();
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) || PERSONAL_MAIL_DOMAINS.has(domain)) return undefined;
  return domain;
};

const addressOf = (address: z.infer<typeof StripeAddress> | null | undefined): ClearableFields<Address> | null => {
  if (address === null || address === undefined) return null;
  const street = [text(address.line1), text(address.line2)].filter((line) => line !== null).join('\n');
  return {
    street: street === '' ? null : street,
    city: text(address.city),
    region: text(address.state),
    postalCode: text(address.postal_code),
    country: text(address.country),
  };
};

const accountFieldsOf = (customer: z.infer<typeof StripeCustomer>): ClearableFields<Account> => ({
  name: text(customer.name),
  // The domain is read off the billing email, so an email without a company's domain clears it.
  domain: companyDomainOfEmail(customer.email) ?? null,
  phone: text(customer.phone),
  address: addressOf(customer.address),
  // Only an expanded list says anything about tax ids; webhooks usually leave it out.
  taxId: customer.tax_ids === null || customer.tax_ids === undefined ? undefined : text(customer.tax_ids.data[0]?.value),
  concordId: text(customer.metadata?.['concord_id']),
});

/** The price of one item in minor units, or undefined when Stripe gives none (metered, tiered). */
const unitMinorOf = (price: z.infer<typeof StripePrice>): number | undefined => {
  if (typeof price.unit_amount === 'number') return price.unit_amount;
  return price.unit_amount_decimal === null || price.unit_amount_decimal === undefined ? undefined : Number(price.unit_amount_decimal);
};

/**
 * The plan is the first item's price (its nickname, else its product). The amount is what all
 * items cost per period together — unit amount × quantity, summed — in major units.
 */
const subscriptionFieldsOf = (subscription: z.infer<typeof StripeSubscription>): ClearableFields<Subscription> => {
  const items = subscription.items.data;
  const first = items[0];
  const currency = (present(subscription.currency) ?? first?.price.currency)?.toUpperCase();
  let amountMinor: number | undefined = items.length === 0 ? undefined : 0;
  for (const item of items) {
    const unit = unitMinorOf(item.price);
    const quantity = present(item.quantity) ?? 1;
    amountMinor = amountMinor === undefined || unit === undefined ? undefined : amountMinor + unit * quantity;
  }
  const periodEnd = present(subscription.current_period_end) ?? present(first?.current_period_end);
  return {
    accountRef: held(subscription.customer),
    status: subscription.status,
    plan: first === undefined ? null : (clearableText(first.price.nickname) ?? first.price.product),
    quantity: present(first?.quantity) ?? held(subscription.quantity),
    // Metered and tiered prices have no fixed amount.
    amount: amountMinor === undefined || currency === undefined ? null : stripeMinorToMajor(amountMinor, currency),
    currency: held(currency),
    currentPeriodEnd: periodEnd === undefined ? null : isoDateTimeOf(periodEnd),
    cancelAtPeriodEnd: held(subscription.cancel_at_period_end),
  };
};

const invoiceFieldsOf = (invoice: z.infer<typeof StripeInvoice>, eventType: string): ClearableFields<Invoice> => {
  const paidAt = present(invoice.status_transitions?.paid_at);
  const dueDate = present(invoice.due_date);
  const currency = present(invoice.currency);
  const major = (minor: number | null | undefined) => (minor === null || minor === undefined || currency === undefined ? null : stripeMinorToMajor(minor, currency));
  return {
    number: text(invoice.number),
    accountRef: held(invoice.customer),
    amount: major(invoice.total),
    amountDue: major(invoice.amount_due),
    currency: held(currency?.toUpperCase()),
    status: text(invoice.status),
    dueDate: dueDate === undefined ? null : isoDateOf(dueDate),
    paidAt: paidAt === undefined ? null : isoDateTimeOf(paidAt),
    // Only these two events speak about the last payment attempt; the others leave it alone.
    paymentFailed: eventType === 'invoice.payment_failed' ? true : eventType === 'invoice.paid' ? false : undefined,
  };
};

/**
 * `created` has whole-second precision, so two events about one object in the same second (an
 * invoice is often created, finalized and paid within one) would share a version. The event
 * type's place in the object's lifecycle breaks that tie; events of equal rank in one second
 * remain unordered, and the reconciler then orders them deterministically but arbitrarily.
 */
const LIFECYCLE_RANK: Readonly<Record<string, number>> = {
  'customer.created': 0,
  'customer.updated': 1,
  'customer.deleted': 2,
  'customer.subscription.created': 0,
  'customer.subscription.updated': 1,
  'customer.subscription.paused': 1,
  'customer.subscription.resumed': 1,
  'customer.subscription.deleted': 2,
  'invoice.created': 0,
  'invoice.updated': 1,
  'invoice.finalized': 2,
  'invoice.payment_failed': 3,
  'invoice.paid': 4,
  'invoice.voided': 4,
  'invoice.marked_uncollectible': 4,
  'invoice.deleted': 5,
};

const identityOf = (event: StripeEvent): EventIdentity => ({
  eventId: `stripe:${event.id}`,
  sourceSystem: 'stripe',
  externalId: event.data.object.id,
  occurredAt: isoDateTimeOf(event.created),
  sourceVersion: formatSourceVersion(event.created * 1000, LIFECYCLE_RANK[event.type] ?? 0),
  vendorEventId: event.id,
  raw: event.data.object,
});

const translateEvent = (event: StripeEvent): Translation => {
  const object = event.data.object;
  const identity = identityOf(event);
  const one = (translation: ReturnType<typeof canonicalEventOf>): Translation => ({ kind: 'events', events: [translation] });

  switch (event.type) {
    case 'customer.created':
    case 'customer.updated': {
      const customer = StripeCustomer.safeParse(object);
      if (!customer.success) return schemaViolation(customer.error, 'data.object.');
      return one(upsertEventOf('account', accountFieldsOf(customer.data), identity, 'snapshot'));
    }
    case 'customer.deleted':
      return one(canonicalEventOf('account', 'delete', {}, identity));
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.paused':
    case 'customer.subscription.resumed':
    case 'customer.subscription.deleted': {
      const subscription = StripeSubscription.safeParse(object);
      if (!subscription.success) return schemaViolation(subscription.error, 'data.object.');
      return one(upsertEventOf('subscription', subscriptionFieldsOf(subscription.data), identity, 'snapshot'));
    }
    case 'invoice.created':
    case 'invoice.finalized':
    case 'invoice.updated':
    case 'invoice.paid':
    case 'invoice.payment_failed':
    case 'invoice.voided':
    case 'invoice.marked_uncollectible': {
      const invoice = StripeInvoice.safeParse(object);
      if (!invoice.success) return schemaViolation(invoice.error, 'data.object.');
      return one(upsertEventOf('invoice', invoiceFieldsOf(invoice.data, event.type), identity, 'snapshot'));
    }
    case 'invoice.deleted':
      return one(canonicalEventOf('invoice', 'delete', {}, identity));
    default:
      return unsupportedEvent(`Stripe event type "${event.type}" is not one Concord reads`);
  }
};

const translate = (body: unknown): Translation => {
  const event = StripeEvent.safeParse(body);
  if (!event.success) return schemaViolation(event.error);
  return translateEvent(event.data);
};

export const stripeConnector: Connector = {
  system: 'stripe',
  verify,
  translate,
};
