/**
 * Zendesk event-subscribed webhooks (developer.zendesk.com/api-reference/webhooks/event-types/).
 *
 * Wire format:
 * - `POST`, JSON body: one event per delivery, `{ type: "zen:event-type:<domain>.<event>",
 *   account_id, id (event uuid), time (ISO 8601, up to nanoseconds), zendesk_event_version,
 *   subject: "zen:<domain>:<record id>", detail: <the record after the change; ids as strings>,
 *   event: <what changed, e.g. { current, previous }> }`.
 * - `X-Zendesk-Webhook-Signature`: base64 of HMAC-SHA256, keyed with the webhook's signing secret
 *   (its literal UTF-8 text), over `X-Zendesk-Webhook-Signature-Timestamp` (an ISO 8601 string)
 *   immediately followed by the raw body: `base64(HMAC(secret, TIMESTAMP + BODY))`. One secret per
 *   webhook; several are accepted while one is rotated.
 *
 * Events → canonical entities (detail is a snapshot of a few fields only, so every upsert names
 * its fields in `changedFields`, except the two `created` events, which carry all Zendesk sends):
 * - organization.created / name_changed / external_id_changed → account upsert (name; external_id
 *   → customerNumber; domain_names[0] → domain if a detail carries it, which documented ones do
 *   not); organization.deleted → account delete.
 * - user.created / name_changed / identity_created / identity_changed / identity_deleted /
 *   organization_membership_created / organization_membership_deleted → person upsert (email;
 *   organization_id → accountRef; the name, split at its first space, only from name_changed, as
 *   no detail carries it; `role` is Zendesk's permission level — end-user, agent, admin — not a
 *   contact role, so it stays in `raw`); user.deleted → person delete; user.active_changed →
 *   delete when the user became inactive (Zendesk's soft delete), undelete when active again.
 *   Zendesk sends no event for a permanent (privacy) deletion of a user.
 * - ticket.created / status_changed / priority_changed / subject_changed / organization_changed /
 *   requester_changed / csat_requested / csat_received → ticket upsert (status and priority
 *   lower-cased: events send them in capitals, the REST API in lower case; satisfaction is
 *   "offered" on csat_requested and `event.satisfaction_score.score` on csat_received — a shape
 *   taken from delivered payloads, as the reference pages we could read do not show it);
 *   ticket.soft_deleted and ticket.marked_as_spam → delete; ticket.undeleted → undelete;
 *   ticket.permanently_deleted → erase (the content is gone for good).
 * Other event types are unsupported; a delivery holds one event, so there is no mixed batch.
 *
 * Clears: a detail holds the record's attributes after the change, null where the record has
 * none. So a mapped attribute sent as null, "" or blank (a reference as null, "" or "0") is a clear,
 * named in `clearedFields` (and in `changedFields` where the event sets them); a name changed to
 * nothing clears firstName and lastName, and a one-word name clears lastName. In the two
 * `created` events, which carry the whole record, a mapped attribute left out is a clear too —
 * except the organization's domain_names, which documented details do not carry at all. In the
 * other events an attribute left out says nothing.
 *
 * The signature's documented base string is TIMESTAMP + BODY (an older page's example computes
 * BODY + TIMESTAMP; the current reference and every client we know use TIMESTAMP + BODY).
 */
import { z } from 'zod';
import { formatSourceVersion, type Account, type Person, type Ticket } from '../../shared/canonical';
import type { Connector, Translation, Verification, VerifyContext, WebhookRequest } from '../connector';
import { anySecretMatches, checkFreshness, decodeBase64, hmacSha256, noUsableSecret } from '../signature';
import {
  canonicalEventOf,
  clearableText,
  mapClearable,
  schemaViolation,
  sentInSnapshot,
  unsupportedEvent,
  upsertEventOf,
  type ClearableFields,
  type DeliveryScope,
  type EventIdentity,
} from './connector-kit';

// ---------------------------------------------------------------------------------------------
// Time: Zendesk writes up to nanoseconds, which we keep as the version's sequence

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch and the nanoseconds within that millisecond, or undefined. */
export const parseZendeskInstant = (value: string): { ms: number; subMsNanos: number } | undefined => {
  const match = ISO_INSTANT.exec(value);
  if (match === null) return undefined;
  const [, seconds, fraction = '', offset] = match as unknown as [string, string, string | undefined, string];
  const whole = Date.parse(`${seconds}${offset}`);
  if (Number.isNaN(whole)) return undefined;
  const digits = fraction.padEnd(9, '0');
  return { ms: whole + Number(digits.slice(0, 3)), subMsNanos: Number(digits.slice(3)) };
};

