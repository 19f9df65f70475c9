/**
 * HubSpot webhooks (Webhooks API, signature v3) → canonical events.
 *
 * Headers: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(app client secret, method + URI + raw
 * body + timestamp)) and `X-HubSpot-Request-Timestamp` (epoch ms; rejected beyond 5 minutes either
 * way). The URI is the full URL HubSpot called, with these percent-escapes decoded first, as
 * HubSpot's request-validation guide prescribes: %3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 ' %28 (
 * %29 ) %2A * %2C , %3B ; (hex case-insensitive; nothing else is decoded).
 *
 * Body: a JSON array of up to 100 events `{ eventId, subscriptionId, portalId, appId, occurredAt
 * (epoch ms), subscriptionType, attemptNumber, objectId, changeSource, propertyName?,
 * propertyValue?, mergedObjectIds?, primaryObjectId?, newObjectId? }`.
 * Objects: contact → person, company → account, deal → opportunity. Subscription types:
 * - `*.creation` → 'gap': the event carries no properties, so the record must be read;
 * - `*.propertyChange` → 'upsert' of the one mapped property (changedFields names it; an address
 *   part as `address.city`). A property Concord does not map is skipped (the event yields
 *   nothing), not refused. An empty value ("", null, or none sent) clears it, whatever its type:
 *   `fields` stays empty and the canonical path is named in `clearedFields` as well as in
 *   changedFields (the canonical model has no null, and a clear is not "");
 * - `*.deletion` → 'delete'; `*.restore` → 'undelete'; `contact.privacyDeletion` → 'erase';
 * - `*.merge` → 'gap' on the primary (and on newObjectId when the merge made a new record: its
 *   fields are the merge's result, which the event does not carry) plus 'delete' for each id in
 *   mergedObjectIds: those records no longer exist in HubSpot. Identity resolution links them.
 * Other subscription types (associationChange, tickets, conversations, ...) are unsupported: a
 * batch of only those is 'unsupported-event'; in a mixed batch they are skipped, because HubSpot
 * batches every subscription of the app into one request and the others are still good.
 *
 * Properties: HubSpot's standard ones where they exist (firstname, ..., hs_buying_role → role,
 * date_of_birth, hs_email_optout → marketingOptIn, hs_analytics_source → leadSource); owner email,
 * product line and Concord's id come from custom properties (HUBSPOT_CUSTOM_PROPERTIES).
 *
 * Identity: eventId `hubspot:${eventId}` (a merge, which yields several events, suffixes the record
 * id); sourceVersion formatSourceVersion(occurredAt, eventId mod 1e10), so distinct events in one
 * millisecond are ordered, arbitrarily but the same way every time.
 */
import { combineMessageResults, describeIssues as describeFirstIssue, type MessageResult } from './connector-kit';
import { z } from 'zod';
import { CanonicalEvent, formatSourceVersion, type EntityType } from '../../shared/canonical';
import type { Connector, Translation, VerifyContext, Verification, WebhookRequest } from '../connector';
import { anySecretMatches, checkFreshness, decodeBase64, hmacSha256, noUsableSecret, parseStrictInt } from '../signature';

// ---------------------------------------------------------------------------------------------
// Signature v3
// ---------------------------------------------------------------------------------------------

const DECODED_ESCAPES: Readonly<Record<string, string>> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};

/** The URI as HubSpot hashed it: only the listed escapes are decoded, all others stay as sent. */
export const hubspotSignedUri = (url: string): string =>
  url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (_, hex: string) => DECODED_ESCAPES[hex.toUpperCase()] ?? `%${hex}`);

export interface HubspotSigning {
  method: string;
  url: string;
  body: string | Buffer;
  /** X-HubSpot-Request-Timestamp, epoch ms as sent. */
  timestamp: string;
  secret: string;
}

/** The X-HubSpot-Signature-v3 value for a request. */
export const signHubspotV3 = ({ method, url, body, timestamp, secret }: HubspotSigning): string =>
  hmacSha256(secret, method, hubspotSignedUri(url), body, timestamp).toString('base64');

