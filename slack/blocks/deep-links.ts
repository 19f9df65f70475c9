/**
 * Where a source record lives in its own system's UI, so a card can link straight to it. Each
 * vendor's record URL, as its documentation and UI show it:
 *
 * - Salesforce (Lightning): `<instance>/lightning/r/<sObject>/<id>/view`. A person may be a Contact
 *   or a Lead, which the canonical model does not keep, so the object comes from the id's key
 *   prefix (001 Account, 003 Contact, 00Q Lead, 006 Opportunity, 00T Task, 00U Event); an unknown
 *   prefix uses `<instance>/<id>`, which Salesforce redirects to the record whatever its object.
 * - HubSpot: `https://app.hubspot.com/contacts/<portal id>/record/<object type id>/<id>`, with the
 *   CRM's object type ids (0-1 contacts, 0-2 companies, 0-3 deals, 0-5 tickets); accounts in the
 *   EU data centre use `https://app-eu1.hubspot.com` (`appUrl`).
 * - NetSuite: `https://<account>.app.netsuite.com/app/…/<record>.nl?id=<internal id>`: customers
 *   are `common/entity/custjob.nl`, contacts `common/entity/contact.nl`, sales orders, invoices and
 *   opportunities `accounting/transactions/{salesord,custinvc,opprtnty}.nl`. In the host the
 *   account id is lower case with `_` as `-` (`1234567_SB1` → `1234567-sb1`).
 * - Zendesk: `https://<subdomain>.zendesk.com/agent/{organizations,users,tickets}/<id>`.
 * - Stripe: `https://dashboard.stripe.com/[<acct_…>/][test/]{customers,subscriptions,invoices}/<id>`.
 * - generic: a URL template of the customer's own system, `{entityType}` and `{externalId}` filled in.
 *
 * A system that is not configured, or an entity type it has no page for, gets no URL: the card
 * then shows the id as text. Pure: configuration in, URL out.
 */
import { z } from 'zod';
import type { EntityType, SourceSystem } from '../../functions/shared/canonical';

const HttpUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''));

