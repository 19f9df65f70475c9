/** The write-back adapters pointed at a running sandbox, and small helpers to talk to the sandbox. */
import type { WriteBackConfigBySystem } from '../../../../functions/identity/writeback/create-write-back';
import type { SourceSystem } from '../../../../functions/shared/canonical';
import { SANDBOX_GENERIC_SIGNING_SECRET } from '../../../../local/sandbox/fakes';
import type { FaultOrder } from '../../../../local/sandbox/faults';

export const CREDENTIALS = {
  salesforceToken: '00Dsandbox!salesforce-access-token',
  hubspotToken: 'pat-na1-sandbox-token',
  stripeKey: 'sk_test_sandbox_key',
  zendeskEmail: 'ops@concord.example',
  zendeskToken: 'zendesk-api-token',
  netsuiteToken: 'netsuite-oauth2-access-token',
} as const;

export const writeBackConfigFor = (sandboxUrl: string, timeoutMs = 2_000): WriteBackConfigBySystem => ({
  salesforce: { baseUrl: `${sandboxUrl}/salesforce`, credentials: { accessToken: CREDENTIALS.salesforceToken }, timeoutMs },
  hubspot: { baseUrl: `${sandboxUrl}/hubspot`, credentials: { accessToken: CREDENTIALS.hubspotToken }, timeoutMs },
  stripe: { baseUrl: `${sandboxUrl}/stripe`, credentials: { secretKey: CREDENTIALS.stripeKey }, timeoutMs },
  zendesk: { baseUrl: `${sandboxUrl}/zendesk`, credentials: { email: CREDENTIALS.zendeskEmail, apiToken: CREDENTIALS.zendeskToken }, timeoutMs },
  netsuite: { baseUrl: `${sandboxUrl}/netsuite`, credentials: { accessToken: CREDENTIALS.netsuiteToken }, timeoutMs },
  generic: { baseUrl: `${sandboxUrl}/generic/webhook`, credentials: { signingSecret: SANDBOX_GENERIC_SIGNING_SECRET }, timeoutMs },
});

export const getJson = async (url: string): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
};

export const orderFault = async (sandboxUrl: string, system: SourceSystem, order: FaultOrder): Promise<void> => {
  const response = await fetch(`${sandboxUrl}/sandbox/${system}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
  if (response.status !== 200) throw new Error(`the sandbox refused the fault: ${response.status} ${await response.text()}`);
};

export const clearFault = async (sandboxUrl: string, system: SourceSystem): Promise<void> => {
  await fetch(`${sandboxUrl}/sandbox/${system}/faults`, { method: 'DELETE' });
};
