/**
 * Scheduled (nightly): trains the account and person models on every stored record, with people's
 * merge decisions as labels, and stores them. Live matching picks a new model up within its
 * model cache time; until a kind has enough records, the bundled model stays in use.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ulid } from 'ulid';
import { SourceRecordStore } from '../reconcile/source-record.store';
import { createDocumentClient } from '../shared/aws/dynamo';
import { readConfig } from '../shared/config';
import { systemClock, type EventBus } from '../shared/ports';
import { IdentityService, TooFewRecordsError } from './identity-service';
import { IdentityStore } from './identity.store';
import type { EntityKind } from './matching/match-record';

const logger = new Logger({ serviceName: 'concord-train' });

export type TrainOutcome = { kind: EntityKind } & ({ status: 'trained'; records: number } | { status: 'skipped'; reason: string });

export const createTrainHandler =
  (identity: Pick<IdentityService, 'trainModel'>) =>
  async (): Promise<TrainOutcome[]> => {
    const outcomes: TrainOutcome[] = [];
    for (const kind of ['account', 'person'] as const) {
      try {
        const live = await identity.trainModel(kind);
        outcomes.push({ kind, status: 'trained', records: live.records });
      } catch (error) {
        if (!(error instanceof TooFewRecordsError)) throw error;
        outcomes.push({ kind, status: 'skipped', reason: error.message });
      }
    }
    logger.info('models trained', { outcomes });
    return outcomes;
  };

/** Training publishes nothing; the service's bus port is never called. */
const noBus: EventBus = {
  publish: () => Promise.reject(new Error('training publishes no events')),
};

let cached: (() => Promise<TrainOutcome[]>) | undefined;

export const handler = async (): Promise<TrainOutcome[]> => {
  if (!cached) {
    const config = readConfig();
    const db = createDocumentClient();
    cached = createTrainHandler(
      new IdentityService({
        store: new IdentityStore(db, config.tables.identity),
        sourceRecords: new SourceRecordStore(db, config.tables.sourceRecords),
        bus: noBus,
        clock: systemClock,
        ids: { next: () => ulid() },
      }),
    );
  }
  return cached();
};
