/**
 * The quarantine: every delivery we could not accept, with why, kept so that it can be replayed
 * through the same path once the cause is fixed. Nothing is silently dropped.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { WebhookRequest } from './connector';

export const QuarantineStage = z.enum(['routing', 'size', 'verification', 'parsing', 'validation', 'publishing']);
export type QuarantineStage = z.infer<typeof QuarantineStage>;

export const QuarantineEntry = z.object({
  quarantineId: z.string(),
  /** The system named in the URL, which may be one we do not know. */
  system: z.string(),
  stage: QuarantineStage,
  reason: z.string(),
  detail: z.string(),
  /** 'open' until a replay is accepted. */
  status: z.enum(['open', 'replayed']),
  receivedAt: z.string(),
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  /** gzip of the raw body, so the exact bytes can be verified again on replay. */
  body: z.instanceof(Uint8Array),
  bodyBytes: z.number().int().nonnegative(),
  /** True when the body was too large to keep whole; such an entry cannot be replayed. */
  bodyTruncated: z.boolean(),
  /**
   * Epoch seconds after which DynamoDB may delete the entry: set only for deliveries that never
   * proved who sent them, so strangers cannot fill the table forever.
   */
  expiresAt: z.number().int().optional(),
  replays: z
    .array(z.object({ at: z.string(), outcome: z.enum(['accepted', 'rejected']), reason: z.string().optional(), detail: z.string().optional() }))
    .default([]),
});
export type QuarantineEntry = z.infer<typeof QuarantineEntry>;

/** Headers that carry credentials rather than signatures; never stored. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-amz-security-token']);

export const redactHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : value]));

/** DynamoDB items are capped at 400 KB; keep the compressed body well under it. */
export const MAX_STORED_BODY_BYTES = 300_000;

/**
 * A delivery that failed its signature or size check is anyone's: keep enough of it to diagnose
 * and, in the usual case of a misconfigured secret, to replay (webhooks are rarely this large),
 * and let it expire.
 */
export const MAX_UNVERIFIED_BODY_BYTES = 64 * 1024;
export const UNVERIFIED_RETENTION_DAYS = 30;

const unverified = (stage: QuarantineStage) => stage === 'verification' || stage === 'size';

export interface Rejection {
  system: string;
  stage: QuarantineStage;
  reason: string;
  detail: string;
}

export const quarantineEntryOf = (rejection: Rejection, request: WebhookRequest, receivedAt: Date, quarantineId: string): QuarantineEntry => {
  const stranger = unverified(rejection.stage);
  const kept = stranger ? request.rawBody.subarray(0, MAX_UNVERIFIED_BODY_BYTES) : request.rawBody;
  let body = gzipSync(kept);
  let truncated = kept.length < request.rawBody.length;
  if (body.length > MAX_STORED_BODY_BYTES) {
    body = gzipSync(kept.subarray(0, MAX_STORED_BODY_BYTES));
    truncated = true;
  }
  return {
    quarantineId,
    ...rejection,
    status: 'open',
    receivedAt: receivedAt.toISOString(),
    method: request.method,
    url: request.url,
    headers: redactHeaders(request.headers),
    body,
    bodyBytes: request.rawBody.length,
    bodyTruncated: truncated,
    expiresAt: stranger ? Math.floor(receivedAt.getTime() / 1000) + UNVERIFIED_RETENTION_DAYS * 86_400 : undefined,
    replays: [],
  };
};

export const requestOf = (entry: QuarantineEntry): WebhookRequest => ({
  method: entry.method,
  url: entry.url,
  headers: entry.headers,
  rawBody: gunzipSync(entry.body),
});
