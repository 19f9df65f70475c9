/**
 * Lifecycle stage of a unified account (lead, prospect, customer, expanded, churned), decided by an
 * ordered list of explicit rules over evidence from every system, so everyone sees the same stage
 * and can read why.
 *
 * Each source system has its own idea of the stage, and each is right about what it sees: the CRM
 * knows deals, billing knows who pays, the ERP knows orders and invoices. The rules below are
 * tried in order and the first that holds decides. Every decision carries its rule (id and
 * sentence) and the facts it rests on, each pointing at the source record it came from.
 *
 * Disagreements (a system whose stated stage differs from the decision) are not errors: they are
 * listed in `disagreements` so the disagreement report can show them and someone can fix the
 * system that lags. How they are settled:
 * - Money beats statements. What billing and the ERP record (subscriptions, paid invoices, sales
 *   orders) and won deals decide before any system's stated stage. So when the CRM says
 *   'customer' but every subscription has ended, the account is churned: billing evidence wins
 *   for churn. And when the CRM says 'churned' but a subscription is live, it is a customer.
 * - A stated stage decides only where there is no such evidence (a company that has not connected
 *   its billing system). Among statements, the newest one (by the field's version) counts; equal
 *   or unknown versions go to the later stage in the order lead < prospect < customer < expanded <
 *   churned, then the lowest source key, so the input order never matters.
 * - An open opportunity or a trial holds churn back: a renewal or win-back being negotiated is a live
 *   relationship. So does a deal won or an order placed after the last subscription ended.
 *
 * Growth (customer → expanded) is seen in: a live subscription whose quantity or amount is above
 * what it started at (`initial`, when the store kept it), two or more live subscriptions on
 * different plans, or won deals in two or more product lines. A second won deal in the same
 * product line is not growth: it cannot be told apart from a renewal.
 *
 * Pure: the clock (`now`) is an input; the shell loads the evidence and publishes the transition.
 */
import { z } from 'zod';
import {
  LifecycleStage,
  type Account,
  type Invoice,
  type Opportunity,
  type Order,
  type SourceSystem,
  type Subscription,
} from '../../shared/canonical';
import { foldText } from '../normalize/person-name';
import { bySourceKeyThen, compareText, isActive, presentText, type Sourced } from './sourced';

export interface SubscriptionEvidence extends Sourced<Subscription> {
  /** The subscription as first purchased, when the store kept it: growth is measured against it. */
  initial?: Partial<Pick<Subscription, 'quantity' | 'amount' | 'plan'>>;
}

/** Everything known of one unified account, as parsed source records (any order). */
export interface LifecycleEvidence {
  unifiedId: string;
  /** The account's member source records; their `lifecycleStage` is each system's statement. */
  accounts: readonly Sourced<Account>[];
  opportunities: readonly Sourced<Opportunity>[];
  subscriptions: readonly SubscriptionEvidence[];
  invoices: readonly Sourced<Invoice>[];
  orders: readonly Sourced<Order>[];
}

export const LifecycleFact = z.object({ sourceKey: z.string(), fact: z.string() });
export type LifecycleFact = z.infer<typeof LifecycleFact>;

export interface LifecycleDisagreement {
  sourceKey: string;
  sourceSystem: SourceSystem;
  /** What that system says. */
  stated: LifecycleStage;
  decided: LifecycleStage;
  /** The deciding rule, which is why the statement lost. */
  rule: string;
}

export interface LifecycleDecision {
  unifiedId: string;
  stage: LifecycleStage;
  ruleId: LifecycleRuleId;
  /** `<rule id>: <sentence>`. */
  rule: string;
  evidence: LifecycleFact[];
  disagreements: LifecycleDisagreement[];
}

// ---- facts: what each record says, in words -----------------------------------------------------

type FactKind =
  | 'won-deal'
  | 'open-deal'
  | 'lost-deal'
  | 'live-subscription'
  | 'trial-subscription'
  | 'ended-subscription'
  | 'paid-invoice'
  | 'sales-order'
  | 'growth'
  | 'statement';

