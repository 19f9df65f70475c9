/**
 * What stops a handoff before it acts (pure): automation refuses to guess. An identity still in
 * question (an open merge proposal, conflicting trusted identifiers), a contract waiting for legal
 * review, a complaint while onboarding — each becomes an exception a person sees in Slack,
 * instead of records made for the wrong customer or a cheerful handover of an unhappy one.
 */
import type { ContextTicket, HandoffContext } from './facts';
import type { ExceptionReason } from './handoff';
import type { Playbook } from './playbook';

export interface Gate {
  reason: ExceptionReason;
  detail: string;
}

const URGENT = new Set(['high', 'urgent', 'critical', 'p1', 'p2']);

/** A ticket that says the customer is unhappy: high priority, or rated bad. */
export const isComplaint = (ticket: ContextTicket): boolean => URGENT.has(ticket.priority.toLowerCase()) || ticket.satisfaction === 'bad';

export const gateOf = (playbook: Playbook, context: HandoffContext): Gate | undefined => {
  if (context.ambiguities.length > 0) {
    return { reason: 'ambiguous-identity', detail: `the customer's identity is in question: ${context.ambiguities.map((a) => a.detail).join('; ')}` };
  }
  if (playbook.trigger.kind === 'opportunityWon' && context.opportunity?.legalReview === true) {
    return { reason: 'legal-review', detail: `the contract of ${context.opportunity.name} is flagged for legal review` };
  }
  if (playbook.trigger.kind === 'projectCompleted') {
    const complaints = context.openTickets.filter(isComplaint);
    if (complaints.length > 0) {
      return { reason: 'complaint', detail: `open complaint${complaints.length > 1 ? 's' : ''} during onboarding: ${complaints.map((t) => `“${t.subject}” (${t.priority}${t.satisfaction === 'bad' ? ', rated bad' : ''})`).join(', ')}` };
    }
  }
  return undefined;
};
