/**
 * What a handoff knows when it starts (HandoffContext), read from the unified record, and the named
 * facts a playbook's conditions and template choices may test. Only facts listed here can be
 * named, so a typo in a playbook is refused at load rather than silently false.
 */
import type { LifecycleStage } from '../shared/canonical';
import type { TriggerKind } from './playbook';

export interface ContextPerson {
  unifiedId: string;
  name: string;
  email?: string;
  title?: string;
  role?: string;
}

export interface ContextTicket {
  sourceKey: string;
  subject: string;
  status: string;
  priority: string;
  satisfaction?: string;
  openedAt?: string;
}

export interface ContextOpportunity {
  sourceKey: string;
  /** The CRM it lives in and its id there. */
  system: string;
  externalId: string;
  name: string;
  amount?: number;
  currency?: string;
  productLine?: string;
  ownerEmail?: string;
  leadSource?: string;
  closeDate?: string;
  stage?: string;
  isWon?: boolean;
  legalReview?: boolean;
}

export interface ContextSubscription {
  sourceKey: string;
  plan?: string;
  amount?: number;
  currency?: string;
  quantity?: number;
  currentPeriodEnd: string;
}

/** An identity question a handoff must not guess at (see gate.ts). */
export interface Ambiguity {
  kind: 'open-proposal' | 'conflicting-identifiers' | 'not-unified';
  detail: string;
}

export interface HandoffContext {
  account: {
    unifiedId: string;
    name: string;
    domain?: string;
    country?: string;
    employees?: number;
    industry?: string;
    lifecycleStage?: LifecycleStage;
    ownerEmail?: string;
    /** The account's record in each system, by system: where CRM and ERP records are made. */
    records: { system: string; externalId: string; sourceKey: string }[];
  };
  opportunity?: ContextOpportunity;
  subscription?: ContextSubscription;
  contacts: ContextPerson[];
  openTickets: ContextTicket[];
  /** Identity questions still open on the account or its contacts. */
  ambiguities: Ambiguity[];
  /** The handoff this one follows (for projectCompleted: the onboarding handoff and what it made). */
  previous?: { handoffId: string; playbook: string; outputs: Record<string, unknown> };
}

type FactType = 'number' | 'string' | 'boolean';

interface FactDefinition {
  type: FactType;
  availableOn: readonly TriggerKind[];
  read(context: HandoffContext): unknown;
}

const ALL: readonly TriggerKind[] = ['opportunityWon', 'lifecycleChanged', 'projectCompleted', 'renewalDue'];
const WITH_OPPORTUNITY: readonly TriggerKind[] = ['opportunityWon', 'lifecycleChanged'];

/** Mid-market by headcount, the usual split of CS teams. */
export const segmentOf = (employees: number | undefined): 'enterprise' | 'mid-market' | 'smb' | undefined =>
  employees === undefined ? undefined : employees >= 1000 ? 'enterprise' : employees >= 100 ? 'mid-market' : 'smb';

const REGIONS: Readonly<Record<string, 'emea' | 'amer' | 'apac'>> = Object.fromEntries([
  ...['US', 'CA', 'MX', 'BR', 'AR', 'CL', 'CO', 'PE'].map((c) => [c, 'amer'] as const),
  ...['AU', 'NZ', 'JP', 'CN', 'IN', 'SG', 'HK', 'KR', 'TW', 'ID', 'MY', 'TH', 'PH', 'VN'].map((c) => [c, 'apac'] as const),
]);

/** A country (ISO 3166 alpha-2, as the golden record holds it) to a sales region; Europe, Africa and the Middle East otherwise. */
export const regionOf = (country: string | undefined): 'emea' | 'amer' | 'apac' | undefined =>
  country === undefined || country.length !== 2 ? undefined : (REGIONS[country.toUpperCase()] ?? 'emea');

export const FACTS = {
  'account.segment': { type: 'string', availableOn: ALL, read: (c) => segmentOf(c.account.employees) },
  'account.region': { type: 'string', availableOn: ALL, read: (c) => regionOf(c.account.country) },
  'account.country': { type: 'string', availableOn: ALL, read: (c) => c.account.country },
  'account.employees': { type: 'number', availableOn: ALL, read: (c) => c.account.employees },
  'account.industry': { type: 'string', availableOn: ALL, read: (c) => c.account.industry },
  'account.lifecycleStage': { type: 'string', availableOn: ALL, read: (c) => c.account.lifecycleStage },
  'opportunity.amount': { type: 'number', availableOn: WITH_OPPORTUNITY, read: (c) => c.opportunity?.amount },
  'opportunity.currency': { type: 'string', availableOn: WITH_OPPORTUNITY, read: (c) => c.opportunity?.currency },
  'opportunity.productLine': { type: 'string', availableOn: WITH_OPPORTUNITY, read: (c) => c.opportunity?.productLine },
  'opportunity.leadSource': { type: 'string', availableOn: WITH_OPPORTUNITY, read: (c) => c.opportunity?.leadSource },
  'opportunity.system': { type: 'string', availableOn: WITH_OPPORTUNITY, read: (c) => c.opportunity?.system },
  'subscription.plan': { type: 'string', availableOn: ['renewalDue'], read: (c) => c.subscription?.plan },
  'subscription.amount': { type: 'number', availableOn: ['renewalDue'], read: (c) => c.subscription?.amount },
} as const satisfies Record<string, FactDefinition>;

export type FactName = keyof typeof FACTS;

export const readFact = (context: HandoffContext, name: FactName): unknown => (FACTS[name] as FactDefinition).read(context);
