/**
 * Renders canonical changes as Salesforce Change Data Capture, the way a Pub/Sub API subscriber
 * relay forwards them: a signed HTTPS POST to `/webhooks/salesforce` whose body is a JSON array of
 * up to 100 CDC event messages `{ schema, payload: { ChangeEventHeader, ...fields }, event: {
 * replayId } }`, signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`). `salesforceRelayEvents` renders the same changes as Event Relay puts them
 * on an EventBridge bus.
 *
 * How a change becomes a change event:
 * - an upsert is a CREATE (full snapshot: every field of the entity, null where empty) when it is
 *   the first change to that record in the call and holds what Salesforce needs to create one
 *   (Account/Opportunity Name, plus StageName and CloseDate; Contact/Lead LastName; Task Subject;
 *   Event StartDateTime); otherwise an UPDATE carrying only the given fields, listed in
 *   changedFields (address parts as `BillingAddress.City`), with LastModifiedDate. An empty text
 *   value is sent as null and listed in nulledFields, as Salesforce stores blank text as null;
 * - a delete is a DELETE; an erase is also a DELETE (Salesforce has no privacy-deletion event);
 * - a person is a Contact, or a Lead when its id has the Lead key prefix 00Q; an activity is an
 *   Event when its kind is 'meeting' (or, with no kind, its id has the Event prefix 00U), else a
 *   Task (kind → TaskSubtype);
 * - canonical values without a standard Salesforce field go to the custom fields Concord's setup
 *   adds (Concord_Domain__c, Concord_Tax_Id__c, Concord_Owner_Email__c,
 *   Concord_Lifecycle_Stage__c, Concord_Role__c, Concord_Product_Line__c, Concord_Legal_Review__c, Concord_Id__c), picklist
 *   values title-cased ("Executive Sponsor"). A Lead has no account or birthdate; an Event's kind
 *   is its object type.
 * Each change is its own transaction: transactionKey is derived from the change, sequenceNumber
 * is `sequence + 1` and commitTimestamp is `occurredAt`, so the same change always renders the same.
 */
import { createHash } from 'node:crypto';
import { signStandardWebhook, standardWebhookTimestamp } from '../../functions/ingest/standard-webhooks';
import type { DeliveredBusEvent } from '../../functions/shared/ports';
import { flatCanonical, type DeliveryOptions, type OutboundWebhook, type SourceChange, type VendorSimulator } from './vendor-simulator';

export const SALESFORCE_WEBHOOK_PATH = '/webhooks/salesforce';
/** Salesforce's Pub/Sub API hands out at most 100 events per fetch. */
export const SALESFORCE_BATCH_SIZE = 100;

type SalesforceEntity = 'Account' | 'Contact' | 'Lead' | 'Opportunity' | 'Task' | 'Event';

type Render = (value: unknown) => unknown;
const asIs: Render = (v) => v;
const epochMs: Render = (v) => Date.parse(String(v));
const negate: Render = (v) => !v;

/** Canonical field (or address part) → API path (`Phone`, `BillingAddress.City`) and how to write it. */
interface Column {
  canonical: string;
  path: string;
  render: Render;
}

const col = (canonical: string, path: string, render: Render = asIs): Column => ({ canonical, path, render });

const address = (compound: string): Column[] => [
  col('address.street', `${compound}.Street`),
  col('address.city', `${compound}.City`),
  col('address.region', `${compound}.State`),
  col('address.postalCode', `${compound}.PostalCode`),
  col('address.country', `${compound}.Country`),
];

const titleCase = (v: unknown): string => String(v).split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

const TASK_SUBTYPES: Readonly<Record<string, string>> = { task: 'Task', email: 'Email', listemail: 'ListEmail', cadence: 'Cadence', call: 'Call', linkedin: 'LinkedIn' };

