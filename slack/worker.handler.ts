/**
 * SQS consumer for the Slack worker's queue: `slack.work` events from the listeners (and the
 * daily digest's schedule), `identity.mergeProposed` events to put to the stewards, and the
 * handoffs' events (`handoff.updated`, `.playbookPaused`, `.playbookResumed`, `.ownerNotice`). Each
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
import { identityServiceOn } from '../functions/identity/identity-service-on';
import { IdentityService } from '../functions/identity/identity-service';
import { HANDOFF_DETAIL_TYPES, HANDOFF_EVENT_SOURCE, HandoffUpdated, OwnerNotice, PlaybookPaused } from '../functions/handoffs/events';
import type { HandoffService } from '../functions/handoffs/handoff-service';
import { HandoffStore } from '../functions/handoffs/handoff.store';
import { handoffServiceOn, settingsFromSecret as handoffSettingsFromSecret } from '../functions/handoffs/handoffs.handler';
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
import { HandoffReceipts, PlaybookResumed } from './handoff-receipts';
import { dynamoPostOnce } from './post-once';
import { slackSettingsFromSecret, type SlackSettings } from './settings';
import { Stewards } from './stewards';
import { SlackWork } from './work';
import { respondThroughUrl, SlackWorker } from './worker';

const logger = new Logger({ serviceName: 'concord-slack-worker' });

const Envelope = z.object({ source: z.string(), 'detail-type': z.string(), detail: z.unknown() });

const ProposalsImported = z.object({ kind: z.enum(['person', 'account']), count: z.number().int().positive(), at: z.string().min(1) });

export type SlackMessageRead =
  | { kind: 'work'; work: SlackWork }
  | { kind: 'proposal'; proposal: ProposalItem }
  | { kind: 'imported'; imported: z.infer<typeof ProposalsImported> }
  | { kind: 'handoffUpdated'; handoffId: string }
  | { kind: 'playbookPaused'; paused: PlaybookPaused }
  | { kind: 'playbookResumed'; resumed: PlaybookResumed }
  | { kind: 'ownerNotice'; notice: OwnerNotice }
  | { kind: 'invalid'; reason: string };

const issuesOf = (error: z.ZodError): string => error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

/** The handoffs' events for Slack, each read with its schema. */
const readHandoffEvent = (detailType: string, detail: unknown): SlackMessageRead | undefined => {
  const read = <T>(schema: z.ZodType<T>, toRead: (value: T) => SlackMessageRead): SlackMessageRead => {
    const parsed = schema.safeParse(detail);
    return parsed.success ? toRead(parsed.data) : { kind: 'invalid', reason: `${detailType}: ${issuesOf(parsed.error)}` };
  };
  switch (detailType) {
    case HANDOFF_DETAIL_TYPES.updated:
      return read(HandoffUpdated, (updated) => ({ kind: 'handoffUpdated', handoffId: updated.handoffId }));
    case HANDOFF_DETAIL_TYPES.playbookPaused:
      return read(PlaybookPaused, (paused) => ({ kind: 'playbookPaused', paused }));
    case 'handoff.playbookResumed':
      return read(PlaybookResumed, (resumed) => ({ kind: 'playbookResumed', resumed }));
    case HANDOFF_DETAIL_TYPES.notice:
      return read(OwnerNotice, (notice) => ({ kind: 'ownerNotice', notice }));
    default:
      return undefined;
  }
};

/** What one message asks for, or why it is not something this worker does. */
export const readSlackMessage = (body: string): SlackMessageRead => {
  const envelope = Envelope.safeParse(parseJsonBody(body));
  if (!envelope.success) return { kind: 'invalid', reason: 'not an EventBridge event' };
  const { source, 'detail-type': detailType, detail } = envelope.data;
  if (source === SLACK_EVENT_SOURCE && detailType === SLACK_WORK_DETAIL_TYPE) {
    const work = SlackWork.safeParse(detail);
    return work.success ? { kind: 'work', work: work.data } : { kind: 'invalid', reason: `slack.work: ${issuesOf(work.error)}` };
  }
  if (source === IDENTITY_EVENT_SOURCE && detailType === 'identity.mergeProposed') {
    const proposal = ProposalItem.safeParse(detail);
    return proposal.success ? { kind: 'proposal', proposal: proposal.data } : { kind: 'invalid', reason: 'identity.mergeProposed without a proposal' };
  }
  if (source === IDENTITY_EVENT_SOURCE && detailType === 'identity.proposalsImported') {
    const imported = ProposalsImported.safeParse(detail);
    return imported.success ? { kind: 'imported', imported: imported.data } : { kind: 'invalid', reason: 'identity.proposalsImported without a count' };
  }
  if (source === HANDOFF_EVENT_SOURCE) {
    const handoff = readHandoffEvent(detailType, detail);
    if (handoff !== undefined) return handoff;
  }
  return { kind: 'invalid', reason: `${source} ${detailType} is not for the Slack worker` };
};

