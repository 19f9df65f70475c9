/**
 * Webhook secrets for the local runtime. Each can be overridden with the same environment
 * variable the Lambdas read; `npm start` prints them so you can sign your own test requests.
 */
import type { SourceSystem } from '../functions/shared/canonical';
import { WEBHOOK_SECRET_ENV } from '../functions/shared/config';

/** Standard Webhooks secrets are "whsec_" + base64 of the key bytes. */
const standardWebhooksSecret = (label: string) => `whsec_${Buffer.from(`concord-local-${label}-signing-key`).toString('base64')}`;

export const LOCAL_WEBHOOK_SECRETS: Readonly<Record<SourceSystem, string>> = {
  salesforce: standardWebhooksSecret('salesforce'),
  hubspot: 'local-hubspot-client-secret',
  stripe: 'whsec_local_stripe_endpoint_secret',
  zendesk: 'local-zendesk-signing-secret',
  netsuite: 'local-netsuite-shared-secret',
  generic: standardWebhooksSecret('generic'),
};

/** The environment the local runtime runs with: configured values win over the local defaults. */
export const localSecretEnv = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => {
  const resolved: NodeJS.ProcessEnv = {};
  for (const [system, name] of Object.entries(WEBHOOK_SECRET_ENV) as [SourceSystem, string][]) {
    resolved[name] = env[name] ?? LOCAL_WEBHOOK_SECRETS[system];
  }
  return resolved;
};

/** The secret a local sender signs with: the first configured one. */
export const signingSecretFor = (system: SourceSystem, env: NodeJS.ProcessEnv): string =>
  (env[WEBHOOK_SECRET_ENV[system]] ?? LOCAL_WEBHOOK_SECRETS[system]).split(',')[0]!.trim();
