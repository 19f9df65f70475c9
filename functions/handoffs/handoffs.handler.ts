/**
 * SQS consumer of the handoffs' queue: stored opportunities and subscriptions, lifecycle
 * transitions, the schedule's sweep, and `handoff.requested` — each handoff runs in its own
 * message, so one stuck target holds up only its own handoff. A handoff waiting for a target or
 * for its customer to be unified fails its message on purpose (RetryLater): the queue's
 * visibility timeout is the backoff, and its dead-letter queue keeps what never succeeds.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulid';
import { z } from 'zod';
import { identityServiceOn } from '../identity/identity-service-on';
import { LifecycleChanged } from '../identity/golden/lifecycle';
import { IdentityService } from '../identity/identity-service';
import { IdentityStore } from '../identity/identity.store';
import { SourceRecordStore } from '../reconcile/source-record.store';
import { createDocumentClient } from '../shared/aws/dynamo';
import { EventBridgeBus } from '../shared/aws/eventbridge-bus';
import { IDENTITY_EVENT_SOURCE, RECONCILE_EVENT_SOURCE, SourceRecordStored, STORED_DETAIL_TYPE } from '../shared/bus-envelope';
import { readConfig } from '../shared/config';
import { parseJsonBody } from '../shared/json-body';
import { systemClock, type Clock, type EventBus, type IdGenerator } from '../shared/ports';
import type { TableNames } from '../shared/tables';
import { HandoffContextLoader } from './context-loader';
import { HANDOFF_DETAIL_TYPES, HANDOFF_EVENT_SOURCE, HandoffRequested } from './events';
import { RetryLater, type ExecutorDeps } from './executor';
import { HandoffService } from './handoff-service';
import { createHandoffTargets, HandoffSettings } from './handoff-settings';
import { HandoffStore } from './handoff.store';
import { loadPlaybookSet } from './playbook';
import { SHIPPED_PLAYBOOKS } from './playbooks';

const logger = new Logger({ serviceName: 'concord-handoffs' });

/** Longer than a step can take (a target's deadline times the quick retries), shorter than the queue's visibility timeout. */
export const HANDOFF_LEASE_MS = 90_000;

export interface HandoffPorts {
  db: DynamoDBDocumentClient;
  tables: TableNames;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  settings: HandoffSettings;
  /** The active entity a unified id or member source key names. */
  entityOf: IdentityService['entityOf'];
  /** Tests shorten the waits; crash tests hook the step boundaries. */
  tuning?: Partial<Pick<ExecutorDeps, 'quickRetryDelaysMs' | 'maxStepAttempts' | 'identityWaitMs' | 'leaseMs' | 'atBoundary' | 'sleep'>>;
  /** Extra playbook files (the CLI's simulate): checked with the shipped ones. */
  extraPlaybooks?: readonly { source: string; content: unknown }[];
}

/** The service on its ports: the same on AWS, in the local runtime and in the CLI. */
export const handoffServiceOn = (ports: HandoffPorts): HandoffService => {
  const { targets, configured } = createHandoffTargets(ports.settings);
  const files = [...SHIPPED_PLAYBOOKS.filter((f) => !ports.extraPlaybooks?.some((e) => e.source === f.source)), ...(ports.extraPlaybooks ?? [])];
  const set = loadPlaybookSet(files, { targets: configured });
  const playbooks = new Map(set.playbooks.map((p) => [p.name, p]));
  const store = new HandoffStore(ports.db, ports.tables.handoffs);
  const identityStore = new IdentityStore(ports.db, ports.tables.identity);
  const records = new SourceRecordStore(ports.db, ports.tables.sourceRecords);
  const contexts = new HandoffContextLoader({ entityOf: ports.entityOf, identity: identityStore, records, handoffs: store, playbooks });
  return new HandoffService({
    playbooks,
    refused: set.refused,
    store,
    records,
    pm: targets.pm,
    loadContext: (trigger, _playbook, given) => contexts.load(trigger, given),
    steps: {
      targets,
      roster: ports.settings.roster,
      projectTemplates: ports.settings.projectTemplates,
      kickoff: ports.settings.kickoff,
      csOwners: { loads: (emails) => store.csLoads(emails), assignment: (id) => store.csAssignment(id), assign: (a) => store.assignCsOwner(a) },
      notify: (notice) => ports.bus.publish([{ source: HANDOFF_EVENT_SOURCE, detailType: HANDOFF_DETAIL_TYPES.notice, detail: notice }]),
    },
    bus: ports.bus,
    clock: ports.clock,
    ids: ports.ids,
    leaseMs: HANDOFF_LEASE_MS,
    // Two tries within a delivery: a step of three calls at a 10 s deadline each stays well inside the lease.
    quickRetryDelaysMs: [1000],
    sleep: (ms) => sleep(ms),
    maxStepAttempts: 8,
    identityWaitMs: 15 * 60_000,
    ...ports.tuning,
  });
};

