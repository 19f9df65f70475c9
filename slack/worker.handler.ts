/**
 * SQS consumer for the Slack worker's queue: `slack.work` events from the listeners (and the
 * daily digest's schedule), and `identity.mergeProposed` events to put to the stewards. Each
 * message is handled on its own; a failed one (Slack down, throttling) is reported and retried by
 * SQS, then kept by the dead-letter queue. Slack's Web API is called with a short retry policy,
 * so a throttled call fails the message rather than the function's time.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { WebClient } from '@slack/web-api';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { z } from 'zod';
import { ErasureStore } from '../functions/identity/erasure.store';
import { IdentityService } from '../functions/identity/identity-service';
import { IdentityStore, ProposalItem } from '../functions/identity/identity.store';
import { QuarantineStore } from '../functions/ingest/quarantine.store';
import { SourceRecordStore } from '../functions/reconcile/source-record.store';
import { createDocumentClient, createDynamoClient } from '../functions/shared/aws/dynamo';
import { EventBridgeBus } from '../functions/shared/aws/eventbridge-bus';
import { IDENTITY_EVENT_SOURCE, SLACK_EVENT_SOURCE, SLACK_WORK_DETAIL_TYPE } from '../functions/shared/bus-envelope';
import { readConfig } from '../functions/shared/config';
import { parseJsonBody } from '../functions/shared/json-body';
import { systemClock, type Clock } from '../functions/shared/ports';
import type { TableNames } from '../functions/shared/tables';
import { slackClientOptions } from './app';
import { dynamoDeliveryLog, type DeliveryLog } from './deliveries';
import { dynamoPostOnce } from './post-once';
import { slackSettingsFromSecret, type SlackSettings } from './settings';
import { Stewards } from './stewards';
import { SlackWork } from './work';
import { respondThroughUrl, SlackWorker } from './worker';

const logger = new Logger({ serviceName: 'concord-slack-worker' });

const Envelope = z.object({ source: z.string(), 'detail-type': z.string(), detail: z.unknown() });

const ProposalsImported = z.object({ kind: z.enum(['person', 'account']), count: z.number().int().positive(), at: z.string().min(1) });

/** What one message asks for, or why it is not something this worker does. */
export const readSlackMessage = (
  body: string,
):
  | { kind: 'work'; work: SlackWork }
  | { kind: 'proposal'; proposal: ProposalItem }
  | { kind: 'imported'; imported: z.infer<typeof ProposalsImported> }
  | { kind: 'invalid'; reason: string } => {
  const envelope = Envelope.safeParse(parseJsonBody(body));
  if (!envelope.success) return { kind: 'invalid', reason: 'not an EventBridge event' };
  const { source, 'detail-type': detailType, detail } = envelope.data;
  if (source === SLACK_EVENT_SOURCE && detailType === SLACK_WORK_DETAIL_TYPE) {
    const work = SlackWork.safeParse(detail);
    return work.success ? { kind: 'work', work: work.data } : { kind: 'invalid', reason: `slack.work: ${work.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  if (source === IDENTITY_EVENT_SOURCE && detailType === 'identity.mergeProposed') {
    const proposal = ProposalItem.safeParse(detail);
    return proposal.success ? { kind: 'proposal', proposal: proposal.data } : { kind: 'invalid', reason: 'identity.mergeProposed without a proposal' };
  }
  if (source === IDENTITY_EVENT_SOURCE && detailType === 'identity.proposalsImported') {
    const imported = ProposalsImported.safeParse(detail);
    return imported.success ? { kind: 'imported', imported: imported.data } : { kind: 'invalid', reason: 'identity.proposalsImported without a count' };
  }
  return { kind: 'invalid', reason: `${source} ${detailType} is not for the Slack worker` };
};

/** A delivery being worked on holds its key this long (the function's timeout) before a redelivery may run it. */
export const WORK_IN_PROGRESS_MS = 30_000;

export const createSlackWorkerHandler =
  (
    worker: Pick<SlackWorker, 'handle' | 'postProposal' | 'postImportedProposals'>,
    deliveries: DeliveryLog,
    log: { info(message: string, extra: Record<string, unknown>): void; error(message: string, extra: Record<string, unknown>): void } = logger,
  ) =>
  async (sqsEvent: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: string[] = [];
    for (const message of sqsEvent.Records) {
      const read = readSlackMessage(message.body);
      try {
        if (read.kind === 'invalid') throw new Error(read.reason);
        if (read.kind === 'proposal') await worker.postProposal(read.proposal);
        else if (read.kind === 'imported') await worker.postImportedProposals(read.imported);
        else if (read.work.deliveryKey === undefined) await worker.handle(read.work);
        else if (!(await deliveries.once(read.work.deliveryKey, () => worker.handle(read.work)))) {
          log.info('repeated Slack delivery: done once already', { deliveryKey: read.work.deliveryKey });
        }
      } catch (error) {
        log.error('Slack work failed', { messageId: message.messageId, kind: read.kind, error: (error as Error).message });
        failures.push(message.messageId);
      }
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };

type Log = Parameters<typeof createSlackWorkerHandler>[2];

/** The worker's handler on its ports: the same on AWS and in the local runtime. */
export const slackWorkerHandlerOn = (ports: {
  db: DynamoDBDocumentClient;
  /** The plain client Powertools idempotency takes. */
  dynamo: DynamoDBClient;
  tables: TableNames;
  identity: IdentityService;
  settings: SlackSettings;
  clock: Clock;
  log?: Log;
}): ((event: SQSEvent) => Promise<SQSBatchResponse>) => {
  const { db, dynamo, tables, settings, clock } = ports;
  const client = new WebClient(settings.botToken, slackClientOptions(settings));
  const worker = new SlackWorker({
    client,
    identity: ports.identity,
    store: new IdentityStore(db, tables.identity),
    sourceRecords: new SourceRecordStore(db, tables.sourceRecords),
    quarantine: new QuarantineStore(db, tables.quarantine),
    stewards: new Stewards(client, settings, clock),
    settings,
    postOnce: dynamoPostOnce(dynamo, tables.idempotency),
    respond: respondThroughUrl,
    clock,
  });
  return createSlackWorkerHandler(worker, dynamoDeliveryLog(dynamo, tables.idempotency, WORK_IN_PROGRESS_MS), ports.log);
};

let cold: Promise<(event: SQSEvent) => Promise<SQSBatchResponse>> | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  cold ??= (async () => {
    const config = readConfig();
    const settings = await slackSettingsFromSecret(process.env.SLACK_SECRETS_ARN);
    const db = createDocumentClient();
    const identity = new IdentityService({
      store: new IdentityStore(db, config.tables.identity),
      sourceRecords: new SourceRecordStore(db, config.tables.sourceRecords),
      erasures: new ErasureStore(db, config.tables.identity),
      bus: new EventBridgeBus(new EventBridgeClient({}), config.eventBusName),
      clock: systemClock,
      ids: { next: () => ulid() },
      log: (message, detail) => logger.warn(message, detail ?? {}),
    });
    return slackWorkerHandlerOn({ db, dynamo: createDynamoClient(), tables: config.tables, identity, settings, clock: systemClock });
  })();
  return (await cold)(event);
};
