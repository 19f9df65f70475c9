import fc from 'fast-check';
import {
  formatSourceVersion,
  LifecycleStage,
  type Account,
  type Invoice,
  type Opportunity,
  type Order,
  type SourceSystem,
} from '../../../../functions/shared/canonical';
import {
  decideLifecycle,
  LIFECYCLE_RULES,
  LifecycleChanged,
  lifecycleTransition,
  type LifecycleEvidence,
  type SubscriptionEvidence,
} from '../../../../functions/identity/golden/lifecycle';
import type { Sourced } from '../../../../functions/identity/golden/sourced';

const now = new Date('2026-06-01T00:00:00Z');

const evidence = (parts: Partial<LifecycleEvidence> = {}): LifecycleEvidence => ({
  unifiedId: 'cust-1',
  accounts: [],
  opportunities: [],
  subscriptions: [],
  invoices: [],
  orders: [],
  ...parts,
});

const sourced = <T,>(sourceSystem: SourceSystem, entityType: string, externalId: string, fields: Partial<T>, extra: Partial<Sourced<T>> = {}): Sourced<T> => ({
  sourceKey: `${sourceSystem}#${entityType}#${externalId}`,
  sourceSystem,
  externalId,
  fields,
  ...extra,
});

const account = (system: SourceSystem, id: string, lifecycleStage: Account['lifecycleStage'] | undefined, day?: number) =>
  sourced<Account>(system, 'account', id, { lifecycleStage }, day === undefined ? {} : { fieldVersions: { lifecycleStage: formatSourceVersion(Date.UTC(2026, 0, day)) } });
const deal = (id: string, fields: Partial<Opportunity>, extra: Partial<Sourced<Opportunity>> = {}) =>
  sourced<Opportunity>('salesforce', 'opportunity', id, { name: `Deal ${id}`, ...fields }, extra);
const subscription = (id: string, fields: SubscriptionEvidence['fields'], initial?: SubscriptionEvidence['initial']): SubscriptionEvidence => ({
  ...sourced('stripe', 'subscription', id, { plan: 'Pro', quantity: 5, amount: 500, currency: 'EUR', ...fields }),
  ...(initial === undefined ? {} : { initial }),
});
const invoice = (id: string, fields: Partial<Invoice>, extra: Partial<Sourced<Invoice>> = {}) => sourced<Invoice>('stripe', 'invoice', id, { number: `INV-${id}`, ...fields }, extra);
const order = (id: string, fields: Partial<Order>) => sourced<Order>('netsuite', 'order', id, { orderNumber: `SO${id}`, ...fields });

const decide = (parts: Partial<LifecycleEvidence> = {}) => decideLifecycle(evidence(parts), now);

