/**
 * The embedded runtime behind `npm start`, the integration tests and the benchmarks: DynamoDB
 * Local, the in-process bus and queues, the consumers, and the HTTP server, wired through the same
 * ports and handlers as on AWS. The server also hosts the sandbox (fakes of the systems Concord
 * writes unified ids back to), and the write-back adapters are pointed at it.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { createIngestHandler } from '../functions/ingest/ingest.handler';
import { connectors } from '../functions/ingest/connectors';
import { createWebhookIngest, type WebhookIngest } from '../functions/ingest/ingest-webhook';
import { QuarantineStore } from '../functions/ingest/quarantine.store';
import { SourceRecordStore } from '../functions/reconcile/source-record.store';
import { createDocumentClient, createDynamoClient } from '../functions/shared/aws/dynamo';
import { secretsFromEnv } from '../functions/shared/aws/webhook-secrets';
import { readConfig } from '../functions/shared/config';
import { systemClock, type Clock } from '../functions/shared/ports';
import { archivePattern, consumers, routes, type ConsumerName } from '../functions/shared/routing';
import { tableNames, type TableNames } from '../functions/shared/tables';
import { sandboxSystems } from './sandbox/sandbox-systems';
import { sandboxHandoffSettings } from './sandbox/sandbox-handoff-settings';
import type { HandoffPorts } from '../functions/handoffs/handoffs.handler';
import type { HandoffService } from '../functions/handoffs/handoff-service';
import { HandoffStore } from '../functions/handoffs/handoff.store';
import { localConsumers, localHandoffService, localIdentityService, type SqsHandler } from './consumers';
import type { IdentityService } from '../functions/identity/identity-service';
import { IdentityStore } from '../functions/identity/identity.store';
import { createWriteBack } from '../functions/identity/writeback/create-write-back';
import { writeBackTargetsOf } from '../functions/identity/writeback/write-back-config';
import { WriteBackLedger } from '../functions/identity/writeback/write-back-ledger.store';
import { createTables } from './create-tables';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { LocalBus } from './local-bus';
import { LocalQueue } from './local-queue';
import { localSecretEnv } from './local-secrets';
import { createSandbox, type Sandbox } from './sandbox/sandbox-server';
import { sandboxWriteBackSettings } from './sandbox/sandbox-write-back-settings';
import { createLocalServer } from './server';
import { createLocalSlack, type LocalSlack } from './local-slack';
import { renderStatusPage } from './status-page';
import { createConsoleMount } from './console/console-mount';
import { createSampleDeals } from './console/sample-deals';

export interface LocalRuntimeOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Use an already running DynamoDB (Local); otherwise one is started. */
  dynamoEndpoint?: string;
  /** Where DynamoDB Local keeps its files; in memory when unset. */
  dbPath?: string;
  dynamoPort?: number;
  /** Table name prefix, so several runtimes can share one DynamoDB Local. */
  tablePrefix?: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Queue tuning for tests (milliseconds). */
  visibilityTimeoutMs?: number;
  /** Shorter handoff waits for tests, and crash hooks at step boundaries. */
  handoffTuning?: HandoffPorts['tuning'];
  /** Told which messages each consumer finished, and when: how benchmarks time event → stored. */
  onProcessed?: (consumer: ConsumerName, bodies: string[], at: number) => void;
}

