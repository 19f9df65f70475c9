/**
 * NetSuite, through Concord's own SuiteScript. NetSuite has no outbound webhooks, so customers
 * deploy a SuiteScript 2.1 User Event script (afterSubmit) on customer, sales order and invoice
 * records that POSTs each change to Concord. The full contract and an example script are in
 * docs/connectors/netsuite.md.
 *
 * Wire format (ours):
 * - `X-Concord-Signature: t=<Unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=<hex>…]`,
 *   keyed with the shared secret's UTF-8 bytes; one v1 per secret while a secret is rotated.
 * - JSON body, one record per delivery: `{ deliveryId, account, eventType: "create" | "edit" |
 *   "xedit" | "delete", recordType: "customer" | "salesorder" | "invoice", lastModified (ISO 8601
 *   instant), record: { id, …fields by NetSuite field id } }`. `deliveryId` is the script's own
 *   id for the delivery and stays the same when the script retries it.
 * - Field values as SuiteScript's `getValue` gives them, except: `currency` is the ISO 4217 code
 *   (the currency record's `symbol` field, e.g. "EUR" — not its internal id, not "€"); `status`
 *   is its display text (`getText`); dates are "YYYY-MM-DD"; money is a number (or a decimal
 *   string); `addressbook` is the address sublist as `[{ defaultbilling, defaultshipping,
 *   addressbookaddress: { addr1, addr2, city, state, zip, country } }]`.
 *
 * Records → canonical entities:
 * - customer → account: companyname → name, entityid → customerNumber, url → website and domain,
 *   phone, the default billing address (else the first) → address, vatregnumber → taxId,
 *   custentity_concord_id → concordId, stage (LEAD / PROSPECT / CUSTOMER) → lifecycleStage.
 * - salesorder → order: tranid → orderNumber, entity → accountRef, total → amount, currency,
 *   status, trandate → orderDate.
 * - invoice → invoice: tranid → number, entity → accountRef, total → amount, amountremaining →
 *   amountDue, currency, status, duedate → dueDate.
 * create and edit send the whole record (a full snapshot); xedit (inline edit, mass update, CSV
 * update) sends only the fields that changed, so those events name them in `changedFields`;
 * delete sends only the id. Other event or record types are unsupported.
 *
 * Clears: SuiteScript reads an empty field as "" or null. In a create or edit, a mapped field that
 * is "", null, blank or left out is empty in NetSuite, so its canonical path goes to
 * `clearedFields` (an empty address book clears every address part; a web address with no host
 * clears the domain). In an xedit only a field sent as "" or null is a clear: one left out did not
 * change. A stage NetSuite has but Concord does not map is neither a value nor a clear.
 *
 * `lastModified` is the record's lastmodifieddate (the deletion time for a delete); NetSuite
 * keeps it to the second, so two changes to one record within a second are not ordered.
 */
import { z } from 'zod';
import { formatSourceVersion, type Account, type Address, type CanonicalEvent, type Invoice, type LifecycleStage, type Order } from '../../shared/canonical';
import type { Connector, Translation, Verification, VerifyContext, WebhookRequest } from '../connector';
import { anySecretMatches, checkFreshness, hmacSha256, noUsableSecret } from '../signature';
import {
  canonicalEventOf,
  clearableText,
  mapClearable,
  parseTimestampedSignature,
  schemaViolation,
  sentInSnapshot,
  unsupportedEvent,
  upsertEventOf,
  type ClearableFields,
  type DeliveryScope,
  type EventIdentity,
} from './connector-kit';

export const NETSUITE_SIGNATURE_HEADER = 'X-Concord-Signature';

/** The hex signature for one secret: HMAC-SHA256 over "<t>.<body>". */
export const netsuiteSignatureOf = (secret: string, timestamp: number | string, body: string | Buffer): string =>
  hmacSha256(secret, `${timestamp}.`, body).toString('hex');

// ---------------------------------------------------------------------------------------------
// Verification

const verify = (request: WebhookRequest, ctx: VerifyContext): Verification => {
  if (noUsableSecret(ctx.secrets)) return { kind: 'rejected', reason: 'no-secret-configured', detail: 'no NetSuite shared secret is configured' };
  const header = request.headers[NETSUITE_SIGNATURE_HEADER.toLowerCase()];
  const parsed = parseTimestampedSignature(header, NETSUITE_SIGNATURE_HEADER);
  if (parsed.kind === 'rejected') return parsed;
  const freshness = checkFreshness(parsed.seconds * 1000, ctx.receivedAt);
  if (freshness.kind === 'rejected') return freshness;
  // The MAC covers the digits exactly as sent.
  const matched = parsed.v1.some((given) => anySecretMatches(ctx.secrets, given, (secret) => hmacSha256(secret, `${parsed.timestamp}.`, request.rawBody)));
  return matched
    ? { kind: 'verified' }
    : { kind: 'rejected', reason: 'bad-signature', detail: `none of the ${parsed.v1.length} v1 signature(s) matches a configured secret` };
};

