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
 * - Clears: the canonical model has no null, but the envelope does. A field (or an address part)
 *   sent as `null` or `""` was emptied: its canonical path goes to `clearedFields` (and to
 *   `changedFields`); `"address": null` clears every part. The strict check still applies — a
 *   null under an unknown name is refused like any other value. With `complete: true`, a field of
 *   the entity type left out of `fields` is empty in the sender's record and is cleared too.
 *
 * Each change becomes one canonical event of its entity type with event id
 * `generic:<webhook-id>:<index in the array>` (index 0 for a single object). A change of an
 * entity type or verb Concord does not know makes the delivery unsupported when it is alone or
 * all its companions are unknown too; beside known changes it is skipped, so that a sender that
 * adds new kinds of change does not block the ones Concord reads.
 */
import { z } from 'zod';
import { entityFieldSchemas, EntityType, formatSourceVersion, type ChangeKind, type EntityFields } from '../../shared/canonical';
import type { Connector, Translation, WebhookRequest } from '../connector';
import { verifyStandardWebhook } from '../standard-webhooks';
import { canonicalEventOf, describeIssues, unsupportedEvent, upsertEventOf, type ClearableFields } from './connector-kit';

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

/**
 * The canonical schema with every field (and address part) also accepting null, read as "cleared";
 * "" means the same, whatever the field's type. Unknown top-level names stay an error.
 */
const clearableSchemaOf = (schema: z.ZodObject, strict: boolean): z.ZodObject => {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([name, field]) => {
      const inner = field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field;
      const value = inner instanceof z.ZodObject ? clearableSchemaOf(inner, false) : inner;
      return [name, z.preprocess((v) => (v === '' ? null : v), value.nullable().optional())];
    }),
  );
  return strict ? z.strictObject(shape) : z.object(shape);
};

const clearableFieldSchemas = Object.fromEntries(
  EntityType.options.map((entityType) => [entityType, clearableSchemaOf(entityFieldSchemas[entityType], true)]),
) as Record<EntityType, z.ZodObject>;

/** A complete record: every field of the entity type (and part of a sent address) it leaves out is empty. */
const withAbsentAsCleared = (schema: z.ZodObject, fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(schema.shape).map(([name, field]) => {
      const value = fields[name];
      if (value === undefined) return [name, null];
      const inner = field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field;
      return [name, inner instanceof z.ZodObject && typeof value === 'object' && value !== null ? withAbsentAsCleared(inner, value as Record<string, unknown>) : value];
    }),
  );

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
  const fields = clearableFieldSchemas[entityType.data].safeParse(change.data.fields);
  if (!fields.success) return { kind: 'bad', detail: describeIssues(fields.error, `${path}data.fields.`) };
  const complete = change.data.complete === true;
  const read = complete ? withAbsentAsCleared(entityFieldSchemas[entityType.data], fields.data) : fields.data;
  // Every value passed its canonical schema; null marks a clear, which upsertEventOf splits off.
  const mapped = read as ClearableFields<EntityFields[typeof entityType.data]>;
  return { kind: 'event', event: upsertEventOf(entityType.data, mapped, identity, complete ? 'snapshot' : 'partial') };
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
