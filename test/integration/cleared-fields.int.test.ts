/**
 * A vendor emptying a field, through the real path: signed webhook → local server → ingest →
 * bus → queue → reconcile → DynamoDB Local. The clear must remove the stored value, and a late,
 * older delivery of a value must not bring it back (the clear is versioned like a write).
 */
import { createHash } from 'node:crypto';
import { signHubspotV3 } from '../../functions/ingest/connectors/hubspot';
import { signStandardWebhook, standardWebhookTimestamp } from '../../functions/ingest/standard-webhooks';
import { signingSecretFor } from '../../local/local-secrets';
import type { LocalRuntime } from '../../local/runtime';
import { postWebhook } from '../../local/send-webhooks';
import type { OutboundWebhook } from '../../local/vendors/vendor-simulator';
import { startTestRuntime } from '../support/runtime';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime.stop());

const ms = (iso: string): number => Date.parse(iso);

/** Posts one delivery and waits until every consumer has run. */
const deliver = async (system: 'salesforce' | 'hubspot', delivery: OutboundWebhook): Promise<void> => {
  const result = await postWebhook(runtime.url, system, delivery);
  expect(result.status).toBe(202);
  await runtime.drain();
};

// ---------------------------------------------------------------------------------------------
// Salesforce: CDC messages by hand, so a clear can be of any type (nulledFields)

const ACCOUNT_ID = '001000000000077AAA';

const cdcMessage = (changeType: 'CREATE' | 'UPDATE', commitTimestamp: number, fields: Record<string, unknown>, header: { changedFields?: string[]; nulledFields?: string[] } = {}) => ({
  schema: 'Jx8Hz9ElkIUaBf-heF1ShA',
  payload: {
    ChangeEventHeader: {
      entityName: 'Account',
      recordIds: [ACCOUNT_ID],
      changeType,
      transactionKey: `tx-${commitTimestamp}`,
      sequenceNumber: 1,
      commitTimestamp,
      commitUser: '005000000000001AAA',
      changedFields: header.changedFields ?? [],
      nulledFields: header.nulledFields ?? [],
      diffFields: [],
    },
    ...fields,
  },
  event: { replayId: commitTimestamp },
});

const salesforceDelivery = (messages: unknown[]): OutboundWebhook => {
  const body = JSON.stringify(messages);
  const id = `msg_${createHash('sha256').update(body).digest('hex').slice(0, 24)}`;
  const timestamp = standardWebhookTimestamp(new Date());
  const secret = signingSecretFor('salesforce', runtime.secretEnv);
  return {
    method: 'POST',
    path: '/webhooks/salesforce',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signStandardWebhook({ id, timestamp: Number(timestamp), body, secret }) },
    body,
  };
};

describe('Salesforce nulledFields', () => {
  const key = `salesforce#account#${ACCOUNT_ID}`;
  const emptied = ['Phone', 'NumberOfEmployees', 'BillingAddress.City'];

  it('removes the stored values, and a late older update does not bring them back', async () => {
    // given an account created with a phone, a head count and a billing city
    await deliver(
      'salesforce',
      salesforceDelivery([
        cdcMessage('CREATE', ms('2026-12-01T10:00:00Z'), { Name: 'Acme', Phone: '+1 555 0100', NumberOfEmployees: 250, BillingAddress: { City: 'Boston', Country: 'US' } }),
      ]),
    );
    expect((await runtime.sourceRecords.get(key))?.fields).toEqual({ name: 'Acme', phone: '+1 555 0100', employees: 250, address: { city: 'Boston', country: 'US' } });

    // when Salesforce reports those three fields nulled
    await deliver(
      'salesforce',
      salesforceDelivery([
        cdcMessage('UPDATE', ms('2026-12-03T10:00:00Z'), { Phone: null, NumberOfEmployees: null, BillingAddress: { City: null } }, { changedFields: [...emptied, 'LastModifiedDate'], nulledFields: emptied }),
      ]),
    );
    // then they are gone from the stored record, the rest kept
    const cleared = await runtime.sourceRecords.get(key);
    expect(cleared?.fields).toEqual({ name: 'Acme', address: { country: 'US' } });

    // and when an update older than the clear arrives late, its values lose to the clear
    await deliver(
      'salesforce',
      salesforceDelivery([
        cdcMessage('UPDATE', ms('2026-12-02T10:00:00Z'), { Phone: '+1 555 0199', NumberOfEmployees: 300, BillingAddress: { City: 'Cambridge' } }, { changedFields: emptied }),
      ]),
    );
    expect((await runtime.sourceRecords.get(key))?.fields).toEqual({ name: 'Acme', address: { country: 'US' } });
  });

  it('takes a value again from a change newer than the clear', async () => {
    await deliver('salesforce', salesforceDelivery([cdcMessage('UPDATE', ms('2026-12-04T10:00:00Z'), { Phone: '+1 555 0142' }, { changedFields: ['Phone'] })]));
    expect((await runtime.sourceRecords.get(key))?.fields).toEqual({ name: 'Acme', phone: '+1 555 0142', address: { country: 'US' } });
  });
});