const COLUMNS: Readonly<Record<SalesforceEntity, readonly Column[]>> = {
  Account: [
    col('name', 'Name'),
    col('website', 'Website'),
    col('phone', 'Phone'),
    col('industry', 'Industry'),
    col('employees', 'NumberOfEmployees'),
    col('annualRevenue', 'AnnualRevenue'),
    col('customerNumber', 'AccountNumber'),
    col('concordId', 'Concord_Id__c'),
    col('domain', 'Concord_Domain__c'),
    col('taxId', 'Concord_Tax_Id__c'),
    col('ownerEmail', 'Concord_Owner_Email__c'),
    col('lifecycleStage', 'Concord_Lifecycle_Stage__c', titleCase),
    ...address('BillingAddress'),
  ],
  Contact: [
    col('firstName', 'Name.FirstName'),
    col('lastName', 'Name.LastName'),
    col('email', 'Email'),
    col('phone', 'Phone'),
    col('title', 'Title'),
    col('accountRef', 'AccountId'),
    col('birthDate', 'Birthdate'),
    col('marketingOptIn', 'HasOptedOutOfEmail', negate),
    col('concordId', 'Concord_Id__c'),
    col('role', 'Concord_Role__c', titleCase),
    ...address('MailingAddress'),
  ],
  Lead: [
    col('firstName', 'Name.FirstName'),
    col('lastName', 'Name.LastName'),
    col('email', 'Email'),
    col('phone', 'Phone'),
    col('title', 'Title'),
    col('marketingOptIn', 'HasOptedOutOfEmail', negate),
    col('concordId', 'Concord_Id__c'),
    col('role', 'Concord_Role__c', titleCase),
    ...address('Address'),
  ],
  Opportunity: [
    col('name', 'Name'),
    col('accountRef', 'AccountId'),
    col('amount', 'Amount'),
    col('currency', 'CurrencyIsoCode'),
    col('stage', 'StageName'),
    col('isClosed', 'IsClosed'),
    col('isWon', 'IsWon'),
    col('closeDate', 'CloseDate'),
    col('leadSource', 'LeadSource'),
    col('ownerEmail', 'Concord_Owner_Email__c'),
    col('productLine', 'Concord_Product_Line__c'),
    col('legalReview', 'Concord_Legal_Review__c'),
  ],
  Task: [
    col('subject', 'Subject'),
    col('kind', 'TaskSubtype', (v) => TASK_SUBTYPES[String(v).toLowerCase()] ?? 'Task'),
    col('occurredAt', 'CompletedDateTime', epochMs),
    col('accountRef', 'AccountId'),
    col('personRef', 'WhoId'),
  ],
  Event: [
    col('subject', 'Subject'),
    col('occurredAt', 'StartDateTime', epochMs),
    col('accountRef', 'AccountId'),
    col('personRef', 'WhoId'),
  ],
};

/** Fields Salesforce requires to create a record, so an upsert holding them can be a CREATE. */
const CREATE_NEEDS: Readonly<Record<SalesforceEntity, readonly string[]>> = {
  Account: ['name'],
  Contact: ['lastName'],
  Lead: ['lastName'],
  Opportunity: ['name', 'stage', 'closeDate'],
  Task: ['subject'],
  Event: ['occurredAt'],
};

const COMPOUNDS = new Set(['Name', 'BillingAddress', 'MailingAddress', 'Address']);

const entityOf = (change: SourceChange): SalesforceEntity => {
  switch (change.entityType) {
    case 'account':
      return 'Account';
    case 'opportunity':
      return 'Opportunity';
    case 'person':
      return change.externalId.startsWith('00Q') ? 'Lead' : 'Contact';
    case 'activity': {
      if (change.fields.kind !== undefined) return change.fields.kind === 'meeting' ? 'Event' : 'Task';
      return change.externalId.startsWith('00U') ? 'Event' : 'Task';
    }
    default:
      throw new Error(`salesforceSimulator: Salesforce holds no ${change.entityType} records`);
  }
};


