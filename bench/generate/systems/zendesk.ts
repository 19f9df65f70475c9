/**
 * Zendesk, support: an organization for customers that use the helpdesk (short names, a domain
 * for auto-assignment, sometimes the ERP number as external id), a user for everyone who writes
 * in, and their tickets with status, priority and satisfaction changes.
 */
import type { EntityFields } from '../../../functions/shared/canonical';
import type { TicketStep, TrueAccount, TrueCustomer } from '../model';
import { HOUR, MINUTE } from '../model';
import { isoDateTime } from '../formats';
import {
  baseTrace,
  claimEmail,
  keep,
  renderCompanyName,
  renderEmail,
  renderPersonName,
  renderPhone,
  variantEmail,
  type CompanyNameProfile,
  type PersonNameProfile,
} from '../render';
import type { Rng } from '../rng';
import type { RenderContext } from './render-context';

const NAME: CompanyNameProfile = {
  suffix: [['drop', 50], ['canonical', 30], ['variant', 15], ['other-family', 5]],
  nameCase: [['as-is', 95], ['upper', 5]],
  typo: 0.02,
};
const PERSON_NAME: PersonNameProfile = { nickname: 0.1, transliteration: 0.15, lowerCase: 0.05, typo: 0.02 };

const ticketFields = (s: TicketStep): EntityFields['ticket'] => ({ status: s.status, satisfaction: s.satisfaction, priority: s.priority });

const renderUsers = (rng: Rng, account: TrueAccount, customer: TrueCustomer, orgId: string, orgAt: number, ctx: RenderContext, used: Set<string>) => {
  const ids = new Map<string, string>();
  for (const personId of customer.supportUserIds) {
    const person = account.contacts.find((p) => p.id === personId);
    if (!person) continue;
    const firstTicket = customer.tickets.filter((t) => t.requesterId === personId).reduce((min, t) => Math.min(min, t.openedAt), Infinity);
    // Users appear when they first write in; a few are added by an agent ahead of time.
    const wanted = Number.isFinite(firstTicket) ? firstTicket - rng.float(0, 5) * MINUTE : orgAt + rng.float(1, 120) * HOUR;
    const at = Math.max(orgAt + MINUTE, wanted);
    const trace = baseTrace(person);
    const name = renderPersonName(rng, person, PERSON_NAME, trace);
    let email = renderEmail(rng, person, account.domain, 0.12, trace);
    if (used.has(email)) {
      email = variantEmail(rng, person, account.domain);
      trace.add('email-variant');
    }
    const fields: EntityFields['person'] = {
      firstName: name.firstName,
      lastName: keep(rng, 0.9, trace) ? name.lastName : undefined,
      email: claimEmail(used, email),
      phone: rng.chance(0.3) ? renderPhone(rng, person.phone, [['e164', 1], ['international', 1], ['national', 1]], trace) : undefined,
      accountRef: orgId,
    };
    const id = ctx.ids.next('person');
    ctx.ledger.create('person', id, fields, at, { trueEntityId: person.id, perturbations: trace });
    ids.set(personId, id);
  }
  return ids;
};

export const renderZendesk = (ctx: RenderContext): void => {
  const used = new Set<string>();
  for (const account of ctx.world.accounts) {
    const customer = account.customer;
    if (!customer || customer.supportSince === undefined) continue;
    const rng = ctx.rng.fork('account', account.index);
    const trace = baseTrace(account);
    const orgId = ctx.ids.next('account');
    const orgAt = customer.supportSince;
    ctx.ledger.create(
      'account',
      orgId,
      {
        name: renderCompanyName(rng, account, NAME, trace),
        domain: keep(rng, 0.85, trace) ? account.domain : undefined,
        customerNumber: rng.chance(0.5) ? customer.customerNumber : undefined,
      },
      orgAt,
      { trueEntityId: account.id, perturbations: trace },
    );
    const userIds = renderUsers(rng, account, customer, orgId, orgAt, ctx, used);
    for (const ticket of customer.tickets) {
      const requesterRef = userIds.get(ticket.requesterId);
      if (requesterRef === undefined) continue;
      const id = ctx.ids.next('ticket');
      ctx.ledger.create(
        'ticket',
        id,
        {
          subject: ticket.subject,
          accountRef: orgId,
          requesterRef,
          status: 'new',
          priority: ticket.priority,
          openedAt: isoDateTime(ticket.openedAt),
          satisfaction: 'unoffered',
        },
        ticket.openedAt,
        { trueEntityId: ticket.id },
      );
      for (const step of ticket.steps) ctx.ledger.update('ticket', id, ticketFields(step), step.at);
    }
  }
};
