import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { Translation, WebhookRequest } from '../../functions/ingest/connector';
import { salesforceConnector, translateRelayEvent } from '../../functions/ingest/connectors/salesforce';
import { CanonicalEvent, type EntityFields } from '../../functions/shared/canonical';
import { salesforceRelayEvents, salesforceSimulator } from '../../local/vendors/salesforce';
import type { OutboundWebhook, SourceChange } from '../../local/vendors/vendor-simulator';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const SECRET = 'whsec_c2FsZXNmb3JjZS1yZWxheS1zZWNyZXQ=';
const BASE_URL = 'http://localhost:3000';
const ctx = { secrets: [SECRET], receivedAt: NOW };

const requestOf = (delivery: OutboundWebhook): WebhookRequest => ({
  method: delivery.method,
  url: `${BASE_URL}${delivery.path}`,
  headers: Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v])),
  rawBody: Buffer.from(delivery.body),
});

const eventsOf = (translation: Translation): CanonicalEvent[] => {
  if (translation.kind !== 'events') throw new Error(`expected events, got ${translation.reason}: ${translation.detail}`);
  return translation.events;
};

const translate = (body: unknown): Translation => salesforceConnector.translate(body, requestOf({ method: 'POST', path: '/webhooks/salesforce', headers: {}, body: '' }), NOW);

/** The received flow: verify the bytes, parse them, translate. */
const receive = (deliveries: OutboundWebhook[]): CanonicalEvent[] =>
  deliveries.flatMap((delivery) => {
    const request = requestOf(delivery);
    expect(salesforceConnector.verify(request, ctx)).toEqual({ kind: 'verified' });
    return eventsOf(salesforceConnector.translate(JSON.parse(delivery.body), request, NOW));
  });

const header = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  entityName: 'Account',
  recordIds: ['0015f00002JUXA8AAP'],
  changeType: 'UPDATE',
  changeOrigin: 'com/salesforce/api/soap/60.0;client=SfdcInternalAPI/',
  transactionKey: '00006bec-ce66-0611-9018-30a98446c9f2',
  sequenceNumber: 1,
  commitTimestamp: 1714156685000,
  commitNumber: 1100670838951,
  commitUser: '0055f000005mc66AAA',
  nulledFields: [],
  diffFields: [],
  changedFields: [],
  ...overrides,
});

const message = (headerOverrides: Record<string, unknown>, fields: Record<string, unknown> = {}, replayId = 1398411) => ({
  schema: 'Jx8Hz9ElkIUaBf-heF1ShA',
  payload: { ChangeEventHeader: header(headerOverrides), ...fields },
  event: { replayId },
});

