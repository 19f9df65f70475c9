import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { CanonicalEvent, formatSourceVersion } from '../../functions/shared/canonical';
import type { Translation, Verification, WebhookRequest } from '../../functions/ingest/connector';
import { splitName, zendeskConnector } from '../../functions/ingest/connectors/zendesk';
import { zendeskSimulator } from '../../local/vendors/zendesk';
import type { OutboundWebhook, SourceChange } from '../../local/vendors/vendor-simulator';

const SECRET = 'dGhpc19pc19hX3plbmRlc2tfc2lnbmluZ19zZWNyZXQ=';
const OLD_SECRET = 'previous-zendesk-signing-secret';
const BASE_URL = 'http://localhost:3000';
const receivedAt = new Date('2026-03-02T10:00:00Z');
const stamp = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

const requestOf = (webhook: OutboundWebhook): WebhookRequest => ({
  method: webhook.method,
  url: `${BASE_URL}${webhook.path}`,
  headers: Object.fromEntries(Object.entries(webhook.headers).map(([name, value]) => [name.toLowerCase(), value])),
  rawBody: Buffer.from(webhook.body, 'utf8'),
});

/** Zendesk's documented scheme, by hand: base64(HMAC-SHA256(secret, TIMESTAMP + BODY)). */
const handSigned = (body: string, timestamp: string, secret = SECRET): string => createHmac('sha256', secret).update(timestamp + body).digest('base64');

const rawRequest = (body: string, headers: Record<string, string | undefined>): WebhookRequest => ({
  method: 'POST',
  url: `${BASE_URL}/webhooks/zendesk`,
  headers: Object.fromEntries(Object.entries({ 'content-type': 'application/json', ...headers }).filter((e): e is [string, string] => e[1] !== undefined)),
  rawBody: Buffer.from(body, 'utf8'),
});

const signedRequest = (body: string, timestamp = stamp(receivedAt), secret = SECRET): WebhookRequest =>
  rawRequest(body, { 'x-zendesk-webhook-signature': handSigned(body, timestamp, secret), 'x-zendesk-webhook-signature-timestamp': timestamp });

const verify = (request: WebhookRequest, secrets: string[] = [SECRET], at: Date = receivedAt): Verification =>
  zendeskConnector.verify(request, { secrets, receivedAt: at });

const translate = (body: unknown): Translation => zendeskConnector.translate(body, rawRequest('', {}), receivedAt);

const eventsOf = (translation: Translation): CanonicalEvent[] => {
  if (translation.kind !== 'events') throw new Error(`expected events, got ${translation.reason}: ${translation.detail}`);
  return translation.events.map((event) => CanonicalEvent.parse(event));
};

const envelope = (type: string, detail: Record<string, unknown>, event: Record<string, unknown> = {}, time = '2026-03-02T09:59:58.123456789Z') => ({
  account_id: 12514403,
  detail,
  event,
  id: '2b24ef10-19d4-4740-93cf-8f98ec4776c0',
  subject: `zen:${type.split('.')[0]}:${String(detail['id'])}`,
  time,
  type: `zen:event-type:${type}`,
  zendesk_event_version: '2022-06-20',
});

const userDetail = { created_at: '2026-03-01T05:27:58Z', email: 'ana@acme.example', external_id: '', default_group_id: '0', id: '6596848315901', organization_id: '6607619104125', role: 'end-user', updated_at: '2026-03-02T09:59:58Z' };
const ticketDetail = {
  actor_id: '8447388090494',
  assignee_id: '8447388090494',
  brand_id: '8447346621310',
  created_at: '2026-03-01T10:12:07Z',
  custom_status: '8447320465790',
  description: 'cannot log in',
  external_id: null,
  form_id: '8646151517822',
  group_id: '8447320466430',
  id: '5158',
  is_public: true,
  organization_id: '6607619104125',
  priority: 'HIGH',
  requester_id: '6596848315901',
  status: 'OPEN',
  subject: 'Login broken',
  submitter_id: '6596848315901',
  tags: ['sso'],
  type: 'INCIDENT',
  updated_at: '2026-03-02T09:59:58Z',
  via: { channel: 'web_service' },
};
const body = JSON.stringify(envelope('user.created', userDetail));

