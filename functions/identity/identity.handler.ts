/**
 * SQS consumer: a source record was stored, so match it (accounts and people), relate it to its
 * account (deals, subscriptions, tickets, people), and rebuild the views that depend on it. A
 * notice carries only the record's key; the record is read as it is now, so any number of
 * notices for one record, in any order, end in the same state. Notices for one record in a batch
 * are handled once; failures are reported per message.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { StoredEventEnvelope } from '../shared/bus-envelope';
import { createDocumentClient } from '../shared/aws/dynamo';
import { EventBridgeBus } from '../shared/aws/eventbridge-bus';
import { readConfig } from '../shared/config';
import { parseJsonBody } from '../shared/json-body';
import { systemClock } from '../shared/ports';
import { SourceRecordStore } from '../reconcile/source-record.store';
import { IdentityService } from './identity-service';
import { ErasureStore } from './erasure.store';
import { PersonEraser } from './erase-person';
import type { ErasureRequester } from './writeback/ports';
import { writeBackFromSecret } from './writeback/write-back-from-secret';
import { IdentityStore } from './identity.store';

const logger = new Logger({ serviceName: 'concord-identity' });

/** Erases a person everywhere when a source system erased one of their records. */
export type SourceErasureHandler = Pick<PersonEraser, 'eraseAfterSourceErased'>;

export const createIdentityHandler = (identity: IdentityService, eraser?: SourceErasureHandler) => async (sqsEvent: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: string[] = [];
  const bySourceKey = new Map<string, { entityType: string; system: string; erased: boolean; messageIds: string[] }>();
  for (const message of sqsEvent.Records) {
    const parsed = StoredEventEnvelope.safeParse(parseJsonBody(message.body));
    if (!parsed.success) {
      logger.error('message is not a SourceRecordStored event', { messageId: message.messageId, issues: parsed.error.issues.slice(0, 3) });
      failures.push(message.messageId);
      continue;
    }
    const { sourceKey, entityType, sourceSystem, status } = parsed.data.detail;
    const seen = bySourceKey.get(sourceKey);
    bySourceKey.set(sourceKey, { entityType, system: sourceSystem, erased: (seen?.erased ?? false) || status === 'erased', messageIds: [...(seen?.messageIds ?? []), message.messageId] });
  }
  // One record at a time: records in one batch often belong to one customer, and matching them
  // concurrently would only make them retry on each other's entity writes.
  const affected = new Map<string, string[]>();
  for (const [sourceKey, { entityType, system, erased, messageIds }] of bySourceKey) {
    try {
      // A privacy deletion at the source erases the person everywhere, while identity still holds
      // the values its tombstones need; matching then finds the record forgotten.
      if (erased && entityType === 'person' && eraser) {
        const erasure = await eraser.eraseAfterSourceErased(sourceKey, `${system} privacy deletion`);
        if (erasure) logger.info('person erased after a privacy deletion at the source', { sourceKey, outcome: erasure.kind });
      }
      const outcome = await identity.processSourceRecord(sourceKey, entityType);
      logger.debug('identity processed', { sourceKey, outcome });
      for (const id of outcome.affected) affected.set(id, [...(affected.get(id) ?? []), ...messageIds]);
    } catch (error) {
      logger.error('identity failed', { sourceKey, error: error as Error });
      failures.push(...messageIds);
    }
  }
  // Each affected entity's views once per batch, however many of its records arrived; different
  // entities at once, as their rebuilds touch nothing in common.
  await Promise.all(
    [...affected].map(async ([unifiedId, messageIds]) => {
      try {
        await identity.rebuildViews(unifiedId);
      } catch (error) {
        logger.error('rebuilding views failed', { unifiedId, error: error as Error });
        failures.push(...messageIds.filter((id) => !failures.includes(id)));
      }
    }),
  );
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};

let cached: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  if (!cached) {
    const config = readConfig();
    const db = createDocumentClient();
    const store = new IdentityStore(db, config.tables.identity);
    const sourceRecords = new SourceRecordStore(db, config.tables.sourceRecords);
    const erasures = new ErasureStore(db, config.tables.identity);
    const ids = { next: () => ulid() };
    const identity = new IdentityService({
      store,
      sourceRecords,
      erasures,
      bus: new EventBridgeBus(new EventBridgeClient({}), config.eventBusName),
      clock: systemClock,
      ids,
      log: (message, detail) => logger.warn(message, detail ?? {}),
    });
    // A privacy deletion at a source asks every other system holding the person to erase too.
    // Rare: the vendor credentials are read the first time one arrives, not on every cold start.
    let adapters: ReturnType<typeof writeBackFromSecret> | undefined;
    const requester: ErasureRequester = {
      requestErasure: async (request) => (await (adapters ??= writeBackFromSecret(config.writeBackSecretsArn))).writeBack.requestErasure(request),
    };
    cached = createIdentityHandler(identity, new PersonEraser({ store, identity, sourceRecords, erasures, requester, clock: systemClock, ids }));
  }
  return cached(event);
};