const rejected = (reason: Extract<Verification, { kind: 'rejected' }>['reason'], detail: string): Verification => ({ kind: 'rejected', reason, detail });

export const verifyHubspot = (request: WebhookRequest, ctx: VerifyContext): Verification => {
  if (noUsableSecret(ctx.secrets)) return rejected('no-secret-configured', 'no HubSpot client secret is configured');
  const signature = request.headers['x-hubspot-signature-v3'];
  const timestamp = request.headers['x-hubspot-request-timestamp'];
  if (signature === undefined || signature.trim() === '') {
    // Older apps also send X-HubSpot-Signature (v1/v2): those cover no timestamp, so we refuse them.
    const legacy = request.headers['x-hubspot-signature'] !== undefined ? ' (a v1/v2 X-HubSpot-Signature is not accepted: it is replayable)' : '';
    return rejected('missing-signature', `X-HubSpot-Signature-v3 header is missing or empty${legacy}`);
  }
  if (timestamp === undefined || timestamp === '') return rejected('missing-timestamp', 'X-HubSpot-Request-Timestamp header is missing or empty');
  const signedAt = parseStrictInt(timestamp);
  if (Number.isNaN(signedAt)) return rejected('missing-timestamp', `X-HubSpot-Request-Timestamp "${timestamp.slice(0, 40)}" is not epoch milliseconds`);
  const freshness = checkFreshness(signedAt, ctx.receivedAt);
  if (freshness.kind === 'rejected') return freshness;

  // A repeated header arrives joined with ", " and so is not base64 of 32 bytes: malformed.
  const given = decodeBase64(signature.trim());
  if (given === undefined) return rejected('malformed-signature', 'X-HubSpot-Signature-v3 is not base64 of a 32-byte HMAC-SHA256');
  const uri = hubspotSignedUri(request.url);
  const matched = anySecretMatches(ctx.secrets, given, (secret) => hmacSha256(secret, request.method, uri, request.rawBody, timestamp));
  return matched ? { kind: 'verified' } : rejected('bad-signature', 'X-HubSpot-Signature-v3 does not match the client secret');
};

// ---------------------------------------------------------------------------------------------
// Wire format
// ---------------------------------------------------------------------------------------------

/** HubSpot ids are JSON numbers; a string of digits is accepted too. */
const HubspotId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);

export const HubspotEvent = z
  .looseObject({
    eventId: HubspotId,
    subscriptionId: HubspotId.optional(),
    portalId: HubspotId,
    appId: HubspotId.optional(),
    occurredAt: z.number().int().nonnegative(),
    subscriptionType: z.string().min(1),
    attemptNumber: z.number().int().nonnegative().optional(),
    objectId: HubspotId,
    changeSource: z.string().nullish(),
    propertyName: z.string().nullish(),
    propertyValue: z.string().nullish(),
    mergedObjectIds: z.array(HubspotId).nullish(),
    primaryObjectId: HubspotId.nullish(),
    newObjectId: HubspotId.nullish(),
  })
  .superRefine((event, ctx) => {
    if (event.subscriptionType.endsWith('.propertyChange') && !event.propertyName) {
      ctx.addIssue({ code: 'custom', path: ['propertyName'], message: 'required for a propertyChange event' });
    }
  });
export type HubspotEvent = z.infer<typeof HubspotEvent>;

export const HubspotDelivery = z.array(HubspotEvent);

// ---------------------------------------------------------------------------------------------
// Property mapping
// ---------------------------------------------------------------------------------------------

type PropertyKind = 'text' | 'ref' | 'int' | 'money' | 'bool' | 'notBool' | 'epochDate' | 'isoDate' | 'currency' | 'lifecycle' | 'buyingRole';

interface PropertySpec {
  /** A canonical field, or a part of the address (`address.city`). */
  canonical: string;
  kind: PropertyKind;
}

const p = (canonical: string, kind: PropertyKind = 'text'): PropertySpec => ({ canonical, kind });