describe('lifecycle rules', () => {
  it('calls an account with no evidence at all a lead', () => {
    expect(decide()).toEqual({
      unifiedId: 'cust-1',
      stage: 'lead',
      ruleId: 'lead-default',
      rule: 'lead-default: nothing shows a deal, a trial or a purchase',
      evidence: [],
      disagreements: [],
    });
  });

  it('keeps a lead whose only deal was lost a lead, citing the lost deal', () => {
    const result = decide({ opportunities: [deal('1', { isClosed: true, isWon: false, amount: 1000, currency: 'EUR' })] });
    expect(result.stage).toBe('lead');
    expect(result.evidence).toEqual([{ sourceKey: 'salesforce#opportunity#1', fact: 'opportunity "Deal 1" of 1000 EUR closed lost' }]);
  });

  it('makes an account with an open opportunity a prospect', () => {
    const result = decide({ opportunities: [deal('1', { isClosed: false, stage: 'Negotiation' })] });
    expect(result).toMatchObject({ stage: 'prospect', ruleId: 'prospect-pipeline' });
    expect(result.evidence[0]?.fact).toBe('opportunity "Deal 1" is open (Negotiation)');
  });

  it('makes an account trying the product a prospect', () => {
    expect(decide({ subscriptions: [subscription('sub_1', { status: 'trialing' })] }).stage).toBe('prospect');
  });

  it('believes a system that says prospect when nothing else is known', () => {
    expect(decide({ accounts: [account('hubspot', '1', 'prospect')] })).toMatchObject({ stage: 'prospect', ruleId: 'prospect-stated' });
  });

  it.each([
    ['a won opportunity', { opportunities: [deal('1', { isWon: true, isClosed: true, closeDate: '2026-03-01' })] }],
    ['an opportunity in stage "Closed Won" without flags', { opportunities: [deal('1', { stage: 'Closed Won' })] }],
    ['an active subscription', { subscriptions: [subscription('sub_1', { status: 'active' })] }],
    ['a past-due subscription', { subscriptions: [subscription('sub_1', { status: 'past_due' })] }],
    ['a paid invoice', { invoices: [invoice('1', { status: 'paid', amount: 1200, currency: 'EUR' })] }],
    ['a NetSuite invoice paid in full', { invoices: [invoice('1', { status: 'Paid In Full', amount: 90 })] }],
    ['an invoice with a payment date', { invoices: [invoice('1', { status: 'open', amount: 90, paidAt: '2026-04-01T10:00:00Z' })] }],
    ['a sales order', { orders: [order('1', { status: 'Pending Fulfillment', amount: 5000, orderDate: '2026-02-01' })] }],
    ['a canceled subscription still inside its paid period', { subscriptions: [subscription('sub_1', { status: 'canceled', currentPeriodEnd: '2026-06-30T00:00:00Z' })] }],
  ])('makes a customer of %s', (_what, parts) => {
    expect(decide(parts as Partial<LifecycleEvidence>)).toMatchObject({ stage: 'customer', ruleId: 'customer-purchase' });
  });

  it.each([
    ['a zero invoice (Stripe writes one for every trial)', { invoices: [invoice('1', { status: 'paid', amount: 0 })] }],
    ['a voided invoice', { invoices: [invoice('1', { status: 'void', amount: 100, paidAt: '2026-01-01T00:00:00Z' })] }],
    ['an unpaid invoice', { invoices: [invoice('1', { status: 'open', amount: 100 })] }],
    ['a cancelled order', { orders: [order('1', { status: 'Cancelled', amount: 100 })] }],
    ['an order pending approval', { orders: [order('1', { status: 'Pending Approval', amount: 100 })] }],
    ['an order without a status', { orders: [order('1', { amount: 100 })] }],
    ['an incomplete subscription', { subscriptions: [subscription('sub_1', { status: 'incomplete' })] }],
    ['a deleted won opportunity', { opportunities: [deal('1', { isWon: true }, { status: 'deleted' })] }],
    ['an erased paid invoice', { invoices: [invoice('1', { status: 'paid', amount: 10 }, { status: 'erased' })] }],
  ])('does not make a customer of %s', (_what, parts) => {
    expect(decide(parts as Partial<LifecycleEvidence>).stage).toBe('lead');
  });

  it.each([
    ['its quantity grew since the first purchase', [subscription('sub_1', { status: 'active', quantity: 12 }, { quantity: 5 })], 'quantity grew from 5 to 12'],
    ['its amount grew since the first purchase', [subscription('sub_1', { status: 'active', amount: 900 }, { amount: 500 })], 'amount grew from 500 to 900'],
    ['a second plan was added', [subscription('sub_1', { status: 'active', plan: 'Pro' }), subscription('sub_2', { status: 'active', plan: 'Analytics' })], 'is one of 2 plans'],
  ])('expands a customer when %s', (_what, subscriptions, fact) => {
    const result = decide({ subscriptions });
    expect(result).toMatchObject({ stage: 'expanded', ruleId: 'expanded-growth' });
    expect(result.evidence.map((e) => e.fact).join('\n')).toContain(fact);
  });

  it('expands a customer who won deals in two product lines', () => {
    const result = decide({ opportunities: [deal('1', { isWon: true, productLine: 'Platform' }), deal('2', { isWon: true, productLine: 'Services' })] });
    expect(result.stage).toBe('expanded');
  });

  it('does not count a second deal in the same product line, a smaller subscription or the same plan twice as growth', () => {
    expect(decide({ opportunities: [deal('1', { isWon: true, productLine: 'Platform' }), deal('2', { isWon: true, productLine: 'platform' })] }).stage).toBe('customer');
    expect(decide({ subscriptions: [subscription('sub_1', { status: 'active', quantity: 3 }, { quantity: 5 })] }).stage).toBe('customer');
    expect(decide({ subscriptions: [subscription('sub_1', { status: 'active' }), subscription('sub_2', { status: 'active', plan: 'pro' })] }).stage).toBe('customer');
  });

  it('does not count growth on a subscription that has ended', () => {
    const result = decide({
      subscriptions: [subscription('sub_1', { status: 'canceled', quantity: 20, currentPeriodEnd: '2026-01-01T00:00:00Z' }, { quantity: 5 })],
      invoices: [invoice('1', { status: 'paid', amount: 10 })],
    });
    expect(result.stage).toBe('churned');
  });

  it('churns an account whose subscriptions have all ended before now', () => {
    const result = decide({
      subscriptions: [
        subscription('sub_1', { status: 'canceled', currentPeriodEnd: '2026-03-01T00:00:00Z' }),
        subscription('sub_2', { status: 'incomplete_expired' }),
      ],
      invoices: [invoice('1', { status: 'paid', amount: 500 })],
    });
    expect(result).toMatchObject({ stage: 'churned', ruleId: 'churned-billing' });
    expect(result.evidence).toEqual([
      { sourceKey: 'stripe#subscription#sub_1', fact: 'subscription to Pro × 5 ended on 2026-03-01 (canceled)' },
      { sourceKey: 'stripe#subscription#sub_2', fact: 'subscription to Pro × 5 ended (incomplete_expired)' },
    ]);
  });

  it('churns a subscription set to cancel once its period has passed, before the cancel event arrives', () => {
    const result = decide({ subscriptions: [subscription('sub_1', { status: 'active', cancelAtPeriodEnd: true, currentPeriodEnd: '2026-05-31T00:00:00Z' })] });
    expect(result.stage).toBe('churned');
  });

  it('holds churn back while an opportunity is open, or after a purchase made since the end', () => {
    const ended = subscription('sub_1', { status: 'canceled', currentPeriodEnd: '2026-03-01T00:00:00Z' });
    const paid = invoice('1', { status: 'paid', amount: 500 });
    expect(decide({ subscriptions: [ended], invoices: [paid], opportunities: [deal('r', { isClosed: false, name: 'Renewal' })] }).stage).toBe('customer');
    expect(decide({ subscriptions: [ended], opportunities: [deal('w', { isWon: true, closeDate: '2026-04-01' })] }).stage).toBe('customer');
    expect(decide({ subscriptions: [ended], orders: [order('9', { status: 'Billed', orderDate: '2026-02-01', amount: 10 })] }).stage).toBe('churned');
  });

  it('lets billing win for churn when the CRM still says customer, and lists the disagreement', () => {
    const result = decide({
      accounts: [account('salesforce', '001A', 'customer'), account('hubspot', '7', 'churned')],
      subscriptions: [subscription('sub_1', { status: 'canceled', currentPeriodEnd: '2026-03-01T00:00:00Z' })],
    });
    expect(result.stage).toBe('churned');
    expect(result.disagreements).toEqual([
      { sourceKey: 'salesforce#account#001A', sourceSystem: 'salesforce', stated: 'customer', decided: 'churned', rule: result.rule },
    ]);
  });

  it('keeps a paying account a customer when the CRM says churned', () => {
    const result = decide({ accounts: [account('salesforce', '001A', 'churned')], subscriptions: [subscription('sub_1', { status: 'active' })] });
    expect(result.stage).toBe('customer');
    expect(result.disagreements).toHaveLength(1);
  });

  it('believes a stated post-sale stage when billing says nothing, the newest statement first', () => {
    expect(decide({ accounts: [account('salesforce', '1', 'customer', 5), account('hubspot', '2', 'lead', 2)] })).toMatchObject({ stage: 'customer', ruleId: 'customer-stated' });
    expect(decide({ accounts: [account('salesforce', '1', 'customer', 5), account('hubspot', '2', 'lead', 9)] })).toMatchObject({ stage: 'lead', ruleId: 'lead-default' });
    expect(decide({ accounts: [account('salesforce', '1', 'churned')] }).ruleId).toBe('churned-stated');
    expect(decide({ accounts: [account('salesforce', '1', 'expanded')] }).ruleId).toBe('expanded-stated');
  });

  it('settles statements without versions by the later stage', () => {
    expect(decide({ accounts: [account('hubspot', '2', 'prospect'), account('salesforce', '1', 'customer')] }).stage).toBe('customer');
  });

  it('lets a stated customer outrank an open opportunity, but not a stated lead', () => {
    const open = deal('1', { isClosed: false });
    expect(decide({ accounts: [account('salesforce', '1', 'customer')], opportunities: [open] }).stage).toBe('customer');
    expect(decide({ accounts: [account('salesforce', '1', 'lead')], opportunities: [open] }).stage).toBe('prospect');
  });

  it('ignores the statements of deleted account records', () => {
    const deleted = { ...account('salesforce', '1', 'customer'), status: 'deleted' as const };
    expect(decide({ accounts: [deleted] })).toMatchObject({ stage: 'lead', disagreements: [] });
  });
});