export const DeepLinkConfig = z.object({
  /** `https://<my-domain>.my.salesforce.com` (or the Lightning domain). */
  salesforce: z.object({ instanceUrl: HttpUrl }).optional(),
  hubspot: z.object({ portalId: z.string().regex(/^\d+$/), appUrl: HttpUrl.optional() }).optional(),
  /** The account id as NetSuite writes it (`1234567`, `1234567_SB1`); `baseUrl` overrides the host derived from it. */
  netsuite: z.object({ accountId: z.string().regex(/^[A-Za-z0-9_-]+$/), baseUrl: HttpUrl.optional() }).optional(),
  /** `acme` for acme.zendesk.com; `baseUrl` for a host mapped elsewhere. */
  zendesk: z.union([z.object({ subdomain: z.string().regex(/^[a-z0-9][a-z0-9-]*$/i) }), z.object({ baseUrl: HttpUrl })]).optional(),
  /** `accountId` (acct_…) picks the account for people with several; `testMode` the test-mode pages. */
  stripe: z.object({ accountId: z.string().regex(/^acct_[A-Za-z0-9]+$/).optional(), testMode: z.boolean().optional(), dashboardUrl: HttpUrl.optional() }).optional(),
  /** e.g. `https://erp.example.com/{entityType}/{externalId}`. */
  generic: z.object({ recordUrlTemplate: z.string().regex(/^https?:\/\//).refine((t) => t.includes('{externalId}'), 'must contain {externalId}') }).optional(),
});
export type DeepLinkConfig = z.infer<typeof DeepLinkConfig>;

/** A record as the links need it: a SourceRecord fits. */
export interface RecordRef {
  sourceSystem: SourceSystem;
  entityType: EntityType;
  externalId: string;
}

const SALESFORCE_OBJECTS: Readonly<Record<string, string>> = {
  '001': 'Account',
  '003': 'Contact',
  '00Q': 'Lead',
  '006': 'Opportunity',
  '00T': 'Task',
  '00U': 'Event',
};

const HUBSPOT_OBJECT_TYPES: Partial<Record<EntityType, string>> = { person: '0-1', account: '0-2', opportunity: '0-3', ticket: '0-5' };

const NETSUITE_PAGES: Partial<Record<EntityType, string>> = {
  account: 'common/entity/custjob.nl',
  person: 'common/entity/contact.nl',
  order: 'accounting/transactions/salesord.nl',
  invoice: 'accounting/transactions/custinvc.nl',
  opportunity: 'accounting/transactions/opprtnty.nl',
};

const ZENDESK_PAGES: Partial<Record<EntityType, string>> = { account: 'organizations', person: 'users', ticket: 'tickets' };

const STRIPE_PAGES: Partial<Record<EntityType, string>> = { account: 'customers', subscription: 'subscriptions', invoice: 'invoices' };

const id = encodeURIComponent;

const urlBuilders: { [S in SourceSystem]: (config: NonNullable<DeepLinkConfig[S]>, record: RecordRef) => string | undefined } = {
  salesforce: ({ instanceUrl }, { externalId }) => {
    const object = SALESFORCE_OBJECTS[externalId.slice(0, 3)];
    return object === undefined ? `${instanceUrl}/${id(externalId)}` : `${instanceUrl}/lightning/r/${object}/${id(externalId)}/view`;
  },
  hubspot: ({ portalId, appUrl = 'https://app.hubspot.com' }, { entityType, externalId }) => {
    const objectType = HUBSPOT_OBJECT_TYPES[entityType];
    return objectType === undefined ? undefined : `${appUrl}/contacts/${portalId}/record/${objectType}/${id(externalId)}`;
  },
  netsuite: ({ accountId, baseUrl }, { entityType, externalId }) => {
    const page = NETSUITE_PAGES[entityType];
    const host = baseUrl ?? `https://${accountId.toLowerCase().replace(/_/g, '-')}.app.netsuite.com`;
    return page === undefined ? undefined : `${host}/app/${page}?id=${id(externalId)}`;
  },
  zendesk: (config, { entityType, externalId }) => {
    const page = ZENDESK_PAGES[entityType];
    const host = 'baseUrl' in config ? config.baseUrl : `https://${config.subdomain.toLowerCase()}.zendesk.com`;
    return page === undefined ? undefined : `${host}/agent/${page}/${id(externalId)}`;
  },
  stripe: ({ accountId, testMode, dashboardUrl = 'https://dashboard.stripe.com' }, { entityType, externalId }) => {
    const page = STRIPE_PAGES[entityType];
    const prefix = `${accountId === undefined ? '' : `/${accountId}`}${testMode ? '/test' : ''}`;
    return page === undefined ? undefined : `${dashboardUrl}${prefix}/${page}/${id(externalId)}`;
  },
  generic: ({ recordUrlTemplate }, { entityType, externalId }) => recordUrlTemplate.replace(/\{entityType\}/g, id(entityType)).replace(/\{externalId\}/g, id(externalId)),
};

/** The record's page in its system, or undefined when that system is not configured or has no page for it. */
export const recordUrl = (config: DeepLinkConfig, record: RecordRef): string | undefined => {
  const systemConfig = config[record.sourceSystem];
  if (systemConfig === undefined) return undefined;
  return (urlBuilders[record.sourceSystem] as (c: typeof systemConfig, r: RecordRef) => string | undefined)(systemConfig, record);
};

/** The names of the environment (or secret) values the app reads its deep-link configuration from. */
export const DEEP_LINK_SETTINGS = [
  'SALESFORCE_INSTANCE_URL',
  'HUBSPOT_PORTAL_ID',
  'HUBSPOT_APP_URL',
  'NETSUITE_ACCOUNT_ID',
  'NETSUITE_APP_URL',
  'ZENDESK_SUBDOMAIN',
  'ZENDESK_URL',
  'STRIPE_ACCOUNT_ID',
  'STRIPE_TEST_MODE',
  'STRIPE_DASHBOARD_URL',
  'GENERIC_RECORD_URL_TEMPLATE',
] as const;

const setting = (document: Readonly<Record<string, string | undefined>>, name: (typeof DEEP_LINK_SETTINGS)[number]): string | undefined => {
  const value = document[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/**
 * The configuration from flat named values (the environment locally, a secret on AWS). A system
 * is linked once its identifying value is set; Salesforce and Zendesk share the URLs write-back
 * already uses. Throws a zod error naming the value when one is set but malformed.
 */
export const deepLinkConfigOf = (document: Readonly<Record<string, string | undefined>>): DeepLinkConfig => {
  const get = (name: (typeof DEEP_LINK_SETTINGS)[number]) => setting(document, name);
  const salesforce = get('SALESFORCE_INSTANCE_URL');
  const portalId = get('HUBSPOT_PORTAL_ID');
  const netsuite = get('NETSUITE_ACCOUNT_ID');
  const zendeskSubdomain = get('ZENDESK_SUBDOMAIN');
  const zendeskUrl = get('ZENDESK_URL');
  const stripeAccount = get('STRIPE_ACCOUNT_ID');
  const stripeTest = get('STRIPE_TEST_MODE');
  const stripeDashboard = get('STRIPE_DASHBOARD_URL');
  const generic = get('GENERIC_RECORD_URL_TEMPLATE');
  const hubspotApp = get('HUBSPOT_APP_URL');
  const netsuiteApp = get('NETSUITE_APP_URL');
  const stripeConfigured = stripeAccount !== undefined || stripeTest !== undefined || stripeDashboard !== undefined;
  return DeepLinkConfig.parse({
    ...(salesforce === undefined ? {} : { salesforce: { instanceUrl: salesforce } }),
    ...(portalId === undefined ? {} : { hubspot: { portalId, ...(hubspotApp === undefined ? {} : { appUrl: hubspotApp }) } }),
    ...(netsuite === undefined ? {} : { netsuite: { accountId: netsuite, ...(netsuiteApp === undefined ? {} : { baseUrl: netsuiteApp }) } }),
    ...(zendeskSubdomain !== undefined ? { zendesk: { subdomain: zendeskSubdomain } } : zendeskUrl !== undefined ? { zendesk: { baseUrl: zendeskUrl } } : {}),
    ...(stripeConfigured
      ? {
          stripe: {
            ...(stripeAccount === undefined ? {} : { accountId: stripeAccount }),
            ...(stripeTest === undefined ? {} : { testMode: stripeTest === 'true' || stripeTest === '1' }),
            ...(stripeDashboard === undefined ? {} : { dashboardUrl: stripeDashboard }),
          },
        }
      : {}),
    ...(generic === undefined ? {} : { generic: { recordUrlTemplate: generic } }),
  });
};
