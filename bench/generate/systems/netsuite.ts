/**
 * NetSuite, the ERP: a customer record for every won account, created by finance after the win,
 * with a sales order per won opportunity and the invoices billed against it. Finance writes the
 * full registered name ("Incorporated", "Limited"), often in capitals.
 */
import type { PhoneStyle, WebsiteStyle } from '../formats';
import { isoDate, isoDateTime } from '../formats';
import { addressAt, DAY, type TrueAccount, type TrueCustomer } from '../model';
import type { AddressStyleWeights } from '../perturb';
import { baseTrace, keep, renderAddress, renderCompanyName, renderPhone, renderWebsite, type CompanyNameProfile } from '../render';
import type { Rng, Weights } from '../rng';
import type { RenderContext } from './render-context';

const NAME: CompanyNameProfile = {
  suffix: [['canonical', 40], ['variant', 45], ['drop', 10], ['other-family', 5]],
  nameCase: [['as-is', 85], ['upper', 10], ['upper-stem', 5]],
  typo: 0.01,
};
const PHONE: Weights<PhoneStyle | 'omit'> = [['national', 60], ['national-alt', 20], ['e164', 10], ['omit', 10]];
const WEBSITE: Weights<WebsiteStyle | 'omit'> = [['https-www', 30], ['www', 20], ['http-www', 10], ['omit', 40]];
const ADDRESS: AddressStyleWeights = { abbreviate: 0.3, region: [['canonical', 70], ['alternate', 30]], countryName: 0.7, compactPostal: 0.05, omitUnit: 0.05 };

const renderCustomer = (rng: Rng, account: TrueAccount, customer: TrueCustomer, ctx: RenderContext): string => {
  const trace = baseTrace(account);
  const id = ctx.ids.next('account');
  const at = customer.erpSince;
  ctx.ledger.create(
    'account',
    id,
    {
      name: renderCompanyName(rng, account, NAME, trace),
      phone: renderPhone(rng, account.phone, PHONE, trace),
      address: keep(rng, 0.97, trace) ? renderAddress(rng, addressAt(account, at), ADDRESS, trace) : undefined,
      website: renderWebsite(rng, account.domain, WEBSITE, trace),
      taxId: keep(rng, 0.9, trace) ? account.taxId : undefined,
      customerNumber: customer.customerNumber,
      industry: rng.chance(0.4) ? account.industry.name : undefined,
      ownerEmail: keep(rng, 0.7, trace) ? account.ownerEmail : undefined,
      lifecycleStage: 'customer',
    },
    at,
    { trueEntityId: account.id, perturbations: trace },
  );
  if (account.relocation && account.relocation.at > at && rng.chance(0.6)) {
    ctx.ledger.update('account', id, { address: renderAddress(rng, account.relocation.address, ADDRESS, trace) }, account.relocation.at + rng.float(0, 20) * DAY);
  }
  const churn = account.lifecycle.find((s) => s.stage === 'churned');
  if (churn && rng.chance(0.5)) ctx.ledger.update('account', id, { lifecycleStage: 'churned' }, churn.at + rng.float(0, 5) * DAY);
  return id;
};

export const renderNetsuite = (ctx: RenderContext): void => {
  for (const account of ctx.world.accounts) {
    const customer = account.customer;
    if (!customer) continue;
    const rng = ctx.rng.fork('account', account.index);
    const customerId = renderCustomer(rng, account, customer, ctx);
    for (const order of customer.orders) {
      const orderId = ctx.ids.next('order');
      ctx.ledger.create(
        'order',
        orderId,
        { orderNumber: order.number, accountRef: customerId, amount: order.amount, currency: order.currency, status: 'Pending Billing', orderDate: isoDate(order.createdAt) },
        order.createdAt,
        { trueEntityId: order.id },
      );
      if (order.billedAt !== undefined) ctx.ledger.update('order', orderId, { status: 'Billed' }, order.billedAt);
      for (const invoice of order.invoices) {
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
            status: 'Open',
            dueDate: isoDate(invoice.dueAt),
            paymentFailed: false,
          },
          invoice.issuedAt,
          { trueEntityId: invoice.id },
        );
        if (invoice.paidAt !== undefined) {
          ctx.ledger.update('invoice', invoiceId, { status: 'Paid In Full', amountDue: 0, paidAt: isoDateTime(invoice.paidAt) }, invoice.paidAt);
        }
      }
    }
  }
};