const ADDRESS_PROPERTIES = { address: p('address.street'), city: p('address.city'), state: p('address.region'), zip: p('address.postalCode'), country: p('address.country') };

/**
 * Custom properties Concord's setup adds to the portal, for canonical values HubSpot has no
 * standard property for; concord_id is where Concord writes its unified id back. The owner is a
 * HubSpot user id (hubspot_owner_id), not an email, so the owner's email needs its own property.
 */
export const HUBSPOT_CUSTOM_PROPERTIES = {
  concordId: 'concord_id',
  ownerEmail: 'concord_owner_email',
  productLine: 'concord_product_line',
  legalReview: 'concord_legal_review',
} as const;
const custom = HUBSPOT_CUSTOM_PROPERTIES;

const OBJECTS = {
  contact: {
    entityType: 'person',
    properties: {
      firstname: p('firstName'),
      lastname: p('lastName'),
      email: p('email'),
      phone: p('phone'),
      jobtitle: p('title'),
      associatedcompanyid: p('accountRef', 'ref'),
      hs_buying_role: p('role', 'buyingRole'),
      date_of_birth: p('birthDate', 'isoDate'),
      hs_email_optout: p('marketingOptIn', 'notBool'),
      [custom.concordId]: p('concordId'),
      ...ADDRESS_PROPERTIES,
    },
  },
  company: {
    entityType: 'account',
    properties: {
      name: p('name'),
      domain: p('domain'),
      website: p('website'),
      phone: p('phone'),
      industry: p('industry'),
      numberofemployees: p('employees', 'int'),
      annualrevenue: p('annualRevenue', 'money'),
      lifecyclestage: p('lifecycleStage', 'lifecycle'),
      [custom.ownerEmail]: p('ownerEmail'),
      [custom.concordId]: p('concordId'),
      ...ADDRESS_PROPERTIES,
    },
  },
  deal: {
    entityType: 'opportunity',
    // pipeline, hubspot_owner_id: ids of HubSpot settings and users, not canonical values.
    properties: {
      dealname: p('name'),
      amount: p('amount', 'money'),
      deal_currency_code: p('currency', 'currency'),
      dealstage: p('stage'),
      hs_is_closed: p('isClosed', 'bool'),
      hs_is_closed_won: p('isWon', 'bool'),
      closedate: p('closeDate', 'epochDate'),
      // The deal's original source, which HubSpot computes (ORGANIC_SEARCH, REFERRALS, ...).
      hs_analytics_source: p('leadSource'),
      [custom.ownerEmail]: p('ownerEmail'),
      [custom.productLine]: p('productLine'),
      [custom.legalReview]: p('legalReview', 'bool'),
    },
  },
} as const satisfies Record<string, { entityType: EntityType; properties: Record<string, PropertySpec> }>;

type HubspotObject = keyof typeof OBJECTS;

/**
 * HubSpot's default lifecycle stages onto the canonical ones. HubSpot has no "expanded" or
 * "churned"; custom stages (numeric ids) have no canonical meaning and are skipped.
 */
export const HUBSPOT_LIFECYCLE: Readonly<Record<string, string>> = {
  subscriber: 'lead',
  lead: 'lead',
  marketingqualifiedlead: 'lead',
  salesqualifiedlead: 'prospect',
  opportunity: 'prospect',
  customer: 'customer',
  evangelist: 'customer',
};

/**
 * HubSpot's buying roles (a multi-select, values joined with ";") onto the contact hierarchy; the
 * first value that has a canonical meaning wins. Roles without one (BLOCKER, LEGAL_AND_COMPLIANCE,
 * OTHER) are skipped.
 */
export const HUBSPOT_BUYING_ROLES: Readonly<Record<string, string>> = {
  DECISION_MAKER: 'buyer',
  BUDGET_HOLDER: 'buyer',
  END_USER: 'user',
  INFLUENCER: 'influencer',
  CHAMPION: 'influencer',
  EXECUTIVE_SPONSOR: 'executive_sponsor',
};

