/**
 * Small pieces the Stripe, Zendesk, NetSuite and generic connectors share: reporting a zod failure
 * as a readable detail, building one canonical event, and reading the
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` signature header that Stripe popularised and that
 * Concord's NetSuite script copies.
 */
import type { z } from 'zod';
import type { CanonicalEvent, ChangeKind, EntityFields, EntityType, SourceSystem, SourceVersion } from '../../shared/canonical';
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
): CanonicalEvent =>
  ({
    ...identity,
    entityType,
    changeKind,
    fields,
    ...(changedFields === undefined ? {} : { changedFields }),
  }) as CanonicalEvent;

/** Drops keys whose value is undefined, so partial events carry only what the vendor said. */
export const definedOnly = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

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