describe('salesforceConnector.translate — change events as documented', () => {
  it('turns a CREATE into a full-snapshot upsert with the compound address unpacked', () => {
    // given the documented example of an account created with a BillingAddress compound field
    const body = [
      message(
        { changeType: 'CREATE' },
        {
          Name: 'Acme',
          Type: null,
          BillingAddress: { Street: '415 Mission Street', City: 'San Francisco', State: 'CA', PostalCode: '94105', Country: 'United States', Latitude: null },
          Phone: null,
          Website: 'www.salesforce.com',
          Industry: 'Technology',
          NumberOfEmployees: 250,
          AnnualRevenue: 1500000.5,
          OwnerId: '0055f000005mc66AAA',
          CreatedDate: 1714156685000,
        },
      ),
    ];
    // when translated
    const [event, ...rest] = eventsOf(translate(body));
    // then one upsert holds every mapped, non-null field and no changedFields (it is a snapshot)
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      eventId: 'salesforce:00006bec-ce66-0611-9018-30a98446c9f2:1:0015f00002JUXA8AAP',
      sourceSystem: 'salesforce',
      entityType: 'account',
      externalId: '0015f00002JUXA8AAP',
      occurredAt: '2024-04-26T18:38:05.000Z',
      sourceVersion: '0001714156685000:0000000001',
      changeKind: 'upsert',
      vendorEventId: '1398411',
      fields: {
        name: 'Acme',
        website: 'www.salesforce.com',
        industry: 'Technology',
        employees: 250,
        annualRevenue: 1500000.5,
        address: { street: '415 Mission Street', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'United States' },
      },
    });
    expect(event?.changedFields).toBeUndefined();
    // Phone is null in the snapshot: a clear; Type and Latitude are not fields Concord maps
    expect(event?.clearedFields).toEqual(['phone']);
    expect(event?.raw).toEqual(body[0]?.payload);
  });

  it('turns an UPDATE into an upsert of the changed fields only, named in changedFields', () => {
    const body = [
      message(
        { changedFields: ['LastModifiedDate', 'BillingAddress.Street', 'Phone', 'AnnualRevenue', 'Rating'], nulledFields: ['Phone', 'AnnualRevenue'] },
        { BillingAddress: { Street: '1 Market St' }, Phone: null, AnnualRevenue: null, Rating: 'Hot', LastModifiedDate: 1714156690000, Name: 'Not changed' },
      ),
    ];
    const [event] = eventsOf(translate(body));
    // nulled text and a nulled number are both clears; Name was not in changedFields
    expect(event?.fields).toEqual({ address: { street: '1 Market St' } });
    expect(event?.changedFields).toEqual(['address.street', 'annualRevenue', 'phone']);
    expect(event?.clearedFields).toEqual(['annualRevenue', 'phone']);
  });

  it('treats a null value of a changed field as nulled, as CometD payloads show it', () => {
    const [event] = eventsOf(translate([message({ changedFields: ['Website'] }, { Website: null })]));
    expect(event?.fields).toEqual({});
    expect(event).toMatchObject({ changedFields: ['website'], clearedFields: ['website'] });
  });

  it('expands a whole compound named in changedFields and accepts flat component names', () => {
    const [event] = eventsOf(translate([message({ changedFields: ['BillingAddress', 'BillingCountry'] }, { BillingAddress: { City: 'Paris' }, BillingCountry: 'France' })]));
    expect(event?.fields).toEqual({ address: { city: 'Paris', country: 'France' } });
    expect(event?.changedFields).toEqual(['address.city', 'address.country']);
  });

  it('leaves out a field sent as a text diff', () => {
    const [event] = eventsOf(translate([message({ changedFields: ['Name', 'Industry'], diffFields: ['Name'] }, { Name: '@@ -1 +1 @@', Industry: 'Retail' })]));
    expect(event?.fields).toEqual({ industry: 'Retail' });
  });

  it('emits one event per record id, each with its own eventId and the same version', () => {
    const events = eventsOf(translate([message({ recordIds: ['001A', '001B', '001C'], changedFields: ['Industry'] }, { Industry: 'Energy' })]));
    expect(events.map((e) => e.externalId)).toEqual(['001A', '001B', '001C']);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    expect(new Set(events.map((e) => e.sourceVersion)).size).toBe(1);
    expect(events.every((e) => JSON.stringify(e.fields) === '{"industry":"Energy"}')).toBe(true);
  });

  it('orders changes within one transaction by sequence number', () => {
    const events = eventsOf(
      translate([
        message({ sequenceNumber: 2, changedFields: ['Industry'] }, { Industry: 'B' }),
        message({ sequenceNumber: 1, changedFields: ['Industry'] }, { Industry: 'A' }),
      ]),
    );
    expect((events[0]?.sourceVersion ?? '') > (events[1]?.sourceVersion ?? '')).toBe(true);
  });

  it.each([
    ['DELETE', 'delete'],
    ['UNDELETE', 'undelete'],
    ['GAP_CREATE', 'gap'],
    ['GAP_UPDATE', 'gap'],
    ['GAP_DELETE', 'gap'],
    ['GAP_UNDELETE', 'gap'],
  ])('maps %s to %s with no fields', (changeType, changeKind) => {
    const [event] = eventsOf(translate([message({ changeType }, { Name: 'ignored' })]));
    expect(event).toMatchObject({ changeKind, fields: {}, externalId: '0015f00002JUXA8AAP' });
    expect(event?.changedFields).toBeUndefined();
  });

  it('turns a gap event without a transaction key into a gap keyed by its replay id', () => {
    const [event] = eventsOf(translate([message({ changeType: 'GAP_UPDATE', transactionKey: undefined, sequenceNumber: undefined, recordIds: ['00U1'], entityName: 'Event' }, {}, 77)]));
    expect(event).toMatchObject({ changeKind: 'gap', entityType: 'activity', externalId: '00U1', eventId: 'salesforce:replay-77:0:00U1' });
  });

  it('turns an overflow event, which names no record, into one gap for every record ("*")', () => {
    const [event, ...rest] = eventsOf(translate([message({ changeType: 'GAP_OVERFLOW', recordIds: [], entityName: 'Contact' })]));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ changeKind: 'gap', entityType: 'person', externalId: '*' });
    const [wild] = eventsOf(translate([message({ changeType: 'GAP_OVERFLOW', recordIds: ['003*'], entityName: 'Contact' })]));
    expect(wild?.externalId).toBe('*');
  });

  it('maps a Contact: compound Name, mailing address, account reference, opt-out and birthdate', () => {
    const [event] = eventsOf(
      translate([
        message(
          { entityName: 'Contact', changeType: 'CREATE', recordIds: ['0035f000001'] },
          {
            Name: { Salutation: 'Ms.', FirstName: 'Ada', LastName: 'Lovelace' },
            Email: 'ada@example.com',
            Title: 'CTO',
            AccountId: '0015f000009',
            HasOptedOutOfEmail: false,
            Birthdate: '1815-12-10',
            MailingAddress: { City: 'London', Country: 'UK' },
            Concord_Id__c: 'cust_123',
          },
        ),
      ]),
    );
    expect(event).toMatchObject({
      entityType: 'person',
      fields: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        title: 'CTO',
        accountRef: '0015f000009',
        marketingOptIn: true,
        birthDate: '1815-12-10',
        address: { city: 'London', country: 'UK' },
        concordId: 'cust_123',
      },
    });
  });

  it('reads Concord’s custom fields: lifecycle and role picklists, owner email, product line', () => {
    const [account, contact, opportunity] = eventsOf(
      translate([
        message({ changeType: 'CREATE' }, { Name: 'Acme', Concord_Lifecycle_Stage__c: 'Expanded', Concord_Owner_Email__c: 'rep@acme.example', Concord_Domain__c: 'acme.example', Concord_Tax_Id__c: 'DE123' }),
        message({ entityName: 'Contact', recordIds: ['0031'], changedFields: ['Concord_Role__c'] }, { Concord_Role__c: 'Executive Sponsor' }),
        message({ entityName: 'Opportunity', recordIds: ['0061'], changedFields: ['Concord_Product_Line__c'] }, { Concord_Product_Line__c: 'Platform' }),
      ]),
    );
    expect(account?.fields).toEqual({ name: 'Acme', lifecycleStage: 'expanded', ownerEmail: 'rep@acme.example', domain: 'acme.example', taxId: 'DE123' });
    expect(contact?.fields).toEqual({ role: 'executive_sponsor' });
    expect(opportunity?.fields).toEqual({ productLine: 'Platform' });
  });

  it('skips a picklist value an admin added that has no canonical meaning', () => {
    const [event] = eventsOf(translate([message({ changedFields: ['Concord_Lifecycle_Stage__c', 'Industry'] }, { Concord_Lifecycle_Stage__c: 'Partner', Industry: 'Energy' })]));
    expect(event).toMatchObject({ fields: { industry: 'Energy' }, changedFields: ['industry'] });
  });

  it('maps a Lead to a person, reading its name change as Name.LastName', () => {
    const [event] = eventsOf(translate([message({ entityName: 'Lead', recordIds: ['00Q1'], changedFields: ['Name.LastName', 'Company'] }, { Name: { LastName: 'Hopper' }, Company: 'Navy' })]));
    expect(event).toMatchObject({ entityType: 'person', externalId: '00Q1', fields: { lastName: 'Hopper' }, changedFields: ['lastName'] });
  });

  it('maps an Opportunity, accepting CloseDate as a date string or as days since 1970', () => {
    const create = message(
      { entityName: 'Opportunity', changeType: 'CREATE', recordIds: ['0065f0001'] },
      { Name: 'Big deal', AccountId: '0015f000009', Amount: 125000, CurrencyIsoCode: 'eur', StageName: 'Closed Won', IsClosed: true, IsWon: true, CloseDate: '2026-06-30', LeadSource: 'Web' },
    );
    const update = message({ entityName: 'Opportunity', recordIds: ['0065f0001'], changedFields: ['CloseDate'], sequenceNumber: 2 }, { CloseDate: 20634 });
    const [created, updated] = eventsOf(translate([create, update]));
    expect(created?.fields).toEqual({
      name: 'Big deal',
      accountRef: '0015f000009',
      amount: 125000,
      currency: 'EUR',
      stage: 'Closed Won',
      isClosed: true,
      isWon: true,
      closeDate: '2026-06-30',
      leadSource: 'Web',
    });
    expect(updated?.fields).toEqual({ closeDate: '2026-06-30' });
  });

  it('maps Tasks and Events to activities of their kind', () => {
    const [task, call, meeting] = eventsOf(
      translate([
        message({ entityName: 'Task', changeType: 'CREATE', recordIds: ['00T1'] }, { Subject: 'Follow up', TaskSubtype: null, WhoId: '0031', AccountId: '0011' }),
        message({ entityName: 'Task', changeType: 'CREATE', recordIds: ['00T2'] }, { Subject: 'Call', TaskSubtype: 'Call', CompletedDateTime: '2026-03-01T09:30:00.000Z' }),
        message({ entityName: 'Event', changeType: 'CREATE', recordIds: ['00U1'] }, { Subject: 'Kickoff', StartDateTime: 1772443800000 }),
      ]),
    );
    expect(task?.fields).toEqual({ kind: 'task', subject: 'Follow up', personRef: '0031', accountRef: '0011' });
    expect(call?.fields).toEqual({ kind: 'call', subject: 'Call', occurredAt: '2026-03-01T09:30:00.000Z' });
    expect(meeting?.fields).toEqual({ kind: 'meeting', subject: 'Kickoff', occurredAt: '2026-03-02T09:30:00.000Z' });
  });

  it('accepts commitTimestamp as an ISO string, as CometD clients print it', () => {
    const [event] = eventsOf(translate([message({ commitTimestamp: '2024-04-26T18:38:05.000Z', changedFields: ['Industry'] }, { Industry: 'X' })]));
    expect(event?.sourceVersion).toBe('0001714156685000:0000000001');
  });

  it('returns an empty list for an empty delivery', () => {
    expect(translate([])).toEqual({ kind: 'events', events: [] });
  });
});