describe('Zendesk connector: verification', () => {
  it('accepts a signature computed by hand from the documented scheme', () => {
    expect(verify(signedRequest(body))).toEqual({ kind: 'verified' });
  });

  it('accepts what the simulator sends', () => {
    const [webhook] = zendeskSimulator.deliveries([{ entityType: 'account', externalId: '1', fields: { name: 'Acme' }, changeKind: 'upsert', occurredAt: receivedAt }], {
      secret: SECRET,
      baseUrl: BASE_URL,
      now: receivedAt,
    });
    expect(verify(requestOf(webhook!))).toEqual({ kind: 'verified' });
  });

  it('accepts the old or the new secret while one is rotated', () => {
    expect(verify(signedRequest(body, stamp(receivedAt), OLD_SECRET), [SECRET, OLD_SECRET])).toEqual({ kind: 'verified' });
  });

  it('rejects a signature made with another secret, or over another body', () => {
    expect(verify(signedRequest(body, stamp(receivedAt), 'forger'))).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
    const tampered = { ...signedRequest(body), rawBody: Buffer.from(body.replace('ana@', 'eve@')) };
    expect(verify(tampered)).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
  });

  it('signs the timestamp as written: the same instant written differently does not verify', () => {
    const request = signedRequest(body);
    const rewritten = { ...request, headers: { ...request.headers, 'x-zendesk-webhook-signature-timestamp': receivedAt.toISOString() } };
    expect(verify(rewritten)).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
  });

  it('rejects the body-then-timestamp order that one old documentation example used', () => {
    const timestamp = stamp(receivedAt);
    const request = rawRequest(body, {
      'x-zendesk-webhook-signature': createHmac('sha256', SECRET).update(body + timestamp).digest('base64'),
      'x-zendesk-webhook-signature-timestamp': timestamp,
    });
    expect(verify(request)).toMatchObject({ kind: 'rejected', reason: 'bad-signature' });
  });

  it.each([
    ['299 s old', -299, 'verified'],
    ['301 s old', -301, 'stale-timestamp'],
    ['299 s ahead', 299, 'verified'],
    ['301 s ahead', 301, 'future-timestamp'],
  ])('judges a timestamp %s', (_label, offset, expected) => {
    const outcome = verify(signedRequest(body, stamp(new Date(receivedAt.getTime() + offset * 1000))));
    expect(outcome.kind === 'verified' ? 'verified' : outcome.reason).toBe(expected);
  });

  it('accepts a timestamp with an offset and fractions, as long as it is one instant', () => {
    expect(verify(signedRequest(body, '2026-03-02T11:00:00.5+01:00'))).toEqual({ kind: 'verified' });
  });

  const timestamp = stamp(receivedAt);
  const good = handSigned(body, timestamp);
  it.each([
    ['no signature', { 'x-zendesk-webhook-signature-timestamp': timestamp }, 'missing-signature'],
    ['an empty signature', { 'x-zendesk-webhook-signature': '', 'x-zendesk-webhook-signature-timestamp': timestamp }, 'missing-signature'],
    ['no timestamp', { 'x-zendesk-webhook-signature': good }, 'missing-timestamp'],
    ['an empty timestamp', { 'x-zendesk-webhook-signature': good, 'x-zendesk-webhook-signature-timestamp': ' ' }, 'missing-timestamp'],
    ['a Unix-seconds timestamp', { 'x-zendesk-webhook-signature': good, 'x-zendesk-webhook-signature-timestamp': String(receivedAt.getTime() / 1000) }, 'missing-timestamp'],
    ['an impossible date', { 'x-zendesk-webhook-signature': good, 'x-zendesk-webhook-signature-timestamp': '2026-02-30T25:00:00Z' }, 'missing-timestamp'],
    ['the timestamp header sent twice', { 'x-zendesk-webhook-signature': good, 'x-zendesk-webhook-signature-timestamp': `${timestamp}, ${timestamp}` }, 'missing-timestamp'],
    ['the signature header sent twice', { 'x-zendesk-webhook-signature': `${good}, ${good}`, 'x-zendesk-webhook-signature-timestamp': timestamp }, 'malformed-signature'],
    ['a hex signature', { 'x-zendesk-webhook-signature': createHmac('sha256', SECRET).update(timestamp + body).digest('hex'), 'x-zendesk-webhook-signature-timestamp': timestamp }, 'malformed-signature'],
    ['a signature of the wrong length', { 'x-zendesk-webhook-signature': good.slice(4), 'x-zendesk-webhook-signature-timestamp': timestamp }, 'malformed-signature'],
    ['a version prefix', { 'x-zendesk-webhook-signature': `sha256=${good}`, 'x-zendesk-webhook-signature-timestamp': timestamp }, 'malformed-signature'],
  ])('rejects %s', (_label, headers, reason) => {
    expect(verify(rawRequest(body, headers))).toMatchObject({ kind: 'rejected', reason });
  });

  it('says no secret is configured when the only secret is empty', () => {
    expect(verify(signedRequest(body), [''])).toMatchObject({ kind: 'rejected', reason: 'no-secret-configured' });
    expect(verify(signedRequest(body), ['', SECRET])).toEqual({ kind: 'verified' });
  });

  it('never throws, whatever the headers hold', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (signature, ts) => {
        const outcome = verify(rawRequest(body, { 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': ts }));
        expect(outcome.kind).toBe('rejected');
      }),
    );
  });
});

