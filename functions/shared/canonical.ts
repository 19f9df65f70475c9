/**
 * The canonical model: what every connector turns its vendor's wire format into, and what every
 * consumer reads. zod is the only source of these types (STYLE §5); parse once, at the boundary.
 */
import { z } from 'zod';

export const SourceSystem = z.enum(['salesforce', 'hubspot', 'stripe', 'zendesk', 'netsuite', 'generic']);
export type SourceSystem = z.infer<typeof SourceSystem>;

export const EntityType = z.enum([
  'account',
  'person',
  'opportunity',
  'order',
  'subscription',
  'invoice',
  'ticket',
  'activity',
]);
export type EntityType = z.infer<typeof EntityType>;

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
/** DynamoDB's document client refuses numbers it cannot represent exactly, so neither do we. */
const money = z.number().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 currency code, upper case');

export const Address = z.object({
  street: z.string().optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
});
export type Address = z.infer<typeof Address>;

export const LifecycleStage = z.enum(['lead', 'prospect', 'customer', 'expanded', 'churned']);
export type LifecycleStage = z.infer<typeof LifecycleStage>;

/**
 * A reference from one source record to another in the same system (a contact's account, an
 * invoice's customer). Identity resolution later maps both ends to unified ids.
 */
const externalRef = z.string().min(1);

export const Account = z.object({
  name: z.string(),
  domain: z.string(),
  website: z.string(),
  phone: z.string(),
  address: Address,
  industry: z.string(),
  employees: z.number().int().nonnegative(),
  annualRevenue: money,
  taxId: z.string(),
  customerNumber: z.string(),
  ownerEmail: z.string(),
  lifecycleStage: LifecycleStage,
  concordId: z.string(),
});
export type Account = z.infer<typeof Account>;

export const ContactRole = z.enum(['buyer', 'user', 'influencer', 'executive_sponsor']);
export type ContactRole = z.infer<typeof ContactRole>;

export const Person = z.object({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string(),
  title: z.string(),
  role: ContactRole,
  accountRef: externalRef,
  address: Address,
  birthDate: isoDate,
  marketingOptIn: z.boolean(),
  concordId: z.string(),
});
export type Person = z.infer<typeof Person>;

export const Opportunity = z.object({
  name: z.string(),
  accountRef: externalRef,
  amount: money,
  currency,
  stage: z.string(),
  isClosed: z.boolean(),
  isWon: z.boolean(),
  closeDate: isoDate,
  ownerEmail: z.string(),
  productLine: z.string(),
  leadSource: z.string(),
  /** The contract waits for legal review: a handoff must not act on it yet. */
  legalReview: z.boolean(),
});
export type Opportunity = z.infer<typeof Opportunity>;

export const Order = z.object({
  orderNumber: z.string(),
  accountRef: externalRef,
  amount: money,
  currency,
  status: z.string(),
  orderDate: isoDate,
});
export type Order = z.infer<typeof Order>;

export const Subscription = z.object({
  accountRef: externalRef,
  status: z.string(),
  plan: z.string(),
  quantity: z.number().int().nonnegative(),
  amount: money,
  currency,
  currentPeriodEnd: isoDateTime,
  cancelAtPeriodEnd: z.boolean(),
});
export type Subscription = z.infer<typeof Subscription>;

export const Invoice = z.object({
  number: z.string(),
  accountRef: externalRef,
  amount: money,
  amountDue: money,
  currency,
  status: z.string(),
  dueDate: isoDate,
  paidAt: isoDateTime,
  paymentFailed: z.boolean(),
});
export type Invoice = z.infer<typeof Invoice>;

export const Ticket = z.object({
  subject: z.string(),
  accountRef: externalRef,
  requesterRef: externalRef,
  status: z.string(),
  priority: z.string(),
  openedAt: isoDateTime,
  satisfaction: z.enum(['good', 'bad', 'offered', 'unoffered']),
});
export type Ticket = z.infer<typeof Ticket>;

export const Activity = z.object({
  kind: z.string(),
  subject: z.string(),
  occurredAt: isoDateTime,
  accountRef: externalRef,
  personRef: externalRef,
});
export type Activity = z.infer<typeof Activity>;

/**
 * Connectors send only what they know: a Salesforce update carries changed fields, a HubSpot
 * property change carries one property. So events hold partial entities, and the stored record
 * merges them field by field.
 */
export const entityFieldSchemas = {
  account: Account.partial().strict(),
  person: Person.partial().strict(),
  opportunity: Opportunity.partial().strict(),
  order: Order.partial().strict(),
  subscription: Subscription.partial().strict(),
  invoice: Invoice.partial().strict(),
  ticket: Ticket.partial().strict(),
  activity: Activity.partial().strict(),
} as const satisfies Record<EntityType, z.ZodType>;

export type EntityFields = { [K in EntityType]: z.infer<(typeof entityFieldSchemas)[K]> };