interface Fact extends LifecycleFact {
  kind: FactKind;
  /** When it happened (ms), where that matters: a subscription's end, a deal's close, an order's date. */
  at?: number;
  stated?: LifecycleStage;
  version?: string;
  sourceSystem?: SourceSystem;
}

const timeOf = (iso: string | undefined): number | undefined => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
};

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const folded = (text: string | undefined): string => (text === undefined ? '' : foldText(text));

const describeMoney = (amount: number | undefined, currency: string | undefined): string =>
  amount === undefined ? '' : ` of ${amount}${currency === undefined ? '' : ` ${currency}`}`;

type DealOutcome = 'won' | 'lost' | 'open';

/** `isWon`/`isClosed` when the CRM sent them, else the stage's words ('Closed Won', 'closedlost'). */
const dealOutcome = (deal: Partial<Opportunity>): DealOutcome => {
  const stage = folded(deal.stage).replace(/ /g, '');
  if (deal.isWon === true || stage === 'closedwon' || stage === 'won') return 'won';
  if (deal.isClosed === true || stage === 'closedlost' || stage === 'lost') return 'lost';
  return 'open';
};

const dealFacts = (deal: Sourced<Opportunity>): Fact[] => {
  const { fields, sourceKey } = deal;
  const outcome = dealOutcome(fields);
  const name = presentText(fields.name) ?? deal.externalId;
  const money = describeMoney(fields.amount, fields.currency);
  const closed = fields.closeDate === undefined ? '' : ` on ${fields.closeDate}`;
  const at = timeOf(fields.closeDate);
  if (outcome === 'won') return [{ kind: 'won-deal', sourceKey, fact: `opportunity "${name}"${money} closed won${closed}`, at }];
  if (outcome === 'lost') return [{ kind: 'lost-deal', sourceKey, fact: `opportunity "${name}"${money} closed lost${closed}` }];
  return [{ kind: 'open-deal', sourceKey, fact: `opportunity "${name}"${money} is open${fields.stage === undefined ? '' : ` (${fields.stage})`}` }];
};

const LIVE_STATUSES = new Set(['active', 'past_due', 'unpaid', 'paused']);
const ENDED_STATUSES = new Set(['canceled', 'cancelled', 'ended', 'expired', 'incomplete_expired']);

/**
 * Stripe's statuses (the most detailed): a canceled subscription still runs to the end of the
 * period it was paid for, and one set to cancel at the period's end has ended once that passed,
 * even if the 'canceled' event has not arrived yet. 'incomplete' (first payment pending) and
 * unknown statuses say nothing.
 */
const subscriptionFacts = (subscription: SubscriptionEvidence, now: number): Fact[] => {
  const { fields, sourceKey } = subscription;
  const status = (fields.status ?? '').trim().toLowerCase();
  const end = timeOf(fields.currentPeriodEnd);
  const plan = presentText(fields.plan) ?? 'unnamed plan';
  const what = `subscription to ${plan}${fields.quantity === undefined ? '' : ` × ${fields.quantity}`}`;
  if (status === 'trialing') return [{ kind: 'trial-subscription', sourceKey, fact: `${what} is in trial` }];
  const endsPassed = end !== undefined && end <= now;
  if (LIVE_STATUSES.has(status) && !(fields.cancelAtPeriodEnd === true && endsPassed)) {
    return [{ kind: 'live-subscription', sourceKey, fact: `${what} is ${status}` }, ...growthFacts(subscription, what)];
  }
  if (LIVE_STATUSES.has(status) || ENDED_STATUSES.has(status)) {
    if (end !== undefined && !endsPassed) return [{ kind: 'live-subscription', sourceKey, fact: `${what} is ${status}, paid through ${dayOf(end)}` }];
    const ended = end === undefined ? '' : ` on ${dayOf(end)}`;
    return [{ kind: 'ended-subscription', sourceKey, fact: `${what} ended${ended} (${status})`, at: end }];
  }
  return [];
};

