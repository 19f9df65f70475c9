import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { VerifyContext, WebhookRequest } from '../../functions/ingest/connector';
import { signStandardWebhook, standardWebhookKey, verifyStandardWebhook } from '../../functions/ingest/standard-webhooks';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = '{"type":"account.updated","data":{"id":"acc_1"}}';

const requestWith = (headers: Record<string, string>, body = BODY): WebhookRequest => ({
  method: 'POST',
  url: 'https://concord.example/webhooks/generic',
  headers,
  rawBody: Buffer.from(body),
});

const signedHeaders = (overrides: { id?: string; timestamp?: number; body?: string; secret?: string } = {}): Record<string, string> => {
  const id = overrides.id ?? 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const timestamp = overrides.timestamp ?? NOW_S;
  const signature = signStandardWebhook({ id, timestamp, body: overrides.body ?? BODY, secret: overrides.secret ?? SECRET });
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
};

const ctx = (secrets: readonly string[] = [SECRET]): VerifyContext => ({ secrets, receivedAt: NOW });

const reasonOf = (headers: Record<string, string>, context = ctx(), body = BODY): string => {
  const result = verifyStandardWebhook(requestWith(headers, body), context);
  return result.kind === 'verified' ? 'verified' : result.reason;
};

describe('signStandardWebhook', () => {
  it('matches the public Standard Webhooks test vector', () => {
    // The example published with the specification's reference libraries.
    expect(
      signStandardWebhook({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('equals an HMAC built by hand from the specification: base64-decoded whsec key over id.timestamp.body', () => {
    const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    const expected = createHmac('sha256', key).update(`msg_1.${NOW_S}.${BODY}`).digest('base64');
    expect(signStandardWebhook({ id: 'msg_1', timestamp: NOW, body: BODY, secret: SECRET })).toBe(`v1,${expected}`);
  });

  it('uses a secret without the whsec_ prefix as its UTF-8 bytes', () => {
    const expected = createHmac('sha256', 'plain-secret').update(`msg_1.${NOW_S}.${BODY}`).digest('base64');
    expect(signStandardWebhook({ id: 'msg_1', timestamp: NOW_S, body: BODY, secret: 'plain-secret' })).toBe(`v1,${expected}`);
  });

  it('refuses to sign with an unusable secret', () => {
    expect(() => signStandardWebhook({ id: 'm', timestamp: NOW_S, body: BODY, secret: '' })).toThrow(/secret/);
    expect(() => signStandardWebhook({ id: 'm', timestamp: NOW_S, body: BODY, secret: 'whsec_!!!' })).toThrow(/secret/);
  });
});

describe('standardWebhookKey', () => {
  it('decodes whsec_ secrets and rejects empty or non-base64 ones', () => {
    expect(standardWebhookKey('whsec_AAEC')).toEqual(Buffer.from([0, 1, 2]));
    expect(standardWebhookKey('raw')).toEqual(Buffer.from('raw'));
    expect(standardWebhookKey('')).toBeUndefined();
    expect(standardWebhookKey('whsec_')).toBeUndefined();
    expect(standardWebhookKey('whsec_not base64')).toBeUndefined();
  });
});

describe('verifyStandardWebhook', () => {
  it('accepts a genuine delivery', () => {
    expect(reasonOf(signedHeaders())).toBe('verified');
  });

  it('accepts a delivery signed with any configured secret while secrets rotate', () => {
    expect(reasonOf(signedHeaders({ secret: 'whsec_bmV3LXNlY3JldA==' }), ctx(['whsec_b2xkLXNlY3JldA==', 'whsec_bmV3LXNlY3JldA==']))).toBe('verified');
  });

  it('accepts when one of several space-separated signatures matches, whatever its position', () => {
    const genuine = signedHeaders();
    const other = signStandardWebhook({ id: genuine['webhook-id'] as string, timestamp: NOW_S, body: BODY, secret: 'whsec_b3RoZXI=' });
    expect(reasonOf({ ...genuine, 'webhook-signature': `${other} ${genuine['webhook-signature']}` })).toBe('verified');
    expect(reasonOf({ ...genuine, 'webhook-signature': `v1a,c29tZWFzeW1tZXRyaWM= ${genuine['webhook-signature']}` })).toBe('verified');
  });

  it('accepts a signature header that was sent twice and joined with commas', () => {
    const genuine = signedHeaders();
    const other = signStandardWebhook({ id: genuine['webhook-id'] as string, timestamp: NOW_S, body: BODY, secret: 'whsec_b3RoZXI=' });
    expect(reasonOf({ ...genuine, 'webhook-signature': `${other}, ${genuine['webhook-signature']}` })).toBe('verified');
    expect(reasonOf({ ...genuine, 'webhook-signature': `${other},${genuine['webhook-signature']}` })).toBe('verified');
  });

  it('rejects a forged signature, a tampered body and a swapped id', () => {
    expect(reasonOf(signedHeaders({ secret: 'whsec_YXR0YWNrZXI=' }))).toBe('bad-signature');
    expect(reasonOf(signedHeaders(), ctx(), BODY.replace('acc_1', 'acc_2'))).toBe('bad-signature');
    expect(reasonOf({ ...signedHeaders(), 'webhook-id': 'msg_other' })).toBe('bad-signature');
  });

  it('rejects stale and future timestamps even when correctly signed', () => {
    expect(reasonOf(signedHeaders({ timestamp: NOW_S - 301 }))).toBe('stale-timestamp');
    expect(reasonOf(signedHeaders({ timestamp: NOW_S + 301 }))).toBe('future-timestamp');
    expect(reasonOf(signedHeaders({ timestamp: NOW_S - 299 }))).toBe('verified');
  });

  it('reads the timestamp as seconds, so a millisecond timestamp is far in the future', () => {
    expect(reasonOf(signedHeaders({ timestamp: NOW.getTime() }))).toBe('future-timestamp');
  });

  it.each([
    ['missing signature', { 'webhook-signature': undefined }, 'missing-signature'],
    ['empty signature', { 'webhook-signature': '' }, 'missing-signature'],
    ['blank signature', { 'webhook-signature': '   ' }, 'missing-signature'],
    ['missing id', { 'webhook-id': undefined }, 'malformed-signature'],
    ['missing timestamp', { 'webhook-timestamp': undefined }, 'missing-timestamp'],
    ['empty timestamp', { 'webhook-timestamp': '' }, 'missing-timestamp'],
    ['non-numeric timestamp', { 'webhook-timestamp': '2026-03-02T10:00:00Z' }, 'missing-timestamp'],
    ['duplicated timestamp', { 'webhook-timestamp': `${NOW_S}, ${NOW_S}` }, 'missing-timestamp'],
    ['wrong version prefix', { 'webhook-signature': 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' }, 'malformed-signature'],
    ['no version prefix', { 'webhook-signature': 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' }, 'malformed-signature'],
    ['not base64', { 'webhook-signature': 'v1,not*base64*at*all' }, 'malformed-signature'],
    ['too short', { 'webhook-signature': 'v1,AAAA' }, 'malformed-signature'],
    ['hex instead of base64', { 'webhook-signature': `v1,${'ab'.repeat(32)}` }, 'malformed-signature'],
    ['version without value', { 'webhook-signature': 'v1' }, 'malformed-signature'],
  ])('rejects a delivery with: %s', (_name, change, reason) => {
    const headers: Record<string, string | undefined> = { ...signedHeaders(), ...change };
    const defined = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
    expect(reasonOf(defined)).toBe(reason);
  });

  it('reports no-secret-configured when no usable secret is configured', () => {
    expect(reasonOf(signedHeaders(), ctx([]))).toBe('no-secret-configured');
    expect(reasonOf(signedHeaders(), ctx(['']))).toBe('no-secret-configured');
    expect(reasonOf(signedHeaders(), ctx(['whsec_***']))).toBe('no-secret-configured');
  });

  it('ignores an empty secret next to a real one', () => {
    expect(reasonOf(signedHeaders(), ctx(['', SECRET]))).toBe('verified');
  });

  it('verifies whatever it signed, and nothing else (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.string({ maxLength: 200 }),
        fc.integer({ min: -299, max: 299 }),
        (id, keyBytes, body, skew) => {
          const secret = `whsec_${Buffer.from(keyBytes).toString('base64')}`;
          const timestamp = NOW_S + skew;
          const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandardWebhook({ id, timestamp, body, secret }) };
          expect(reasonOf(headers, ctx([secret]), body)).toBe('verified');
          expect(reasonOf(headers, ctx([secret]), `${body} `)).toBe('bad-signature');
        },
      ),
    );
  });

  it('never throws on arbitrary header values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature'), fc.string()), fc.array(fc.string()), (headers, secrets) => {
        const result = verifyStandardWebhook(requestWith(headers), ctx(secrets));
        expect(['verified', 'rejected']).toContain(result.kind);
      }),
    );
  });
});