// ---------------------------------------------------------------------------------------------
// Verification

const SIGNATURE = 'x-zendesk-webhook-signature';
const TIMESTAMP = 'x-zendesk-webhook-signature-timestamp';

const rejected = (reason: Extract<Verification, { kind: 'rejected' }>['reason'], detail: string): Verification => ({ kind: 'rejected', reason, detail });

const verify = (request: WebhookRequest, ctx: VerifyContext): Verification => {
  if (noUsableSecret(ctx.secrets)) return rejected('no-secret-configured', 'no Zendesk webhook signing secret is configured');
  const signature = request.headers[SIGNATURE];
  const timestamp = request.headers[TIMESTAMP];
  if (signature === undefined || signature.trim() === '') return rejected('missing-signature', 'X-Zendesk-Webhook-Signature is missing or empty');
  if (timestamp === undefined || timestamp.trim() === '') return rejected('missing-timestamp', 'X-Zendesk-Webhook-Signature-Timestamp is missing or empty');
  // A header sent twice arrives joined with a comma, which neither an instant nor base64 contains.
  const signedAt = parseZendeskInstant(timestamp);
  if (signedAt === undefined) return rejected('missing-timestamp', `X-Zendesk-Webhook-Signature-Timestamp "${timestamp.slice(0, 40)}" is not one ISO 8601 instant`);
  const freshness = checkFreshness(signedAt.ms, ctx.receivedAt);
  if (freshness.kind === 'rejected') return freshness;
  const given = decodeBase64(signature);
  if (given === undefined) return rejected('malformed-signature', 'X-Zendesk-Webhook-Signature is not base64 of a 32-byte HMAC-SHA256');
  // The timestamp is signed exactly as sent, so the header's own bytes go into the MAC.
  const matched = anySecretMatches(ctx.secrets, given, (secret) => hmacSha256(secret, timestamp, request.rawBody));
  return matched ? { kind: 'verified' } : rejected('bad-signature', 'the signature matches no configured signing secret');
};

// ---------------------------------------------------------------------------------------------
// Wire format

/** Ids arrive as strings in webhooks ("returned as a string") and as numbers elsewhere. */
const ZendeskId = z.union([z.string().regex(/^\d+$/, 'a numeric id'), z.number().int().nonnegative()]).transform(String);
/** A reference to another record; null, "" and "0" all mean none (null), left out means not sent. */
const ZendeskRef = z
  .union([ZendeskId, z.literal(''), z.null()])
  .optional()
  .transform((id) => (id === undefined ? undefined : id === null || id === '' || id === '0' ? null : id));
const ZendeskInstant = z.string().refine((value) => parseZendeskInstant(value) !== undefined, 'an ISO 8601 date-time');
const OptionalText = z.string().nullish();

const ZendeskEnvelope = z.looseObject({
  type: z.string().regex(/^zen:event-type[:/][a-z_]+\.[a-z_]+$/, 'a "zen:event-type:<domain>.<event>" type'),
  account_id: z.union([z.number(), z.string()]),
  id: z.string().min(1),
  time: ZendeskInstant,
  zendesk_event_version: z.string().optional(),
  subject: z.string().optional(),
  detail: z.looseObject({ id: ZendeskId }),
  event: z.record(z.string(), z.unknown()).nullish(),
});
type ZendeskEnvelope = z.infer<typeof ZendeskEnvelope>;

const OrganizationDetail = z.looseObject({
  id: ZendeskId,
  name: OptionalText,
  external_id: OptionalText,
  domain_names: z.array(z.string()).nullish(),
});

const UserDetail = z.looseObject({
  id: ZendeskId,
  email: OptionalText,
  organization_id: ZendeskRef,
  role: OptionalText,
});

const TicketDetail = z.looseObject({
  id: ZendeskId,
  subject: OptionalText,
  organization_id: ZendeskRef,
  requester_id: ZendeskRef,
  status: OptionalText,
  priority: OptionalText,
  created_at: ZendeskInstant.nullish(),
});

