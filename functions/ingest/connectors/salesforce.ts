/**
 * Salesforce Change Data Capture → canonical events.
 *
 * Two deliveries, one translation:
 * - Event Relay into Amazon EventBridge (`translateRelayEvent`): an EventBridge event whose
 *   `detail-type` is the channel's event name (e.g. "AccountChangeEvent") and whose `detail` is
 *   `{ payload: { ChangeEventHeader, ...fields }, schemaId, id? }`. No signature: EventBridge (the
 *   partner event source bound to our bus) is the trust boundary.
 * - A signed HTTPS POST to `/webhooks/salesforce` (`salesforceConnector`), for local use and for
 *   orgs without Event Relay: the body is a JSON array of CDC event messages as a Pub/Sub API
 *   subscriber relay forwards them, `[{ "schema": "<schema id>", "payload": { "ChangeEventHeader":
 *   {...}, ...fields }, "event": { "replayId": n } }]`, signed with Standard Webhooks: headers
 *   `webhook-id`, `webhook-timestamp` (Unix seconds), `webhook-signature: v1,<base64 HMAC-SHA256
 *   of "${id}.${timestamp}.${raw body}">` (see ../standard-webhooks).
 *
 * ChangeEventHeader: entityName, recordIds[], changeType, changedFields[], nulledFields[],
 * diffFields[], transactionKey, sequenceNumber, commitTimestamp (epoch ms), commitUser,
 * changeOrigin. Entities: Account → account; Contact and Lead → person; Opportunity →
 * opportunity; Task and Event → activity. Other entities are unsupported: a message of only those
 * is rejected as 'unsupported-event'; mixed with supported ones they are skipped, because a relay
 * channel may carry more objects than Concord reads and the rest of the batch is still good.
 *
 * Change types: CREATE → 'upsert' with the full snapshot (no changedFields); UPDATE → 'upsert' of
 * the changed fields only, with changedFields (canonical names; an address part as
 * `address.city`); DELETE → 'delete'; UNDELETE → 'undelete'; GAP_* → 'gap' (no fields: re-read).
 * GAP_OVERFLOW names the entity but no records: it becomes one 'gap' with externalId "*", meaning
 * "re-read every record of this entity type".
 *
 * A nulled field — named in nulledFields, or sent as null (or "") in an UPDATE or a CREATE; a
 * nulled compound nulls each of its components — is a clear, whatever its type: it is left out of
 * `fields` (the canonical model has no null) and its canonical path (`phone`, `address.city`)
 * goes to `clearedFields`, and, in an UPDATE, to changedFields. Salesforce stores blank text as
 * null, so a cleared text field is a clear too, never "". A field an UPDATE names in changedFields
 * but leaves out of the payload says that it changed, not to what: it is named as changed but not
 * cleared. A CREATE is a full snapshot, so its nulls are clears as well (harmless on a new record,
 * and they lose to any later change); a field it leaves out is not, as the org may simply not have
 * it (CurrencyIsoCode without multi-currency, Concord's custom fields before setup). Fields sent
 * as a text diff (diffFields) are left out too: the payload holds a patch, not the value.
 *
 * Standard fields are mapped as named in the code below; the canonical values Salesforce has no
 * standard field for (account domain, tax id, lifecycle stage, owner email; contact role;
 * opportunity owner email, product line) and Concord's own id come from custom fields Concord's
 * setup adds (SALESFORCE_CUSTOM_FIELDS). OwnerId is a user id, not an email, and is not mapped.
 *
 * Identity: eventId `salesforce:${transactionKey}:${sequenceNumber}:${recordId}` (the same change
 * delivered by Event Relay and by the HTTPS relay has the same id); sourceVersion
 * formatSourceVersion(commitTimestamp, sequenceNumber), which orders changes within a transaction.
 */
import { combineMessageResults, describeIssues as describeFirstIssue, type MessageResult } from './connector-kit';
import { z } from 'zod';
import { CanonicalEvent, ContactRole, EntityType, formatSourceVersion, LifecycleStage } from '../../shared/canonical';
import type { Connector, Translation } from '../connector';
import { verifyStandardWebhook } from '../standard-webhooks';

// ---------------------------------------------------------------------------------------------
// Wire format
// ---------------------------------------------------------------------------------------------

/** Epoch ms as JSON number (Pub/Sub, Event Relay) or ISO string (CometD clients). */
const EpochOrIso = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
]);

