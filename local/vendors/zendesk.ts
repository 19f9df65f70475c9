/**
 * Renders canonical changes as Zendesk's event-subscribed webhooks deliver them: one event per
 * request, the record's `detail` snapshot with ids as strings, statuses in capitals, `time` to the
 * nanosecond, signed with `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret, timestamp +
 * body)).
 *
 * Zendesk announces each kind of change with its own event, so one canonical change may become
 * several deliveries (a user created with a name: user.created, then user.name_changed). Within a
 * call the simulator keeps each record's fields so far, as every detail is a snapshot. What the
 * documented payloads cannot carry is dropped: an organization's domain, a user's phone, title or
 * contact role, a ticket satisfaction of "unoffered". The change's `sequence` travels in `time`
 * below the millisecond (so it must stay under 1,000,000). Zendesk sends no event for erasing a
 * user or an organization, so those erases are sent as deletions.
 */
import { createHash } from 'node:crypto';
import type { Account, Person, Ticket } from '../../functions/shared/canonical';
import { hmacSha256 } from '../../functions/ingest/signature';
import type { DeliveryOptions, OutboundWebhook, SourceChange, VendorSimulator } from './vendor-simulator';

const ACCOUNT_ID = 10_973_248;
const WEBHOOK_ID = '01HZCONCORDSIMULATEDWEBHK';

/** Zendesk's own instant format: whole seconds, "Z". */
const zendeskSeconds = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;
/** The event time, with the sequence as nanoseconds within the millisecond. */
const eventTime = (date: Date, sequence = 0): string =>
  `${date.toISOString().slice(0, 23)}${String(Math.min(Math.max(Math.trunc(sequence), 0), 999_999)).padStart(6, '0')}Z`;
const zendeskInstantOf = (iso: string | undefined, fallback: Date): string => zendeskSeconds(iso === undefined ? fallback : new Date(iso));

