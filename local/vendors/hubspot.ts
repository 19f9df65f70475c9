/**
 * Renders canonical changes as HubSpot webhook deliveries (Webhooks API, signature v3): POSTs to
 * `/webhooks/hubspot` whose body is a JSON array of up to 100 events, signed with
 * `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(client secret, "POST" + URL + body + timestamp))
 * and `X-HubSpot-Request-Timestamp` (epoch ms). Like HubSpot, the legacy v1 signature
 * (`X-HubSpot-Signature`, sha256 hex of secret + body) is sent alongside.
 *
 * How a change becomes events:
 * - an upsert is a creation event followed by one propertyChange event per property when it is the
 *   first change to that record in the call and names it (company name, deal dealname, contact
 *   email/firstname/lastname); otherwise only the propertyChange events;
 * - a delete is a deletion; an erase of a person is a deletion then a privacyDeletion (HubSpot
 *   sends both); an erase of a company or deal, which HubSpot cannot do, is a deletion;
 * - fields go to HubSpot's standard properties (role → hs_buying_role, marketingOptIn →
 *   hs_email_optout negated, leadSource → hs_analytics_source, ...) or to the custom properties
 *   Concord's setup adds (concord_owner_email, concord_product_line, concord_legal_review, concord_id). Not rendered:
 *   account taxId and customerNumber, opportunity accountRef (an association, not a property),
 *   and lifecycle stages 'expanded' and 'churned', which HubSpot lacks.
 * Object ids must be decimal numbers, as HubSpot's are. Event ids are derived from the changes and
 * numbered in (occurredAt, sequence) order, so the connector's version (occurredAt, eventId mod
 * 1e10) orders changes sharing an instant, and rendering the same changes again is a redelivery.
 */
import { createHash } from 'node:crypto';
import { signHubspotV3 } from '../../functions/ingest/connectors/hubspot';
import { flatCanonical, type DeliveryOptions, type OutboundWebhook, type SourceChange, type VendorSimulator } from './vendor-simulator';

export const HUBSPOT_WEBHOOK_PATH = '/webhooks/hubspot';
/** HubSpot sends at most 100 events per request. */
export const HUBSPOT_BATCH_SIZE = 100;

const SIMULATED_PORTAL_ID = 20_000_001;
const SIMULATED_APP_ID = 1_000_001;

type HubspotObject = 'contact' | 'company' | 'deal';

/** A canonical field (or `address.part`) → property name and its string value. */
interface Property {
  canonical: string;
  name: string;
  render: (value: unknown) => string | undefined;
}

const text = (value: unknown): string => String(value);
const prop = (canonical: string, name: string, render: Property['render'] = text): Property => ({ canonical, name, render });

const ADDRESS: readonly Property[] = [
  prop('address.street', 'address'),
  prop('address.city', 'city'),
  prop('address.region', 'state'),
  prop('address.postalCode', 'zip'),
  prop('address.country', 'country'),
];

const LIFECYCLE: Readonly<Record<string, string>> = { lead: 'lead', prospect: 'opportunity', customer: 'customer' };
const BUYING_ROLES: Readonly<Record<string, string>> = { buyer: 'DECISION_MAKER', user: 'END_USER', influencer: 'INFLUENCER', executive_sponsor: 'EXECUTIVE_SPONSOR' };

const PROPERTIES: Readonly<Record<HubspotObject, readonly Property[]>> = {
  contact: [
    prop('firstName', 'firstname'),
    prop('lastName', 'lastname'),
    prop('email', 'email'),
    prop('phone', 'phone'),
    prop('title', 'jobtitle'),
    prop('accountRef', 'associatedcompanyid'),
    prop('role', 'hs_buying_role', (v) => BUYING_ROLES[String(v)]),
    prop('birthDate', 'date_of_birth'),
    prop('marketingOptIn', 'hs_email_optout', (v) => String(!v)),
    prop('concordId', 'concord_id'),
    ...ADDRESS,
  ],
  company: [
    prop('name', 'name'),
    prop('domain', 'domain'),
    prop('website', 'website'),
    prop('phone', 'phone'),
    prop('industry', 'industry'),
    prop('employees', 'numberofemployees'),
    prop('annualRevenue', 'annualrevenue'),
    prop('lifecycleStage', 'lifecyclestage', (v) => LIFECYCLE[String(v)]),
    prop('ownerEmail', 'concord_owner_email'),
    prop('concordId', 'concord_id'),
    ...ADDRESS,
  ],
  deal: [
    prop('name', 'dealname'),
    prop('amount', 'amount'),
    prop('currency', 'deal_currency_code'),
    prop('stage', 'dealstage'),
    prop('isClosed', 'hs_is_closed'),
    prop('isWon', 'hs_is_closed_won'),
    // Date properties hold midnight UTC as epoch ms.
    prop('closeDate', 'closedate', (v) => String(Date.parse(`${String(v)}T00:00:00.000Z`))),
    prop('leadSource', 'hs_analytics_source'),
    prop('ownerEmail', 'concord_owner_email'),
    prop('productLine', 'concord_product_line'),
    prop('legalReview', 'concord_legal_review'),
  ],
};

/** What names a new record, so that an upsert holding it can be rendered as a creation. */
const CREATION_NAMES: Readonly<Record<HubspotObject, readonly string[]>> = {
  contact: ['email', 'firstName', 'lastName'],
  company: ['name'],
  deal: ['name'],
};

