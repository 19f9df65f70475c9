import { deepLinkConfigOf, recordUrl, type DeepLinkConfig } from '../../../../slack/blocks/deep-links';

const links: DeepLinkConfig = {
  salesforce: { instanceUrl: 'https://acme.my.salesforce.com' },
  hubspot: { portalId: '4512345' },
  netsuite: { accountId: '1234567_SB1' },
  zendesk: { subdomain: 'acme' },
  stripe: { accountId: 'acct_1AbC', testMode: true },
  generic: { recordUrlTemplate: 'https://erp.example.com/{entityType}/{externalId}' },
};

describe('a record in its own system', () => {
  it.each([
    ['salesforce', 'account', '0015g00000XyZabAAF', 'https://acme.my.salesforce.com/lightning/r/Account/0015g00000XyZabAAF/view'],
    ['salesforce', 'person', '0035g00000AbCdeAAF', 'https://acme.my.salesforce.com/lightning/r/Contact/0035g00000AbCdeAAF/view'],
    ['salesforce', 'person', '00Q5g00000AbCdeAAF', 'https://acme.my.salesforce.com/lightning/r/Lead/00Q5g00000AbCdeAAF/view'],
    ['salesforce', 'opportunity', '0065g00000AbCdeAAF', 'https://acme.my.salesforce.com/lightning/r/Opportunity/0065g00000AbCdeAAF/view'],
    ['salesforce', 'account', 'a0X5g00000AbCdeAAF', 'https://acme.my.salesforce.com/a0X5g00000AbCdeAAF'],
    ['hubspot', 'person', '501', 'https://app.hubspot.com/contacts/4512345/record/0-1/501'],
    ['hubspot', 'account', '9001', 'https://app.hubspot.com/contacts/4512345/record/0-2/9001'],
    ['hubspot', 'opportunity', '77', 'https://app.hubspot.com/contacts/4512345/record/0-3/77'],
    ['netsuite', 'account', '1722', 'https://1234567-sb1.app.netsuite.com/app/common/entity/custjob.nl?id=1722'],
    ['netsuite', 'order', '80828', 'https://1234567-sb1.app.netsuite.com/app/accounting/transactions/salesord.nl?id=80828'],
    ['netsuite', 'invoice', '9', 'https://1234567-sb1.app.netsuite.com/app/accounting/transactions/custinvc.nl?id=9'],
    ['zendesk', 'account', '360001', 'https://acme.zendesk.com/agent/organizations/360001'],
    ['zendesk', 'person', '42', 'https://acme.zendesk.com/agent/users/42'],
    ['zendesk', 'ticket', '1234', 'https://acme.zendesk.com/agent/tickets/1234'],
    ['stripe', 'account', 'cus_NffrFeUfNV2Hib', 'https://dashboard.stripe.com/acct_1AbC/test/customers/cus_NffrFeUfNV2Hib'],
    ['stripe', 'subscription', 'sub_1', 'https://dashboard.stripe.com/acct_1AbC/test/subscriptions/sub_1'],
    ['generic', 'account', 'crm:42/x', 'https://erp.example.com/account/crm%3A42%2Fx'],
  ] as const)('%s %s %s', (sourceSystem, entityType, externalId, url) => {
    expect(recordUrl(links, { sourceSystem, entityType, externalId })).toBe(url);
  });

  it('has no URL where the system has no page for the type, or is not configured', () => {
    expect(recordUrl(links, { sourceSystem: 'hubspot', entityType: 'invoice', externalId: '1' })).toBeUndefined();
    expect(recordUrl(links, { sourceSystem: 'stripe', entityType: 'person', externalId: '1' })).toBeUndefined();
    expect(recordUrl({}, { sourceSystem: 'salesforce', entityType: 'account', externalId: '001A' })).toBeUndefined();
  });

  it('keeps an id from leaving its place in the URL', () => {
    expect(recordUrl(links, { sourceSystem: 'zendesk', entityType: 'ticket', externalId: '1/../../admin?x=1' })).toBe('https://acme.zendesk.com/agent/tickets/1%2F..%2F..%2Fadmin%3Fx%3D1');
  });

  it('uses live-mode Stripe and the EU HubSpot app when so configured', () => {
    expect(recordUrl({ stripe: {} }, { sourceSystem: 'stripe', entityType: 'invoice', externalId: 'in_1' })).toBe('https://dashboard.stripe.com/invoices/in_1');
    expect(recordUrl({ hubspot: { portalId: '1', appUrl: 'https://app-eu1.hubspot.com' } }, { sourceSystem: 'hubspot', entityType: 'ticket', externalId: '5' })).toBe(
      'https://app-eu1.hubspot.com/contacts/1/record/0-5/5',
    );
  });
});

describe('configuration from named values', () => {
  it('links the systems whose values are set', () => {
    expect(
      deepLinkConfigOf({
        SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com/',
        HUBSPOT_PORTAL_ID: '4512345',
        NETSUITE_ACCOUNT_ID: '1234567',
        ZENDESK_URL: 'https://help.acme.com',
        STRIPE_TEST_MODE: 'true',
        GENERIC_RECORD_URL_TEMPLATE: '',
      }),
    ).toEqual({
      salesforce: { instanceUrl: 'https://acme.my.salesforce.com' },
      hubspot: { portalId: '4512345' },
      netsuite: { accountId: '1234567' },
      zendesk: { baseUrl: 'https://help.acme.com' },
      stripe: { testMode: true },
    });
    expect(deepLinkConfigOf({})).toEqual({});
  });

  it('refuses a value that cannot make a link, naming it', () => {
    expect(() => deepLinkConfigOf({ SALESFORCE_INSTANCE_URL: 'javascript:alert(1)' })).toThrow(/salesforce/);
    expect(() => deepLinkConfigOf({ GENERIC_RECORD_URL_TEMPLATE: 'https://erp.example.com/records' })).toThrow(/externalId/);
  });
});