const uuidOf = (...parts: unknown[]): string => {
  const hex = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

type Rendered = { type: string; domain: 'organization' | 'user' | 'ticket'; detail: Record<string, unknown>; event: Record<string, unknown> };

const organizationDetail = (id: string, fields: Partial<Account>, at: Date) => ({
  created_at: zendeskSeconds(at),
  external_id: fields.customerNumber ?? null,
  group_id: null,
  id,
  name: fields.name ?? null,
  shared_comments: false,
  shared_tickets: false,
  updated_at: zendeskSeconds(at),
});

const fullName = (fields: Partial<Person>): string => [fields.firstName, fields.lastName].filter((part) => part !== undefined && part !== '').join(' ');

const userDetail = (id: string, fields: Partial<Person>, at: Date) => ({
  created_at: zendeskSeconds(at),
  default_group_id: null,
  email: fields.email ?? null,
  external_id: null,
  id,
  organization_id: fields.accountRef ?? null,
  role: 'end-user',
  updated_at: zendeskSeconds(at),
});

const ticketDetail = (id: string, fields: Partial<Ticket>, at: Date) => ({
  actor_id: fields.requesterRef ?? null,
  assignee_id: null,
  brand_id: '360000000001',
  created_at: zendeskInstantOf(fields.openedAt, at),
  custom_status: null,
  description: fields.subject ?? null,
  external_id: null,
  form_id: null,
  group_id: null,
  id,
  is_public: true,
  organization_id: fields.accountRef ?? null,
  priority: fields.priority?.toUpperCase() ?? null,
  requester_id: fields.requesterRef ?? null,
  status: (fields.status ?? 'new').toUpperCase(),
  subject: fields.subject ?? null,
  submitter_id: fields.requesterRef ?? null,
  tags: [],
  type: null,
  updated_at: zendeskSeconds(at),
  via: { channel: 'web' },
});

/** The events Zendesk would send for one change, given the record's fields before and after it. */
const renderedOf = (change: SourceChange, before: Record<string, unknown> | undefined, after: Record<string, unknown>): Rendered[] => {
  const at = change.occurredAt;
  const changed = (name: string) => Object.prototype.hasOwnProperty.call(change.fields, name);
  const transition = (name: string) => ({ current: after[name] ?? null, previous: before?.[name] ?? null });
  switch (change.entityType) {
    case 'account': {
      const detail = organizationDetail(change.externalId, after, at);
      if (change.changeKind !== 'upsert') return [{ type: 'organization.deleted', domain: 'organization', detail, event: {} }];
      if (before === undefined) return [{ type: 'organization.created', domain: 'organization', detail, event: {} }];
      const out: Rendered[] = [];
      if (changed('name')) out.push({ type: 'organization.name_changed', domain: 'organization', detail, event: transition('name') });
      if (changed('customerNumber')) out.push({ type: 'organization.external_id_changed', domain: 'organization', detail, event: transition('customerNumber') });
      return out;
    }
    case 'person': {
      const detail = userDetail(change.externalId, after, at);
      if (change.changeKind !== 'upsert') return [{ type: 'user.deleted', domain: 'user', detail, event: {} }];
      const out: Rendered[] = [];
      if (before === undefined) out.push({ type: 'user.created', domain: 'user', detail, event: {} });
      else {
        if (changed('email')) out.push({ type: 'user.identity_changed', domain: 'user', detail, event: { identity: { type: 'email', value: after['email'] ?? null } } });
        if (changed('accountRef')) out.push({ type: 'user.organization_membership_created', domain: 'user', detail, event: { organization_id: after['accountRef'] ?? null } });
      }
      if (changed('firstName') || changed('lastName')) {
        const previous = before === undefined ? null : fullName(before) || null;
        out.push({ type: 'user.name_changed', domain: 'user', detail, event: { current: fullName(after), previous } });
      }
      return out;
    }
    case 'ticket': {
      const detail = ticketDetail(change.externalId, after, at);
      if (change.changeKind === 'erase') return [{ type: 'ticket.permanently_deleted', domain: 'ticket', detail, event: {} }];
      if (change.changeKind === 'delete') return [{ type: 'ticket.soft_deleted', domain: 'ticket', detail, event: {} }];
      const out: Rendered[] = [];
      if (before === undefined) out.push({ type: 'ticket.created', domain: 'ticket', detail, event: {} });
      else {
        const upper = (name: string) => ({ current: (after[name] as string | undefined)?.toUpperCase() ?? null, previous: (before[name] as string | undefined)?.toUpperCase() ?? null });
        if (changed('status')) out.push({ type: 'ticket.status_changed', domain: 'ticket', detail, event: upper('status') });
        if (changed('priority')) out.push({ type: 'ticket.priority_changed', domain: 'ticket', detail, event: upper('priority') });
        if (changed('subject')) out.push({ type: 'ticket.subject_changed', domain: 'ticket', detail, event: transition('subject') });
        if (changed('accountRef')) out.push({ type: 'ticket.organization_changed', domain: 'ticket', detail, event: transition('accountRef') });
        if (changed('requesterRef')) out.push({ type: 'ticket.requester_changed', domain: 'ticket', detail, event: transition('requesterRef') });
      }
      const satisfaction = changed('satisfaction') ? change.fields.satisfaction : undefined;
      if (satisfaction === 'offered') out.push({ type: 'ticket.csat_requested', domain: 'ticket', detail, event: {} });
      if (satisfaction === 'good' || satisfaction === 'bad') {
        out.push({ type: 'ticket.csat_received', domain: 'ticket', detail, event: { satisfaction_score: { score: satisfaction.toUpperCase() } } });
      }
      return out;
    }
    default:
      throw new Error(`zendeskSimulator: Zendesk holds no ${change.entityType} records`);
  }
};

const deliveries = (changes: readonly SourceChange[], options: DeliveryOptions): OutboundWebhook[] => {
  const snapshots = new Map<string, Record<string, unknown>>();
  const timestamp = zendeskSeconds(options.now);
  return changes.flatMap((change, index) => {
    const key = `${change.entityType}#${change.externalId}`;
    const before = snapshots.get(key);
    const after = { ...before, ...(change.fields as Record<string, unknown>) };
    if (change.changeKind === 'upsert') snapshots.set(key, after);
    else snapshots.delete(key);
    return renderedOf(change, before, after).map((rendered, part): OutboundWebhook => {
      const id = uuidOf(index, part, rendered.type, change.externalId, change.occurredAt.toISOString());
      const body = JSON.stringify({
        account_id: ACCOUNT_ID,
        detail: rendered.detail,
        event: rendered.event,
        id,
        subject: `zen:${rendered.domain}:${change.externalId}`,
        time: eventTime(change.occurredAt, change.sequence),
        type: `zen:event-type:${rendered.type}`,
        zendesk_event_version: rendered.domain === 'ticket' ? '2022-11-06' : '2022-06-20',
      });
      return {
        method: 'POST',
        path: '/webhooks/zendesk',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'Zendesk Webhook',
          'X-Zendesk-Account-Id': String(ACCOUNT_ID),
          'X-Zendesk-Webhook-Id': WEBHOOK_ID,
          'X-Zendesk-Webhook-Invocation-Id': String(parseInt(id.slice(0, 8), 16)),
          'X-Zendesk-Webhook-Signature': hmacSha256(options.secret, timestamp, body).toString('base64'),
          'X-Zendesk-Webhook-Signature-Timestamp': timestamp,
        },
        body,
      };
    });
  });
};

export const zendeskSimulator: VendorSimulator = {
  system: 'zendesk',
  entityTypes: ['account', 'person', 'ticket'],
  deliveries,
};