// ---------------------------------------------------------------------------------------------
// Wire format

/** SuiteScript reads an empty field as "" (or null); either means "nothing here". */
const emptyAsNull = (value: unknown): unknown => (value === '' ? null : value);
const InternalId = z.union([z.string().regex(/^\d+$/, 'a NetSuite internal id (digits)'), z.number().int().positive()]).transform(String);
const Reference = z.preprocess(emptyAsNull, InternalId.nullish());
const Text = z.string().nullish();
const Money = z.preprocess(
  emptyAsNull,
  z
    .union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number')])
    .nullish()
    // null stays null: an emptied amount is a clear, not the absence of news.
    .transform((value) => (value === null || value === undefined ? value : Number(value))),
);
const IsoDate = z.preprocess(emptyAsNull, z.iso.date().nullish());
const Checkbox = z.union([z.boolean(), z.enum(['T', 'F'])]).nullish().transform((value) => value === true || value === 'T');

const Delivery = z.looseObject({
  deliveryId: z.string().min(1).max(200),
  account: z.string().min(1),
  eventType: z.string().min(1),
  recordType: z.string().min(1),
  lastModified: z.iso.datetime({ offset: true }),
  record: z.looseObject({ id: InternalId }),
});
type Delivery = z.infer<typeof Delivery>;

const AddressBookEntry = z.looseObject({
  defaultbilling: Checkbox,
  defaultshipping: Checkbox,
  addressbookaddress: z
    .looseObject({ addr1: Text, addr2: Text, city: Text, state: Text, zip: Text, country: Text })
    .nullish(),
});

const CustomerRecord = z.looseObject({
  id: InternalId,
  companyname: Text,
  entityid: Text,
  phone: Text,
  url: Text,
  addressbook: z.array(AddressBookEntry).nullish(),
  vatregnumber: Text,
  custentity_concord_id: Text,
  stage: Text,
});

const Currency = z.preprocess(
  emptyAsNull,
  z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code such as "USD" (the currency record\'s symbol field)')
    .nullish(),
);

const SalesOrderRecord = z.looseObject({
  id: InternalId,
  tranid: Text,
  entity: Reference,
  total: Money,
  currency: Currency,
  status: Text,
  trandate: IsoDate,
});

const InvoiceRecord = z.looseObject({
  id: InternalId,
  tranid: Text,
  entity: Reference,
  total: Money,
  amountremaining: Money,
  currency: Currency,
  status: Text,
  duedate: IsoDate,
});

// ---------------------------------------------------------------------------------------------
// Mapping