const growthFacts = (subscription: SubscriptionEvidence, what: string): Fact[] => {
  const { fields, initial, sourceKey } = subscription;
  const facts: Fact[] = [];
  if (fields.quantity !== undefined && initial?.quantity !== undefined && fields.quantity > initial.quantity) {
    facts.push({ kind: 'growth', sourceKey, fact: `${what}: quantity grew from ${initial.quantity} to ${fields.quantity}` });
  }
  if (fields.amount !== undefined && initial?.amount !== undefined && fields.amount > initial.amount) {
    facts.push({ kind: 'growth', sourceKey, fact: `${what}: amount grew from ${initial.amount} to ${fields.amount}` });
  }
  return facts;
};

const UNPAID_INVOICE_STATUSES = new Set(['void', 'voided', 'draft', 'uncollectible', 'cancelled', 'canceled', 'rejected']);

/** Paid and worth something: Stripe writes a paid invoice of 0 for every trial. */
const invoiceFacts = (invoice: Sourced<Invoice>): Fact[] => {
  const { fields, sourceKey } = invoice;
  const status = folded(fields.status);
  if (UNPAID_INVOICE_STATUSES.has(status) || (fields.amount !== undefined && fields.amount <= 0)) return [];
  const paid = status === 'paid' || status === 'paid in full' || presentText(fields.paidAt) !== undefined;
  if (!paid) return [];
  const number = presentText(fields.number) ?? invoice.externalId;
  const when = fields.paidAt === undefined ? '' : ` on ${fields.paidAt.slice(0, 10)}`;
  return [{ kind: 'paid-invoice', sourceKey, fact: `invoice ${number}${describeMoney(fields.amount, fields.currency)} paid${when}` }];
};

/** NetSuite's sales order statuses that mean no sale (yet): everything else is a committed order. */
const NOT_A_SALE = /cancel|closed|reject|pending approval|void|draft/;

const orderFacts = (order: Sourced<Order>): Fact[] => {
  const { fields, sourceKey } = order;
  const status = folded(fields.status);
  if (status === '' || NOT_A_SALE.test(status) || (fields.amount !== undefined && fields.amount <= 0)) return [];
  const number = presentText(fields.orderNumber) ?? order.externalId;
  const dated = fields.orderDate === undefined ? '' : ` on ${fields.orderDate}`;
  return [{ kind: 'sales-order', sourceKey, fact: `sales order ${number}${describeMoney(fields.amount, fields.currency)}${dated} (${fields.status})`, at: timeOf(fields.orderDate) }];
};

const statementFacts = (account: Sourced<Account>): Fact[] => {
  const stated = account.fields.lifecycleStage;
  if (stated === undefined) return [];
  const { sourceKey, sourceSystem } = account;
  return [{ kind: 'statement', sourceKey, sourceSystem, stated, version: account.fieldVersions?.lifecycleStage, fact: `${sourceSystem} says ${stated}` }];
};

/** Two or more of something distinct (plans, product lines) among facts' records. */
const distinctGrowth = (items: readonly { sourceKey: string; key: string; label: string }[], what: string): Fact[] => {
  const distinct = new Set(items.map((i) => i.key));
  if (distinct.size < 2) return [];
  return items.map((i) => ({ kind: 'growth' as const, sourceKey: i.sourceKey, fact: `${what} "${i.label}" is one of ${distinct.size} ${what}s` }));
};