describe('salesforceConnector.translate — clears', () => {
  it('reports every nulled field as a cleared canonical path, whatever its type, never as "" or silence', () => {
    // given a Contact update that empties a text, a reference, a date, a checkbox and an address part
    const body = [
      message(
        {
          entityName: 'Contact',
          recordIds: ['0035f000001'],
          changedFields: ['Title', 'AccountId', 'Birthdate', 'HasOptedOutOfEmail', 'MailingAddress.City', 'Email', 'LastModifiedDate'],
          nulledFields: ['Title', 'AccountId', 'Birthdate', 'HasOptedOutOfEmail', 'MailingAddress.City'],
        },
        { MailingAddress: { City: null }, Email: 'ada@example.com', LastModifiedDate: 1714156690000 },
      ),
    ];
    // when translated
    const [event] = eventsOf(translate(body));
    // then the cleared fields travel by their canonical paths, in changedFields as well
    expect(event?.fields).toEqual({ email: 'ada@example.com' });
    expect(event?.clearedFields).toEqual(['accountRef', 'address.city', 'birthDate', 'marketingOptIn', 'title']);
    expect(event?.changedFields).toEqual(['accountRef', 'address.city', 'birthDate', 'email', 'marketingOptIn', 'title']);
    expect(CanonicalEvent.safeParse(event).success).toBe(true);
  });

  it('clears every part of a nulled compound address, by its flat or compound name', () => {
    const [byCompound] = eventsOf(translate([message({ changedFields: ['BillingAddress'], nulledFields: ['BillingAddress'] }, { BillingAddress: null })]));
    const [byPayload] = eventsOf(translate([message({ changedFields: ['BillingAddress'] }, { BillingAddress: null })]));
    const [flat] = eventsOf(translate([message({ changedFields: ['BillingCity'] }, { BillingCity: null })]));
    const parts = ['address.city', 'address.country', 'address.postalCode', 'address.region', 'address.street'];
    expect(byCompound).toMatchObject({ fields: {}, clearedFields: parts, changedFields: parts });
    expect(byPayload).toMatchObject({ fields: {}, clearedFields: parts });
    expect(flat).toMatchObject({ fields: {}, clearedFields: ['address.city'] });
  });

  it('reads "" as nulled, since Salesforce stores blank text as null', () => {
    const [event] = eventsOf(translate([message({ changedFields: ['Phone'] }, { Phone: '' })]));
    expect(event).toMatchObject({ fields: {}, changedFields: ['phone'], clearedFields: ['phone'] });
  });

  it('does not clear a changed field the payload leaves out: its value is unknown, not empty', () => {
    const [event] = eventsOf(translate([message({ changedFields: ['Phone', 'Industry'] }, { Industry: 'Energy' })]));
    expect(event).toMatchObject({ fields: { industry: 'Energy' }, changedFields: ['industry', 'phone'] });
    expect(event).not.toHaveProperty('clearedFields');
  });

  it('clears the nulls of a CREATE, but not a field another path of the event sets, nor one it leaves out', () => {
    const [account, task, meeting] = eventsOf(
      translate([
        message({ changeType: 'CREATE' }, { Name: 'Acme', BillingAddress: null, AnnualRevenue: null }),
        message({ entityName: 'Task', changeType: 'CREATE', recordIds: ['00T1'] }, { Subject: 'Follow up', TaskSubtype: null }),
        message({ entityName: 'Event', changeType: 'CREATE', recordIds: ['00U1'] }, { Subject: 'Kickoff', StartDateTime: 1772443800000, ActivityDateTime: null }),
      ]),
    );
    expect(account).toMatchObject({ fields: { name: 'Acme' }, clearedFields: ['address.city', 'address.country', 'address.postalCode', 'address.region', 'address.street', 'annualRevenue'] });
    expect(task?.fields).toEqual({ kind: 'task', subject: 'Follow up' });
    expect(task).not.toHaveProperty('clearedFields');
    expect(meeting).not.toHaveProperty('clearedFields');
  });

  it('reports a clear that came by Event Relay the same way', () => {
    const relayed = {
      'detail-type': 'AccountChangeEvent',
      detail: { payload: { ChangeEventHeader: header({ changedFields: ['NumberOfEmployees'], nulledFields: ['NumberOfEmployees'] }), NumberOfEmployees: null } },
    };
    const [event] = eventsOf(translateRelayEvent(relayed, NOW));
    expect(event).toMatchObject({ fields: {}, changedFields: ['employees'], clearedFields: ['employees'] });
  });

  it('turns the simulator’s emptied text (sent as null, in nulledFields) into a clear', () => {
    const changes: SourceChange[] = [
      { entityType: 'person', externalId: '003E', changeKind: 'upsert', occurredAt: NOW, fields: { lastName: 'Lovelace', title: 'CTO' } },
      { entityType: 'person', externalId: '003E', changeKind: 'upsert', occurredAt: new Date(NOW.getTime() + 1000), fields: { title: '', address: { city: '' } } },
    ];
    const [, update] = receive(salesforceSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: NOW }));
    expect(update).toMatchObject({ fields: {}, clearedFields: ['address.city', 'title'], changedFields: ['address.city', 'title'] });
  });
});