export const ChangeEventHeader = z
  .looseObject({
    entityName: z.string().min(1),
    // Overflow events carry no record ids; some clients send a lone id as a string.
    recordIds: z.union([z.array(z.string().min(1)), z.string().min(1).transform((id) => [id])]).default([]),
    changeType: z.string().min(1),
    changedFields: z.array(z.string()).nullish().transform((v) => v ?? []),
    nulledFields: z.array(z.string()).nullish().transform((v) => v ?? []),
    diffFields: z.array(z.string()).nullish().transform((v) => v ?? []),
    transactionKey: z.string().min(1).optional(),
    sequenceNumber: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
    commitTimestamp: EpochOrIso,
    commitUser: z.string().nullish(),
    changeOrigin: z.string().nullish(),
  })
  .superRefine((header, ctx) => {
    // Gap and overflow events may be thin; a real change must say where it sits in its transaction.
    if (header.changeType.startsWith('GAP_')) return;
    if (header.transactionKey === undefined) ctx.addIssue({ code: 'custom', path: ['transactionKey'], message: 'required for a change event' });
    if (header.sequenceNumber === undefined) ctx.addIssue({ code: 'custom', path: ['sequenceNumber'], message: 'required for a change event' });
    if (header.recordIds.length === 0) ctx.addIssue({ code: 'custom', path: ['recordIds'], message: 'required for a change event' });
  });
export type ChangeEventHeader = z.infer<typeof ChangeEventHeader>;

export const ChangeEventPayload = z.looseObject({ ChangeEventHeader });
export type ChangeEventPayload = z.infer<typeof ChangeEventPayload>;

/** One CDC event message as a Pub/Sub API (or CometD) subscriber receives it. */
export const CdcEventMessage = z.looseObject({
  schema: z.string().optional(),
  payload: ChangeEventPayload,
  event: z.looseObject({ replayId: z.union([z.number(), z.string()]).optional() }).optional(),
});
export type CdcEventMessage = z.infer<typeof CdcEventMessage>;

export const CdcDelivery = z.array(CdcEventMessage);

/** What Event Relay puts on the EventBridge bus for one change event. */
export const RelayEvent = z.looseObject({
  'detail-type': z.string().optional(),
  source: z.string().optional(),
  id: z.string().optional(),
  detail: z.looseObject({
    payload: z.looseObject({}),
    schemaId: z.string().optional(),
    id: z.string().optional(),
    replayId: z.union([z.number(), z.string()]).optional(),
  }),
});

// ---------------------------------------------------------------------------------------------
// Field mapping
// ---------------------------------------------------------------------------------------------

type FieldKind = 'text' | 'lowerText' | 'int' | 'money' | 'bool' | 'notBool' | 'date' | 'dateTime' | 'ref' | 'currency' | 'lifecycle' | 'role';

/** A canonical field, or a part of the address (`address.city`). */
interface FieldSpec {
  canonical: string;
  kind: FieldKind;
}

interface EntityMapping {
  entityType: EntityType;
  /** Keyed by API path: `Phone`, or a compound's component `BillingAddress.City`. */
  fields: Readonly<Record<string, FieldSpec>>;
  /** Compound fields, whose component names are keys of `fields` as `<compound>.<component>`. */
  compounds: readonly string[];
  /** Canonical values a created record of this entity always has (an Event is a meeting). */
  onCreate?: Readonly<Record<string, unknown>>;
}

const f = (canonical: string, kind: FieldKind = 'text'): FieldSpec => ({ canonical, kind });

/** An address compound and its flat aliases (`BillingCity` is `BillingAddress.City`). */
const addressFields = (compound: string, flatPrefix: string): Record<string, FieldSpec> => {
  const parts = { Street: 'street', City: 'city', State: 'region', PostalCode: 'postalCode', Country: 'country' } as const;
  const out: Record<string, FieldSpec> = {};
  for (const [component, canonical] of Object.entries(parts)) {
    out[`${compound}.${component}`] = f(`address.${canonical}`);
    out[`${flatPrefix}${component}`] = f(`address.${canonical}`);
  }
  return out;
};

const personName = { 'Name.FirstName': f('firstName'), 'Name.LastName': f('lastName'), FirstName: f('firstName'), LastName: f('lastName') };

/**
 * Custom fields Concord's setup adds to the org. Salesforce has no standard field for these
 * canonical values; Concord_Id__c is where Concord writes its unified id back (ARCHITECTURE: "The
 * ID is written back into every source system"). Formula fields would not do: CDC leaves them out.
 * Lifecycle and role are picklists whose labels are the canonical values ("Executive Sponsor").
 */