const factsOf = (evidence: LifecycleEvidence, now: number): Fact[] => {
  const deals = evidence.opportunities.filter(isActive);
  const subscriptions = evidence.subscriptions.filter(isActive);
  const liveSubscriptions = subscriptions.filter((s) => subscriptionFacts(s, now).some((f) => f.kind === 'live-subscription'));
  const planOf = (s: SubscriptionEvidence) => presentText(s.fields.plan);
  const wonLines = deals.filter((d) => dealOutcome(d.fields) === 'won' && presentText(d.fields.productLine) !== undefined);
  return [
    ...evidence.accounts.filter(isActive).flatMap(statementFacts),
    ...deals.flatMap(dealFacts),
    ...subscriptions.flatMap((s) => subscriptionFacts(s, now)),
    ...evidence.invoices.filter(isActive).flatMap(invoiceFacts),
    ...evidence.orders.filter(isActive).flatMap(orderFacts),
    ...distinctGrowth(
      liveSubscriptions.flatMap((s) => (planOf(s) === undefined ? [] : [{ sourceKey: s.sourceKey, key: folded(planOf(s)), label: planOf(s) as string }])),
      'plan',
    ),
    ...distinctGrowth(
      wonLines.map((d) => ({ sourceKey: d.sourceKey, key: folded(d.fields.productLine), label: d.fields.productLine as string })),
      'product line',
    ),
  ];
};

// ---- the rules ----------------------------------------------------------------------------------

const STAGE_ORDER: readonly LifecycleStage[] = ['lead', 'prospect', 'customer', 'expanded', 'churned'];

/** The newest statement; see the module comment for ties. */
const latestStatement = (facts: readonly Fact[]): Fact | undefined =>
  facts
    .filter((f) => f.kind === 'statement')
    .sort(
      (a, b) =>
        compareText(b.version ?? '', a.version ?? '') ||
        STAGE_ORDER.indexOf(b.stated as LifecycleStage) - STAGE_ORDER.indexOf(a.stated as LifecycleStage) ||
        compareText(a.sourceKey, b.sourceKey),
    )[0];

const ofKind = (facts: readonly Fact[], ...kinds: FactKind[]): Fact[] => facts.filter((f) => kinds.includes(f.kind));

const PURCHASE_KINDS: FactKind[] = ['won-deal', 'live-subscription', 'paid-invoice', 'sales-order'];

/** The facts a rule rests on, or null when it does not hold. */
type Supports = (facts: readonly Fact[]) => Fact[] | null;

const nonEmpty = (facts: Fact[]): Fact[] | null => (facts.length > 0 ? facts : null);

const allSubscriptionsEnded: Supports = (facts) => {
  const ended = ofKind(facts, 'ended-subscription');
  if (ended.length === 0 || ofKind(facts, 'live-subscription', 'trial-subscription', 'open-deal').length > 0) return null;
  // An end we do not know is taken as past: the subscription is over, we only lack the date.
  const lastEnd = Math.max(...ended.map((f) => f.at ?? Number.NEGATIVE_INFINITY));
  const boughtSince = ofKind(facts, 'won-deal', 'sales-order').some((f) => f.at !== undefined && f.at > lastEnd);
  return boughtSince ? null : ended;
};

const purchases: Supports = (facts) => nonEmpty(ofKind(facts, ...PURCHASE_KINDS));

const purchasesWithGrowth: Supports = (facts) => {
  const growth = ofKind(facts, 'growth');
  const bought = purchases(facts);
  return bought === null || growth.length === 0 ? null : [...bought, ...growth];
};

const statedAs =
  (stage: LifecycleStage): Supports =>
  (facts) => {
    const latest = latestStatement(facts);
    return latest?.stated === stage ? [latest] : null;
  };

const pipeline: Supports = (facts) => nonEmpty(ofKind(facts, 'open-deal', 'trial-subscription'));

/** Always holds, so every account has exactly one stage. */
const anything: Supports = (facts) => [...(statedAs('lead')(facts) ?? []), ...ofKind(facts, 'lost-deal')];

interface LifecycleRule {
  id: string;
  stage: LifecycleStage;
  sentence: string;
  supports: Supports;
}

