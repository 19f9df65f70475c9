/**
 * The pieces every signature scheme shares: HMAC over raw bytes, constant-time comparison and
 * the freshness window. Each connector composes them in its vendor's documented order.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SIGNATURE_TOLERANCE_MS, type Verification } from './connector';

export const hmacSha256 = (secret: string | Buffer, ...parts: (string | Buffer)[]): Buffer => {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** Constant-time equality; different lengths are unequal without leaking where they differ. */
export const safeEqual = (expected: Buffer, given: Buffer): boolean =>
  expected.length === given.length && timingSafeEqual(expected, given);

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes a hex signature, or undefined when it is not strictly hex of the right length. */
export const decodeHex = (value: string, bytes = 32): Buffer | undefined =>
  value.length === bytes * 2 && HEX.test(value) ? Buffer.from(value, 'hex') : undefined;

/** Decodes a base64 signature, or undefined when it is not strictly base64 of the right length. */
export const decodeBase64 = (value: string, bytes = 32): Buffer | undefined => {
  if (!BASE64.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === bytes ? decoded : undefined;
};

/** True when any secret's MAC equals the given one (secrets rotate, so several may be valid). */
export const anySecretMatches = (
  secrets: readonly string[],
  given: Buffer,
  macFor: (secret: string) => Buffer,
): boolean => secrets.some((secret) => secret.length > 0 && safeEqual(macFor(secret), given));

/** Rejects a timestamp outside ±tolerance of the receipt time: both replays and clock games. */
export const checkFreshness = (
  signedAtMs: number,
  receivedAt: Date,
  toleranceMs = SIGNATURE_TOLERANCE_MS,
): Verification => {
  if (!Number.isFinite(signedAtMs)) return { kind: 'rejected', reason: 'missing-timestamp', detail: 'timestamp is not a number' };
  const skew = signedAtMs - receivedAt.getTime();
  if (skew < -toleranceMs) return { kind: 'rejected', reason: 'stale-timestamp', detail: `signed ${Math.round(-skew / 1000)} s before receipt` };
  if (skew > toleranceMs) return { kind: 'rejected', reason: 'future-timestamp', detail: `signed ${Math.round(skew / 1000)} s after receipt` };
  return { kind: 'verified' };
};

/** A strict decimal integer, or NaN: `Number('')` is 0 and `parseInt('12abc')` is 12, neither wanted. */
export const parseStrictInt = (value: string | undefined): number =>
  value !== undefined && /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;

export const noUsableSecret = (secrets: readonly string[]): boolean => secrets.every((s) => s.length === 0);