describe('lifecycle transitions', () => {
  const at = new Date('2026-06-01T08:00:00Z');
  const prospect = decide({ opportunities: [deal('1', { isClosed: false })] });
  const customer = decide({ opportunities: [deal('1', { isWon: true })] });

  it('reports nothing when the stage did not change', () => {
    expect(lifecycleTransition(customer, decide({ opportunities: [deal('1', { isWon: true }), deal('2', { isWon: true })] }), at)).toBeNull();
  });

  it('reports a change with the rule and evidence of the new stage', () => {
    const event = lifecycleTransition(prospect, customer, at);
    expect(event).toEqual({
      type: 'identity.lifecycleChanged',
      unifiedId: 'cust-1',
      from: 'prospect',
      to: 'customer',
      rule: customer.rule,
      evidence: customer.evidence,
      at: '2026-06-01T08:00:00.000Z',
    });
    expect(LifecycleChanged.parse(event)).toEqual(event);
  });

  it('reports the first stage decided as a change from nothing', () => {
    expect(lifecycleTransition(undefined, prospect, at)).toMatchObject({ from: null, to: 'prospect' });
  });

  it('refuses to compare two accounts', () => {
    expect(() => lifecycleTransition(prospect, { ...customer, unifiedId: 'cust-2' }, at)).toThrow(/two accounts/);
  });
});

