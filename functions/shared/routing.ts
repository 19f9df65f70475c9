/**
 * The one routing table: which canonical events reach which consumer. The CDK stack turns each
 * route into an EventBridge rule targeting the consumer's SQS queue; the local bus applies the
 * same patterns with EventBridge's semantics. A stack test proves the two agree.
 */
import { IDENTITY_EVENT_SOURCE, RECONCILE_EVENT_SOURCE, SLACK_EVENT_SOURCE, SLACK_WORK_DETAIL_TYPE, STORED_DETAIL_TYPE } from './bus-envelope';
import { INGEST_EVENT_SOURCE } from './canonical';

/** The EventBridge `source` of the handoffs' events (functions/handoffs/events.ts). */
export const HANDOFFS_SOURCE = 'concord.handoffs';

/** An EventBridge event pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
export type EventPattern = { [key: string]: EventPattern | readonly unknown[] };

export interface ConsumerDefinition {
  /** Module (relative to the repository root) exporting `handler` for SQS, and `createHandler`. */
  entry: string;
  description: string;
  /** Seconds a received message stays invisible; must exceed the function's timeout. */
  visibilityTimeoutSeconds: number;
  /** Deliveries before a message is moved to the consumer's dead-letter queue. */
  maxReceiveCount: number;
  batchSize: number;
  functionTimeoutSeconds: number;
}

export const consumers = {
  reconcile: {
    entry: 'functions/reconcile/reconcile.handler.ts',
    description: 'Stores source records idempotently, newest version per field wins',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    batchSize: 10,
    functionTimeoutSeconds: 30,
  },
  identity: {
    entry: 'functions/identity/identity.handler.ts',
    description: 'Matches stored accounts and people into unified entities and rebuilds golden records, lifecycle and hierarchy',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    batchSize: 10,
    functionTimeoutSeconds: 60,
  },
  writeback: {
    entry: 'functions/identity/writeback/writeback.handler.ts',
    description: "Writes each record's unified id back into its source system; refusals are recorded and logged, outages retried",
    // Six times the function's timeout, as Lambda advises for SQS: a batch that retries inside is not received twice.
    visibilityTimeoutSeconds: 360,
    // A vendor outage is retried for about an hour (10 receives, 6 minutes apart) before the DLQ keeps the event for redrive.
    maxReceiveCount: 10,
    batchSize: 10,
    functionTimeoutSeconds: 60,
  },
  slack: {
    entry: 'slack/worker.handler.ts',
    description: 'Does what Slack listeners hand over (lookups, merge decisions, undos, overrides, App Home) and posts merge proposals to the data stewards',
    visibilityTimeoutSeconds: 180,
    // Slack outages and rate limits are retried for about a quarter of an hour, then the DLQ keeps the work.
    maxReceiveCount: 5,
    batchSize: 5,
    functionTimeoutSeconds: 30,
  },
  handoffs: {
    entry: 'functions/handoffs/handoffs.handler.ts',
    description: 'Runs the playbooks: closed-won to ERP and onboarding, lead to opportunity, onboarding to customer success, renewals; each step exactly once',
    // A handoff waiting for a target is retried by redelivery: this is its backoff, and more than its lease (90 s).
    visibilityTimeoutSeconds: 120,
    // About a quarter of an hour of redeliveries; a step gives up into an exception before this (its attempts are counted).
    maxReceiveCount: 10,
    // One handoff a function: a slow target holds up only its own handoff, and a step never outlives the lease.
    batchSize: 1,
    functionTimeoutSeconds: 100,
  },
} as const satisfies Record<string, ConsumerDefinition>;

export type ConsumerName = keyof typeof consumers;

export interface Route {
  /** Stable, kebab-case; becomes the rule's logical name. */
  name: string;
  description: string;
  pattern: EventPattern;
  target: ConsumerName;
}

export const routes: readonly Route[] = [
  {
    name: 'source-changes-to-reconcile',
    description: 'Every change and re-read request from a source system goes to identity reconciliation',
    pattern: {
      source: [INGEST_EVENT_SOURCE],
      'detail-type': ['SourceRecordChanged', 'SourceRecordReReadRequested'],
    },
    target: 'reconcile',
  },
  {
    name: 'stored-records-to-identity',
    description: 'Every stored source record goes to identity: matching, relations, golden records',
    pattern: { source: [RECONCILE_EVENT_SOURCE], 'detail-type': [STORED_DETAIL_TYPE] },
    target: 'identity',
  },
  {
    name: 'identity-changes-to-writeback',
    description: 'Links, merges and unmerges change the unified id a record carries: write it back into its system',
    pattern: { source: [IDENTITY_EVENT_SOURCE], 'detail-type': ['identity.linked', 'identity.merged', 'identity.unmerged'] },
    target: 'writeback',
  },
  {
    name: 'slack-work-to-slack',
    description: 'What a Slack listener acknowledged and handed over goes to the Slack worker',
    pattern: { source: [SLACK_EVENT_SOURCE], 'detail-type': [SLACK_WORK_DETAIL_TYPE] },
    target: 'slack',
  },
  {
    name: 'merge-proposals-to-slack',
    description: 'A merge the matcher is unsure of is put to the data stewards in Slack (a backfill\'s many, once)',
    pattern: { source: [IDENTITY_EVENT_SOURCE], 'detail-type': ['identity.mergeProposed', 'identity.proposalsImported'] },
    target: 'slack',
  },
  {
    name: 'deals-and-subscriptions-to-handoffs',
    description: 'A stored opportunity may be closed-won; a stored subscription moves its renewal date',
    pattern: { source: [RECONCILE_EVENT_SOURCE], 'detail-type': [STORED_DETAIL_TYPE], detail: { entityType: ['opportunity', 'subscription'] } },
    target: 'handoffs',
  },
  {
    name: 'lifecycle-to-handoffs',
    description: 'A lifecycle transition (a lead becoming a prospect) may start a handoff',
    pattern: { source: [IDENTITY_EVENT_SOURCE], 'detail-type': ['identity.lifecycleChanged'] },
    target: 'handoffs',
  },
  {
    name: 'handoff-requests-to-handoffs',
    description: 'Each handoff runs in a message of its own: triggers, retries and resumed playbooks request it',
    pattern: { source: [HANDOFFS_SOURCE], 'detail-type': ['handoff.requested', 'handoff.sweep'] },
    target: 'handoffs',
  },
  {
    name: 'handoff-updates-to-slack',
    description: "A handoff's progress updates its one Slack receipt; a paused playbook and an owner's notice are posted",
    pattern: { source: [HANDOFFS_SOURCE], 'detail-type': ['handoff.updated', 'handoff.playbookPaused', 'handoff.playbookResumed', 'handoff.ownerNotice'] },
    target: 'slack',
  },
];

/** Everything Concord publishes is archived so it can be replayed after a fix. */
export const archivePattern: EventPattern = { source: [{ prefix: 'concord.' }] };

export const EVENT_BUS_NAME = 'concord';