describe('salesforceConnector.translate — what it refuses', () => {
  it('rejects a delivery of only entities Concord does not read as unsupported', () => {
    const result = translate([message({ entityName: 'Case' })]);
    expect(result).toMatchObject({ kind: 'invalid', reason: 'unsupported-event' });
  });

  it('skips unsupported entities in a batch that also holds supported ones', () => {
    const events = eventsOf(translate([message({ entityName: 'Case', recordIds: ['500A'] }), message({ changedFields: ['Industry'] }, { Industry: 'Energy' })]));
    expect(events.map((e) => e.externalId)).toEqual(['0015f00002JUXA8AAP']);
  });

  it('refuses an unknown change type and an entity named like an Object property without throwing', () => {
    expect(translate([message({ changeType: 'TRUNCATE' })])).toMatchObject({ reason: 'unsupported-event' });
    expect(translate([message({ entityName: 'constructor' })])).toMatchObject({ reason: 'unsupported-event' });
    expect(translate([message({ changedFields: ['constructor', '__proto__'] }, { constructor: 'x' })])).toMatchObject({ kind: 'events' });
  });

  it.each([
    ['a body that is not an array', { payload: {} }, 'expected array'],
    ['a message without payload', [{ schema: 'x' }], '0.payload'],
    ['a payload without header', [{ payload: { Name: 'x' } }], '0.payload.ChangeEventHeader'],
    ['a header without commitTimestamp', [message({ commitTimestamp: undefined })], 'commitTimestamp'],
    ['an update without transactionKey', [message({ transactionKey: undefined })], 'transactionKey'],
    ['an update without record ids', [message({ recordIds: [] })], 'recordIds'],
    ['a number where a number is due', [message({ changedFields: ['NumberOfEmployees'] }, { NumberOfEmployees: 'many' })], '[0].payload.NumberOfEmployees'],
    ['a bad currency', [message({ entityName: 'Opportunity', changedFields: ['CurrencyIsoCode'] }, { CurrencyIsoCode: 'EURO' })], 'CurrencyIsoCode'],
    ['a bad date', [message({ entityName: 'Opportunity', changedFields: ['CloseDate'] }, { CloseDate: 'soon' })], 'CloseDate'],
  ])('reports a schema violation, with the path, for %s', (_name, body, detail) => {
    const result = translate(body);
    expect(result).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
    expect(result.kind === 'invalid' && result.detail).toContain(detail);
  });

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.anything(), (body) => {
        expect(['events', 'invalid']).toContain(translate(body).kind);
        expect(['events', 'invalid']).toContain(translate([{ payload: { ChangeEventHeader: body } }]).kind);
        expect(['events', 'invalid']).toContain(translateRelayEvent(body, NOW).kind);
      }),
    );
  });
});

