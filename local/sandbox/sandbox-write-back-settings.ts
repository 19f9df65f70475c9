/**
 * The write-back settings of the local runtime: every system's adapter pointed at its fake on the
 * sandbox (mounted on the runtime's one server), with credentials each fake accepts. They go
 * through the same reader as the AWS secret (write-back-config.ts), so the local path is the AWS
 * path. A value set in the environment wins, one by one: set a system's URL and credentials to
 * write back to a real (sandbox) org instead.
 */
import { WRITE_BACK_CREDENTIAL_NAMES } from '../../functions/identity/writeback/write-back-config';
import { SANDBOX_GENERIC_SIGNING_SECRET } from './fakes';

export const sandboxWriteBackSettings = (sandboxUrl: string, env: NodeJS.ProcessEnv = {}): Record<string, string | undefined> => {
  const defaults: Record<string, string> = {
    SALESFORCE_INSTANCE_URL: `${sandboxUrl}/salesforce`,
    SALESFORCE_ACCESS_TOKEN: '00Dsandbox!local-salesforce-access-token',
    HUBSPOT_API_URL: `${sandboxUrl}/hubspot`,
    HUBSPOT_ACCESS_TOKEN: 'pat-local-sandbox-token',
    STRIPE_API_URL: `${sandboxUrl}/stripe`,
    STRIPE_SECRET_KEY: 'sk_test_local_sandbox_key',
    ZENDESK_URL: `${sandboxUrl}/zendesk`,
    ZENDESK_EMAIL: 'concord@sandbox.example',
    ZENDESK_API_TOKEN: 'local-zendesk-api-token',
    NETSUITE_REST_URL: `${sandboxUrl}/netsuite`,
    NETSUITE_ACCESS_TOKEN: 'local-netsuite-oauth2-token',
    GENERIC_WRITE_BACK_URL: `${sandboxUrl}/generic/webhook`,
    GENERIC_WRITE_BACK_SECRET: SANDBOX_GENERIC_SIGNING_SECRET,
    // A fake on the same machine answers at once; an answer this late means something is stuck.
    WRITE_BACK_TIMEOUT_MS: '5000',
  };
  const configured = Object.fromEntries(['WRITE_BACK_TIMEOUT_MS', ...WRITE_BACK_CREDENTIAL_NAMES].flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  return { ...defaults, ...configured };
};