const NameChange = z.looseObject({ current: z.string() });
const ActiveChange = z.looseObject({ current: z.boolean() });
const SatisfactionScores = ['good', 'bad', 'offered', 'unoffered'] as const;
const CsatReceived = z.looseObject({
  satisfaction_score: z.looseObject({
    // Older ratings may read "good_with_comment"; the comment is not ours to keep.
    score: z
      .string()
      .transform((score) => score.toLowerCase().replace(/_with_comment$/, ''))
      .pipe(z.enum(SatisfactionScores)),
  }),
});

// ---------------------------------------------------------------------------------------------
// Mapping

/** The schema has already checked that an instant parses. */
const isoInstantOf = (value: string): string => new Date(parseZendeskInstant(value)?.ms ?? Number.NaN).toISOString();

/** "Mary Ann Smith" → Mary / Ann Smith: the first word is the given name, the rest the family name. */
export const splitName = (name: string): Pick<Person, 'firstName' | 'lastName'> => {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  const space = trimmed.indexOf(' ');
  return space < 0 ? { firstName: trimmed, lastName: '' } : { firstName: trimmed.slice(0, space), lastName: trimmed.slice(space + 1) };
};

/** A name as a clearable pair: an empty part is cleared, as the canonical model keeps no blank text. */
const nameFieldsOf = (name: string): ClearableFields<Person> => {
  const { firstName, lastName } = splitName(name);
  return { firstName: clearableText(firstName), lastName: clearableText(lastName) };
};

/**
 * What a detail says about an attribute: in a snapshot (a `created` event) one left out is empty;
 * elsewhere it was not sent.
 */
const readAs = (scope: DeliveryScope) => <T>(value: T | null | undefined): T | null | undefined => (scope === 'snapshot' ? sentInSnapshot(value) : value);

const accountFieldsOf = (detail: z.infer<typeof OrganizationDetail>, scope: DeliveryScope): ClearableFields<Account> => {
  const read = readAs(scope);
  return {
    name: clearableText(read(detail.name)),
    // Documented details carry no domain_names, so only one that does can clear the domain.
    domain: mapClearable(detail.domain_names, (names) => clearableText(names[0] ?? null)?.toLowerCase() ?? null),
    customerNumber: clearableText(read(detail.external_id)),
  };
};

const personFieldsOf = (detail: z.infer<typeof UserDetail>): ClearableFields<Person> => ({
  email: clearableText(detail.email),
  accountRef: detail.organization_id,
});

const ticketFieldsOf = (detail: z.infer<typeof TicketDetail>, scope: DeliveryScope): ClearableFields<Ticket> => {
  const read = readAs(scope);
  return {
    subject: clearableText(read(detail.subject)),
    accountRef: read(detail.organization_id),
    requesterRef: read(detail.requester_id),
    status: mapClearable(clearableText(read(detail.status)), (status) => status.toLowerCase()),
    priority: mapClearable(clearableText(read(detail.priority)), (priority) => priority.toLowerCase()),
    openedAt: mapClearable(read(detail.created_at), isoInstantOf),
  };
};

const identityOf = (envelope: ZendeskEnvelope, externalId: string): EventIdentity => {
  // The envelope schema has already checked that `time` parses.
  const at = parseZendeskInstant(envelope.time) ?? { ms: 0, subMsNanos: 0 };
  return {
    eventId: `zendesk:${envelope.id}`,
    sourceSystem: 'zendesk',
    externalId,
    occurredAt: new Date(at.ms).toISOString(),
    // Zendesk's clock reads nanoseconds; the part below a millisecond orders events within it.
    sourceVersion: formatSourceVersion(at.ms, at.subMsNanos),
    vendorEventId: envelope.id,
    raw: envelope.detail,
  };
};

const events = (event: ReturnType<typeof canonicalEventOf>): Translation => ({ kind: 'events', events: [event] });