describe('Zendesk connector: translation', () => {
  it('maps an organization and keeps its detail as raw', () => {
    const detail = { created_at: '2026-03-02T03:44:13Z', external_id: 'CUST-0042', group_id: null, id: '6607619104125', name: 'Acme', shared_comments: false, shared_tickets: false, updated_at: '2026-03-02T03:44:13Z' };
    const [event] = eventsOf(translate(envelope('organization.created', detail)));
    expect(event).toEqual({
      eventId: 'zendesk:2b24ef10-19d4-4740-93cf-8f98ec4776c0',
      vendorEventId: '2b24ef10-19d4-4740-93cf-8f98ec4776c0',
      sourceSystem: 'zendesk',
      entityType: 'account',
      externalId: '6607619104125',
      occurredAt: '2026-03-02T09:59:58.123Z',
      sourceVersion: formatSourceVersion(Date.parse('2026-03-02T09:59:58.123Z'), 456_789),
      changeKind: 'upsert',
      fields: { name: 'Acme', customerNumber: 'CUST-0042' },
      raw: detail,
    });
  });

  it('takes an organization domain when a detail carries domain_names', () => {
    const [event] = eventsOf(translate(envelope('organization.name_changed', { id: '1', name: 'Acme', domain_names: ['Acme.example', 'acme.test'] }, { current: 'Acme', previous: 'ACME' })));
    expect(event).toMatchObject({ fields: { name: 'Acme', domain: 'acme.example' }, changedFields: ['name', 'domain'] });
  });

  it('maps a user, without an organization when organization_id is "0"', () => {
    const [withOrg] = eventsOf(translate(envelope('user.created', userDetail)));
    expect(withOrg).toMatchObject({ entityType: 'person', externalId: '6596848315901', fields: { email: 'ana@acme.example', accountRef: '6607619104125' } });
    const [without] = eventsOf(translate(envelope('user.created', { ...userDetail, organization_id: '0' })));
    expect(without?.fields).toEqual({ email: 'ana@acme.example' });
    expect(without).toMatchObject({ clearedFields: ['accountRef'], changedFields: ['email', 'accountRef'] });
  });

  it('reads the name from user.name_changed, split at its first space', () => {
    const [event] = eventsOf(translate(envelope('user.name_changed', userDetail, { current: 'Ana  María de la Cruz', previous: 'Ana' })));
    expect(event?.fields).toMatchObject({ firstName: 'Ana', lastName: 'María de la Cruz' });
    expect(splitName('Cher')).toEqual({ firstName: 'Cher', lastName: '' });
  });

  it('reports a name changed to nothing as cleared first and last names, and a one-word name as a cleared last name', () => {
    const [none] = eventsOf(translate(envelope('user.name_changed', userDetail, { current: '', previous: 'Ana Cruz' })));
    expect(none?.fields).toEqual({ email: 'ana@acme.example', accountRef: '6607619104125' });
    expect(none?.clearedFields).toEqual(['firstName', 'lastName']);
    const [cher] = eventsOf(translate(envelope('user.name_changed', userDetail, { current: 'Cher', previous: 'Cher Sarkisian' })));
    expect(cher).toMatchObject({ fields: { firstName: 'Cher' }, clearedFields: ['lastName'] });
    expect(cher?.changedFields).toContain('lastName');
  });

  it('treats a deactivated user as deleted and a reactivated one as restored', () => {
    expect(eventsOf(translate(envelope('user.active_changed', userDetail, { current: false, previous: true })))[0]?.changeKind).toBe('delete');
    expect(eventsOf(translate(envelope('user.active_changed', userDetail, { current: true, previous: false })))[0]?.changeKind).toBe('undelete');
    expect(eventsOf(translate(envelope('user.deleted', userDetail)))[0]?.changeKind).toBe('delete');
  });

  it('maps a ticket, lower-casing the capitals events use', () => {
    const [event] = eventsOf(translate(envelope('ticket.created', ticketDetail)));
    expect(event).toMatchObject({
      entityType: 'ticket',
      externalId: '5158',
      fields: { subject: 'Login broken', accountRef: '6607619104125', requesterRef: '6596848315901', status: 'open', priority: 'high', openedAt: '2026-03-01T10:12:07.000Z' },
    });
    expect(event).not.toHaveProperty('changedFields');
  });

  it('reads a mapped attribute a created record leaves null, blank or out as a clear; documented details say nothing of domains', () => {
    // given an organization created without an external id, and a ticket created without a priority or organization
    const [organization] = eventsOf(translate(envelope('organization.created', { id: '1', name: 'Acme', external_id: null })));
    const { priority: _priority, ...noPriority } = ticketDetail as Record<string, unknown>;
    const [ticket] = eventsOf(translate(envelope('ticket.created', { ...noPriority, organization_id: null, subject: '  ' })));
    // then those are clears of their canonical paths, in a snapshot (no changedFields)
    expect(organization).toMatchObject({ fields: { name: 'Acme' }, clearedFields: ['customerNumber'] });
    expect(organization).not.toHaveProperty('changedFields');
    expect(ticket?.fields).toEqual({ requesterRef: '6596848315901', status: 'open', openedAt: '2026-03-01T10:12:07.000Z' });
    expect(ticket?.clearedFields).toEqual(['subject', 'accountRef', 'priority']);
  });

  it('in a *_changed event clears only what the detail sends empty: an attribute left out says nothing', () => {
    const [sent] = eventsOf(translate(envelope('organization.name_changed', { id: '1', name: 'Acme', external_id: '', domain_names: [] }, { current: 'Acme', previous: 'ACME' })));
    expect(sent).toMatchObject({ fields: { name: 'Acme' }, changedFields: ['name', 'domain', 'customerNumber'], clearedFields: ['domain', 'customerNumber'] });
    const [left] = eventsOf(translate(envelope('organization.name_changed', { id: '1', name: 'Acme' }, { current: 'Acme', previous: 'ACME' })));
    expect(left).toMatchObject({ fields: { name: 'Acme' }, changedFields: ['name'] });
    expect(left).not.toHaveProperty('clearedFields');
    const [priority] = eventsOf(translate(envelope('ticket.priority_changed', { id: '5158', priority: null, status: 'OPEN' }, { current: null, previous: 'HIGH' })));
    expect(priority).toMatchObject({ fields: { status: 'open' }, changedFields: ['status', 'priority'], clearedFields: ['priority'] });
  });

  it('reads satisfaction from the CSAT events', () => {
    const [received] = eventsOf(translate(envelope('ticket.csat_received', ticketDetail, { satisfaction_score: { score: 'BAD' } })));
    expect(received?.fields).toMatchObject({ satisfaction: 'bad' });
    const [offered] = eventsOf(translate(envelope('ticket.csat_requested', ticketDetail)));
    expect(offered?.fields).toMatchObject({ satisfaction: 'offered' });
  });

  it.each([
    ['ticket.soft_deleted', 'delete'],
    ['ticket.marked_as_spam', 'delete'],
    ['ticket.undeleted', 'undelete'],
    ['ticket.permanently_deleted', 'erase'],
  ])('maps %s to %s', (type, changeKind) => {
    const [event] = eventsOf(translate(envelope(type, ticketDetail)));
    expect(event).toMatchObject({ changeKind, fields: {} });
  });

  it('orders two events within one millisecond by the nanoseconds Zendesk sends', () => {
    const first = eventsOf(translate(envelope('ticket.status_changed', ticketDetail, {}, '2026-03-02T09:59:58.123000001Z')))[0]!;
    const second = eventsOf(translate(envelope('ticket.priority_changed', ticketDetail, {}, '2026-03-02T09:59:58.123000002Z')))[0]!;
    expect(first.sourceVersion < second.sourceVersion).toBe(true);
    expect(first.occurredAt).toBe(second.occurredAt);
  });

  it('accepts the slash form of the type some Zendesk pages show', () => {
    expect(translate({ ...envelope('user.created', userDetail), type: 'zen:event-type/user.identity_changed' })).toMatchObject({ kind: 'events' });
  });

  it.each([['user.photo_changed'], ['article.published'], ['organization.tags_changed'], ['ticket.comment_added']])('says it does not read %s', (type) => {
    expect(translate(envelope(type, { id: '1' }))).toMatchObject({ kind: 'invalid', reason: 'unsupported-event' });
  });

  it.each([
    ['a detail without an id', envelope('user.created', { email: 'a@b.c' }), 'detail.id'],
    ['a time that is not a date-time', envelope('user.created', userDetail, {}, 'yesterday'), 'time'],
    ['a name change without the new name', envelope('user.name_changed', userDetail, { previous: 'Ana' }), 'event.current'],
    ['an unknown satisfaction score', envelope('ticket.csat_received', ticketDetail, { satisfaction_score: { score: 'MEH' } }), 'event.satisfaction_score.score'],
    ['a non-numeric organization id', envelope('user.created', { ...userDetail, organization_id: 'acme' }), 'detail.organization_id'],
    ['a type that is not a Zendesk event type', { ...envelope('user.created', userDetail), type: 'user.created' }, 'type'],
  ])('rejects %s with the path of the problem', (_label, payload, path) => {
    const translation = translate(payload);
    expect(translation).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
    expect(translation.kind === 'invalid' && translation.detail.startsWith(`${path}:`)).toBe(true);
  });
});

