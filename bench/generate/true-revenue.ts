/**
 * The money side of a true account: opportunities with their stage history, and for customers the
 * sales orders, ERP invoices, the Stripe subscription with its monthly invoices (some failing),
 * and the helpdesk they were onboarded to.
 */
import { isoDate } from './formats';
import { CURRENCIES } from './geo';
import {
  DAY,
  HOUR,
  LAST_OPEN_STAGE,
  LOST_STAGE,
  MINUTE,
  WON_STAGE,
  type OpportunityStep,
  type TrueAccount,
  type TrueCustomer,
  type TrueInvoice,
  type TrueOpportunity,
  type TrueOrder,
  type TruePerson,
  type TrueSubscription,
} from './model';
import type { Rng, Weights } from './rng';
import { cents, nextId, pad, range, round, type Context } from './true-context';
import { makeTickets } from './true-support';

type Outcome = TrueOpportunity['outcome'];
const OPPORTUNITY_COUNTS: Weights<number> = [[1, 35], [2, 30], [3, 20], [4, 15]];
const FIRST_PROSPECT_OUTCOMES: Weights<Outcome> = [['lost', 45], ['open', 55]];
const LATER_CUSTOMER_OUTCOMES: Weights<Outcome> = [['won', 35], ['open', 40], ['lost', 25]];
const LATER_PROSPECT_OUTCOMES: Weights<Outcome> = [['lost', 40], ['open', 60]];
const PRODUCT_LINES = ['Platform', 'Analytics Add-on', 'Professional Services', 'Premium Support', 'Integrations Pack'];
const LEAD_SOURCES = ['Web', 'Partner Referral', 'Trade Show', 'Outbound', 'Inbound Call', 'Webinar', 'Content Download'];
/** Stripe prices: lookup key and monthly price per seat. */
const PLANS: readonly (readonly [string, number])[] = [
  ['starter-monthly', 29],
  ['growth-monthly', 59],
  ['business-monthly', 99],
  ['enterprise-monthly', 149],
];

const stepsFor = (rng: Rng, createdAt: number, outcome: Outcome, closedAt: number | undefined, now: number): OpportunityStep[] => {
  const start = rng.int(0, 1);
  const steps: OpportunityStep[] = [{ at: createdAt, stage: start }];
  const end = closedAt ?? Math.min(now - HOUR, createdAt + 60 * DAY);
  const current = outcome === 'open' ? rng.int(start, LAST_OPEN_STAGE) : rng.int(Math.min(start + 1, LAST_OPEN_STAGE), LAST_OPEN_STAGE);
  // Reps skip stages; one or two intermediate updates is what a real pipeline shows.
  const between = current > start ? rng.sample(range(start + 1, current), rng.int(1, 2)).sort((a, b) => a - b) : [];
  if (outcome === 'open' && current > start && !between.includes(current)) between.push(current);
  const times = between.map(() => rng.float(createdAt, end)).sort((a, b) => a - b);
  between.forEach((stage, i) => steps.push({ at: times[i] as number, stage }));
  if (closedAt !== undefined) steps.push({ at: closedAt, stage: outcome === 'won' ? WON_STAGE : LOST_STAGE });
  return steps;
};

