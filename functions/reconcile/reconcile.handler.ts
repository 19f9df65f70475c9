/**
 * SQS consumer: stores each source change, then says so on the bus (SourceRecordStored) for
 * identity and whoever else reads stored records. Messages for the same source record are applied
 * together in one write; failures are reported per message (partial batch response), so one bad
 * message never makes its neighbours run again.
 *
 * The notice goes out for a change and also for a change already applied: that redelivery may be
 * our own retry after the write landed and the publish failed, and readers are idempotent.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { RECONCILE_EVENT_SOURCE, SourceEventEnvelope, STORED_DETAIL_TYPE, type SourceRecordStored } from '../shared/bus-envelope';
import { sourceKeyOf, type CanonicalEvent, type SourceRecord } from '../shared/canonical';
import { EventBridgeBus } from '../shared/aws/eventbridge-bus';
import { readConfig } from '../shared/config';
import { parseJsonBody } from '../shared/json-body';
import { createDocumentClient } from '../shared/aws/dynamo';
import { systemClock, type BusEvent, type Clock, type EventBus } from '../shared/ports';
import type { SourceChangeOutcome } from './apply-source-change';
import { SourceRecordStore } from './source-record.store';

const logger = new Logger({ serviceName: 'concord-reconcile' });

export interface ReconcileDeps {
  records: SourceRecordStore;
  bus: EventBus;
  clock: Clock;
}

const storedNotice = (record: Pick<SourceRecord, 'sourceKey' | 'sourceSystem' | 'entityType' | 'externalId' | 'version' | 'status'>): BusEvent => ({
  source: RECONCILE_EVENT_SOURCE,
  detailType: STORED_DETAIL_TYPE,
  detail: {
    sourceKey: record.sourceKey,
    sourceSystem: record.sourceSystem,
    entityType: record.entityType,
    externalId: record.externalId,
    version: record.version,
    status: record.status,
  } satisfies SourceRecordStored,
});

type Parsed = { message: SQSRecord; event: CanonicalEvent };

export const createReconcileHandler = (deps: ReconcileDeps) => async (sqsEvent: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: string[] = [];
  const notify = async (outcome: SourceChangeOutcome, event: CanonicalEvent): Promise<void> => {
    if (outcome.kind === 'changed') return deps.bus.publish([storedNotice(outcome.record)]);
    if (outcome.reason !== 'already-applied') return;
    const stored = await deps.records.get(sourceKeyOf(event));
    if (stored) await deps.bus.publish([storedNotice(stored)]);
  };
  const groups = new Map<string, Parsed[]>();
  for (const message of sqsEvent.Records) {
    const parsed = SourceEventEnvelope.safeParse(parseJsonBody(message.body));
    if (!parsed.success) {
      // Not a canonical event: it can never succeed, so it goes to the DLQ after its retries,
      // where it is kept rather than lost.
      logger.error('message is not a canonical source event', { messageId: message.messageId, issues: parsed.error.issues.slice(0, 3) });
      failures.push(message.messageId);
      continue;
    }
    const key = sourceKeyOf(parsed.data.detail);
    groups.set(key, [...(groups.get(key) ?? []), { message, event: parsed.data.detail }]);
  }
  await Promise.all(
    [...groups.values()].map(async (group) => {
      try {
        const outcome = await deps.records.applyAll(
          group.map((g) => g.event),
          deps.clock.now(),
        );
        await notify(outcome, group[0]!.event);
      } catch {
        // One bad change must not hold its neighbours back: apply them one by one, and report
        // only those that still fail (they retry, then wait in the DLQ).
        for (const { message, event } of group) {
          try {
            await notify(await deps.records.apply(event, deps.clock.now()), event);
          } catch (error) {
            logger.error('source change failed', { messageId: message.messageId, eventId: event.eventId, error: error as Error });
            failures.push(message.messageId);
          }
        }
      }
    }),
  );
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};

let cached: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  cached ??= createReconcileHandler({
    records: new SourceRecordStore(createDocumentClient(), readConfig().tables.sourceRecords),
    bus: new EventBridgeBus(new EventBridgeClient({}), readConfig().eventBusName),
    clock: systemClock,
  });
  return cached(event);
};
