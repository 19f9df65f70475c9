/**
 * The true world: what really exists (companies, their people, deals, orders, subscriptions,
 * invoices, tickets, activities) and when things happened, before any system writes it down.
 * generateTrueWorld (true-world.ts) builds it; the per-system renderers (systems/*.ts) turn it
 * into what each vendor would hold.
 */
import type { ContactRole, LifecycleStage } from '../../functions/shared/canonical';
import type { EmailPattern } from './formats';
import type { CountryCode, Phone, StreetAddress } from './geo';
import type { Industry, Locale, SuffixFamily } from './names';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Salesforce's default sales process; other systems map onto these indexes. */
export const STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
] as const;
export const WON_STAGE = 8;
export const LOST_STAGE = 9;
export const LAST_OPEN_STAGE = 7;

export const SELLER_DOMAIN = 'northbeam.io';

export interface TruePerson {
  id: string;
  accountId: string;
  locale: Locale;
  firstName: string;
  lastName: string;
  email: string;
  phone: Phone;
  title: string;
  role: ContactRole;
  birthDate: string;
  marketingOptIn: boolean;
  createdAt: number;
  titleChange?: { at: number; title: string };
  /** Another, unrelated person at another company has exactly this name. */
  sharesCommonName?: boolean;
}

export interface OpportunityStep {
  at: number;
  /** Index into STAGES. */
  stage: number;
}

export interface TrueOpportunity {
  id: string;
  accountId: string;
  name: string;
  amount: number;
  currency: string;
  productLine: string;
  leadSource: string;
  ownerEmail: string;
  createdAt: number;
  steps: OpportunityStep[];
  outcome: 'won' | 'lost' | 'open';
  closedAt?: number;
  closeDate: string;
}

export interface TrueInvoice {
  id: string;
  number: string;
  amount: number;
  currency: string;
  issuedAt: number;
  dueAt: number;
  failedAt?: number;
  paidAt?: number;
}

export interface TrueOrder {
  id: string;
  number: string;
  opportunityId: string;
  amount: number;
  currency: string;
  createdAt: number;
  billedAt?: number;
  invoices: TrueInvoice[];
}

/** One change of a subscription, as Stripe's customer.subscription.* events report it. */
export interface SubscriptionEvent {
  at: number;
  status?: string;
  currentPeriodEnd?: number;
  cancelAtPeriodEnd?: boolean;
}

export interface TrueSubscription {
  id: string;
  plan: string;
  quantity: number;
  amount: number;
  currency: string;
  createdAt: number;
  /** The first event is the creation; the rest are updates in time order. */
  events: SubscriptionEvent[];
  invoices: TrueInvoice[];
}

export type Satisfaction = 'good' | 'bad' | 'offered' | 'unoffered';

export interface TicketStep {
  at: number;
  status?: string;
  satisfaction?: Satisfaction;
  priority?: string;
}

export interface TrueTicket {
  id: string;
  requesterId: string;
  subject: string;
  priority: string;
  openedAt: number;
  steps: TicketStep[];
}

export interface TrueActivity {
  id: string;
  personId: string;
  kind: string;
  subject: string;
  occurredAt: number;
  loggedAt: number;
}

export interface TrueCustomer {
  customerNumber: string;
  wonAt: number;
  /** When finance created the customer in the ERP. */
  erpSince: number;
  orders: TrueOrder[];
  subscription?: TrueSubscription;
  /** When billing created the customer in Stripe (subscription customers only). */
  billingSince?: number;
  /** When support created the organization in the helpdesk (if it uses one for this customer). */
  supportSince?: number;
  tickets: TrueTicket[];
  /** People who are helpdesk users: everyone who filed a ticket, and a few more. */
  supportUserIds: string[];
}

export interface TrueAccount {
  id: string;
  index: number;
  /** The distinctive part of the name ("Northwind"), shared by a similar-name hard negative. */
  stem: string;
  /** The name without its legal suffix ("Northwind Logistics"). */
  baseName: string;
  suffix: SuffixFamily;
  country: CountryCode;
  industry: Industry;
  domain: string;
  phone: Phone;
  address: StreetAddress;
  relocation?: { at: number; address: StreetAddress };
  employees: number;
  annualRevenue: number;
  taxId: string;
  ownerEmail: string;
  emailPattern: EmailPattern;
  createdAt: number;
  /** Lifecycle stage over time; the first entry is at createdAt. */
  lifecycle: { at: number; stage: LifecycleStage }[];
  contacts: TruePerson[];
  opportunities: TrueOpportunity[];
  activities: TrueActivity[];
  customer?: TrueCustomer;
  /** The true id of a different account whose name this one deliberately resembles. */
  similarTo?: string;
}

export interface HardNegative {
  kind: 'similar-name' | 'same-name' | 'shared-email';
  entityType: 'account' | 'person';
  trueEntityIds: [string, string];
  /** Set when the trap exists only in one system (a shared mailbox). */
  sourceSystem?: 'salesforce' | 'hubspot' | 'stripe' | 'zendesk' | 'netsuite';
}

export interface TrueWorld {
  now: number;
  accounts: TrueAccount[];
  hardNegatives: HardNegative[];
}

export const addressAt = (account: TrueAccount, at: number): StreetAddress =>
  account.relocation && account.relocation.at <= at ? account.relocation.address : account.address;