export const makeOpportunities = (rng: Rng, ctx: Context, account: TrueAccount, isCustomer: boolean): TrueOpportunity[] => {
  const count = rng.weighted(OPPORTUNITY_COUNTS);
  const currency = CURRENCIES[account.country];
  const baseAmount = Math.min(400_000, Math.max(5_000, round(account.employees * rng.float(25, 110), 100)));
  const opps: TrueOpportunity[] = [];
  let createdAt = account.createdAt + rng.float(1, 20) * DAY;
  for (let k = 0; k < count; k++) {
    if (k > 0) createdAt += rng.float(10, 45) * DAY;
    if (createdAt > ctx.now - 3 * DAY) break;
    let outcome: Outcome =
      k === 0
        ? isCustomer
          ? 'won'
          : rng.weighted(FIRST_PROSPECT_OUTCOMES)
        : rng.weighted(isCustomer ? LATER_CUSTOMER_OUTCOMES : LATER_PROSPECT_OUTCOMES);
    let closedAt: number | undefined;
    if (outcome !== 'open') {
      closedAt = createdAt + (k === 0 ? rng.float(14, 50) : rng.float(10, 40)) * DAY;
      if (closedAt > ctx.now - DAY) {
        outcome = 'open';
        closedAt = undefined;
      }
    }
    const productLine = k === 0 ? 'Platform' : rng.pick(PRODUCT_LINES.slice(1));
    const opp: TrueOpportunity = {
      id: nextId(ctx, 'opportunity', 'opp'),
      accountId: account.id,
      name: k === 0 ? `${account.baseName} - ${productLine}` : `${account.baseName} - ${productLine} (${isCustomer ? 'Expansion' : 'New'})`,
      amount: k === 0 ? baseAmount : Math.max(1_000, round(baseAmount * rng.float(0.15, 0.5), 100)),
      currency,
      productLine,
      leadSource: isCustomer && k > 0 ? 'Existing Customer' : rng.pick(LEAD_SOURCES),
      ownerEmail: rng.chance(0.85) ? account.ownerEmail : rng.pick(ctx.reps),
      createdAt,
      steps: [],
      outcome,
      closeDate: closedAt !== undefined ? isoDate(closedAt) : isoDate(ctx.now + rng.float(7, 120) * DAY),
    };
    if (closedAt !== undefined) opp.closedAt = closedAt;
    opp.steps = stepsFor(rng, createdAt, outcome, closedAt, ctx.now);
    opps.push(opp);
  }
  return opps;
};

const makeOrders = (rng: Rng, ctx: Context, won: TrueOpportunity[], erpSince: number): TrueOrder[] =>
  won.map((opp) => {
    const createdAt = Math.max(erpSince + MINUTE, (opp.closedAt ?? opp.createdAt) + rng.float(1, 48) * HOUR);
    const order: TrueOrder = {
      id: nextId(ctx, 'order', 'ord'),
      number: `SO${pad(ctx.counters.order + 10_000, 6)}`,
      opportunityId: opp.id,
      amount: opp.amount,
      currency: opp.currency,
      createdAt,
      invoices: [],
    };
    const billedAt = createdAt + rng.float(1, 120) * HOUR;
    if (billedAt >= ctx.now) return order;
    order.billedAt = billedAt;
    const installments = opp.amount > 50_000 && rng.chance(0.4) ? 2 : 1;
    for (let k = 0; k < installments; k++) {
      const issuedAt = billedAt + k * 90 * DAY;
      if (issuedAt >= ctx.now) break;
      const invoice: TrueInvoice = {
        id: nextId(ctx, 'invoice', 'inv'),
        number: `INV${pad(ctx.counters.invoice + 20_000, 6)}`,
        amount: cents(opp.amount / installments),
        currency: opp.currency,
        issuedAt,
        dueAt: issuedAt + 30 * DAY,
      };
      const paidAt = issuedAt + rng.float(5, 45) * DAY;
      if (rng.chance(0.8) && paidAt < ctx.now) invoice.paidAt = paidAt;
      order.invoices.push(invoice);
    }
    return order;
  });

const invoicePrefix = (rng: Rng): string => {
  let s = '';
  for (let i = 0; i < 8; i++) s += '0123456789ABCDEF'[rng.int(0, 15)];
  return s;
};