/**
 * What happened to the source record:
 * - upsert: these fields now hold these values (others unchanged);
 * - delete / undelete: the vendor deleted or restored it;
 * - erase: a privacy deletion; the record is blanked and nothing may bring it back;
 * - gap: the vendor lost track of what changed (Salesforce GAP_*, a HubSpot creation without
 *   properties); fields are unknown and the record must be read again from the source.
 */
export const ChangeKind = z.enum(['upsert', 'delete', 'undelete', 'erase', 'gap']);
export type ChangeKind = z.infer<typeof ChangeKind>;

/**
 * Orders changes to one source record. Lexicographically sortable, see `formatSourceVersion`.
 */
export const SourceVersion = z.string().regex(/^\d{16}:\d{10}$/, 'sortable version "<16-digit ms>:<10-digit seq>"');
export type SourceVersion = z.infer<typeof SourceVersion>;

export const formatSourceVersion = (epochMs: number, sequence = 0): SourceVersion =>
  `${Math.trunc(epochMs).toString().padStart(16, '0')}:${Math.trunc(sequence).toString().padStart(10, '0')}`;

const envelopeBase = {
  /** Deterministic from the vendor's own delivery identity, so a redelivery has the same id. */
  eventId: z.string().min(1),
  sourceSystem: SourceSystem,
  externalId: z.string().min(1),
  occurredAt: isoDateTime,
  sourceVersion: SourceVersion,
  changeKind: ChangeKind,
  /** Field names (canonical) that the vendor says changed; absent when it sent a full snapshot. */
  changedFields: z.array(z.string()).optional(),
  /**
   * Field paths (canonical, `address.city` for a part) the vendor emptied. The canonical model has
   * no null, so a cleared value travels here and is versioned like any write.
   */
  clearedFields: z.array(z.string()).optional(),
  /** The vendor's own event or delivery id, kept for audit and support. */
  vendorEventId: z.string().optional(),
  /** The record as the vendor sent it (one entity's part of the payload). */
  raw: z.unknown().optional(),
};

const eventFor = <T extends EntityType>(entityType: T) =>
  z.object({ ...envelopeBase, entityType: z.literal(entityType), fields: entityFieldSchemas[entityType] });

export const CanonicalEvent = z.discriminatedUnion('entityType', [
  eventFor('account'),
  eventFor('person'),
  eventFor('opportunity'),
  eventFor('order'),
  eventFor('subscription'),
  eventFor('invoice'),
  eventFor('ticket'),
  eventFor('activity'),
]);
export type CanonicalEvent = z.infer<typeof CanonicalEvent>;

/** The EventBridge detail-type each change kind travels under. */
export const detailTypeOf = (kind: ChangeKind): DetailType =>
  kind === 'gap' ? 'SourceRecordReReadRequested' : 'SourceRecordChanged';

export const DetailType = z.enum(['SourceRecordChanged', 'SourceRecordReReadRequested']);
export type DetailType = z.infer<typeof DetailType>;

/** The EventBridge `source` of events Concord's ingest publishes. */
export const INGEST_EVENT_SOURCE = 'concord.ingest';

export const sourceKeyOf = (e: Pick<CanonicalEvent, 'sourceSystem' | 'entityType' | 'externalId'>): string =>
  `${e.sourceSystem}#${e.entityType}#${e.externalId}`;

/**
 * The source record as stored: the latest raw payload, the merged canonical fields, and the version
 * that last set each field (so partial updates arriving out of order still converge).
 */
export const SourceRecord = z.object({
  sourceKey: z.string(),
  sourceSystem: SourceSystem,
  entityType: EntityType,
  externalId: z.string(),
  fields: z.record(z.string(), z.unknown()),
  fieldVersions: z.record(z.string(), SourceVersion),
  /** Highest version applied to the record at all. */
  version: SourceVersion,
  status: z.enum(['active', 'deleted', 'erased']),
  statusVersion: SourceVersion,
  /** Set while the fields may be stale because the vendor reported a gap. */
  rereadRequestedAt: isoDateTime.optional(),
  /** The newest gap's version; the request stands until a full read at least as new arrives. */
  rereadRequestedVersion: SourceVersion.optional(),
  /** The newest full snapshot applied (a create, a re-read, a vendor that always sends everything). */
  lastFullReadVersion: SourceVersion.optional(),
  /**
   * The newest raw payload, as JSON text: vendors nest deeper than DynamoDB's 32 levels and send
   * numbers it cannot hold, and Concord never queries inside it.
   */
  rawJson: z.string().optional(),
  lastEventId: z.string(),
  firstSeenAt: isoDateTime,
  updatedAt: isoDateTime,
  /** Optimistic-concurrency counter for read-modify-write. */
  rev: z.number().int().nonnegative(),
});
export type SourceRecord = z.infer<typeof SourceRecord>;