// ---------------------------------------------------------------------------------------------
// HubSpot: propertyChange events by hand, so a clear can be of any type (propertyValue "")

const COMPANY_ID = 7707;
let nextEventId = 5_000_001;

const propertyChange = (occurredAt: string, propertyName: string, propertyValue: string) => ({
  eventId: nextEventId++,
  subscriptionId: 100_001,
  portalId: 20_000_001,
  appId: 1_000_001,
  occurredAt: ms(occurredAt),
  subscriptionType: 'company.propertyChange',
  attemptNumber: 0,
  objectId: COMPANY_ID,
  changeSource: 'CRM_UI',
  propertyName,
  propertyValue,
});

const hubspotDelivery = (events: unknown[]): OutboundWebhook => {
  const body = JSON.stringify(events);
  const timestamp = String(Date.now());
  const secret = signingSecretFor('hubspot', runtime.secretEnv);
  const url = `${runtime.url.replace(/\/+$/, '')}/webhooks/hubspot`;
  return {
    method: 'POST',
    path: '/webhooks/hubspot',
    headers: { 'Content-Type': 'application/json', 'X-HubSpot-Signature-v3': signHubspotV3({ method: 'POST', url, body, timestamp, secret }), 'X-HubSpot-Request-Timestamp': timestamp },
    body,
  };
};

describe('HubSpot empty propertyValue', () => {
  const key = `hubspot#account#${COMPANY_ID}`;

  it('removes the stored values, and a late older property change does not bring them back', async () => {
    // given a company with a name, a phone, a head count and a city
    await deliver(
      'hubspot',
      hubspotDelivery([
        propertyChange('2026-12-01T10:00:00Z', 'name', 'Globex'),
        propertyChange('2026-12-01T10:00:00Z', 'phone', '+1 555 0100'),
        propertyChange('2026-12-01T10:00:00Z', 'numberofemployees', '250'),
        propertyChange('2026-12-01T10:00:00Z', 'city', 'Boston'),
      ]),
    );
    expect((await runtime.sourceRecords.get(key))?.fields).toEqual({ name: 'Globex', phone: '+1 555 0100', employees: 250, address: { city: 'Boston' } });

    // when HubSpot reports the phone, the head count and the city set to ""
    await deliver(
      'hubspot',
      hubspotDelivery([
        propertyChange('2026-12-03T10:00:00Z', 'phone', ''),
        propertyChange('2026-12-03T10:00:00Z', 'numberofemployees', ''),
        propertyChange('2026-12-03T10:00:00Z', 'city', ''),
      ]),
    );
    // then they are gone from the stored record (not kept, not stored as "")
    expect((await runtime.sourceRecords.get(key))?.fields).toEqual({ name: 'Globex' });

    // and when older property changes arrive late, their values lose to the clears
    await deliver(
      'hubspot',
      hubspotDelivery([
        propertyChange('2026-12-02T10:00:00Z', 'phone', '+1 555 0199'),
        propertyChange('2026-12-02T10:00:00Z', 'numberofemployees', '300'),
        propertyChange('2026-12-02T10:00:00Z', 'city', 'Cambridge'),
      ]),
    );
    expect((await runtime.sourceRecords.get(key))?.fields).toEqual({ name: 'Globex' });
  });

  it('takes a value again from a change newer than the clear', async () => {
    await deliver('hubspot', hubspotDelivery([propertyChange('2026-12-04T10:00:00Z', 'numberofemployees', '275')]));
    expect((await runtime.sourceRecords.get(key))?.fields).toEqual({ name: 'Globex', employees: 275 });
  });
});