const makeSubscription = (rng: Rng, ctx: Context, account: TrueAccount, billingSince: number) => {
  const [plan, unitPrice] = rng.pick(PLANS);
  const quantity = rng.int(5, 250);
  const createdAt = billingSince + rng.float(1, 60) * MINUTE;
  const trial = rng.chance(0.25) ? 14 * DAY : 0;
  const sub: TrueSubscription = {
    id: nextId(ctx, 'subscription', 'sub'),
    plan,
    quantity,
    amount: unitPrice * quantity,
    currency: CURRENCIES[account.country],
    createdAt,
    events: [{ at: createdAt, status: trial ? 'trialing' : 'active', currentPeriodEnd: createdAt + (trial || 30 * DAY), cancelAtPeriodEnd: false }],
    invoices: [],
  };
  const prefix = invoicePrefix(rng);
  let churnedAt: number | undefined;
  for (let k = 0, periodStart = createdAt + trial; periodStart < ctx.now; k++, periodStart += 30 * DAY) {
    if (k > 0 || trial) sub.events.push({ at: periodStart, ...(k === 0 ? { status: 'active' } : {}), currentPeriodEnd: periodStart + 30 * DAY });
    const invoice: TrueInvoice = {
      id: nextId(ctx, 'invoice', 'inv'),
      number: `${prefix}-${pad(k + 1, 4)}`,
      amount: sub.amount,
      currency: sub.currency,
      issuedAt: periodStart + rng.float(1, 30) * MINUTE,
      dueAt: periodStart,
    };
    sub.invoices.push(invoice);
    if (rng.chance(0.88)) {
      invoice.paidAt = invoice.issuedAt + rng.float(1, 120) * MINUTE;
    } else {
      invoice.failedAt = invoice.issuedAt + rng.float(1, 60) * MINUTE;
      sub.events.push({ at: invoice.failedAt, status: 'past_due' });
      const retryAt = invoice.issuedAt + rng.float(3, 7) * DAY;
      if (rng.chance(0.6)) {
        if (retryAt < ctx.now) {
          invoice.paidAt = retryAt;
          sub.events.push({ at: retryAt, status: 'active' });
        }
      } else {
        // Smart Retries gave up: the subscription stays unpaid and stops invoicing.
        const unpaidAt = invoice.issuedAt + 14 * DAY;
        if (unpaidAt < ctx.now) sub.events.push({ at: unpaidAt, status: 'unpaid' });
        break;
      }
    }
    if (k >= 2 && rng.chance(0.05)) {
      const requestedAt = periodStart + rng.float(1, 25) * DAY;
      const periodEnd = periodStart + 30 * DAY;
      if (requestedAt < ctx.now) sub.events.push({ at: requestedAt, cancelAtPeriodEnd: true });
      if (requestedAt < ctx.now && periodEnd < ctx.now) {
        sub.events.push({ at: periodEnd, status: 'canceled' });
        churnedAt = periodEnd;
      }
      break;
    }
  }
  sub.events.sort((a, b) => a.at - b.at);
  return { sub, churnedAt };
};

export const makeCustomer = (rng: Rng, ctx: Context, account: TrueAccount): TrueCustomer | undefined => {
  const won = account.opportunities.filter((o) => o.outcome === 'won');
  const first = won[0];
  if (!first || first.closedAt === undefined) return undefined;
  const wonAt = first.closedAt;
  const erpSince = wonAt + rng.float(1, 48) * HOUR;
  const customer: TrueCustomer = {
    customerNumber: `CUST-${10_000 + account.index}`,
    wonAt,
    erpSince,
    orders: makeOrders(rng, ctx, won, erpSince),
    tickets: [],
    supportUserIds: [],
  };
  if (rng.chance(0.8)) {
    customer.billingSince = wonAt + rng.float(2, 72) * HOUR;
    const { sub, churnedAt } = makeSubscription(rng, ctx, account, customer.billingSince);
    customer.subscription = sub;
    if (churnedAt !== undefined) account.lifecycle.push({ at: Math.min(ctx.now - MINUTE, churnedAt + rng.float(0, 14) * DAY), stage: 'churned' });
  }
  const supportSince = wonAt + rng.float(1, 7) * DAY;
  const tickets = makeTickets(rng, ctx, account, supportSince);
  if (tickets.length > 0 || rng.chance(0.6)) {
    customer.supportSince = supportSince;
    customer.tickets = tickets;
    const users = new Set(tickets.map((t) => t.requesterId));
    for (const p of account.contacts) if (rng.chance(0.2)) users.add(p.id);
    if (users.size === 0) users.add((account.contacts[0] as TruePerson).id);
    customer.supportUserIds = account.contacts.filter((p) => users.has(p.id)).map((p) => p.id);
  }
  return customer;
};