/** "https://www.Acme.example/about" → "acme.example"; undefined when it is not a web address. */
export const domainOfUrl = (url: string | undefined): string | undefined => {
  if (url === undefined) return undefined;
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`).hostname.toLowerCase();
    return host.includes('.') ? host.replace(/^www\./, '') : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The default billing address (else the first). No address book, an empty one or an entry without
 * an address is a cleared address. The script sends the sublist whole, but a part it leaves out
 * of an xedit's entry is taken as not sent, like any other field of an xedit.
 */
const addressOf = (book: z.infer<typeof AddressBookEntry>[] | null | undefined, scope: DeliveryScope): ClearableFields<Address> | null | undefined => {
  if (book === undefined) return undefined;
  const entry = book?.find((e) => e.defaultbilling) ?? book?.[0];
  const address = entry?.addressbookaddress;
  if (address === null || address === undefined) return null;
  const part = (value: string | null | undefined) => clearableText(scope === 'snapshot' ? sentInSnapshot(value) : value);
  const lines = [part(address.addr1), part(address.addr2)];
  const street = lines.every((line) => line === undefined) ? undefined : lines.filter((line) => typeof line === 'string').join('\n') || null;
  return { street, city: part(address.city), region: part(address.state), postalCode: part(address.zip), country: part(address.country) };
};

const STAGES: Readonly<Record<string, LifecycleStage>> = { LEAD: 'lead', PROSPECT: 'prospect', CUSTOMER: 'customer' };

const accountFieldsOf = (record: z.infer<typeof CustomerRecord>, scope: DeliveryScope): ClearableFields<Account> => {
  const url = clearableText(record.url);
  return {
    name: clearableText(record.companyname),
    customerNumber: clearableText(record.entityid),
    website: url,
    // The domain is read off the web address, so an address with no host clears it too.
    domain: mapClearable(url, (u) => domainOfUrl(u) ?? null),
    phone: clearableText(record.phone),
    address: addressOf(record.addressbook, scope),
    taxId: clearableText(record.vatregnumber),
    concordId: clearableText(record.custentity_concord_id),
    lifecycleStage: mapClearable(clearableText(record.stage), (stage) => STAGES[stage.toUpperCase()]),
  };
};

const orderFieldsOf = (record: z.infer<typeof SalesOrderRecord>): ClearableFields<Order> => ({
  orderNumber: clearableText(record.tranid),
  accountRef: record.entity,
  amount: record.total,
  currency: mapClearable(record.currency, (code) => code.toUpperCase()),
  status: clearableText(record.status),
  orderDate: record.trandate,
});

const invoiceFieldsOf = (record: z.infer<typeof InvoiceRecord>): ClearableFields<Invoice> => ({
  number: clearableText(record.tranid),
  accountRef: record.entity,
  amount: record.total,
  amountDue: record.amountremaining,
  currency: mapClearable(record.currency, (code) => code.toUpperCase()),
  status: clearableText(record.status),
  dueDate: record.duedate,
});

const ENTITY_OF = { customer: 'account', salesorder: 'order', invoice: 'invoice' } as const;
const EVENT_TYPES = new Set(['create', 'edit', 'xedit', 'delete']);

/**
 * A full snapshot with every mapped field the script sends filled in: one it left out is as empty
 * as one it sent as null. `id` is required anyway and other fields are not Concord's.
 */
const asSnapshot = (schema: z.ZodObject, record: Record<string, unknown>): Record<string, unknown> => ({
  ...Object.fromEntries(Object.keys(schema.shape).map((name) => [name, null])),
  ...record,
});

const upsertOf = (delivery: Delivery, identity: EventIdentity, scope: DeliveryScope): Translation => {
  const input = (schema: z.ZodObject) => (scope === 'snapshot' ? asSnapshot(schema, delivery.record) : delivery.record);
  const one = (event: CanonicalEvent): Translation => ({ kind: 'events', events: [event] });
  switch (delivery.recordType) {
    case 'customer': {
      const record = CustomerRecord.safeParse(input(CustomerRecord));
      return record.success ? one(upsertEventOf('account', accountFieldsOf(record.data, scope), identity, scope)) : schemaViolation(record.error, 'record.');
    }
    case 'salesorder': {
      const record = SalesOrderRecord.safeParse(input(SalesOrderRecord));
      return record.success ? one(upsertEventOf('order', orderFieldsOf(record.data), identity, scope)) : schemaViolation(record.error, 'record.');
    }
    case 'invoice': {
      const record = InvoiceRecord.safeParse(input(InvoiceRecord));
      return record.success ? one(upsertEventOf('invoice', invoiceFieldsOf(record.data), identity, scope)) : schemaViolation(record.error, 'record.');
    }
    default:
      return unsupportedEvent(`NetSuite record type "${delivery.recordType}" is not one Concord reads`);
  }
};

const translate = (body: unknown): Translation => {
  const parsed = Delivery.safeParse(body);
  if (!parsed.success) return schemaViolation(parsed.error);
  const delivery = parsed.data;
  if (!EVENT_TYPES.has(delivery.eventType)) return unsupportedEvent(`NetSuite event type "${delivery.eventType}" is not one Concord reads`);
  if (!(delivery.recordType in ENTITY_OF)) return unsupportedEvent(`NetSuite record type "${delivery.recordType}" is not one Concord reads`);

  const lastModified = Date.parse(delivery.lastModified);
  const identity: EventIdentity = {
    eventId: `netsuite:${delivery.deliveryId}`,
    sourceSystem: 'netsuite' as const,
    externalId: delivery.record.id,
    occurredAt: new Date(lastModified).toISOString(),
    sourceVersion: formatSourceVersion(lastModified),
    vendorEventId: delivery.deliveryId,
    raw: delivery.record,
  };
  const entityType = ENTITY_OF[delivery.recordType as keyof typeof ENTITY_OF];
  if (delivery.eventType === 'delete') return { kind: 'events', events: [canonicalEventOf(entityType, 'delete', {}, identity)] };

  return upsertOf(delivery, identity, delivery.eventType === 'xedit' ? 'partial' : 'snapshot');
};

export const netsuiteConnector: Connector = {
  system: 'netsuite',
  verify,
  translate,
};
