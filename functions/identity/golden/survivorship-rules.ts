/**
 * Which system wins which field of a unified account or person: plain data, so a reader (or a
 * customer's admin, later) can change it without reading the algorithm. survivorship.ts says what
 * each step means; the data is validated when this module loads, so a typo fails at start-up
 * with the entity and field it is in.
 *
 * Why these choices:
 * - The ERP (NetSuite) invoices under the legal name, tax id and billing address, so it comes
 *   first for those; billing (Stripe) next, because invoices go there too.
 * - The CRM (Salesforce, then HubSpot) is where sales keep firmographics (industry, size, owner)
 *   and people's titles up to date.
 * - Identifiers people type in many places (domain, email, names, birth date) go to the value most
 *   systems agree on: one system's typo loses to the others.
 * - Addresses are taken whole from one system: the fullest, from the most trusted.
 * - Consent (marketingOptIn) follows the newest statement: the person's latest wish.
 * - lifecycleStage and role are derived from evidence by lifecycle.ts and contact-hierarchy.ts
 *   (a CRM's stage is evidence there, not the answer), and a person's accountRef is an id in one
 *   system only, meaningless in a unified record; so none of them survive here.
 */
import { parseSurvivorshipRules, type SurvivorshipRules } from './survivorship';

const ERP_FIRST = { rule: 'sourcePriority', systems: ['netsuite', 'stripe', 'salesforce', 'hubspot', 'zendesk', 'generic'] } as const;
const CRM_FIRST = { rule: 'sourcePriority', systems: ['salesforce', 'hubspot', 'netsuite', 'stripe', 'zendesk', 'generic'] } as const;
const MOST_RECENT = { rule: 'mostRecent' } as const;
const MOST_FREQUENT = { rule: 'mostFrequent' } as const;
const MOST_COMPLETE = { rule: 'mostComplete' } as const;

export const DEFAULT_SURVIVORSHIP_RULES: SurvivorshipRules = parseSurvivorshipRules({
  account: {
    fields: {
      name: [ERP_FIRST, MOST_RECENT],
      taxId: [ERP_FIRST, MOST_FREQUENT],
      customerNumber: [{ rule: 'sourcePriority', systems: ['netsuite'] }, MOST_RECENT],
      address: [ERP_FIRST, MOST_COMPLETE, MOST_RECENT],
      annualRevenue: [ERP_FIRST, MOST_RECENT],
      domain: [MOST_FREQUENT, MOST_RECENT],
      website: [CRM_FIRST, MOST_RECENT],
      industry: [CRM_FIRST, MOST_RECENT],
      employees: [CRM_FIRST, MOST_RECENT],
      ownerEmail: [CRM_FIRST, MOST_RECENT],
      phone: [MOST_RECENT],
    },
    default: [MOST_RECENT],
    ignored: ['lifecycleStage'],
  },
  person: {
    fields: {
      firstName: [MOST_FREQUENT, MOST_RECENT],
      lastName: [MOST_FREQUENT, MOST_RECENT],
      email: [MOST_FREQUENT, MOST_RECENT],
      birthDate: [MOST_FREQUENT, MOST_RECENT],
      title: [CRM_FIRST, MOST_RECENT],
      address: [MOST_COMPLETE, MOST_RECENT],
      phone: [MOST_RECENT],
      marketingOptIn: [MOST_RECENT],
    },
    default: [MOST_RECENT],
    ignored: ['role', 'accountRef'],
  },
});
