/**
 * The Standard Webhooks signature scheme (standardwebhooks.com), shared by the generic connector
 * and by Salesforce deliveries that a Pub/Sub API relay forwards over HTTPS.
 *
 * - headers: `webhook-id`, `webhook-timestamp` (integer Unix seconds), `webhook-signature`;
 * - signed content: `${webhook-id}.${webhook-timestamp}.${raw body}`, HMAC-SHA256;
 * - `webhook-signature` holds one or more space-separated `<version>,<base64>` entries; only `v1`
 *   (symmetric HMAC) is ours, other versions (e.g. `v1a`, asymmetric) are ignored, and one
 *   matching entry is enough (the sender signs with old and new secret while rotating);
 * - a secret written `whsec_<base64>` is the base64 of the key; any other string is the key's
 *   UTF-8 bytes.
 */
import type { VerifyContext, Verification, WebhookRequest } from './connector';
import { checkFreshness, decodeBase64, hmacSha256, noUsableSecret, parseStrictInt, safeEqual } from './signature';

const SECRET_PREFIX = 'whsec_';
const STRICT_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The HMAC key behind a configured secret, or undefined when it cannot be one: empty, or a
 * `whsec_` secret whose remainder is not base64 (an empty key would make every MAC forgeable).
 */
export const standardWebhookKey = (secret: string): Buffer | undefined => {
  if (secret.length === 0) return undefined;
  if (!secret.startsWith(SECRET_PREFIX)) return Buffer.from(secret, 'utf8');
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!STRICT_BASE64.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length > 0 ? key : undefined;
};

const macOf = (key: Buffer, id: string, timestamp: string, body: string | Buffer): Buffer =>
  hmacSha256(key, id, '.', timestamp, '.', body);

export interface StandardWebhookSigning {
  /** The `webhook-id` header value. */
  id: string;
  /** The `webhook-timestamp`: Unix seconds, or a Date (truncated to whole seconds). */
  timestamp: number | Date;
  /** The exact bytes that will be sent. */
  body: string | Buffer;
  secret: string;
}

/** The `webhook-timestamp` header value for a signing time. */
export const standardWebhookTimestamp = (timestamp: number | Date): string =>
  String(Math.trunc(timestamp instanceof Date ? timestamp.getTime() / 1000 : timestamp));

/**
 * The `webhook-signature` header value (`v1,<base64>`). Throws on an unusable secret: signing is
 * done by our own simulators and tests, where that is a programming error.
 */
export const signStandardWebhook = ({ id, timestamp, body, secret }: StandardWebhookSigning): string => {
  const key = standardWebhookKey(secret);
  if (key === undefined) throw new Error('signStandardWebhook: the secret is empty or not valid whsec_<base64>');
  return `v1,${macOf(key, id, standardWebhookTimestamp(timestamp), body).toString('base64')}`;
};

const rejected = (reason: Extract<Verification, { kind: 'rejected' }>['reason'], detail: string): Verification => ({
  kind: 'rejected',
  reason,
  detail,
});

const VERSION = /^v\d+[a-z]*$/;

/**
 * The v1 signatures in a `webhook-signature` value: `<version>,<base64>` entries separated by
 * spaces. A header sent twice reaches us joined with "," or ", ", so the value is read as a flat
 * list of parts where each version is followed by its signature (base64 holds no comma).
 */
const v1SignaturesOf = (header: string): { v1: Buffer[]; versions: string[]; undecodable: number } => {
  const parts = header.split(/[\s,]+/).filter((p) => p.length > 0);
  const v1: Buffer[] = [];
  const versions: string[] = [];
  let undecodable = 0;
  for (let i = 0; i < parts.length; i += 1) {
    const version = parts[i] as string;
    if (!VERSION.test(version)) continue;
    versions.push(version);
    const value = parts[i + 1];
    if (value === undefined || VERSION.test(value)) continue;
    i += 1;
    if (version !== 'v1') continue;
    const decoded = decodeBase64(value);
    if (decoded === undefined) undecodable += 1;
    else v1.push(decoded);
  }
  return { v1, versions, undecodable };
};

export const verifyStandardWebhook = (request: WebhookRequest, ctx: VerifyContext): Verification => {
  const keys = ctx.secrets.map(standardWebhookKey);
  if (noUsableSecret(ctx.secrets) || keys.every((k) => k === undefined)) {
    return rejected('no-secret-configured', 'no usable Standard Webhooks secret (empty, or whsec_ not followed by base64)');
  }
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const signature = request.headers['webhook-signature'];
  if (signature === undefined || signature.trim() === '') return rejected('missing-signature', 'webhook-signature header is missing or empty');
  if (id === undefined || id === '') return rejected('malformed-signature', 'webhook-id header is missing or empty; it is part of the signed content');
  if (timestamp === undefined || timestamp === '') return rejected('missing-timestamp', 'webhook-timestamp header is missing or empty');

  const seconds = parseStrictInt(timestamp);
  if (Number.isNaN(seconds)) return rejected('missing-timestamp', `webhook-timestamp "${timestamp.slice(0, 40)}" is not integer Unix seconds`);
  const freshness = checkFreshness(seconds * 1000, ctx.receivedAt);
  if (freshness.kind === 'rejected') return freshness;

  const { v1, versions, undecodable } = v1SignaturesOf(signature);
  if (v1.length === 0) {
    const detail =
      undecodable > 0
        ? 'no v1 signature is base64 of a 32-byte HMAC-SHA256'
        : `no v1 signature (versions seen: ${versions.join(' ') || 'none'})`;
    return rejected('malformed-signature', detail);
  }
  // Any given v1 signature may match any usable secret: the sender rotates, and so do we.
  const expected = keys.filter((k): k is Buffer => k !== undefined).map((key) => macOf(key, id, timestamp, request.rawBody));
  const matched = v1.some((given) => expected.some((mac) => safeEqual(mac, given)));
  return matched ? { kind: 'verified' } : rejected('bad-signature', 'no v1 signature matches a configured secret');
};
