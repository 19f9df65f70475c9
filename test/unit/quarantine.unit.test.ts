import { gunzipSync } from 'node:zlib';
import { MAX_UNVERIFIED_BODY_BYTES, quarantineEntryOf, requestOf } from '../../functions/ingest/quarantine';

const receivedAt = new Date('2026-11-24T12:00:00Z');
const request = (body: string) => ({
  method: 'POST',
  url: 'https://hooks.example/webhooks/stripe',
  headers: { 'stripe-signature': 't=1,v1=abc', authorization: 'Bearer secret-token', cookie: 'session=1' },
  rawBody: Buffer.from(body),
});

describe('a quarantine entry', () => {
  it('keeps the exact bytes and headers of a signed delivery that failed validation, without credentials', () => {
    const entry = quarantineEntryOf({ system: 'stripe', stage: 'validation', reason: 'schema-violation', detail: 'data.object: Required' }, request('{"id":"evt_1"}'), receivedAt, 'Q1');
    expect(requestOf(entry)).toEqual({ ...request('{"id":"evt_1"}'), headers: { 'stripe-signature': 't=1,v1=abc', authorization: '[redacted]', cookie: '[redacted]' } });
    expect(entry).toMatchObject({ status: 'open', bodyTruncated: false, expiresAt: undefined });
  });

  it('keeps only the head of an unverified delivery, and lets it expire after 30 days', () => {
    const big = 'x'.repeat(MAX_UNVERIFIED_BODY_BYTES * 2);
    const entry = quarantineEntryOf({ system: 'stripe', stage: 'verification', reason: 'bad-signature', detail: 'no signature matched' }, request(big), receivedAt, 'Q2');
    expect(gunzipSync(entry.body).length).toBe(MAX_UNVERIFIED_BODY_BYTES);
    expect(entry).toMatchObject({ bodyBytes: big.length, bodyTruncated: true, expiresAt: receivedAt.getTime() / 1000 + 30 * 86_400 });
  });
});
