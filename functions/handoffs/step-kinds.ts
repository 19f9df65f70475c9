/**
 * The steps a playbook may name, and what each needs from the runtime and the playbook: the target
 * system it writes to, the triggers it makes sense on, the steps that must come before it (their
 * outputs are its inputs) and the template values it reads. The loader (playbook.ts) checks a
 * playbook against this table; the runners (steps.ts) do the work.
 */
import type { TemplateValues, TriggerKind } from './playbook';
import type { TargetSystem } from './targets/ports';

export interface StepKindDefinition {
  title: string;
  target?: TargetSystem;
  triggers: readonly TriggerKind[];
  /** Step kinds (names in STEP_KINDS) that must come earlier in the playbook. */
  after: readonly string[];
  templateValues: readonly (keyof TemplateValues)[];
  /**
   * at-least-once: the target honours our key, so an attempt whose outcome is unknown is simply
   * made again. at-most-once: it cannot (email), so such an attempt becomes an exception for a person.
   */
  delivery: 'at-least-once' | 'at-most-once';
}

const kind = (definition: Omit<StepKindDefinition, 'after' | 'templateValues' | 'delivery'> & Partial<StepKindDefinition>): StepKindDefinition => ({
  after: [],
  templateValues: [],
  delivery: 'at-least-once',
  ...definition,
});

export const STEP_KINDS = {
  'crm.leadContext': kind({ title: 'Lead context carried onto the opportunity', target: 'crm', triggers: ['lifecycleChanged'] }),
  'erp.customer': kind({ title: 'ERP customer', target: 'erp', triggers: ['opportunityWon'] }),
  'erp.salesOrder': kind({ title: 'ERP sales order', target: 'erp', triggers: ['opportunityWon'], after: ['erp.customer'] }),
  'cs.assignOwner': kind({ title: 'CS owner assigned', triggers: ['opportunityWon'] }),
  'pm.project': kind({ title: 'Onboarding project', target: 'pm', triggers: ['opportunityWon'], templateValues: ['projectTemplate'] }),
  'email.welcome': kind({
    title: 'Welcome email',
    target: 'email',
    triggers: ['opportunityWon'],
    after: ['cs.assignOwner'],
    templateValues: ['sender', 'emailSubject', 'emailBody'],
    delivery: 'at-most-once',
  }),
  'calendar.kickoff': kind({ title: 'Kickoff meeting', target: 'calendar', triggers: ['opportunityWon'], after: ['cs.assignOwner'], templateValues: ['kickoffMinutes', 'kickoffWithinDays'] }),
  'cs.takeover': kind({ title: 'Customer success takeover record', triggers: ['projectCompleted'] }),
  'crm.renewalOpportunity': kind({ title: 'Renewal opportunity', target: 'crm', triggers: ['renewalDue'], templateValues: ['renewalStage'] }),
  'slack.notifyOwner': kind({ title: 'Owner told in Slack', triggers: ['opportunityWon', 'lifecycleChanged', 'projectCompleted', 'renewalDue'] }),
} as const satisfies Record<string, StepKindDefinition>;

export type StepKind = keyof typeof STEP_KINDS;

