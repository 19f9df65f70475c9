/**
 * Any other system: Concord's own envelope, signed the Standard Webhooks way
 * (standardwebhooks.com). Documented for senders in docs/connectors/generic.md.
 *
 * Wire format:
 * - Headers `webhook-id` (the message id, the same on every retry), `webhook-timestamp` (integer
 *   Unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`,
 *   several space-separated while a secret rotates); verified by standard-webhooks.ts.
 * - JSON body: one change, or an array of changes, each
 *   `{ "type": "<entityType>.upserted" | ".deleted" | ".undeleted" | ".erased",
 *      "timestamp": "<ISO 8601 instant of the change>",
 *      "data": { "entityType", "externalId", "sequence"?: <integer ordering changes that share a
 *                timestamp>, "complete"?: <true when `fields` is the whole record>,
 *                "fields": { <canonical field names and types, e.g. "name", "accountRef",
 *                            "amount" (major units), "currency" ("EUR")> } } }`.
 *   `fields` is checked against the canonical schema of its entity type, strictly: an unknown
 *   field name is an error, not silently dropped. Removal-type changes need no `fields`.
 *
 * Each change becomes one canonical event of its entity type with event id
 * `generic:<webhook-id>:<index in the array>` (index 0 for a single object). A change of an
 * entity type or verb Concord does not know makes the delivery unsupported when it is alone or
 * all its companions are unknown too; beside known changes it is skipped, so that a sender that
 * adds new kinds of change does not block the ones Concord reads.
 */
import { z } from 'zod';
import { entityFieldSchemas, EntityType, formatSourceVersion, type ChangeKind } from '../../shared/canonical';
import type { Connector, Translation, WebhookRequest } from '../connector';
import { verifyStandardWebhook } from '../standard-webhooks';
import { canonicalEventOf, describeIssues, unsupportedEvent } from './connector-kit';

/** More changes than this in one delivery is a sender bug; split the batch. */
export const GENERIC_MAX_BATCH = 1000;

const VERBS: Readonly<Record<string, ChangeKind>> = { upserted: 'upsert', deleted: 'delete', undeleted: 'undelete', erased: 'erase' };
export const genericVerbOf = (kind: 'upsert' | 'delete' | 'undelete' | 'erase'): string =>
  Object.entries(VERBS).find(([, k]) => k === kind)?.[0] ?? 'upserted';

const GenericChange = z.looseObject({
  type: z.string().regex(/^[a-z][a-z_]*\.[a-z]+$/, 'a "<entityType>.<verb>" type such as "account.upserted"'),
  timestamp: z.iso.datetime({ offset: true }),
  data: z.looseObject({
    entityType: z.string().min(1),
    externalId: z.string().min(1).max(512),
    sequence: z.number().int().nonnegative().max(9_999_999_999).optional(),
    complete: z.boolean().optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
  }),
});
type GenericChange = z.infer<typeof GenericChange>;

const Body = z.union([GenericChange, z.array(z.unknown()).min(1, 'at least one change').max(GENERIC_MAX_BATCH, `at most ${GENERIC_MAX_BATCH} changes`)]);

const invalid = (detail: string): Translation => ({ kind: 'invalid', reason: 'schema-violation', detail });

type Outcome = { kind: 'event'; event: ReturnType<typeof canonicalEventOf> } | { kind: 'unknown'; detail: string } | { kind: 'bad'; detail: string };

const translateChange = (candidate: unknown, index: number, messageId: string, path: string): Outcome => {
  const parsed = GenericChange.safeParse(candidate);
  if (!parsed.success) return { kind: 'bad', detail: describeIssues(parsed.error, path) };
  const change: GenericChange = parsed.data;
  const [prefix = '', verb = ''] = change.type.split('.');
  const entityType = EntityType.safeParse(change.data.entityType);
  const changeKind = VERBS[verb];
  if (!entityType.success || changeKind === undefined || !EntityType.safeParse(prefix).success) {
    return { kind: 'unknown', detail: `${path}type "${change.type}" (entity type "${change.data.entityType}") is not one Concord reads` };
  }
  if (prefix !== entityType.data) return { kind: 'bad', detail: `${path}type: "${change.type}" does not match data.entityType "${entityType.data}"` };

  const at = Date.parse(change.timestamp);
  const identity = {
    eventId: `generic:${messageId}:${index}`,
    sourceSystem: 'generic' as const,
    externalId: change.data.externalId,
    occurredAt: new Date(at).toISOString(),
    sourceVersion: formatSourceVersion(at, change.data.sequence ?? 0),
    vendorEventId: `${messageId}:${index}`,
    raw: change.data,
  };
  if (changeKind !== 'upsert') return { kind: 'event', event: canonicalEventOf(entityType.data, changeKind, {}, identity) };

  if (change.data.fields === undefined) return { kind: 'bad', detail: `${path}data.fields: an upsert needs its fields` };
  const fields = entityFieldSchemas[entityType.data].safeParse(change.data.fields);
  if (!fields.success) return { kind: 'bad', detail: describeIssues(fields.error, `${path}data.fields.`) };
  const changedFields = change.data.complete === true ? undefined : Object.keys(fields.data);
  return { kind: 'event', event: canonicalEventOf(entityType.data, 'upsert', fields.data, identity, changedFields) };
};

const translate = (body: unknown, request: WebhookRequest): Translation => {
  // verify() insisted on this header, so its absence here means a caller skipped verification.
  const messageId = request.headers['webhook-id'];
  if (messageId === undefined || messageId === '') return invalid('webhook-id header is missing; it names the message');
  const shape = Body.safeParse(body);
  if (!shape.success) {
    // A lone object that is not a valid change reads better with the change's own message.
    if (!Array.isArray(body)) {
      const change = GenericChange.safeParse(body);
      if (!change.success) return invalid(describeIssues(change.error));
    }
    return invalid(describeIssues(shape.error));
  }
  const batch = Array.isArray(shape.data);
  const changes: unknown[] = batch ? (shape.data as unknown[]) : [shape.data];
  const events: ReturnType<typeof canonicalEventOf>[] = [];
  const unknown: string[] = [];
  for (const [index, change] of changes.entries()) {
    const outcome = translateChange(change, index, messageId, batch ? `[${index}].` : '');
    if (outcome.kind === 'bad') return invalid(outcome.detail);
    if (outcome.kind === 'unknown') unknown.push(outcome.detail);
    else events.push(outcome.event);
  }
  if (events.length === 0) return unsupportedEvent(unknown.join('; '));
  return { kind: 'events', events };
};

export const genericConnector: Connector = {
  system: 'generic',
  verify: verifyStandardWebhook,
  translate,
};
