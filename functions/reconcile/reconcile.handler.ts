/**
 * SQS consumer: stores each source change. Messages for the same source record are applied
 * together in one write; failures are reported per message (partial batch response), so one bad
 * message never makes its neighbours run again.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SourceEventEnvelope } from '../shared/bus-envelope';
import { sourceKeyOf, type CanonicalEvent } from '../shared/canonical';
import { readConfig } from '../shared/config';
import { createDocumentClient } from '../shared/aws/dynamo';
import { systemClock, type Clock } from '../shared/ports';
import { SourceRecordStore } from './source-record.store';

const logger = new Logger({ serviceName: 'concord-reconcile' });

export interface ReconcileDeps {
  records: SourceRecordStore;
  clock: Clock;
}

type Parsed = { message: SQSRecord; event: CanonicalEvent };

export const createReconcileHandler = (deps: ReconcileDeps) => async (sqsEvent: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: string[] = [];
  const groups = new Map<string, Parsed[]>();
  for (const message of sqsEvent.Records) {
    const parsed = SourceEventEnvelope.safeParse(safeJson(message.body));
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
        await deps.records.applyAll(
          group.map((g) => g.event),
          deps.clock.now(),
        );
      } catch {
        // One bad change must not hold its neighbours back: apply them one by one, and report
        // only those that still fail (they retry, then wait in the DLQ).
        for (const { message, event } of group) {
          try {
            await deps.records.apply(event, deps.clock.now());
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

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

let cached: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  cached ??= createReconcileHandler({
    records: new SourceRecordStore(createDocumentClient(), readConfig().tables.sourceRecords),
    clock: systemClock,
  });
  return cached(event);
};