describe('translateRelayEvent — Event Relay into EventBridge', () => {
  const relayEvent = (payload: Record<string, unknown>, detailType = 'AccountChangeEvent') => ({
    version: '0',
    id: '2c0d8c4e-7a79-8d0a-51fa-1de2bff2b5a3',
    'detail-type': detailType,
    source: 'aws.partner/salesforce.com/00DRM000000Fxts2AC/0YLRM0000004Dfg4AE',
    account: '123456789012',
    time: '2026-03-02T09:59:59Z',
    region: 'us-east-1',
    resources: [],
    detail: { payload, schemaId: 'Jx8Hz9ElkIUaBf-heF1ShA', id: 'b3c2a9a0-6a6e-4d2c-9d43-58d0b0a3e1c1' },
  });

  it('translates the change event in detail.payload', () => {
    const result = translateRelayEvent(relayEvent({ ChangeEventHeader: header({ changedFields: ['Industry'] }), Industry: 'Energy' }), NOW);
    const [event] = eventsOf(result);
    expect(event).toMatchObject({ externalId: '0015f00002JUXA8AAP', fields: { industry: 'Energy' }, vendorEventId: 'b3c2a9a0-6a6e-4d2c-9d43-58d0b0a3e1c1' });
  });

  it('gives a change the same eventId whether it came by Event Relay or by the HTTPS relay', () => {
    const change: SourceChange = { entityType: 'account', externalId: '001X', changeKind: 'upsert', fields: { name: 'Acme', industry: 'Energy' }, occurredAt: NOW };
    const [relayed] = salesforceRelayEvents([change], { now: NOW });
    const viaRelay = eventsOf(translateRelayEvent(relayed, NOW));
    const viaHttps = receive(salesforceSimulator.deliveries([change], { secret: SECRET, baseUrl: BASE_URL, now: NOW }));
    expect(viaRelay.map((e) => e.eventId)).toEqual(viaHttps.map((e) => e.eventId));
    expect(viaRelay[0]?.fields).toEqual(viaHttps[0]?.fields);
  });

  it('refuses a relayed platform event (no ChangeEventHeader) as unsupported', () => {
    expect(translateRelayEvent(relayEvent({ Order_Number__c: '42' }, 'Order_Event__e'), NOW)).toMatchObject({ kind: 'invalid', reason: 'unsupported-event' });
  });

  it('reports a schema violation for an EventBridge event without detail', () => {
    expect(translateRelayEvent({ 'detail-type': 'AccountChangeEvent' }, NOW)).toMatchObject({ kind: 'invalid', reason: 'schema-violation' });
  });
});