const translateOrganization = (envelope: ZendeskEnvelope, name: string): Translation => {
  const detail = OrganizationDetail.safeParse(envelope.detail);
  if (!detail.success) return schemaViolation(detail.error, 'detail.');
  const identity = identityOf(envelope, detail.data.id);
  switch (name) {
    case 'created':
      return events(upsertEventOf('account', accountFieldsOf(detail.data, 'snapshot'), identity, 'snapshot'));
    case 'name_changed':
    case 'external_id_changed':
      return events(upsertEventOf('account', accountFieldsOf(detail.data, 'partial'), identity, 'partial'));
    case 'deleted':
      return events(canonicalEventOf('account', 'delete', {}, identity));
    default:
      return unsupportedEvent(`Zendesk event type "organization.${name}" is not one Concord reads`);
  }
};

const translateUser = (envelope: ZendeskEnvelope, name: string): Translation => {
  const detail = UserDetail.safeParse(envelope.detail);
  if (!detail.success) return schemaViolation(detail.error, 'detail.');
  const identity = identityOf(envelope, detail.data.id);
  const snapshot = personFieldsOf(detail.data);
  switch (name) {
    case 'created':
    case 'identity_created':
    case 'identity_changed':
    case 'identity_deleted':
    case 'organization_membership_created':
    case 'organization_membership_deleted':
      return events(upsertEventOf('person', snapshot, identity, 'partial'));
    case 'name_changed': {
      const change = NameChange.safeParse(envelope.event);
      if (!change.success) return schemaViolation(change.error, 'event.');
      return events(upsertEventOf('person', { ...snapshot, ...nameFieldsOf(change.data.current) }, identity, 'partial'));
    }
    case 'active_changed': {
      const change = ActiveChange.safeParse(envelope.event);
      if (!change.success) return schemaViolation(change.error, 'event.');
      return events(canonicalEventOf('person', change.data.current ? 'undelete' : 'delete', {}, identity));
    }
    case 'deleted':
      return events(canonicalEventOf('person', 'delete', {}, identity));
    default:
      return unsupportedEvent(`Zendesk event type "user.${name}" is not one Concord reads`);
  }
};

const translateTicket = (envelope: ZendeskEnvelope, name: string): Translation => {
  const detail = TicketDetail.safeParse(envelope.detail);
  if (!detail.success) return schemaViolation(detail.error, 'detail.');
  const identity = identityOf(envelope, detail.data.id);
  const snapshot = ticketFieldsOf(detail.data, 'partial');
  switch (name) {
    case 'created':
      return events(upsertEventOf('ticket', ticketFieldsOf(detail.data, 'snapshot'), identity, 'snapshot'));
    case 'status_changed':
    case 'priority_changed':
    case 'subject_changed':
    case 'organization_changed':
    case 'requester_changed':
      return events(upsertEventOf('ticket', snapshot, identity, 'partial'));
    case 'csat_requested':
      return events(upsertEventOf('ticket', { ...snapshot, satisfaction: 'offered' }, identity, 'partial'));
    case 'csat_received': {
      const change = CsatReceived.safeParse(envelope.event);
      if (!change.success) return schemaViolation(change.error, 'event.');
      return events(upsertEventOf('ticket', { ...snapshot, satisfaction: change.data.satisfaction_score.score }, identity, 'partial'));
    }
    case 'soft_deleted':
    case 'marked_as_spam':
      return events(canonicalEventOf('ticket', 'delete', {}, identity));
    case 'undeleted':
      return events(canonicalEventOf('ticket', 'undelete', {}, identity));
    case 'permanently_deleted':
      return events(canonicalEventOf('ticket', 'erase', {}, identity));
    default:
      return unsupportedEvent(`Zendesk event type "ticket.${name}" is not one Concord reads`);
  }
};

const translate = (body: unknown): Translation => {
  const envelope = ZendeskEnvelope.safeParse(body);
  if (!envelope.success) return schemaViolation(envelope.error);
  // Some of Zendesk's own pages write "zen:event-type/user.merged"; both separators name one type.
  const [domain = '', name = ''] = envelope.data.type.slice('zen:event-type:'.length).split('.');
  switch (domain) {
    case 'organization':
      return translateOrganization(envelope.data, name);
    case 'user':
      return translateUser(envelope.data, name);
    case 'ticket':
      return translateTicket(envelope.data, name);
    default:
      return unsupportedEvent(`Zendesk event type "${domain}.${name}" is not one Concord reads`);
  }
};

export const zendeskConnector: Connector = {
  system: 'zendesk',
  verify,
  translate,
};
