/**
 * SQS consumer: an identity change (identity.linked, identity.merged, identity.unmerged) changed
 * which unified id some source records carry, so write each one's id back into its system
 * (a Salesforce custom field, a HubSpot property, a NetSuite custom field, a Zendesk custom field,
 * Stripe metadata, a signed webhook for a generic system).
 *
 * Records named by several messages of a batch are written once, with the id they carry now
 * (write-back-record.ts). A message is reported failed when one of its records may succeed
 * later (the vendor was down, throttling, or did not answer), so SQS delivers it again and then
 * the dead-letter queue keeps it. A vendor's refusal for good is recorded in the ledger and
 * logged as an error for a person to fix; retrying it would change nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDocumentClient } from '../../shared/aws/dynamo';
import { readConfig } from '../../shared/config';
import { parseJsonBody } from '../../shared/json-body';
import { systemClock } from '../../shared/ports';
import { IdentityStore } from '../identity.store';
import { writeBackFromSecret } from './write-back-from-secret';
import { WriteBackLedger } from './write-back-ledger.store';
import { IdentityChangeEnvelope, recordsTouchedBy } from './write-back-plan';
import { writeBackRecord, type IdentityReader, type RecordOutcome, type WriteBackDeps } from './write-back-record';

const logger = new Logger({ serviceName: 'concord-writeback' });

/**
 * Records written at once. A merge moves every record of an entity, and vendors throttle bursts
 * (HubSpot, for one, allows about ten requests a second per app); what is throttled anyway comes
 * back as a retry.
 */
const CONCURRENT_WRITES = 8;

const forEachAtMost = async <T>(limit: number, items: readonly T[], work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

/** What identity holds for a record now: its entity (following tombstones) and whether its source still has it. */
export const identityReaderOf = (store: IdentityStore): IdentityReader => ({
  async currentIdentityOf(sourceKey) {
    const [record, entity] = await Promise.all([store.getMatchRecord(sourceKey), store.entityOfRecord(sourceKey)]);
    return record === undefined ? undefined : { unifiedId: entity?.unifiedId, active: record.active };
  },
});

const report = (sourceKey: string, outcome: RecordOutcome): void => {
  switch (outcome.kind) {
    case 'written':
      return logger.debug('unified id written back', { sourceKey, unifiedId: outcome.unifiedId, request: outcome.request });
    case 'skipped':
      return logger.debug('nothing to write back', { sourceKey, reason: outcome.reason, detail: outcome.detail });
    case 'refused':
      // The alert: this record's system will not hold its unified id until a person acts.
      return logger.error('write-back refused', { sourceKey, unifiedId: outcome.unifiedId, detail: outcome.detail, request: outcome.request });
    case 'retry':
      return logger.warn('write-back will be retried', { sourceKey, unifiedId: outcome.unifiedId, detail: outcome.detail });
  }
};

export const createWriteBackHandler =
  (deps: WriteBackDeps) =>
  async (sqsEvent: SQSEvent): Promise<SQSBatchResponse> => {
    const failures = new Set<string>();
    const messagesOf = new Map<string, string[]>();
    for (const message of sqsEvent.Records) {
      const parsed = IdentityChangeEnvelope.safeParse(parseJsonBody(message.body));
      if (!parsed.success) {
        // Not an identity change: it can never succeed, so after its retries the DLQ keeps it.
        logger.error('message is not an identity change', { messageId: message.messageId, issues: parsed.error.issues.slice(0, 3) });
        failures.add(message.messageId);
        continue;
      }
      for (const { sourceKey } of recordsTouchedBy(parsed.data.detail)) messagesOf.set(sourceKey, [...(messagesOf.get(sourceKey) ?? []), message.messageId]);
    }
    await forEachAtMost(CONCURRENT_WRITES, [...messagesOf], async ([sourceKey, messageIds]) => {
      try {
        const outcome = await writeBackRecord(sourceKey, deps);
        report(sourceKey, outcome);
        if (outcome.kind === 'retry') for (const id of messageIds) failures.add(id);
      } catch (error) {
        logger.error('write-back failed', { sourceKey, error: error as Error });
        for (const id of messageIds) failures.add(id);
      }
    });
    return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
  };

let cached: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  if (!cached) {
    const config = readConfig();
    const db = createDocumentClient();
    const { writeBack, incomplete } = await writeBackFromSecret(config.writeBackSecretsArn);
    if (incomplete.length > 0) logger.warn('write-back settings are incomplete; these systems are skipped', { systems: incomplete });
    cached = createWriteBackHandler({
      identity: identityReaderOf(new IdentityStore(db, config.tables.identity)),
      ledger: new WriteBackLedger(db, config.tables.writeBack),
      writer: writeBack,
      clock: systemClock,
    });
  }
  return cached(event);
};
