/**
 * Helpdesk tickets of a true customer: who wrote in, about what, and how each ticket moved
 * through Zendesk's statuses and satisfaction rating.
 */
import type { ContactRole } from '../../functions/shared/canonical';
import { DAY, HOUR, MINUTE, type Satisfaction, type TicketStep, type TrueAccount, type TruePerson, type TrueTicket } from './model';
import type { Rng, Weights } from './rng';
import { nextId, type Context } from './true-context';

const TICKET_COUNTS: Weights<number> = [[0, 15], [1, 20], [2, 20], [3, 15], [4, 12], [5, 10], [6, 8]];
const PRIORITIES: Weights<string> = [['low', 25], ['normal', 50], ['high', 18], ['urgent', 7]];
/** A solved ticket is rated good, bad, or not at all. */
const RATINGS: Weights<Satisfaction | undefined> = [['good', 70], ['bad', 15], [undefined, 15]];
/** Users write in most; executive sponsors hardly ever do. */
const REQUESTER_WEIGHT: Record<ContactRole, number> = { user: 5, influencer: 3, buyer: 1, executive_sponsor: 0.3 };
const TICKET_SUBJECTS = [
  'Cannot log in to the dashboard',
  'SSO configuration with Okta',
  'Invoice shows the wrong VAT number',
  'API rate limit errors since this morning',
  'Export to CSV times out',
  'Please add three new users',
  'Data sync delayed by several hours',
  'Question about renewal pricing',
  'Webhook deliveries failing with 401',
  'Feature request: custom fields on accounts',
  'Password reset email not received',
  'Report totals do not match our ERP',
  'Integration with NetSuite stopped syncing',
  'How do I configure roles and permissions?',
  'Request to upgrade our plan',
  'Slow page loads in the EU region',
  'Change of billing contact',
  'Bulk import failed with error 422',
];
export const makeTickets = (rng: Rng, ctx: Context, account: TrueAccount, supportSince: number): TrueTicket[] => {
  const count = rng.weighted(TICKET_COUNTS);
  const requesters: Weights<TruePerson> = account.contacts.map((p) => [p, REQUESTER_WEIGHT[p.role]] as const);
  const tickets: TrueTicket[] = [];
  for (let k = 0; k < count; k++) {
    const requester = rng.weighted(requesters);
    const earliest = Math.max(supportSince, requester.createdAt) + HOUR;
    if (earliest >= ctx.now - HOUR) continue;
    const openedAt = rng.float(earliest, ctx.now - HOUR);
    const priority = rng.weighted(PRIORITIES);
    const steps: TicketStep[] = [];
    let t = openedAt + rng.float(10, 480) * MINUTE;
    const push = (step: Omit<TicketStep, 'at'>) => {
      if (t < ctx.now) steps.push({ at: t, ...step });
    };
    push({ status: 'open' });
    if (priority === 'normal' && rng.chance(0.1)) push({ priority: 'high' });
    if (rng.chance(0.4)) {
      t += rng.float(1, 48) * HOUR;
      push({ status: 'pending' });
    }
    if (rng.chance(0.7)) {
      t += rng.float(1, 240) * HOUR;
      push({ status: 'solved', satisfaction: 'offered' });
      const rated = rng.weighted(RATINGS);
      t += rng.float(1, 72) * HOUR;
      if (rated) push({ satisfaction: rated });
      t += 4 * DAY;
      push({ status: 'closed' });
    }
    tickets.push({ id: nextId(ctx, 'ticket', 'tkt'), requesterId: requester.id, subject: rng.pick(TICKET_SUBJECTS), priority, openedAt, steps });
  }
  return tickets;
};
