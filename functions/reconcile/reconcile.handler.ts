/**
 * SQS consumer: stores each source change. Each message is handled on its own and reported
 * through partial batch failures, so one bad message never makes its neighbours run again.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SourceEventEnvelope } from '../shared/bus-envelope';
import { readConfig } from '../shared/config';
import { createDocumentClient } from '../shared/aws/dynamo';
import { systemClock, type Clock } from '../shared/ports';
import { SourceRecordStore } from './source-record.store';

const logger = new Logger({ serviceName: 'concord-reconcile' });

export interface ReconcileDeps {
  records: SourceRecordStore;
  clock: Clock;
}

export const createReconcileHandler = (deps: ReconcileDeps) => {
  const handleRecord = async (message: SQSRecord): Promise<void> => {
    // A message that is not a canonical event can never succeed; failing it sends it to the DLQ
    // after the retries, where it is kept rather than lost.
    const envelope = SourceEventEnvelope.parse(JSON.parse(message.body));
    const outcome = await deps.records.apply(envelope.detail, deps.clock.now());
    logger.debug('source change applied', { eventId: envelope.detail.eventId, outcome: outcome.kind });
  };
  return async (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
};

let cached: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  cached ??= createReconcileHandler({
    records: new SourceRecordStore(createDocumentClient(), readConfig().tables.sourceRecords),
    clock: systemClock,
  });
  return cached(event);
};
