/**
 * A handoff as it is kept: a deterministic id from its playbook and trigger, each step's status,
 * attempts and what it made, the exception a person must look at, and the receiving team's
 * confirmation. Pure types and the rules of the id; handoff.store.ts keeps them in DynamoDB.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The same playbook and trigger always give the same id: a re-sent closed-won finds its handoff. */
export const handoffIdOf = (playbook: string, triggerKey: string): string =>
  `hof_${createHash('sha256').update(`${playbook}\u0000${triggerKey}`).digest('base64url').slice(0, 22)}`;

/** The key a step hands its target: the same for every attempt of that step of that handoff. */
export const stepKeyOf = (handoffId: string, stepId: string): string => `${handoffId}.${stepId}`;

export const TargetRecordItem = z.object({
  system: z.string(),
  kind: z.string(),
  id: z.string(),
  url: z.string().optional(),
  existed: z.boolean(),
});
export type TargetRecordItem = z.infer<typeof TargetRecordItem>;

export const StepStatus = z.enum(['pending', 'running', 'done', 'failed']);
export type StepStatus = z.infer<typeof StepStatus>;

export const StepState = z.object({
  status: StepStatus,
  attempts: z.number().int().nonnegative(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  records: z.array(TargetRecordItem).default([]),
  /** What later steps and the receipt read: the customer's id, the CS owner, the kickoff's time. */
  values: z.record(z.string(), z.unknown()).default({}),
  /** One line for the receipt: "Sales order SO-1042 for USD 48,000". */
  summary: z.string().optional(),
  error: z.string().optional(),
  retryable: z.boolean().optional(),
});
export type StepState = z.infer<typeof StepState>;

export const HandoffStatus = z.enum([
  /** Steps are being run (or will be, after a retry's wait). */
  'running',
  /** Every step is done. */
  'completed',
  /** Stopped for a person: see `exception`. */
  'exception',
  /** Its playbook is paused; it runs when the playbook is resumed. */
  'held',
  /** The trigger did not meet the playbook's conditions. */
  'skipped',
  /** A person closed the exception by hand; nothing more runs. */
  'resolved',
]);
export type HandoffStatus = z.infer<typeof HandoffStatus>;

export const ExceptionReason = z.enum([
  'ambiguous-identity',
  'no-template',
  'legal-review',
  'complaint',
  'step-failed',
  'outcome-unknown',
  'no-account',
]);
export type ExceptionReason = z.infer<typeof ExceptionReason>;

export const HandoffException = z.object({
  reason: ExceptionReason,
  detail: z.string(),
  at: z.string(),
  /** The step it stopped at, when a step failed. */
  stepId: z.string().optional(),
  assignee: z.string().optional(),
});
export type HandoffException = z.infer<typeof HandoffException>;

export const HistoryEntry = z.object({ at: z.string(), by: z.string(), action: z.string(), detail: z.string().optional() });
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** What started the handoff, enough to run it again and to say what it was about. */
export const TriggerRecord = z.object({
  kind: z.enum(['opportunityWon', 'lifecycleChanged', 'projectCompleted', 'renewalDue']),
  key: z.string(),
  /** One line for people: "Opportunity Acme — Platform (salesforce 006…) closed-won". */
  title: z.string(),
  /** The source key of the opportunity / subscription, the account's unified id, the handoff it follows. */
  opportunityKey: z.string().optional(),
  subscriptionKey: z.string().optional(),
  accountKey: z.string().optional(),
  unifiedId: z.string().optional(),
  followsHandoffId: z.string().optional(),
  /** For renewalDue: the term end the renewal is for. */
  termEnd: z.string().optional(),
  occurredAt: z.string(),
});
export type TriggerRecord = z.infer<typeof TriggerRecord>;

export const HandoffItem = z.object({
  handoffId: z.string(),
  playbook: z.string(),
  trigger: TriggerRecord,
  status: HandoffStatus,
  accountId: z.string().optional(),
  accountName: z.string().optional(),
  template: z.string().optional(),
  stepOrder: z.array(z.string()),
  steps: z.record(z.string(), StepState),
  exception: HandoffException.optional(),
  confirmation: z.object({ by: z.string(), at: z.string() }).optional(),
  /** Who is running it now, until when: one in flight per trigger. */
  leaseOwner: z.string().optional(),
  leaseUntil: z.number().optional(),
  /** For onboarding: set once the project it made is seen completed. */
  projectCompletedAt: z.string().optional(),
  history: z.array(HistoryEntry).default([]),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().nonnegative(),
});
export type HandoffItem = z.infer<typeof HandoffItem>;

/** Every record the handoff made, in step order: the receipt's links. */
export const recordsOf = (handoff: HandoffItem): { stepId: string; record: TargetRecordItem }[] =>
  handoff.stepOrder.flatMap((stepId) => (handoff.steps[stepId]?.records ?? []).map((record) => ({ stepId, record })));