const setPath = (payload: Record<string, unknown>, path: string, value: unknown): void => {
  const [head, component] = path.split('.') as [string, string | undefined];
  if (component === undefined) {
    payload[head] = value;
    return;
  }
  const compound = (payload[head] ?? {}) as Record<string, unknown>;
  compound[component] = value;
  payload[head] = compound;
};

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** A UUID-shaped transaction key derived from the change, so a re-render is a redelivery. */
const transactionKeyOf = (seed: string): string => {
  const hex = sha256(seed).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/** A schema id of Salesforce's shape (22 base64url characters), fixed per change event type. */
const schemaIdOf = (entity: SalesforceEntity): string => sha256(`${entity}ChangeEvent`).subarray(0, 16).toString('base64url');

const SIMULATED_USER = '005000000000001AAA';
const SIMULATED_ORIGIN = 'com/salesforce/api/rest/60.0;client=concord-simulator';

export interface CdcMessage {
  schema: string;
  payload: Record<string, unknown>;
  event: { replayId: number };
}

interface Rendered {
  entity: SalesforceEntity;
  message: CdcMessage;
}

const renderChange = (change: SourceChange, changeType: 'CREATE' | 'UPDATE' | 'DELETE', entity: SalesforceEntity, position: number): Rendered => {
  const commitTimestamp = change.occurredAt.getTime();
  const sequenceNumber = (change.sequence ?? 0) + 1;
  const transactionKey = transactionKeyOf(JSON.stringify([entity, change.externalId, commitTimestamp, sequenceNumber, changeType, change.fields]));
  const payload: Record<string, unknown> = {};
  const changedFields: string[] = [];
  const nulledFields: string[] = [];

  if (changeType !== 'DELETE') {
    const flat = flatCanonical(change.fields as Record<string, unknown>);
    for (const column of COLUMNS[entity]) {
      const value = flat.get(column.canonical);
      if (changeType === 'CREATE') {
        setPath(payload, column.path, value === undefined || value === '' ? null : column.render(value));
      } else if (value !== undefined) {
        setPath(payload, column.path, value === '' ? null : column.render(value));
        changedFields.push(column.path);
        if (value === '') nulledFields.push(column.path);
      }
    }
    // A compound whose parts are all empty is null in a snapshot, like Salesforce sends it.
    for (const name of COMPOUNDS) {
      const compound = payload[name];
      if (changeType === 'CREATE' && typeof compound === 'object' && compound !== null && Object.values(compound).every((v) => v === null)) payload[name] = null;
    }
    payload.LastModifiedDate = commitTimestamp;
    if (changeType === 'CREATE') payload.CreatedDate = commitTimestamp;
    else changedFields.push('LastModifiedDate');
  }

  payload.ChangeEventHeader = {
    entityName: entity,
    recordIds: [change.externalId],
    changeType,
    changeOrigin: SIMULATED_ORIGIN,
    transactionKey,
    sequenceNumber,
    commitTimestamp,
    commitNumber: Number.parseInt(transactionKey.slice(0, 10).replace('-', ''), 16),
    commitUser: SIMULATED_USER,
    nulledFields,
    diffFields: [],
    changedFields,
  };
  // Replay ids grow with time, like the event bus's; the position keeps one instant's apart.
  return { entity, message: { schema: schemaIdOf(entity), payload, event: { replayId: commitTimestamp * 100 + (position % 100) } } };
};

/** Decides CREATE, UPDATE or DELETE for each change, in order, and renders it. */
export const renderCdcMessages = (changes: readonly SourceChange[]): Rendered[] => {
  const seen = new Map<string, SalesforceEntity>();
  return changes.map((change, position) => {
    const key = `${change.entityType}#${change.externalId}`;
    const entity = seen.get(key) ?? entityOf(change);
    const first = !seen.has(key);
    seen.set(key, entity);
    if (change.changeKind !== 'upsert') return renderChange(change, 'DELETE', entity, position);
    const flat = flatCanonical(change.fields as Record<string, unknown>);
    const creatable = CREATE_NEEDS[entity].every((name) => flat.get(name) !== undefined && flat.get(name) !== '');
    return renderChange(change, first && creatable ? 'CREATE' : 'UPDATE', entity, position);
  });
};

export const salesforceSimulator: VendorSimulator = {
  system: 'salesforce',
  entityTypes: ['account', 'person', 'opportunity', 'activity'],
  deliveries(changes: readonly SourceChange[], options: DeliveryOptions): OutboundWebhook[] {
    const messages = renderCdcMessages(changes).map((r) => r.message);
    const deliveries: OutboundWebhook[] = [];
    for (let start = 0; start < messages.length; start += SALESFORCE_BATCH_SIZE) {
      const body = JSON.stringify(messages.slice(start, start + SALESFORCE_BATCH_SIZE));
      // The message id is the body's, so rendering the same changes again is a redelivery.
      const id = `msg_${sha256(body).subarray(0, 18).toString('base64url')}`;
      const timestamp = standardWebhookTimestamp(options.now);
      deliveries.push({
        method: 'POST',
        path: SALESFORCE_WEBHOOK_PATH,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': timestamp,
          'webhook-signature': signStandardWebhook({ id, timestamp: Number(timestamp), body, secret: options.secret }),
        },
        body,
      });
    }
    return deliveries;
  },
};

/** An EventBridge event as Event Relay delivers one change event to the partner event bus. */
export type RelayEventBridgeEvent = DeliveredBusEvent & { detail: { payload: Record<string, unknown>; schemaId: string; id: string } };

const SIMULATED_RELAY_SOURCE = 'aws.partner/salesforce.com/00D000000000001EAA/0YL000000000001GAA';

/** The same changes as Event Relay puts them on EventBridge: one event per change event. */
export const salesforceRelayEvents = (changes: readonly SourceChange[], options: { now: Date; account?: string; region?: string }): RelayEventBridgeEvent[] =>
  renderCdcMessages(changes).map(({ entity, message }) => {
    const header = message.payload.ChangeEventHeader as { transactionKey: string; sequenceNumber: number };
    const eventUuid = transactionKeyOf(`${header.transactionKey}:${header.sequenceNumber}`);
    return {
      version: '0',
      id: transactionKeyOf(`eventbridge:${eventUuid}`),
      'detail-type': `${entity}ChangeEvent`,
      source: SIMULATED_RELAY_SOURCE,
      account: options.account ?? '000000000000',
      time: options.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: options.region ?? 'us-east-1',
      resources: [],
      detail: { payload: message.payload, schemaId: message.schema, id: eventUuid },
    };
  });