/** A delivery being worked on holds its key this long (the function's timeout) before a redelivery may run it. */
export const WORK_IN_PROGRESS_MS = 30_000;

export const createSlackWorkerHandler =
  (
    worker: Pick<SlackWorker, 'handle' | 'postProposal' | 'postImportedProposals'>,
    handoffs: Pick<HandoffReceipts, 'show' | 'alertPaused' | 'noteResumed' | 'tellOwner'>,
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
        else if (read.kind === 'handoffUpdated') await handoffs.show(read.handoffId);
        else if (read.kind === 'playbookPaused') await handoffs.alertPaused(read.paused);
        else if (read.kind === 'playbookResumed') await handoffs.noteResumed(read.resumed);
        else if (read.kind === 'ownerNotice') await handoffs.tellOwner(read.notice);
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

type Log = Parameters<typeof createSlackWorkerHandler>[3];

/** The worker's handler on its ports: the same on AWS and in the local runtime. */
export const slackWorkerHandlerOn = (ports: {
  db: DynamoDBDocumentClient;
  /** The plain client Powertools idempotency takes. */
  dynamo: DynamoDBClient;
  tables: TableNames;
  identity: IdentityService;
  settings: SlackSettings;
  /** The handoffs the receipts show and the buttons act on. */
  handoffs: { service: HandoffService; store: HandoffStore };
  clock: Clock;
  log?: Log;
}): ((event: SQSEvent) => Promise<SQSBatchResponse>) => {
  const { db, dynamo, tables, settings, clock } = ports;
  const client = new WebClient(settings.botToken, slackClientOptions(settings));
  const postOnce = dynamoPostOnce(dynamo, tables.idempotency);
  const log = ports.log ?? logger;
  const handoffs = new HandoffReceipts({ client, ...ports.handoffs, postOnce, settings, clock, log });
  const worker = new SlackWorker({
    client,
    identity: ports.identity,
    store: new IdentityStore(db, tables.identity),
    sourceRecords: new SourceRecordStore(db, tables.sourceRecords),
    quarantine: new QuarantineStore(db, tables.quarantine),
    stewards: new Stewards(client, settings, clock),
    settings,
    postOnce,
    handoffs,
    respond: respondThroughUrl,
    clock,
  });
  return createSlackWorkerHandler(worker, handoffs, dynamoDeliveryLog(dynamo, tables.idempotency, WORK_IN_PROGRESS_MS), log);
};

let cold: Promise<(event: SQSEvent) => Promise<SQSBatchResponse>> | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  cold ??= (async () => {
    const config = readConfig();
    const settings = await slackSettingsFromSecret(process.env.SLACK_SECRETS_ARN);
    const db = createDocumentClient();
    const bus = new EventBridgeBus(new EventBridgeClient({}), config.eventBusName);
    const ids = { next: () => ulid() };
    const identity = identityServiceOn({ db, tables: config.tables, bus, clock: systemClock, ids, log: (message, detail) => logger.warn(message, detail ?? {}) });
    // The same service the handoffs' own function runs: a button's retry or resume is theirs to do.
    const handoffSettings = await handoffSettingsFromSecret(process.env.HANDOFF_SETTINGS_ARN);
    const service = handoffServiceOn({ db, tables: config.tables, bus, clock: systemClock, ids, settings: handoffSettings, entityOf: (ref) => identity.entityOf(ref) });
    const handoffs = { service, store: new HandoffStore(db, config.tables.handoffs) };
    return slackWorkerHandlerOn({ db, dynamo: createDynamoClient(), tables: config.tables, identity, settings, handoffs, clock: systemClock });
  })();
  return (await cold)(event);
};
