import { z } from 'zod';
import { CanonicalEvent, DetailType, EntityType, SourceSystem, SourceVersion } from './canonical';

/** An EventBridge event as delivered to an SQS target, carrying a canonical source event. */
export const SourceEventEnvelope = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': DetailType,
  source: z.string(),
  time: z.string(),
  detail: CanonicalEvent,
});
export type SourceEventEnvelope = z.infer<typeof SourceEventEnvelope>;

/** The EventBridge `source` of what reconcile publishes once a source record is stored. */
export const RECONCILE_EVENT_SOURCE = 'concord.reconcile';
export const STORED_DETAIL_TYPE = 'SourceRecordStored';

/**
 * A source record changed in the store. It carries no fields: the consumer reads the record as it
 * is now, so late, repeated or reordered notices all lead to the same state.
 */
export const SourceRecordStored = z.object({
  sourceKey: z.string().min(1),
  sourceSystem: SourceSystem,
  entityType: EntityType,
  externalId: z.string().min(1),
  version: SourceVersion,
  status: z.enum(['active', 'deleted', 'erased']),
});
export type SourceRecordStored = z.infer<typeof SourceRecordStored>;

export const StoredEventEnvelope = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.literal(STORED_DETAIL_TYPE),
  source: z.literal(RECONCILE_EVENT_SOURCE),
  time: z.string(),
  detail: SourceRecordStored,
});

/** The EventBridge `source` of identity's events (identity.linked, identity.merged, …). */
export const IDENTITY_EVENT_SOURCE = 'concord.identity';

/** The EventBridge `source` and detail type of what the Slack listeners hand to the Slack worker (slack/work.ts). */
export const SLACK_EVENT_SOURCE = 'concord.slack';
export const SLACK_WORK_DETAIL_TYPE = 'slack.work';