export interface LocalRuntime {
  url: string;
  port: number;
  dynamoEndpoint: string;
  tables: TableNames;
  bus: LocalBus;
  queues: Record<ConsumerName, LocalQueue>;
  deadLetterQueues: Record<ConsumerName, LocalQueue>;
  ingest: WebhookIngest;
  sourceRecords: SourceRecordStore;
  quarantine: QuarantineStore;
  identity: IdentityService;
  identityStore: IdentityStore;
  /** Fakes of the write-back systems, at `${url}/<system>/…`; `GET ${url}/sandbox/<system>` lists what each was asked. */
  sandbox: Sandbox;
  /** Which unified id each record's system was last sent, and its answer. */
  writeBackLedger: WriteBackLedger;
  secretEnv: NodeJS.ProcessEnv;
  /** The local Slack (Web API at `${url}/slack/api/`) and the Concord app at `${url}/slack/events`. */
  slack: LocalSlack;
  /** The handoffs (playbooks, retries, resumes) on this runtime's store and sandbox. */
  handoffs: HandoffService;
  handoffStore: HandoffStore;
  /** Resolves once every queue is empty and idle. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Batches each consumer works on at once; on AWS, Lambda scales pollers out much further. */
const LOCAL_CONSUMER_CONCURRENCY = 8;

/** Wraps a consumer to report the messages it completed; failures are not reported. */
const observed = (name: ConsumerName, handler: SqsHandler, onProcessed: LocalRuntimeOptions['onProcessed']): SqsHandler => {
  if (!onProcessed) return handler;
  return async (event) => {
    const result = await handler(event);
    const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    onProcessed(name, event.Records.filter((r) => !failed.has(r.messageId)).map((r) => r.body), Date.now());
    return result;
  };
};

export const startLocalRuntime = async (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> => {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const config = readConfig({ ...env, TABLE_PREFIX: options.tablePrefix ?? env.TABLE_PREFIX });
  const tables = options.tablePrefix !== undefined ? tableNames(options.tablePrefix) : config.tables;

  let dynamoLocal: DynamoDbLocal | undefined;
  const dynamoEndpoint = options.dynamoEndpoint ?? (dynamoLocal = await startDynamoDbLocal({ dbPath: options.dbPath, port: options.dynamoPort })).endpoint;
  const rawClient = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await createTables(rawClient, tables);
  rawClient.destroy();
  const db = createDocumentClient({ endpoint: dynamoEndpoint });
  const dynamo = createDynamoClient({ endpoint: dynamoEndpoint });

  const queues = {} as Record<ConsumerName, LocalQueue>;
  const deadLetterQueues = {} as Record<ConsumerName, LocalQueue>;
  const names = Object.keys(consumers) as ConsumerName[];
  for (const name of names) {
    const def = consumers[name];
    const visibilityTimeoutMs = options.visibilityTimeoutMs ?? def.visibilityTimeoutSeconds * 1000;
    const dlq = new LocalQueue({ name: `concord-${name}-dlq`, visibilityTimeoutMs });
    queues[name] = new LocalQueue({ name: `concord-${name}`, visibilityTimeoutMs, maxReceiveCount: def.maxReceiveCount, deadLetterQueue: dlq, batchSize: def.batchSize, maxConcurrency: LOCAL_CONSUMER_CONCURRENCY });
    deadLetterQueues[name] = dlq;
  }
  // Consumers publish too (reconcile's notices, identity's events), so they get the bus once it exists.
  const bus = new LocalBus(routes, queues, { archivePattern, clock });
  const ids = { next: () => ulid() };
  const identity = localIdentityService({ db, tables, bus, clock, ids });

  const secretEnv = localSecretEnv(env);
  const quarantine = new QuarantineStore(db, tables.quarantine);
  const sourceRecords = new SourceRecordStore(db, tables.sourceRecords);
  const ingest = createWebhookIngest({
    connectors,
    secrets: secretsFromEnv(secretEnv),
    bus,
    quarantine,
    clock,
    ids,
    maxBodyBytes: config.maxWebhookBytes,
  });
  const sandbox = createSandbox({ systems: sandboxSystems() });
  const slack = createLocalSlack({ env, clock, bus, identity, sourceRecords });
  const consoleMount = createConsoleMount({
    emulator: slack.emulator,
    // The deals are sent to this server, whose URL is known once it listens (before any page can ask).
    sampleDeals: createSampleDeals({ baseUrl: () => url, secretEnv, clock, identity: new IdentityStore(db, tables.identity) }),
  });

  let ready = false;
  const startedAt = clock.now();
  const health = () =>
    ready
      ? {
          startedAt: startedAt.toISOString(),
          dynamoEndpoint,
          bus: bus.stats(),
          queues: Object.fromEntries(Object.entries(queues).map(([name, q]) => [name, { depth: q.depth(), deadLetters: deadLetterQueues[name as ConsumerName].depth(), ...q.stats() }])),
        }
      : undefined;
  const server: Server = createLocalServer({
    ingestHandler: createIngestHandler(ingest),
    maxBodyBytes: config.maxWebhookBytes,
    health,
    statusPage: () => renderStatusPage(health()),
    replay: (quarantineId) => ingest.replay(quarantineId),
    publish: (events) => bus.publish(events),
    mounts: [(req, res) => sandbox.handle(req, res), (req, res) => slack.handle(req, res), (req, res) => consoleMount.handle(req, res)],
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  // The write-back adapters reach the sandbox through this server, so they exist once it listens;
  // until the consumers start, whatever arrives waits in its queue.
  const writer = createWriteBack(writeBackTargetsOf(sandboxWriteBackSettings(url, env)).bySystem);
  const slackSettings = slack.start(url);
  const handoffSettings = sandboxHandoffSettings(url, env);
  const consumerDeps = { db, tables, bus, clock, ids, writer, dynamo, slack: slackSettings, handoffs: handoffSettings, ...(options.handoffTuning ? { handoffTuning: options.handoffTuning } : {}) };
  for (const name of names) {
    queues[name].subscribe(observed(name, localConsumers[name](consumerDeps), options.onProcessed));
    queues[name].start();
  }
  ready = true;

  const drain = async (timeoutMs = 30_000) => {
    // A consumer may publish follow-up events, so drain until a full pass finds nothing to do.
    for (let pass = 0; pass < 10; pass++) {
      const before = bus.stats().published;
      for (const queue of Object.values(queues)) await queue.drain(timeoutMs);
      if (bus.stats().published === before) return;
    }
  };

  const stop = async () => {
    // Stop accepting, then drop idle keep-alive sockets, which would otherwise hold close() open.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    sandbox.close();
    slack.emulator.close();
    consoleMount.close();
    await closed;
    for (const queue of Object.values(queues)) await queue.stop();
    db.destroy();
    dynamo.destroy();
    await dynamoLocal?.stop();
  };

  return {
    url,
    port,
    dynamoEndpoint,
    tables,
    bus,
    queues,
    deadLetterQueues,
    ingest,
    sourceRecords,
    quarantine,
    identity,
    identityStore: new IdentityStore(db, tables.identity),
    sandbox,
    writeBackLedger: new WriteBackLedger(db, tables.writeBack),
    handoffs: localHandoffService(consumerDeps),
    handoffStore: new HandoffStore(db, tables.handoffs),
    secretEnv,
    slack,
    drain,
    stop,
  };
};
