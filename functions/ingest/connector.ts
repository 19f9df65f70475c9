/**
 * A connector turns one vendor's webhook delivery into canonical events. It is pure: the clock,
 * the secrets and the request are passed in, and expected failures are values (STYLE §4).
 */
import type { CanonicalEvent, SourceSystem } from '../shared/canonical';

/** An inbound HTTP delivery exactly as it reached us. */
export interface WebhookRequest {
  method: string;
  /** The full URL the vendor called (scheme, host, path and query), as signatures cover it. */
  url: string;
  /** Header names lower-cased; a repeated header's values joined with "," (as API Gateway does). */
  headers: Readonly<Record<string, string>>;
  /** The body's bytes, untouched: signatures are over these, never over re-serialized JSON. */
  rawBody: Buffer;
}

export type RejectionReason =
  | 'no-secret-configured'
  | 'missing-signature'
  | 'malformed-signature'
  | 'bad-signature'
  | 'missing-timestamp'
  | 'stale-timestamp'
  | 'future-timestamp';

export type Verification = { kind: 'verified' } | { kind: 'rejected'; reason: RejectionReason; detail: string };

export type InvalidReason = 'malformed-json' | 'unsupported-event' | 'schema-violation';

export type Translation =
  | { kind: 'events'; events: CanonicalEvent[] }
  | { kind: 'invalid'; reason: InvalidReason; detail: string };

export interface VerifyContext {
  /** Every secret currently accepted (more than one while a secret is being rotated). */
  secrets: readonly string[];
  /** When the request was received; replays pass the original receipt time. */
  receivedAt: Date;
}

export interface Connector {
  readonly system: SourceSystem;
  verify(request: WebhookRequest, ctx: VerifyContext): Verification;
  /** Called only on verified requests, with the body already parsed as JSON. */
  translate(body: unknown, request: WebhookRequest, receivedAt: Date): Translation;
}

/** How far a signed timestamp may be from our clock, either way. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000;
