/**
 * The local runtime's consumers: for each consumer in the routing table, the same handler factory
 * its Lambda uses, given local ports. Typed by ConsumerName so a new consumer cannot be forgotten.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createReconcileHandler } from '../functions/reconcile/reconcile.handler';
import { SourceRecordStore } from '../functions/reconcile/source-record.store';
import type { Clock } from '../functions/shared/ports';
import type { ConsumerName } from '../functions/shared/routing';
import type { TableNames } from '../functions/shared/tables';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface ConsumerDeps {
  db: DynamoDBDocumentClient;
  tables: TableNames;
  clock: Clock;
}

export const localConsumers: Record<ConsumerName, (deps: ConsumerDeps) => SqsHandler> = {
  reconcile: (deps) => createReconcileHandler({ records: new SourceRecordStore(deps.db, deps.tables.sourceRecords), clock: deps.clock }),
};