const Envelope = z.object({ source: z.string(), 'detail-type': z.string(), detail: z.unknown() });

type Log = { info(message: string, extra: Record<string, unknown>): void; error(message: string, extra: Record<string, unknown>): void };

/** Does what one message asks; throws to have it delivered again. */
export const handleHandoffMessage = async (service: HandoffService, body: string, log: Log): Promise<void> => {
  const envelope = Envelope.parse(parseJsonBody(body));
  const { source, 'detail-type': detailType, detail } = envelope;
  if (source === RECONCILE_EVENT_SOURCE && detailType === STORED_DETAIL_TYPE) {
    const stored = SourceRecordStored.parse(detail);
    await service.onRecordStored(stored.sourceKey, stored.entityType);
  } else if (source === IDENTITY_EVENT_SOURCE && detailType === 'identity.lifecycleChanged') {
    await service.onLifecycleChanged(LifecycleChanged.parse(detail));
  } else if (source === HANDOFF_EVENT_SOURCE && detailType === HANDOFF_DETAIL_TYPES.requested) {
    const result = await service.run(HandoffRequested.parse(detail));
    log.info('handoff run', { ...result });
    // Another delivery holds it — or held it and died: a crashed delivery's own redelivery can come
    // back before the lease its last step took has run out. Letting go here could leave the handoff
    // unfinished forever, so come back later: by then it is finished (this is acknowledged) or its
    // lease has run out (this delivery resumes it).
    if (result.kind === 'not-run' && result.why === 'in-flight') throw new RetryLater(`${result.handoffId} is being run by another delivery`);
  } else if (source === HANDOFF_EVENT_SOURCE && detailType === HANDOFF_DETAIL_TYPES.sweep) {
    log.info('handoff sweep', await service.sweep());
  } else {
    throw new Error(`${source} ${detailType} is not for the handoffs`);
  }
};

export const createHandoffsHandler =
  (service: HandoffService, log: Log = logger) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: string[] = [];
    // One at a time: a batch's handoffs often share a customer, and its CS owner is assigned once.
    for (const message of event.Records) {
      try {
        await handleHandoffMessage(service, message.body, log);
      } catch (error) {
        if (error instanceof RetryLater) log.info('handoff will be retried', { messageId: message.messageId, why: error.message });
        else log.error('handoff message failed', { messageId: message.messageId, error: (error as Error).message });
        failures.push(message.messageId);
      }
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };

/** The handoffs' settings from their secret (`concord/handoffs`); none configured when unset. */
export const settingsFromSecret = async (arn: string | undefined): Promise<HandoffSettings> => {
  if (!arn) return HandoffSettings.parse({ targets: {} });
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  return HandoffSettings.parse(JSON.parse(SecretString ?? '{}'));
};

let cold: Promise<(event: SQSEvent) => Promise<SQSBatchResponse>> | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  cold ??= (async () => {
    const config = readConfig();
    const db = createDocumentClient();
    const bus = new EventBridgeBus(new EventBridgeClient({}), config.eventBusName);
    const ids = { next: () => ulid() };
    const identity = identityServiceOn({ db, tables: config.tables, bus, clock: systemClock, ids });
    const settings = await settingsFromSecret(process.env.HANDOFF_SETTINGS_ARN);
    const service = handoffServiceOn({ db, tables: config.tables, bus, clock: systemClock, ids, settings, entityOf: (ref) => identity.entityOf(ref) });
    for (const refusal of service.refused) logger.error('playbook refused: it will not run until its problems are fixed', { playbook: refusal.source, problems: refusal.problems });
    return createHandoffsHandler(service);
  })();
  return (await cold)(event);
};