export const SALESFORCE_CUSTOM_FIELDS = {
  concordId: 'Concord_Id__c',
  domain: 'Concord_Domain__c',
  taxId: 'Concord_Tax_Id__c',
  ownerEmail: 'Concord_Owner_Email__c',
  lifecycleStage: 'Concord_Lifecycle_Stage__c',
  role: 'Concord_Role__c',
  productLine: 'Concord_Product_Line__c',
  legalReview: 'Concord_Legal_Review__c',
} as const;
const custom = SALESFORCE_CUSTOM_FIELDS;

const MAPPINGS: Readonly<Record<string, EntityMapping>> = {
  Account: {
    entityType: 'account',
    compounds: ['BillingAddress'],
    fields: {
      Name: f('name'),
      Website: f('website'),
      Phone: f('phone'),
      Industry: f('industry'),
      NumberOfEmployees: f('employees', 'int'),
      AnnualRevenue: f('annualRevenue', 'money'),
      AccountNumber: f('customerNumber'),
      [custom.concordId]: f('concordId'),
      [custom.domain]: f('domain'),
      [custom.taxId]: f('taxId'),
      [custom.ownerEmail]: f('ownerEmail'),
      [custom.lifecycleStage]: f('lifecycleStage', 'lifecycle'),
      ...addressFields('BillingAddress', 'Billing'),
    },
  },
  Contact: {
    entityType: 'person',
    compounds: ['Name', 'MailingAddress'],
    fields: {
      ...personName,
      Email: f('email'),
      Phone: f('phone'),
      Title: f('title'),
      AccountId: f('accountRef', 'ref'),
      Birthdate: f('birthDate', 'date'),
      HasOptedOutOfEmail: f('marketingOptIn', 'notBool'),
      [custom.concordId]: f('concordId'),
      [custom.role]: f('role', 'role'),
      ...addressFields('MailingAddress', 'Mailing'),
    },
  },
  Lead: {
    entityType: 'person',
    compounds: ['Name', 'Address'],
    fields: {
      ...personName,
      Email: f('email'),
      Phone: f('phone'),
      Title: f('title'),
      HasOptedOutOfEmail: f('marketingOptIn', 'notBool'),
      [custom.concordId]: f('concordId'),
      [custom.role]: f('role', 'role'),
      ...addressFields('Address', ''),
    },
  },
  Opportunity: {
    entityType: 'opportunity',
    compounds: [],
    fields: {
      Name: f('name'),
      AccountId: f('accountRef', 'ref'),
      Amount: f('amount', 'money'),
      CurrencyIsoCode: f('currency', 'currency'),
      StageName: f('stage'),
      IsClosed: f('isClosed', 'bool'),
      IsWon: f('isWon', 'bool'),
      CloseDate: f('closeDate', 'date'),
      LeadSource: f('leadSource'),
      [custom.ownerEmail]: f('ownerEmail'),
      [custom.productLine]: f('productLine'),
      [custom.legalReview]: f('legalReview', 'bool'),
    },
  },
  Task: {
    entityType: 'activity',
    compounds: [],
    // TaskSubtype (Task, Email, Call, ...) names the kind; an untyped task is a 'task'.
    onCreate: { kind: 'task' },
    fields: {
      Subject: f('subject'),
      TaskSubtype: f('kind', 'lowerText'),
      CompletedDateTime: f('occurredAt', 'dateTime'),
      AccountId: f('accountRef', 'ref'),
      WhoId: f('personRef', 'ref'),
    },
  },
  Event: {
    entityType: 'activity',
    compounds: [],
    onCreate: { kind: 'meeting' },
    fields: {
      Subject: f('subject'),
      StartDateTime: f('occurredAt', 'dateTime'),
      ActivityDateTime: f('occurredAt', 'dateTime'),
      AccountId: f('accountRef', 'ref'),
      WhoId: f('personRef', 'ref'),
    },
  },
};

export const SUPPORTED_ENTITIES = Object.keys(MAPPINGS);

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** `value: undefined` means "a value Concord does not map" (a picklist value an admin added): skipped. */
type Converted = { ok: true; value: unknown } | { ok: false; message: string };