describe('Zendesk simulator → connector round trip', () => {
  const word = fc.stringMatching(/^[A-Za-zÀ-ÿ'-]{1,12}$/);
  const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s);
  const id = fc.bigInt({ min: 1n, max: 99_999_999_999_999n }).map(String);
  const wholeSecond = fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map((s) => new Date(s * 1000).toISOString());

  const change = fc.oneof(
    fc.record({ name: text, customerNumber: text }).map((fields): SourceChange => ({ entityType: 'account', externalId: '42', fields, changeKind: 'upsert', occurredAt: receivedAt })),
    fc
      .record({ firstName: word, lastName: fc.array(word, { maxLength: 3 }).map((words) => words.join(' ')), email: fc.emailAddress(), accountRef: id })
      .map((fields): SourceChange => ({ entityType: 'person', externalId: '43', fields, changeKind: 'upsert', occurredAt: receivedAt })),
    fc
      .record({
        subject: text,
        accountRef: id,
        requesterRef: id,
        status: fc.constantFrom('new', 'open', 'pending', 'hold', 'solved', 'closed'),
        priority: fc.constantFrom('low', 'normal', 'high', 'urgent'),
        openedAt: wholeSecond,
        satisfaction: fc.constantFrom('good', 'bad', 'offered'),
      })
      .map((fields): SourceChange => ({ entityType: 'ticket', externalId: '44', fields, changeKind: 'upsert', occurredAt: receivedAt })),
  );

  it('gives back the canonical fields it rendered, across the events Zendesk splits a change into', () => {
    fc.assert(
      fc.property(change, fc.integer({ min: 0, max: 999_999 }), (c, sequence) => {
        const webhooks = zendeskSimulator.deliveries([{ ...c, sequence }], { secret: SECRET, baseUrl: BASE_URL, now: receivedAt });
        const events = webhooks.flatMap((webhook) => {
          expect(verify(requestOf(webhook))).toEqual({ kind: 'verified' });
          return eventsOf(zendeskConnector.translate(JSON.parse(webhook.body), requestOf(webhook), receivedAt));
        });
        for (const event of events) {
          expect(event).toMatchObject({ entityType: c.entityType, externalId: c.externalId, changeKind: 'upsert', sourceVersion: formatSourceVersion(receivedAt.getTime(), sequence) });
        }
        // an emptied text (a one-word name's last name) comes back as a clear, not as ""
        const given = Object.entries(c.fields as Record<string, unknown>);
        expect(Object.assign({}, ...events.map((e) => e.fields))).toEqual(Object.fromEntries(given.filter(([, value]) => value !== '')));
        const cleared = events.flatMap((e) => e.clearedFields ?? []);
        for (const [name, value] of given) expect(cleared.includes(name)).toBe(value === '');
        expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      }),
      { numRuns: 200 },
    );
  });

  it('announces later changes with the event for each changed field, and deletions as Zendesk does', () => {
    const later = new Date(receivedAt.getTime() + 1000);
    const webhooks = zendeskSimulator.deliveries(
      [
        { entityType: 'ticket', externalId: '7', fields: { subject: 'Help', status: 'new', requesterRef: '9' }, changeKind: 'upsert', occurredAt: receivedAt },
        { entityType: 'ticket', externalId: '7', fields: { status: 'solved', priority: 'high' }, changeKind: 'upsert', occurredAt: later },
        { entityType: 'ticket', externalId: '7', fields: {}, changeKind: 'erase', occurredAt: later },
        { entityType: 'person', externalId: '9', fields: {}, changeKind: 'erase', occurredAt: later },
      ],
      { secret: SECRET, baseUrl: BASE_URL, now: later },
    );
    expect(webhooks.map((w) => (JSON.parse(w.body) as { type: string }).type)).toEqual([
      'zen:event-type:ticket.created',
      'zen:event-type:ticket.status_changed',
      'zen:event-type:ticket.priority_changed',
      'zen:event-type:ticket.permanently_deleted',
      'zen:event-type:user.deleted',
    ]);
    const events = webhooks.map((w) => eventsOf(zendeskConnector.translate(JSON.parse(w.body), requestOf(w), later))[0]!);
    expect(events[1]?.fields).toMatchObject({ subject: 'Help', status: 'solved', priority: 'high' });
    expect(events.map((e) => e.changeKind)).toEqual(['upsert', 'upsert', 'upsert', 'erase', 'delete']);
  });
});