const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

type Converted = { kind: 'value'; value: unknown } | { kind: 'skip' } | { kind: 'bad'; message: string };

const bad = (expected: string, value: string): Converted => ({ kind: 'bad', message: `expected ${expected}, got ${JSON.stringify(value.slice(0, 60))}` });

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

const convert = (kind: PropertyKind, value: string): Converted => {
  switch (kind) {
    case 'text':
    case 'ref':
      return { kind: 'value', value };
    case 'int':
      // HubSpot number properties may arrive as "25" or "25.0".
      return NUMBER.test(value) && Number.isInteger(Number(value)) && Number(value) >= 0 ? { kind: 'value', value: Number(value) } : bad('a whole number', value);
    case 'money':
      return NUMBER.test(value) ? { kind: 'value', value: Number(value) } : bad('a number', value);
    case 'bool':
    case 'notBool': {
      if (value !== 'true' && value !== 'false') return bad('true or false', value);
      return { kind: 'value', value: (value === 'true') === (kind === 'bool') };
    }
    case 'isoDate':
      // date_of_birth is free text in HubSpot: only an ISO date is a date we can trust.
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? { kind: 'value', value } : { kind: 'skip' };
    case 'buyingRole': {
      const role = value
        .split(';')
        .map((v) => own(HUBSPOT_BUYING_ROLES, v.trim().toUpperCase()))
        .find((r) => r !== undefined);
      return role === undefined ? { kind: 'skip' } : { kind: 'value', value: role };
    }
    case 'currency':
      return /^[A-Za-z]{3}$/.test(value) ? { kind: 'value', value: value.toUpperCase() } : bad('an ISO 4217 currency code', value);
    case 'lifecycle': {
      const stage = own(HUBSPOT_LIFECYCLE, value.toLowerCase());
      return stage === undefined ? { kind: 'skip' } : { kind: 'value', value: stage };
    }
    case 'epochDate': {
      // Date properties are epoch ms at midnight UTC; an ISO date is accepted too.
      const ms = /^\d{1,16}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
      const date = new Date(ms);
      return Number.isNaN(date.getTime()) ? bad('a date (epoch ms)', value) : { kind: 'value', value: date.toISOString().slice(0, 10) };
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Translation
// ---------------------------------------------------------------------------------------------

type Action = 'creation' | 'propertyChange' | 'deletion' | 'restore' | 'privacyDeletion' | 'merge';
const ACTIONS: readonly string[] = ['creation', 'propertyChange', 'deletion', 'restore', 'privacyDeletion', 'merge'] satisfies Action[];

const subscriptionOf = (type: string): { object: HubspotObject; action: Action } | undefined => {
  const [object, action, ...rest] = type.split('.');
  if (object === undefined || action === undefined || rest.length > 0) return undefined;
  if (!Object.hasOwn(OBJECTS, object) || !ACTIONS.includes(action)) return undefined;
  // Only contacts have privacy deletions.
  if (action === 'privacyDeletion' && object !== 'contact') return undefined;
  return { object: object as HubspotObject, action: action as Action };
};

type EventResult = MessageResult;

const describeIssues = (error: z.ZodError, where: string): string => describeFirstIssue(error, where ? `${where}.` : '');

const SEQUENCE_MODULUS = 10_000_000_000;

type Change = { externalId: number; changeKind: CanonicalEvent['changeKind']; fields?: Record<string, unknown>; changedFields?: string[]; clearedFields?: string[] };

const propertyChange = (object: HubspotObject, event: HubspotEvent, where: string): { kind: 'change'; change: Change } | { kind: 'skip' } | { kind: 'invalid'; detail: string } => {
  const name = event.propertyName ?? '';
  const spec = own<PropertySpec>(OBJECTS[object].properties, name);
  if (spec === undefined) return { kind: 'skip' };
  const raw = event.propertyValue ?? '';
  const changed = { externalId: event.objectId, changeKind: 'upsert' as const, changedFields: [spec.canonical] };
  // HubSpot reports a property emptied in its UI or API as "": a clear, whatever the type.
  if (raw === '') return { kind: 'change', change: { ...changed, fields: {}, clearedFields: [spec.canonical] } };
  const converted = convert(spec.kind, raw);
  if (converted.kind === 'bad') return { kind: 'invalid', detail: `${where}.propertyValue (${name}): ${converted.message}` };
  if (converted.kind === 'skip') return { kind: 'skip' };
  const fields: Record<string, unknown> = spec.canonical.startsWith('address.')
    ? { address: { [spec.canonical.slice('address.'.length)]: converted.value } }
    : { [spec.canonical]: converted.value };
  return { kind: 'change', change: { ...changed, fields } };
};

const changesOf = (object: HubspotObject, action: Action, event: HubspotEvent, where: string): Change[] | { invalid: string } => {
  switch (action) {
    case 'creation':
      return [{ externalId: event.objectId, changeKind: 'gap' }];
    case 'deletion':
      return [{ externalId: event.objectId, changeKind: 'delete' }];
    case 'restore':
      return [{ externalId: event.objectId, changeKind: 'undelete' }];
    case 'privacyDeletion':
      return [{ externalId: event.objectId, changeKind: 'erase' }];
    case 'propertyChange': {
      const result = propertyChange(object, event, where);
      if (result.kind === 'invalid') return { invalid: result.detail };
      return result.kind === 'skip' ? [] : [result.change];
    }
    case 'merge': {
      const primary = event.primaryObjectId ?? event.objectId;
      const survivors = [...new Set([primary, ...(event.newObjectId == null ? [] : [event.newObjectId])])];
      const mergedAway = [...new Set(event.mergedObjectIds ?? [])].filter((id) => !survivors.includes(id));
      return [
        ...survivors.map((id): Change => ({ externalId: id, changeKind: 'gap' })),
        ...mergedAway.map((id): Change => ({ externalId: id, changeKind: 'delete' })),
      ];
    }
  }
};

const translateEvent = (event: HubspotEvent, index: number): EventResult => {
  const where = `[${index}]`;
  const subscription = subscriptionOf(event.subscriptionType);
  if (subscription === undefined) return { kind: 'unsupported', detail: `${where}: subscriptionType ${event.subscriptionType} is not one Concord reads` };
  const changes = changesOf(subscription.object, subscription.action, event, where);
  if (!Array.isArray(changes)) return { kind: 'invalid', detail: changes.invalid };

  const events: CanonicalEvent[] = [];
  for (const change of changes) {
    const candidate = {
      eventId: changes.length > 1 ? `hubspot:${event.eventId}:${change.externalId}` : `hubspot:${event.eventId}`,
      sourceSystem: 'hubspot',
      entityType: OBJECTS[subscription.object].entityType,
      externalId: String(change.externalId),
      occurredAt: new Date(event.occurredAt).toISOString(),
      sourceVersion: formatSourceVersion(event.occurredAt, event.eventId % SEQUENCE_MODULUS),
      changeKind: change.changeKind,
      fields: change.fields ?? {},
      ...(change.changedFields === undefined ? {} : { changedFields: change.changedFields }),
      ...(change.clearedFields === undefined ? {} : { clearedFields: change.clearedFields }),
      vendorEventId: String(event.eventId),
      raw: event,
    };
    const parsed = CanonicalEvent.safeParse(candidate);
    if (!parsed.success) return { kind: 'invalid', detail: describeIssues(parsed.error, where) };
    events.push(parsed.data);
  }
  return { kind: 'events', events };
};

export const translateHubspotDelivery = (body: unknown): Translation => {
  const parsed = HubspotDelivery.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', reason: 'schema-violation', detail: describeIssues(parsed.error, '') };
  return combineMessageResults(parsed.data.map(translateEvent));
};

export const hubspotConnector: Connector = {
  system: 'hubspot',
  verify: verifyHubspot,
  translate: (body) => translateHubspotDelivery(body),
};