/** Tried in order; the first that holds decides. */
export const LIFECYCLE_RULES = [
  {
    id: 'churned-billing',
    stage: 'churned',
    sentence: 'every subscription has ended, the last one before now, with no open opportunity and no purchase since',
    supports: allSubscriptionsEnded,
  },
  {
    id: 'expanded-growth',
    stage: 'expanded',
    sentence: 'a paying customer that grew: more quantity or amount than at first purchase, a second plan or a second product line',
    supports: purchasesWithGrowth,
  },
  { id: 'customer-purchase', stage: 'customer', sentence: 'a won opportunity, a live subscription, a paid invoice or a sales order', supports: purchases },
  { id: 'churned-stated', stage: 'churned', sentence: 'no billing or deal evidence, and the newest system statement says churned', supports: statedAs('churned') },
  { id: 'expanded-stated', stage: 'expanded', sentence: 'no billing or deal evidence, and the newest system statement says expanded', supports: statedAs('expanded') },
  { id: 'customer-stated', stage: 'customer', sentence: 'no billing or deal evidence, and the newest system statement says customer', supports: statedAs('customer') },
  { id: 'prospect-pipeline', stage: 'prospect', sentence: 'an open opportunity or a subscription in trial', supports: pipeline },
  { id: 'prospect-stated', stage: 'prospect', sentence: 'the newest system statement says prospect', supports: statedAs('prospect') },
  { id: 'lead-default', stage: 'lead', sentence: 'nothing shows a deal, a trial or a purchase', supports: anything },
] as const satisfies readonly LifecycleRule[];

export type LifecycleRuleId = (typeof LIFECYCLE_RULES)[number]['id'];

const describeRule = (rule: LifecycleRule): string => `${rule.id}: ${rule.sentence}`;

const disagreementsWith = (facts: readonly Fact[], stage: LifecycleStage, rule: string): LifecycleDisagreement[] =>
  ofKind(facts, 'statement')
    .filter((f) => f.stated !== stage)
    .map((f) => ({ sourceKey: f.sourceKey, sourceSystem: f.sourceSystem as SourceSystem, stated: f.stated as LifecycleStage, decided: stage, rule }))
    .sort(bySourceKeyThen((d) => d.stated));

const toEvidence = (facts: readonly Fact[]): LifecycleFact[] =>
  facts
    .map(({ sourceKey, fact }) => ({ sourceKey, fact }))
    .sort(bySourceKeyThen((f) => f.fact))
    .filter((f, i, all) => i === 0 || f.sourceKey !== all[i - 1]?.sourceKey || f.fact !== all[i - 1]?.fact);

/** Decides an account's lifecycle stage from its evidence, as of `now`. */
export const decideLifecycle = (evidence: LifecycleEvidence, now: Date): LifecycleDecision => {
  const facts = factsOf(evidence, now.getTime());
  for (const rule of LIFECYCLE_RULES) {
    const support = rule.supports(facts);
    if (support === null) continue;
    const described = describeRule(rule);
    return {
      unifiedId: evidence.unifiedId,
      stage: rule.stage,
      ruleId: rule.id,
      rule: described,
      evidence: toEvidence(support),
      disagreements: disagreementsWith(facts, rule.stage, described),
    };
  }
  throw new Error('lifecycle: the last rule always holds'); // unreachable: lead-default supports anything
};

// ---- transitions --------------------------------------------------------------------------------

export const LifecycleChanged = z.object({
  type: z.literal('identity.lifecycleChanged'),
  unifiedId: z.string(),
  /** null the first time a stage is decided. */
  from: LifecycleStage.nullable(),
  to: LifecycleStage,
  rule: z.string(),
  evidence: z.array(LifecycleFact),
  at: z.iso.datetime({ offset: true }),
});
export type LifecycleChanged = z.infer<typeof LifecycleChanged>;

/** The event to publish when the stage changed, or null when it did not (new evidence, same stage). */
export const lifecycleTransition = (previous: LifecycleDecision | undefined, next: LifecycleDecision, at: Date): LifecycleChanged | null => {
  if (previous !== undefined && previous.unifiedId !== next.unifiedId) {
    throw new Error(`lifecycle: a transition from ${previous.unifiedId} to ${next.unifiedId} mixes two accounts`);
  }
  if (previous?.stage === next.stage) return null;
  return {
    type: 'identity.lifecycleChanged',
    unifiedId: next.unifiedId,
    from: previous?.stage ?? null,
    to: next.stage,
    rule: next.rule,
    evidence: next.evidence,
    at: at.toISOString(),
  };
};
