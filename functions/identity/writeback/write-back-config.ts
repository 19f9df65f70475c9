/**
 * Where and as whom Concord writes unified ids back, read from one flat document of named values:
 * the environment locally (`npm start` fills it with the sandbox's URLs), a Secrets Manager secret
 * on AWS (`WRITE_BACK_SECRETS_ARN`, created empty by the ConcordData stack). A system is written to
 * once its values are all set; left empty, its records are skipped, not failed.
 */
import { z } from 'zod';
import type { SourceSystem } from '../../shared/canonical';
import type { WriteBackConfigBySystem } from './create-write-back';

/** Unset and empty are the same: the secret's template holds every name, empty. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** Each system's URL and credentials: what the ConcordData stack's write-back secret holds. */
export const WriteBackCredentials = z.object({
  /** `https://<my-domain>.my.salesforce.com`. */
  SALESFORCE_INSTANCE_URL: optionalText,
  SALESFORCE_ACCESS_TOKEN: optionalText,
  /** Defaults to `https://api.hubapi.com`. */
  HUBSPOT_API_URL: optionalText,
  HUBSPOT_ACCESS_TOKEN: optionalText,
  /** Defaults to `https://api.stripe.com`. */
  STRIPE_API_URL: optionalText,
  STRIPE_SECRET_KEY: optionalText,
  /** `https://<subdomain>.zendesk.com`; an API token with its agent's email, or an OAuth token. */
  ZENDESK_URL: optionalText,
  ZENDESK_EMAIL: optionalText,
  ZENDESK_API_TOKEN: optionalText,
  ZENDESK_OAUTH_TOKEN: optionalText,
  /** `https://<account>.suitetalk.api.netsuite.com`. */
  NETSUITE_REST_URL: optionalText,
  NETSUITE_ACCESS_TOKEN: optionalText,
  /** The receiver of Concord's signed webhooks (vendors/generic.ts), and the secret it verifies them with. */
  GENERIC_WRITE_BACK_URL: optionalText,
  GENERIC_WRITE_BACK_SECRET: optionalText,
});

/** The names the write-back secret holds. */
export const WRITE_BACK_CREDENTIAL_NAMES = Object.keys(WriteBackCredentials.shape) as (keyof z.infer<typeof WriteBackCredentials>)[];

export const WriteBackSettings = WriteBackCredentials.extend({
  /** Deadline of one exchange with a vendor, in milliseconds. */
  WRITE_BACK_TIMEOUT_MS: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().positive().default(10_000)),
});
export type WriteBackSettings = z.infer<typeof WriteBackSettings>;

export interface WriteBackTargets {
  bySystem: Partial<WriteBackConfigBySystem>;
  /** Systems with some values set but not enough to write: worth a warning, as someone meant to configure them. */
  incomplete: SourceSystem[];
}

const DEFAULT_HUBSPOT_URL = 'https://api.hubapi.com';
const DEFAULT_STRIPE_URL = 'https://api.stripe.com';

type Configured<S extends SourceSystem> = WriteBackConfigBySystem[S] | undefined;

/** Each system's config when its values suffice; `given` says whether any of its values was set. */
const systemsOf = (s: WriteBackSettings, timeoutMs: number): { [S in SourceSystem]: { config: Configured<S>; given: boolean } } => {
  const zendeskCredentials =
    s.ZENDESK_OAUTH_TOKEN !== undefined
      ? { oauthToken: s.ZENDESK_OAUTH_TOKEN }
      : s.ZENDESK_EMAIL !== undefined && s.ZENDESK_API_TOKEN !== undefined
        ? { email: s.ZENDESK_EMAIL, apiToken: s.ZENDESK_API_TOKEN }
        : undefined;
  const given = (...values: (string | undefined)[]) => values.some((v) => v !== undefined);
  return {
    salesforce: {
      config: s.SALESFORCE_INSTANCE_URL && s.SALESFORCE_ACCESS_TOKEN ? { baseUrl: s.SALESFORCE_INSTANCE_URL, credentials: { accessToken: s.SALESFORCE_ACCESS_TOKEN }, timeoutMs } : undefined,
      given: given(s.SALESFORCE_INSTANCE_URL, s.SALESFORCE_ACCESS_TOKEN),
    },
    hubspot: {
      config: s.HUBSPOT_ACCESS_TOKEN ? { baseUrl: s.HUBSPOT_API_URL ?? DEFAULT_HUBSPOT_URL, credentials: { accessToken: s.HUBSPOT_ACCESS_TOKEN }, timeoutMs } : undefined,
      given: given(s.HUBSPOT_API_URL, s.HUBSPOT_ACCESS_TOKEN),
    },
    stripe: {
      config: s.STRIPE_SECRET_KEY ? { baseUrl: s.STRIPE_API_URL ?? DEFAULT_STRIPE_URL, credentials: { secretKey: s.STRIPE_SECRET_KEY }, timeoutMs } : undefined,
      given: given(s.STRIPE_API_URL, s.STRIPE_SECRET_KEY),
    },
    zendesk: {
      config: s.ZENDESK_URL && zendeskCredentials ? { baseUrl: s.ZENDESK_URL, credentials: zendeskCredentials, timeoutMs } : undefined,
      given: given(s.ZENDESK_URL, s.ZENDESK_EMAIL, s.ZENDESK_API_TOKEN, s.ZENDESK_OAUTH_TOKEN),
    },
    netsuite: {
      config: s.NETSUITE_REST_URL && s.NETSUITE_ACCESS_TOKEN ? { baseUrl: s.NETSUITE_REST_URL, credentials: { accessToken: s.NETSUITE_ACCESS_TOKEN }, timeoutMs } : undefined,
      given: given(s.NETSUITE_REST_URL, s.NETSUITE_ACCESS_TOKEN),
    },
    generic: {
      config: s.GENERIC_WRITE_BACK_URL && s.GENERIC_WRITE_BACK_SECRET ? { baseUrl: s.GENERIC_WRITE_BACK_URL, credentials: { signingSecret: s.GENERIC_WRITE_BACK_SECRET }, timeoutMs } : undefined,
      // Not the secret: the stack generates it, so it is set whether or not anyone meant to configure a receiver.
      given: given(s.GENERIC_WRITE_BACK_URL),
    },
  };
};

export const writeBackTargetsOf = (document: Readonly<Record<string, string | undefined>>): WriteBackTargets => {
  const settings = WriteBackSettings.parse(document);
  const bySystem: Partial<WriteBackConfigBySystem> = {};
  const incomplete: SourceSystem[] = [];
  for (const [system, { config, given }] of Object.entries(systemsOf(settings, settings.WRITE_BACK_TIMEOUT_MS)) as [SourceSystem, { config: Configured<SourceSystem>; given: boolean }][]) {
    if (config !== undefined) (bySystem as Record<SourceSystem, unknown>)[system] = config;
    else if (given) incomplete.push(system);
  }
  return { bySystem, incomplete };
};