const ok = (value: unknown): Converted => ({ ok: true, value });
const SKIP: Converted = { ok: true, value: undefined };
const bad = (expected: string, value: unknown): Converted => ({ ok: false, message: `expected ${expected}, got ${JSON.stringify(value)?.slice(0, 60)}` });

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Pub/Sub's Avro JSON has dates as days since the epoch; CometD has "YYYY-MM-DD". */
const toIsoDate = (value: unknown): Converted => {
  if (typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))) return ok(value);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value)) return ok(new Date(value).toISOString().slice(0, 10));
  if (typeof value === 'number' && Number.isInteger(value)) {
    const ms = Math.abs(value) < 100_000_000 ? value * DAY_MS : value;
    const date = new Date(ms);
    if (!Number.isNaN(date.getTime())) return ok(date.toISOString().slice(0, 10));
  }
  return bad('a date (YYYY-MM-DD or days since 1970)', value);
};

const toIsoDateTime = (value: unknown): Converted => {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? bad('a date-time (ISO 8601 or epoch ms)', value) : ok(date.toISOString());
};

const toNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
};

const toBool = (value: unknown): boolean | undefined =>
  typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined;

const convert = (kind: FieldKind, value: unknown): Converted => {
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? ok(value) : bad('text', value);
    case 'lowerText':
      return typeof value === 'string' ? ok(value.toLowerCase()) : bad('text', value);
    case 'ref':
      return typeof value === 'string' && value.length > 0 ? ok(value) : bad('a record id', value);
    case 'int': {
      const n = toNumber(value);
      return n !== undefined && Number.isInteger(n) && n >= 0 ? ok(n) : bad('a whole number', value);
    }
    case 'money': {
      const n = toNumber(value);
      return n !== undefined ? ok(n) : bad('a number', value);
    }
    case 'bool':
    case 'notBool': {
      const b = toBool(value);
      return b === undefined ? bad('true or false', value) : ok(kind === 'bool' ? b : !b);
    }
    case 'currency':
      return typeof value === 'string' && /^[A-Za-z]{3}$/.test(value) ? ok(value.toUpperCase()) : bad('an ISO 4217 currency code', value);
    case 'date':
      return toIsoDate(value);
    case 'dateTime':
      return toIsoDateTime(value);
    case 'lifecycle': {
      if (typeof value !== 'string') return bad('a lifecycle stage', value);
      const stage = LifecycleStage.safeParse(value.toLowerCase());
      return stage.success ? ok(stage.data) : SKIP;
    }
    case 'role': {
      if (typeof value !== 'string') return bad('a contact role', value);
      const role = ContactRole.safeParse(value.trim().toLowerCase().replace(/[\s-]+/g, '_'));
      return role.success ? ok(role.data) : SKIP;
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Translation
// ---------------------------------------------------------------------------------------------

/** A lookup that ignores inherited keys: an entity named "constructor" must not find Object's. */
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The payload's fields by API path; a compound's components also appear as
 * `<compound>.<component>`, and a null compound as each of its mapped components, null.
 */
const flatten = (mapping: EntityMapping, payload: Record<string, unknown>): Map<string, unknown> => {
  const flat = new Map<string, unknown>();
  for (const [name, value] of Object.entries(payload)) {
    if (name === 'ChangeEventHeader') continue;
    if (mapping.compounds.includes(name) && isRecord(value)) {
      for (const [component, inner] of Object.entries(value)) flat.set(`${name}.${component}`, inner);
    } else if (mapping.compounds.includes(name) && value === null) {
      for (const path of componentsOf(mapping, name)) flat.set(path, null);
    } else {
      flat.set(name, value);
    }
  }
  return flat;
};

const componentsOf = (mapping: EntityMapping, compound: string): string[] => Object.keys(mapping.fields).filter((path) => path.startsWith(`${compound}.`));

const setCanonical = (fields: Record<string, unknown>, canonical: string, value: unknown): void => {
  if (canonical.startsWith('address.')) {
    const address = isRecord(fields.address) ? fields.address : {};
    fields.address = { ...address, [canonical.slice('address.'.length)]: value };
  } else {
    fields[canonical] = value;
  }
};

const hasCanonical = (fields: Record<string, unknown>, canonical: string): boolean =>
  canonical.startsWith('address.') ? isRecord(fields.address) && fields.address[canonical.slice('address.'.length)] !== undefined : fields[canonical] !== undefined;

/** Salesforce stores blank text as null, so "" is as empty as null. */
const isNulled = (value: unknown): boolean => value === null || value === '';

type FieldsResult = { ok: true; fields: Record<string, unknown>; changed?: string[]; cleared: string[] } | { ok: false; detail: string };

/**
 * The canonical paths to clear: those nulled, unless another API path of the same event gives
 * the field a value (an Event's StartDateTime beside a null ActivityDateTime).
 */
const clearedOf = (nulled: ReadonlySet<string>, fields: Record<string, unknown>): string[] => [...nulled].filter((canonical) => !hasCanonical(fields, canonical)).sort();

/** CREATE: every mapped field the snapshot holds; a null one is a clear, one left out says nothing. */
const snapshotFields = (mapping: EntityMapping, header: ChangeEventHeader, payload: Record<string, unknown>, where: string): FieldsResult => {
  const fields: Record<string, unknown> = { ...mapping.onCreate };
  const nulled = new Set<string>();
  const flat = flatten(mapping, payload);
  for (const path of expandPaths(mapping, header.nulledFields, () => true)) {
    const spec = own(mapping.fields, path);
    if (spec !== undefined) nulled.add(spec.canonical);
  }
  for (const [path, value] of flat) {
    const spec = own(mapping.fields, path);
    if (spec === undefined || value === undefined) continue;
    if (isNulled(value)) {
      nulled.add(spec.canonical);
      continue;
    }
    const converted = convert(spec.kind, value);
    if (!converted.ok) return { ok: false, detail: `${where}.${path}: ${converted.message}` };
    if (converted.value !== undefined) setCanonical(fields, spec.canonical, converted.value);
  }
  return { ok: true, fields, cleared: clearedOf(nulled, fields) };
};

/**
 * The API paths an UPDATE names. Salesforce lists a compound's components (`BillingAddress.City`);
 * a whole compound (`BillingAddress`) is read as those of its components the payload holds.
 */
const expandPaths = (mapping: EntityMapping, names: readonly string[], holds: (path: string) => boolean): string[] =>
  names.flatMap((name) =>
    mapping.compounds.includes(name) ? Object.keys(mapping.fields).filter((path) => path.startsWith(`${name}.`) && holds(path)) : [name],
  );

/** UPDATE: only changed fields; nulled ones are cleared, and named in changedFields too. */
const updateFields = (mapping: EntityMapping, header: ChangeEventHeader, payload: Record<string, unknown>, where: string): FieldsResult => {
  const flat = flatten(mapping, payload);
  const all = (): boolean => true;
  // A nulled compound is nulled whole; a changed one only in the parts the payload holds.
  const nulled = new Set(expandPaths(mapping, header.nulledFields, all));
  const diffs = new Set(expandPaths(mapping, header.diffFields, all));
  const fields: Record<string, unknown> = {};
  const changed = new Set<string>();
  const cleared = new Set<string>();
  for (const path of new Set([...expandPaths(mapping, header.changedFields, (path) => flat.has(path)), ...nulled])) {
    const spec = own(mapping.fields, path);
    if (spec === undefined || diffs.has(path)) continue;
    const value = flat.get(path);
    if (nulled.has(path) || isNulled(value)) {
      changed.add(spec.canonical);
      cleared.add(spec.canonical);
      continue;
    }
    if (value === undefined) {
      // Changed, but the payload does not say to what: silence is not a clear.
      changed.add(spec.canonical);
      continue;
    }
    const converted = convert(spec.kind, value);
    if (!converted.ok) return { ok: false, detail: `${where}.${path}: ${converted.message}` };
    if (converted.value === undefined) continue;
    changed.add(spec.canonical);
    setCanonical(fields, spec.canonical, converted.value);
  }
  return { ok: true, fields, changed: [...changed].sort(), cleared: clearedOf(cleared, fields) };
};

type ChangeKindOf = 'upsert' | 'delete' | 'undelete' | 'gap';

const CHANGE_KINDS: Readonly<Record<string, ChangeKindOf>> = {
  CREATE: 'upsert',
  UPDATE: 'upsert',
  DELETE: 'delete',
  UNDELETE: 'undelete',
  GAP_CREATE: 'gap',
  GAP_UPDATE: 'gap',
  GAP_DELETE: 'gap',
  GAP_UNDELETE: 'gap',
  GAP_OVERFLOW: 'gap',
};

/** Where the message came from, for eventId fallbacks and audit. */
interface MessageContext {
  where: string;
  vendorEventId?: string;
}


const describeIssues = (error: z.ZodError, where: string): string => describeFirstIssue(error, where ? `${where}.` : '');

/** Translates one change event (header plus fields) into one canonical event per record id. */
const translateChange = (payload: ChangeEventPayload, ctx: MessageContext): MessageResult => {
  const header = payload.ChangeEventHeader;
  const mapping = own(MAPPINGS, header.entityName);
  if (mapping === undefined) return { kind: 'unsupported', detail: `entity ${header.entityName} is not one Concord reads (${SUPPORTED_ENTITIES.join(', ')})` };
  const changeKind = own(CHANGE_KINDS, header.changeType);
  if (changeKind === undefined) return { kind: 'unsupported', detail: `changeType ${header.changeType} is not a Change Data Capture change type` };

  let fields: Record<string, unknown> = {};
  let changedFields: string[] | undefined;
  let clearedFields: string[] = [];
  if (header.changeType === 'CREATE' || header.changeType === 'UPDATE') {
    const result =
      header.changeType === 'CREATE'
        ? snapshotFields(mapping, header, payload, `${ctx.where}.payload`)
        : updateFields(mapping, header, payload, `${ctx.where}.payload`);
    if (!result.ok) return { kind: 'invalid', detail: result.detail };
    fields = result.fields;
    changedFields = result.changed;
    clearedFields = result.cleared;
  }

  // An overflow event (or a gap whose ids carry a wildcard such as "001*") names no single record.
  const ids = header.recordIds.filter((id) => !id.endsWith('*'));
  const externalIds = ids.length > 0 && ids.length === header.recordIds.length ? ids : header.changeType.startsWith('GAP_') ? ['*'] : ids;
  const transaction = header.transactionKey ?? `replay-${ctx.vendorEventId ?? header.commitTimestamp}`;
  const sequence = header.sequenceNumber ?? 0;
  const occurredAt = new Date(header.commitTimestamp).toISOString();

  const events: CanonicalEvent[] = [];
  for (const externalId of externalIds) {
    const candidate = {
      eventId: `salesforce:${transaction}:${sequence}:${externalId}`,
      sourceSystem: 'salesforce',
      entityType: mapping.entityType,
      externalId,
      occurredAt,
      sourceVersion: formatSourceVersion(header.commitTimestamp, sequence),
      changeKind,
      fields,
      ...(changedFields === undefined ? {} : { changedFields }),
      ...(clearedFields.length === 0 ? {} : { clearedFields }),
      vendorEventId: ctx.vendorEventId ?? `${transaction}:${sequence}`,
      raw: payload,
    };
    const parsed = CanonicalEvent.safeParse(candidate);
    if (!parsed.success) return { kind: 'invalid', detail: describeIssues(parsed.error, `${ctx.where}(${externalId})`) };
    events.push(parsed.data);
  }
  return { kind: 'events', events };
};

const combine = combineMessageResults;

const replayIdOf = (value: number | string | undefined): string | undefined => (value === undefined ? undefined : String(value));

/** The signed HTTPS body: an array of CDC event messages. */
export const translateCdcDelivery = (body: unknown): Translation => {
  const parsed = CdcDelivery.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', reason: 'schema-violation', detail: describeIssues(parsed.error, '') };
  return combine(
    parsed.data.map((message, index) => {
      const replayId = replayIdOf(message.event?.replayId);
      return translateChange(message.payload, { where: `[${index}]`, ...(replayId === undefined ? {} : { vendorEventId: replayId }) });
    }),
  );
};

/** An Event Relay event from EventBridge. EventBridge is the trust boundary: no signature. */
export const translateRelayEvent = (event: unknown, _receivedAt: Date): Translation => {
  const envelope = RelayEvent.safeParse(event);
  if (!envelope.success) return { kind: 'invalid', reason: 'schema-violation', detail: describeIssues(envelope.error, '') };
  const { detail } = envelope.data;
  if (!('ChangeEventHeader' in detail.payload)) {
    // A relay channel of platform events, not change events: nothing Concord reads.
    return { kind: 'invalid', reason: 'unsupported-event', detail: `${envelope.data['detail-type'] ?? 'event'} has no ChangeEventHeader: not a Change Data Capture event` };
  }
  const payload = ChangeEventPayload.safeParse(detail.payload);
  if (!payload.success) return { kind: 'invalid', reason: 'schema-violation', detail: describeIssues(payload.error, 'detail.payload') };
  const vendorEventId = replayIdOf(detail.replayId) ?? detail.id ?? envelope.data.id;
  return combine([translateChange(payload.data, { where: 'detail', ...(vendorEventId === undefined ? {} : { vendorEventId }) })]);
};

export const salesforceConnector: Connector = {
  system: 'salesforce',
  verify: verifyStandardWebhook,
  translate: (body) => translateCdcDelivery(body),
};
