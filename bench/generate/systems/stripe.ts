/**
 * Stripe, billing: a customer for every subscription customer (the name the buyer typed at
 * checkout, a billing address with an ISO country), the subscription with its status changes and
 * a monthly invoice per period, some of which fail and are retried.
 */
import type { EntityFields } from '../../../functions/shared/canonical';
import type { PhoneStyle } from '../formats';
import { isoDate, isoDateTime } from '../formats';
import { addressAt, DAY, type SubscriptionEvent, type TrueAccount } from '../model';
import type { AddressStyleWeights } from '../perturb';
import { baseTrace, keep, renderAddress, renderCompanyName, renderPhone, type CompanyNameProfile } from '../render';
import type { Rng, Weights } from '../rng';
import type { RenderContext } from './render-context';

const NAME: CompanyNameProfile = {
  suffix: [['canonical', 35], ['variant', 35], ['drop', 25], ['other-family', 5]],
  nameCase: [['as-is', 93], ['upper', 4], ['lower', 3]],
  typo: 0.02,
};
const PHONE: Weights<PhoneStyle | 'omit'> = [['e164', 45], ['international', 10], ['national', 5], ['omit', 40]];
const ADDRESS: AddressStyleWeights = { abbreviate: 0.5, region: [['canonical', 70], ['omit', 30]], countryName: 0, compactPostal: 0.2, omitUnit: 0.4 };

const subscriptionFields = (e: SubscriptionEvent): EntityFields['subscription'] => ({
  status: e.status,
  currentPeriodEnd: e.currentPeriodEnd === undefined ? undefined : isoDateTime(e.currentPeriodEnd),
  cancelAtPeriodEnd: e.cancelAtPeriodEnd,
});

const renderCustomer = (rng: Rng, account: TrueAccount, at: number, ctx: RenderContext): string => {
  const trace = baseTrace(account);
  const id = ctx.ids.next('account');
  ctx.ledger.create(
    'account',
    id,
    {
      name: renderCompanyName(rng, account, NAME, trace),
      phone: renderPhone(rng, account.phone, PHONE, trace),
      address: keep(rng, 0.8, trace) ? renderAddress(rng, addressAt(account, at), ADDRESS, trace) : undefined,
      taxId: rng.chance(0.4) ? account.taxId : undefined,
    },
    at,
    { trueEntityId: account.id, perturbations: trace },
  );
  if (account.relocation && account.relocation.at > at && rng.chance(0.4)) {
    ctx.ledger.update('account', id, { address: renderAddress(rng, account.relocation.address, ADDRESS, trace) }, account.relocation.at + rng.float(0, 30) * DAY);
  }
  return id;
};

export const renderStripe = (ctx: RenderContext): void => {
  for (const account of ctx.world.accounts) {
    const customer = account.customer;
    const sub = customer?.subscription;
    if (!customer || !sub || customer.billingSince === undefined) continue;
    const rng = ctx.rng.fork('account', account.index);
    const customerId = renderCustomer(rng, account, customer.billingSince, ctx);
    const [created, ...updates] = sub.events;
    const subId = ctx.ids.next('subscription');
    ctx.ledger.create(
      'subscription',
      subId,
      { accountRef: customerId, plan: sub.plan, quantity: sub.quantity, amount: sub.amount, currency: sub.currency, ...(created ? subscriptionFields(created) : {}) },
      sub.createdAt,
      { trueEntityId: sub.id },
    );
    for (const e of updates) ctx.ledger.update('subscription', subId, subscriptionFields(e), e.at);
    for (const invoice of sub.invoices) {
      const invoiceId = ctx.ids.next('invoice');
      ctx.ledger.create(
        'invoice',
        invoiceId,
        {
          number: invoice.number,
          accountRef: customerId,
          amount: invoice.amount,
          amountDue: invoice.amount,
          currency: invoice.currency,
          status: 'open',
          dueDate: isoDate(invoice.dueAt),
          paymentFailed: false,
        },
        invoice.issuedAt,
        { trueEntityId: invoice.id },
      );
      if (invoice.failedAt !== undefined) ctx.ledger.update('invoice', invoiceId, { paymentFailed: true }, invoice.failedAt);
      if (invoice.paidAt !== undefined) {
        ctx.ledger.update('invoice', invoiceId, { status: 'paid', amountDue: 0, paidAt: isoDateTime(invoice.paidAt) }, invoice.paidAt);
      }
    }
  }
};
