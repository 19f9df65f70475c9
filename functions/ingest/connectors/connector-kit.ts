/**
 * Small pieces the Stripe, Zendesk, NetSuite and generic connectors share: reporting a zod failure
 * as a readable detail, building one canonical event (splitting cleared fields from written
 * ones), and reading the
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` signature header that Stripe popularised and that
 * Concord's NetSuite script copies.
 */
import type { z } from 'zod';
import { Address, type CanonicalEvent, type ChangeKind, type EntityFields, type EntityType, type SourceSystem, type SourceVersion } from '../../shared/canonical';
import type { RejectionReason, Translation } from '../connector';
import { decodeHex, parseStrictInt } from '../signature';

/** "detail.organization_id: Expected string, received number" — the first issue, path first. */
export const describeIssues = (error: z.ZodError, prefix = ''): string => {
  const issue = error.issues[0];
  if (issue === undefined) return `${prefix}invalid`;
  const path = issue.path.map(String).join('.');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issue${error.issues.length > 2 ? 's' : ''})` : '';
  const where = path !== '' ? `${prefix}${path}` : prefix !== '' ? prefix.replace(/\.$/, '') : '(root)';
  return `${where}: ${issue.message}${more}`;
};

export const schemaViolation = (error: z.ZodError, prefix = ''): Translation => ({
  kind: 'invalid',
  reason: 'schema-violation',
  detail: describeIssues(error, prefix),
});

export const unsupportedEvent = (detail: string): Translation => ({ kind: 'invalid', reason: 'unsupported-event', detail });

export interface EventIdentity {
  eventId: string;
  sourceSystem: SourceSystem;
  externalId: string;
  occurredAt: string;
  sourceVersion: SourceVersion;
  vendorEventId?: string;
  raw?: unknown;
}

/** One canonical event; the entity type ties `fields` to its schema at compile time. */
export const canonicalEventOf = <T extends EntityType>(
  entityType: T,
  changeKind: ChangeKind,
  fields: EntityFields[T],
  identity: EventIdentity,
  changedFields?: string[],
  clearedFields: readonly string[] = [],
): CanonicalEvent =>
  ({
    ...identity,
    entityType,
    changeKind,
    fields,
    ...(changedFields === undefined ? {} : { changedFields }),
    ...(clearedFields.length === 0 ? {} : { clearedFields: [...clearedFields] }),
  }) as CanonicalEvent;

/**
 * Canonical fields as a connector reads them from the vendor's record, before the clears are
 * split off: a value; `null` when the record holds none (the vendor emptied the field, or a full
 * snapshot has it empty), which becomes a clear; or absent when the vendor said nothing about it.
 * An object part (the address) may itself be `null`, which clears every part of it.
 */
export type ClearableFields<T> = {
  [K in keyof T]?: (NonNullable<T[K]> extends Record<string, unknown> ? ClearableFields<NonNullable<T[K]>> : T[K]) | null;
};

/** The parts of the canonical model's nested objects: a cleared `address` clears each of these. */
const NESTED_PARTS: Readonly<Record<string, readonly string[]>> = { address: Object.keys(Address.shape) };

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Splits what a mapping read into the values to write and the canonical paths to clear
 * (`phone`, `address.city`). The store versions each cleared path like a write, so it is named
 * leaf by leaf: clearing a whole `address` names its five parts.
 */
export const splitClears = <T extends object>(mapped: ClearableFields<T>): { fields: T; cleared: string[] } => {
  const { fields, cleared } = split(mapped, '');
  return { fields: fields as T, cleared };
};

const split = (mapped: object, prefix: string): { fields: Record<string, unknown>; cleared: string[] } => {
  const fields: Record<string, unknown> = {};
  const cleared: string[] = [];
  for (const [name, value] of Object.entries(mapped)) {
    if (value === undefined) continue;
    const path = `${prefix}${name}`;
    if (value === null) {
      const parts = prefix === '' && Object.hasOwn(NESTED_PARTS, name) ? NESTED_PARTS[name] : undefined;
      cleared.push(...(parts === undefined ? [path] : parts.map((part) => `${path}.${part}`)));
    } else if (isPlainObject(value)) {
      const inner = split(value, `${path}.`);
      // An object left with nothing to write is dropped, unless it was sent empty (which says nothing, as before).
      if (Object.keys(inner.fields).length > 0 || inner.cleared.length === 0) fields[name] = inner.fields;
      cleared.push(...inner.cleared);
    } else {
      fields[name] = value;
    }
  }
  return { fields, cleared };
};

/**
 * How much of the record a delivery carries: all of it (a full snapshot, so the store may treat
 * it as a fresh read) or only what changed (its written and cleared fields are named in
 * `changedFields`).
 */
export type DeliveryScope = 'snapshot' | 'partial';

/**
 * One upsert from what a mapping read. `changedFields` (partial deliveries only) keeps its
 * meaning — the names of the written fields — and also names every cleared path.
 */
export const upsertEventOf = <T extends EntityType>(
  entityType: T,
  mapped: ClearableFields<EntityFields[T]>,
  identity: EventIdentity,
  scope: DeliveryScope,
): CanonicalEvent => {
  const { fields, cleared } = splitClears<EntityFields[T]>(mapped);
  const changedFields = scope === 'snapshot' ? undefined : [...new Set([...Object.keys(fields), ...cleared])];
  return canonicalEventOf(entityType, 'upsert', fields, identity, changedFields, cleared);
};

/**
 * A vendor's text as a clearable value: undefined when the vendor did not send it, null when it
 * is empty or blank (the canonical model keeps no blank text, so an emptied text is a clear), else
 * the text itself.
 */
export const clearableText = (value: string | null | undefined): string | null | undefined =>
  value === undefined ? undefined : value === null || value.trim() === '' ? null : value;

/** Applies `map` to a sent value; "not sent" (undefined) and "empty" (null) pass through. */
export const mapClearable = <A, B>(value: A | null | undefined, map: (value: A) => B | null | undefined): B | null | undefined =>
  value === undefined ? undefined : value === null ? null : map(value);

/** In a full snapshot a mapped field the vendor left out is as empty as one it sent as null. */
export const sentInSnapshot = <A>(value: A | null | undefined): A | null => (value === undefined ? null : value);

export type HeaderRejection = { kind: 'rejected'; reason: RejectionReason; detail: string };
export type TimestampedSignature = {
  kind: 'parsed';
  seconds: number;
  /** The `t` value exactly as sent: the signed string contains these digits, not a re-formatting. */
  timestamp: string;
  v1: Buffer[];
};

/**
 * Parses `t=<unix seconds>,v1=<64 hex>[,v1=<64 hex>…]` strictly. Several v1 entries are allowed
 * (the sender signs with the old and the new secret while rolling one); other schemes such as
 * Stripe's `v0` are ignored. A header sent twice reaches us joined with "," or ", ", which shows
 * up here as a second `t` or as whitespace, and is refused rather than half-read.
 */
export const parseTimestampedSignature = (header: string | undefined, name: string): TimestampedSignature | HeaderRejection => {
  const reject = (reason: RejectionReason, detail: string): HeaderRejection => ({ kind: 'rejected', reason, detail });
  if (header === undefined || header.trim() === '') return reject('missing-signature', `${name} header is missing or empty`);
  const timestamps: string[] = [];
  const v1: string[] = [];
  const schemes = new Set<string>();
  for (const item of header.split(',')) {
    const pair = /^([A-Za-z0-9_]+)=(\S+)$/.exec(item);
    if (pair === null) return reject('malformed-signature', `${name} is not a comma-separated list of key=value pairs without spaces`);
    const [, key, value] = pair as unknown as [string, string, string];
    schemes.add(key);
    if (key === 't') timestamps.push(value);
    else if (key === 'v1') v1.push(value);
  }
  if (timestamps.length === 0) return reject('missing-timestamp', `${name} has no t= timestamp`);
  if (timestamps.length > 1) return reject('malformed-signature', `${name} has ${timestamps.length} t= timestamps (was the header sent twice?)`);
  const timestamp = timestamps[0] as string;
  const seconds = parseStrictInt(timestamp);
  if (Number.isNaN(seconds)) return reject('missing-timestamp', `${name} t= is not integer Unix seconds`);
  if (v1.length === 0) {
    const seen = [...schemes].filter((s) => s !== 't');
    return reject('malformed-signature', `${name} has no v1= signature (schemes seen: ${seen.join(', ') || 'none'})`);
  }
  const decoded: Buffer[] = [];
  for (const [index, value] of v1.entries()) {
    const bytes = decodeHex(value);
    if (bytes === undefined) return reject('malformed-signature', `${name} v1 signature ${index + 1} is not 64 hex digits (HMAC-SHA256)`);
    decoded.push(bytes);
  }
  return { kind: 'parsed', seconds, timestamp, v1: decoded };
};

/** What one message of a batched delivery means. */
export type MessageResult = { kind: 'events'; events: CanonicalEvent[] } | { kind: 'unsupported'; detail: string } | { kind: 'invalid'; detail: string };

/**
 * Combines a batch's messages: unsupported ones are skipped when the batch also holds supported
 * ones, and a batch of only unsupported messages is 'unsupported-event'. One invalid message fails
 * the whole batch, which is then quarantined whole and can be replayed whole after a fix.
 */
export const combineMessageResults = (results: readonly MessageResult[]): Translation => {
  const invalid = results.find((r) => r.kind === 'invalid');
  if (invalid?.kind === 'invalid') return { kind: 'invalid', reason: 'schema-violation', detail: invalid.detail };
  const unsupported = results.filter((r) => r.kind === 'unsupported');
  if (results.length > 0 && unsupported.length === results.length) {
    const first = unsupported[0];
    return unsupportedEvent(first?.kind === 'unsupported' ? first.detail : 'unsupported');
  }
  return { kind: 'events', events: results.flatMap((r) => (r.kind === 'events' ? r.events : [])) };
};