describe('salesforceConnector.verify — Standard Webhooks over the relay POST', () => {
  const change: SourceChange = { entityType: 'account', externalId: '001V', changeKind: 'upsert', fields: { name: 'Acme' }, occurredAt: NOW };
  const delivery = (now = NOW, secret = SECRET) => salesforceSimulator.deliveries([change], { secret, baseUrl: BASE_URL, now })[0] as OutboundWebhook;
  const verify = (d: OutboundWebhook, secrets = [SECRET]) => salesforceConnector.verify(requestOf(d), { secrets, receivedAt: NOW });

  it('accepts a delivery signed as the documentation describes, computed by hand', () => {
    const body = JSON.stringify([message({ changedFields: ['Industry'] }, { Industry: 'Energy' })]);
    const timestamp = String(NOW.getTime() / 1000);
    const key = Buffer.from('salesforce-relay-secret');
    const signature = createHmac('sha256', key).update(`msg_hand.${timestamp}.${body}`).digest('base64');
    const d: OutboundWebhook = { method: 'POST', path: '/webhooks/salesforce', body, headers: { 'webhook-id': 'msg_hand', 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` } };
    expect(verify(d)).toEqual({ kind: 'verified' });
  });

  it('accepts its simulator’s delivery and rejects forged, stale and future ones', () => {
    expect(verify(delivery())).toEqual({ kind: 'verified' });
    expect(verify(delivery(NOW, 'whsec_Zm9yZ2Vk'))).toMatchObject({ reason: 'bad-signature' });
    expect(verify(delivery(new Date(NOW.getTime() - 6 * 60_000)))).toMatchObject({ reason: 'stale-timestamp' });
    expect(verify(delivery(new Date(NOW.getTime() + 6 * 60_000)))).toMatchObject({ reason: 'future-timestamp' });
    expect(verify(delivery(), [''])).toMatchObject({ reason: 'no-secret-configured' });
  });

  it('rejects a delivery whose body was altered after signing', () => {
    const d = delivery();
    expect(verify({ ...d, body: d.body.replace('Acme', 'Evil') })).toMatchObject({ reason: 'bad-signature' });
  });

  it.each([
    ['missing signature', { 'webhook-signature': undefined }, 'missing-signature'],
    ['wrong version', { 'webhook-signature': 'v0,AAAA' }, 'malformed-signature'],
    ['malformed base64', { 'webhook-signature': 'v1,@@@' }, 'malformed-signature'],
    ['missing timestamp', { 'webhook-timestamp': undefined }, 'missing-timestamp'],
  ])('rejects a delivery with %s', (_name, change, reason) => {
    const d = delivery();
    const headers = Object.fromEntries(Object.entries({ ...d.headers, ...change }).filter((e): e is [string, string] => e[1] !== undefined));
    expect(verify({ ...d, headers })).toMatchObject({ reason });
  });
});

describe('salesforceSimulator → connector round trip', () => {
  const at = (minute: number) => new Date(NOW.getTime() - 60 * 60_000 + minute * 60_000);

  it('renders creates as snapshots, later changes as updates, deletes as DELETE, batched by 100', () => {
    const changes: SourceChange[] = [
      { entityType: 'account', externalId: '001A', changeKind: 'upsert', occurredAt: at(1), fields: { name: 'Acme', phone: '+1 555', address: { city: 'Paris', country: 'FR' } } },
      { entityType: 'account', externalId: '001A', changeKind: 'upsert', occurredAt: at(2), fields: { phone: '', address: { city: 'Lyon' }, employees: 12 } },
      { entityType: 'person', externalId: '003B', changeKind: 'upsert', occurredAt: at(3), fields: { title: 'VP' } },
      { entityType: 'opportunity', externalId: '006C', changeKind: 'delete', occurredAt: at(4), fields: {} },
      ...Array.from({ length: 150 }, (_, i): SourceChange => ({ entityType: 'account', externalId: `001N${i}`, changeKind: 'upsert', occurredAt: at(5), sequence: i, fields: { name: `N${i}` } })),
    ];
    const deliveries = salesforceSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: NOW });
    expect(deliveries.map((d) => (JSON.parse(d.body) as unknown[]).length)).toEqual([100, 54]);
    const header0 = (JSON.parse(deliveries[0]?.body ?? '[]') as { payload: { ChangeEventHeader: { changeType: string; changedFields: string[]; nulledFields: string[] } } }[]).map(
      (m) => m.payload.ChangeEventHeader,
    );
    expect(header0.slice(0, 4).map((h) => h.changeType)).toEqual(['CREATE', 'UPDATE', 'UPDATE', 'DELETE']);
    expect(header0[1]).toMatchObject({ changedFields: ['Phone', 'NumberOfEmployees', 'BillingAddress.City', 'LastModifiedDate'], nulledFields: ['Phone'] });

    const events = receive(deliveries);
    expect(events).toHaveLength(154);
    expect(events[0]).toMatchObject({ changeKind: 'upsert', fields: { name: 'Acme', phone: '+1 555', address: { city: 'Paris', country: 'FR' } } });
    expect(events[0]?.changedFields).toBeUndefined();
    expect(events[1]).toMatchObject({ fields: { employees: 12, address: { city: 'Lyon' } }, changedFields: ['address.city', 'employees', 'phone'], clearedFields: ['phone'] });
    expect(events[2]).toMatchObject({ entityType: 'person', fields: { title: 'VP' }, changedFields: ['title'] });
    expect(events[3]).toMatchObject({ entityType: 'opportunity', changeKind: 'delete', externalId: '006C' });
    expect(events.every((e) => CanonicalEvent.safeParse(e).success)).toBe(true);
  });

  it('renders the same changes identically, so a re-render is a redelivery with the same ids', () => {
    const changes: SourceChange[] = [{ entityType: 'account', externalId: '001R', changeKind: 'upsert', occurredAt: at(1), fields: { name: 'R' } }];
    const first = salesforceSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: NOW });
    const again = salesforceSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: new Date(NOW.getTime() + 1000) });
    expect(again[0]?.headers['webhook-id']).toBe(first[0]?.headers['webhook-id']);
    expect(receive(again).map((e) => e.eventId)).toEqual(receive(first).map((e) => e.eventId));
  });

  const text = fc.string({ minLength: 1, maxLength: 30 });
  const sfId = (prefix: string) => fc.stringMatching(/^[A-Za-z0-9]{12}$/).map((s) => `${prefix}${s}`);
  const isoDate = fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2090, 0, 1) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
  const isoDateTime = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) }).map((ms) => new Date(ms).toISOString());
  const address = fc.record({ street: text, city: text, region: text, postalCode: text, country: text }, { requiredKeys: ['city'] });

  const accountFields: fc.Arbitrary<EntityFields['account']> = fc.record(
    {
      name: text,
      website: text,
      phone: text,
      industry: text,
      employees: fc.nat({ max: 1_000_000 }),
      annualRevenue: fc.integer({ min: 0, max: 1e12 }).map((c) => c / 100),
      customerNumber: text,
      concordId: text,
      domain: text,
      taxId: text,
      ownerEmail: text,
      lifecycleStage: fc.constantFrom('lead' as const, 'prospect' as const, 'customer' as const, 'expanded' as const, 'churned' as const),
      address,
    },
    { requiredKeys: ['name'] },
  );
  const personFields: fc.Arbitrary<EntityFields['person']> = fc.record(
    {
      firstName: text,
      lastName: text,
      email: text,
      phone: text,
      title: text,
      role: fc.constantFrom('buyer' as const, 'user' as const, 'influencer' as const, 'executive_sponsor' as const),
      accountRef: sfId('001'),
      birthDate: isoDate,
      marketingOptIn: fc.boolean(),
      address,
    },
    { requiredKeys: ['lastName'] },
  );
  const opportunityFields: fc.Arbitrary<EntityFields['opportunity']> = fc.record(
    {
      name: text,
      stage: text,
      closeDate: isoDate,
      accountRef: sfId('001'),
      amount: fc.integer({ min: -1e9, max: 1e12 }).map((c) => c / 100),
      currency: fc.constantFrom('USD', 'EUR', 'JPY'),
      isClosed: fc.boolean(),
      isWon: fc.boolean(),
      leadSource: text,
      ownerEmail: text,
      productLine: text,
    },
    { requiredKeys: ['name', 'stage', 'closeDate'] },
  );
  const activityFields: fc.Arbitrary<EntityFields['activity']> = fc.record(
    { kind: fc.constantFrom('task', 'call', 'email', 'meeting'), subject: text, occurredAt: isoDateTime, accountRef: sfId('001'), personRef: sfId('003') },
    { requiredKeys: ['kind', 'subject', 'occurredAt'] },
  );

  const change: fc.Arbitrary<SourceChange> = fc.oneof(
    fc.record({ entityType: fc.constant('account' as const), externalId: sfId('001'), fields: accountFields }),
    fc.record({ entityType: fc.constant('person' as const), externalId: fc.oneof(sfId('003'), sfId('00Q')), fields: personFields }),
    fc.record({ entityType: fc.constant('opportunity' as const), externalId: sfId('006'), fields: opportunityFields }),
    fc.record({ entityType: fc.constant('activity' as const), externalId: sfId('a00'), fields: activityFields }),
  ).chain((c) => fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => ({ ...c, changeKind: 'upsert' as const, occurredAt: new Date(ms) }) as SourceChange));

  /** What Salesforce holds of a canonical record: Leads have no account or birthdate; an Event's kind is its type. */
  const representable = (c: SourceChange, isUpdate = false): Record<string, unknown> => {
    const fields = { ...(c.fields as Record<string, unknown>) };
    if (c.entityType === 'person' && c.externalId.startsWith('00Q')) {
      delete fields.accountRef;
      delete fields.birthDate;
    }
    if (c.entityType === 'activity' && c.fields.kind === 'meeting' && isUpdate) delete fields.kind;
    return fields;
  };

  it('gives back every field it rendered, for any records (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(change, { minLength: 1, maxLength: 20, selector: (c) => c.externalId }), (changes) => {
        const events = receive(salesforceSimulator.deliveries(changes, { secret: SECRET, baseUrl: BASE_URL, now: NOW }));
        expect(events).toHaveLength(changes.length);
        changes.forEach((c, i) => {
          const event = events[i];
          expect(event).toMatchObject({ entityType: c.entityType, externalId: c.externalId, changeKind: 'upsert', occurredAt: c.occurredAt.toISOString() });
          expect(event?.fields).toEqual(representable(c));
        });
      }),
      { numRuns: 60 },
    );
  });

  it('gives back the changed fields of an update, and keeps the order of one instant’s changes (property)', () => {
    fc.assert(
      fc.property(change, fc.nat({ max: 1000 }), (created, seq) => {
        const update = { ...created, sequence: seq, fields: { ...(created.fields as object) } } as SourceChange;
        const events = receive(salesforceSimulator.deliveries([created, update], { secret: SECRET, baseUrl: BASE_URL, now: NOW }));
        expect(events[1]?.fields).toEqual(representable(update, true));
        expect(events[1]?.changedFields).toBeDefined();
        if (seq > 0) expect((events[1]?.sourceVersion ?? '') > (events[0]?.sourceVersion ?? '')).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