describe('lifecycle properties', () => {
  const date = fc.constantFrom('2026-01-15', '2026-05-31', '2026-06-02', '2027-01-01');
  const sometimes = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const status = fc.constantFrom<Sourced<unknown>['status']>('active', 'active', 'active', 'deleted', 'erased');
  const list = <F,>(system: SourceSystem, type: string, fields: fc.Arbitrary<F>, extra: (i: number) => object = () => ({})) =>
    fc.array(fc.tuple(fields, status), { maxLength: 4 }).map((items) => items.map(([f, s], i) => ({ ...sourced(system, type, `${type}${i}`, f as Partial<unknown>, { status: s }), ...extra(i) })));

  const arbEvidence: fc.Arbitrary<LifecycleEvidence> = fc.record({
    unifiedId: fc.constant('cust-1'),
    accounts: fc
      .array(fc.tuple(fc.constantFrom<SourceSystem>('salesforce', 'hubspot', 'netsuite'), sometimes(fc.constantFrom(...LifecycleStage.options)), sometimes(fc.integer({ min: 1, max: 3 })), status), { maxLength: 3 })
      .map((items) =>
        items.map(([system, stage, day, s], i) => ({ ...account(system, `a${i}`, stage, day), status: s })),
      ),
    opportunities: list('salesforce', 'opportunity', fc.record({ isWon: fc.boolean(), isClosed: fc.boolean(), stage: fc.constantFrom('Closed Won', 'Closed Lost', 'Prospecting', '✓'), closeDate: date, productLine: fc.constantFrom('A', 'B', '') }, { requiredKeys: [] })) as fc.Arbitrary<Sourced<Opportunity>[]>,
    subscriptions: list(
      'stripe',
      'subscription',
      fc.record(
        {
          status: fc.constantFrom('active', 'past_due', 'trialing', 'canceled', 'incomplete', 'unpaid', 'paused', 'weird', ''),
          plan: fc.constantFrom('Pro', 'pro', 'Team'),
          quantity: fc.nat(20),
          amount: fc.integer({ min: -5, max: 900 }),
          currentPeriodEnd: date.map((d) => `${d}T00:00:00Z`),
          cancelAtPeriodEnd: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
    ).chain((subs) => fc.tuple(...subs.map((s) => sometimes(fc.record({ quantity: fc.nat(20), amount: fc.nat(900) }, { requiredKeys: [] })).map((initial) => (initial === undefined ? s : { ...s, initial }))))) as fc.Arbitrary<SubscriptionEvidence[]>,
    invoices: list('stripe', 'invoice', fc.record({ status: fc.constantFrom('paid', 'open', 'void', 'Paid In Full'), amount: fc.integer({ min: -10, max: 100 }), paidAt: fc.constant('2026-01-01T00:00:00Z') }, { requiredKeys: [] })) as fc.Arbitrary<Sourced<Invoice>[]>,
    orders: list('netsuite', 'order', fc.record({ status: fc.constantFrom('Billed', 'Cancelled', 'Closed', 'Pending Approval', ''), amount: fc.integer({ min: 0, max: 100 }), orderDate: date }, { requiredKeys: [] })) as fc.Arbitrary<Sourced<Order>[]>,
  });

  const shuffle = <T,>(items: readonly T[]) => fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

  it('gives every account exactly one stage, from one of the rules', () => {
    fc.assert(
      fc.property(arbEvidence, (e) => {
        const result = decideLifecycle(e, now);
        const rule = LIFECYCLE_RULES.find((r) => r.id === result.ruleId);
        expect(LifecycleStage.options).toContain(result.stage);
        expect(rule?.stage).toBe(result.stage);
        expect(result.rule.startsWith(`${result.ruleId}: `)).toBe(true);
        // every fact cites one of the account's records
        const keys = [...e.accounts, ...e.opportunities, ...e.subscriptions, ...e.invoices, ...e.orders].map((r) => r.sourceKey);
        for (const fact of result.evidence) expect(keys).toContain(fact.sourceKey);
        // a disagreement is exactly an active statement that differs from the decision
        expect(result.disagreements.map((d) => d.sourceKey).sort()).toEqual(
          e.accounts.filter((a) => (a.status ?? 'active') === 'active' && a.fields.lifecycleStage !== undefined && a.fields.lifecycleStage !== result.stage).map((a) => a.sourceKey).sort(),
        );
      }),
    );
  });

  it('decides the same whatever order the records come in', () => {
    const arbShuffled = arbEvidence.chain((e) =>
      fc.tuple(
        fc.constant(e),
        fc.record({
          unifiedId: fc.constant(e.unifiedId),
          accounts: shuffle(e.accounts),
          opportunities: shuffle(e.opportunities),
          subscriptions: shuffle(e.subscriptions),
          invoices: shuffle(e.invoices),
          orders: shuffle(e.orders),
        }),
      ),
    );
    fc.assert(fc.property(arbShuffled, ([e, shuffled]) => expect(decideLifecycle(shuffled, now)).toEqual(decideLifecycle(e, now))));
  });

  it('reports a transition exactly when the stage changes', () => {
    fc.assert(
      fc.property(arbEvidence, arbEvidence, (a, b) => {
        const [before, after] = [decideLifecycle(a, now), decideLifecycle(b, now)];
        const event = lifecycleTransition(before, after, now);
        expect(event === null).toBe(before.stage === after.stage);
      }),
    );
  });
});
