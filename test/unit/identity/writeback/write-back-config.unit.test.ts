/** Reading the write-back settings: the same document shape from the environment, the AWS secret and the local sandbox. */
import { WRITE_BACK_CREDENTIAL_NAMES, writeBackTargetsOf } from '../../../../functions/identity/writeback/write-back-config';
import { sandboxWriteBackSettings } from '../../../../local/sandbox/sandbox-write-back-settings';

describe('write-back settings', () => {
  it("as the ConcordData secret starts (every value empty but the generic receiver's generated secret), write to nothing and warn of nothing", () => {
    const template = { ...Object.fromEntries(WRITE_BACK_CREDENTIAL_NAMES.map((name) => [name, ''])), GENERIC_WRITE_BACK_SECRET: 'generated48characters' };
    expect(writeBackTargetsOf(template)).toEqual({ bySystem: {}, incomplete: [] });
  });

  it('configure a system once its values suffice, with the vendor URL defaulted where there is one', () => {
    const { bySystem } = writeBackTargetsOf({ HUBSPOT_ACCESS_TOKEN: 'pat-na1-x', STRIPE_SECRET_KEY: ' rk_live_x ', WRITE_BACK_TIMEOUT_MS: '2500' });
    expect(bySystem).toEqual({
      hubspot: { baseUrl: 'https://api.hubapi.com', credentials: { accessToken: 'pat-na1-x' }, timeoutMs: 2500 },
      stripe: { baseUrl: 'https://api.stripe.com', credentials: { secretKey: 'rk_live_x' }, timeoutMs: 2500 },
    });
  });

  it('prefer a Zendesk OAuth token, else an API token with its email', () => {
    expect(writeBackTargetsOf({ ZENDESK_URL: 'https://acme.zendesk.com', ZENDESK_OAUTH_TOKEN: 'o', ZENDESK_EMAIL: 'a@acme.example', ZENDESK_API_TOKEN: 't' }).bySystem.zendesk?.credentials).toEqual({ oauthToken: 'o' });
    expect(writeBackTargetsOf({ ZENDESK_URL: 'https://acme.zendesk.com', ZENDESK_EMAIL: 'a@acme.example', ZENDESK_API_TOKEN: 't' }).bySystem.zendesk?.credentials).toEqual({ email: 'a@acme.example', apiToken: 't' });
  });

  it('name the systems someone began to configure but left short', () => {
    expect(writeBackTargetsOf({ SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com', ZENDESK_URL: 'https://acme.zendesk.com', ZENDESK_EMAIL: 'a@acme.example' })).toEqual({ bySystem: {}, incomplete: ['salesforce', 'zendesk'] });
  });

  it('point every system at its fake on the local sandbox, unless the environment says otherwise', () => {
    const { bySystem } = writeBackTargetsOf(sandboxWriteBackSettings('http://127.0.0.1:3000', { HUBSPOT_API_URL: 'https://api.hubapi.com', HUBSPOT_ACCESS_TOKEN: 'pat-real' }));
    expect(Object.keys(bySystem).sort()).toEqual(['generic', 'hubspot', 'netsuite', 'salesforce', 'stripe', 'zendesk']);
    expect(bySystem.salesforce?.baseUrl).toBe('http://127.0.0.1:3000/salesforce');
    expect(bySystem.hubspot).toMatchObject({ baseUrl: 'https://api.hubapi.com', credentials: { accessToken: 'pat-real' } });
  });
});