const objectOf = (change: SourceChange): HubspotObject => {
  switch (change.entityType) {
    case 'person':
      return 'contact';
    case 'account':
      return 'company';
    case 'opportunity':
      return 'deal';
    default:
      throw new Error(`hubspotSimulator: HubSpot holds no ${change.entityType} records`);
  }
};

const objectIdOf = (externalId: string): number => {
  // Ids beyond 15 digits would lose precision as JSON numbers.
  if (!/^\d{1,15}$/.test(externalId)) throw new Error(`hubspotSimulator: HubSpot object ids are numbers; got "${externalId}"`);
  return Number(externalId);
};


const sha256 = (text: string | Buffer): Buffer => createHash('sha256').update(text).digest();

export interface HubspotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  changeSource: string;
  propertyName?: string;
  propertyValue?: string;
}

type Draft = Omit<HubspotWebhookEvent, 'eventId' | 'subscriptionId' | 'portalId' | 'appId' | 'attemptNumber' | 'changeSource'>;

const draftsOf = (change: SourceChange, isFirst: boolean): Draft[] => {
  const object = objectOf(change);
  const objectId = objectIdOf(change.externalId);
  const occurredAt = change.occurredAt.getTime();
  const event = (action: string, extra: Partial<Draft> = {}): Draft => ({ occurredAt, subscriptionType: `${object}.${action}`, objectId, ...extra });
  if (change.changeKind === 'delete') return [event('deletion')];
  if (change.changeKind === 'erase') return object === 'contact' ? [event('deletion'), event('privacyDeletion')] : [event('deletion')];

  const flat = flatCanonical(change.fields as Record<string, unknown>);
  const properties = PROPERTIES[object].flatMap((property) => {
    const value = flat.get(property.canonical);
    const rendered = value === undefined ? undefined : property.render(value);
    return rendered === undefined ? [] : [event('propertyChange', { propertyName: property.name, propertyValue: rendered })];
  });
  const named = CREATION_NAMES[object].some((name) => {
    const value = flat.get(name);
    return value !== undefined && value !== '';
  });
  return isFirst && named ? [event('creation'), ...properties] : properties;
};

/** A subscription id per subscription type, stable like a configured app's. */
const subscriptionIdOf = (type: string): number => 100_000 + (sha256(type).readUInt32BE(0) % 900_000);

/**
 * Event ids: `H·1e10 + L + n` with H and L derived from the changes and n the event's rank in
 * (occurredAt, sequence) order. L leaves room for 1e7 events below 1e10, so `eventId mod 1e10`
 * keeps the rank order within one delivery set and ids stay below 2^53.
 */
const eventIdBase = (changes: readonly SourceChange[]): number => {
  const seed = sha256(JSON.stringify(changes.map((c) => [c.entityType, c.externalId, c.changeKind, c.occurredAt.getTime(), c.sequence ?? 0, c.fields])));
  const high = 1 + (seed.readUInt32BE(0) % 899_999);
  const low = seed.readUInt32BE(4) % (10_000_000_000 - 10_000_000);
  return high * 10_000_000_000 + low;
};

export const renderHubspotEvents = (changes: readonly SourceChange[]): HubspotWebhookEvent[] => {
  const seen = new Set<string>();
  const drafts = changes.flatMap((change, position) => {
    const key = `${change.entityType}#${change.externalId}`;
    const isFirst = !seen.has(key);
    seen.add(key);
    return draftsOf(change, isFirst).map((draft, inner) => ({ draft, order: [change.occurredAt.getTime(), change.sequence ?? 0, position, inner] as const }));
  });
  drafts.sort((a, b) => {
    for (let i = 0; i < a.order.length; i += 1) {
      const d = (a.order[i] as number) - (b.order[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
  const base = eventIdBase(changes);
  return drafts.map(({ draft }, rank) => ({
    eventId: base + rank,
    subscriptionId: subscriptionIdOf(draft.subscriptionType),
    portalId: SIMULATED_PORTAL_ID,
    appId: SIMULATED_APP_ID,
    occurredAt: draft.occurredAt,
    subscriptionType: draft.subscriptionType,
    attemptNumber: 0,
    objectId: draft.objectId,
    changeSource: 'CRM_UI',
    ...(draft.propertyName === undefined ? {} : { propertyName: draft.propertyName, propertyValue: draft.propertyValue }),
  }));
};

export const hubspotSimulator: VendorSimulator = {
  system: 'hubspot',
  entityTypes: ['account', 'person', 'opportunity'],
  deliveries(changes: readonly SourceChange[], options: DeliveryOptions): OutboundWebhook[] {
    const events = renderHubspotEvents(changes);
    const deliveries: OutboundWebhook[] = [];
    const timestamp = String(options.now.getTime());
    for (let start = 0; start < events.length; start += HUBSPOT_BATCH_SIZE) {
      const body = JSON.stringify(events.slice(start, start + HUBSPOT_BATCH_SIZE));
      const url = `${options.baseUrl.replace(/\/+$/, '')}${HUBSPOT_WEBHOOK_PATH}`;
      deliveries.push({
        method: 'POST',
        path: HUBSPOT_WEBHOOK_PATH,
        headers: {
          'Content-Type': 'application/json',
          'X-HubSpot-Signature-v3': signHubspotV3({ method: 'POST', url, body, timestamp, secret: options.secret }),
          'X-HubSpot-Request-Timestamp': timestamp,
          'X-HubSpot-Signature': sha256(options.secret + body).toString('hex'),
          'X-HubSpot-Signature-Version': 'v1',
        },
        body,
      });
    }
    return deliveries;
  },
};
