/**
 * Where the CLI's commands act: the local runtime started by `npm start` (found through its
 * /health answer), or the deployed stack on AWS (`--aws`).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ulid } from 'ulid';
import { connectors } from '../functions/ingest/connectors';
import { createWebhookIngest, type ReplayOutcome } from '../functions/ingest/ingest-webhook';
import { QuarantineStore } from '../functions/ingest/quarantine.store';
import { SourceRecordStore } from '../functions/reconcile/source-record.store';
import { createDocumentClient } from '../functions/shared/aws/dynamo';
import { EventBridgeBus } from '../functions/shared/aws/eventbridge-bus';
import { loadSecretsFromSecretsManager, secretsFromEnv } from '../functions/shared/aws/webhook-secrets';
import { readConfig } from '../functions/shared/config';
import { systemClock, type EventBus } from '../functions/shared/ports';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IdentityService } from '../functions/identity/identity-service';
import { ErasureStore } from '../functions/identity/erasure.store';
import { IdentityStore } from '../functions/identity/identity.store';
import { HttpBus } from '../local/http-bus';
import { createWriteBack } from '../functions/identity/writeback/create-write-back';
import type { ErasureRequester } from '../functions/identity/writeback/ports';

export interface CliContext {
  where: string;
  db: DynamoDBDocumentClient;
  tables: ReturnType<typeof readConfig>['tables'];
  quarantine: QuarantineStore;
  sourceRecords: SourceRecordStore;
  identityStore: IdentityStore;
  /** Asks source systems to erase; systems without write-back configuration answer 'skipped'. */
  erasureRequester: ErasureRequester;
  /** The identity engine, publishing on the runtime's bus. */
  identity: IdentityService;
  /** The runtime's bus: EventBridge with --aws, the local runtime's `POST /local/events` otherwise. */
  bus: EventBus;
  /** The local runtime's URL (its /health tells queue depths); undefined with --aws. */
  runtimeUrl?: string;
  /** Replays a quarantined delivery where it is judged with the deployment's own secrets. */
  replay(quarantineId: string): Promise<ReplayOutcome>;
  close(): void;
}

export class RuntimeNotFoundError extends Error {}

const localUrl = () => process.env.CONCORD_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export const openContext = async (options: { aws?: boolean }): Promise<CliContext> => {
  const config = readConfig();
  if (options.aws) {
    const db = createDocumentClient();
    const secrets = config.webhookSecretsArn ? await loadSecretsFromSecretsManager(config.webhookSecretsArn) : secretsFromEnv();
    return build(`AWS (${process.env.AWS_REGION ?? 'default region'})`, db, config, new EventBridgeClient({}), secrets);
  }
  const url = localUrl();
  let health: { dynamoEndpoint?: string };
  try {
    const response = await fetch(new URL('/health', url));
    health = (await response.json()) as { dynamoEndpoint?: string };
  } catch {
    throw new RuntimeNotFoundError(`Concord is not running at ${url}: start it with \`npm start\` (or set CONCORD_URL), or pass --aws for the deployed stack.`);
  }
  if (!health.dynamoEndpoint) throw new RuntimeNotFoundError(`Concord at ${url} is still starting; try again in a moment.`);
  const db = createDocumentClient({ endpoint: health.dynamoEndpoint });
  const quarantine = new QuarantineStore(db, config.tables.quarantine);
  const bus = new HttpBus(url);
  return {
    where: `local (${url})`,
    db,
    tables: config.tables,
    quarantine,
    bus,
    runtimeUrl: url,
    ...identityOf(db, config, bus),
    // The running runtime replays, with the secrets it was started with, not this shell's.
    replay: async (quarantineId) => (await (await fetch(new URL(`/local/quarantine/${encodeURIComponent(quarantineId)}/replay`, url), { method: 'POST' })).json()) as ReplayOutcome,
    close: () => db.destroy(),
  };
};

const identityOf = (db: DynamoDBDocumentClient, config: ReturnType<typeof readConfig>, bus: EventBus) => {
  const identityStore = new IdentityStore(db, config.tables.identity);
  const sourceRecords = new SourceRecordStore(db, config.tables.sourceRecords);
  return {
    sourceRecords,
    identityStore,
    // No vendor credentials are configured from the environment yet, so every request is 'skipped'.
    erasureRequester: createWriteBack({}),
    identity: new IdentityService({ store: identityStore, sourceRecords, erasures: new ErasureStore(db, config.tables.identity), bus, clock: systemClock, ids: { next: () => ulid() } }),
  };
};

const build = (
  where: string,
  db: DynamoDBDocumentClient,
  config: ReturnType<typeof readConfig>,
  events: EventBridgeClient,
  secrets: ReturnType<typeof secretsFromEnv>,
): CliContext => {
  const quarantine = new QuarantineStore(db, config.tables.quarantine);
  const bus = new EventBridgeBus(events, config.eventBusName);
  return {
    where,
    db,
    tables: config.tables,
    quarantine,
    bus,
    ...identityOf(db, config, bus),
    replay: createWebhookIngest({
      connectors,
      secrets,
      bus,
      quarantine,
      clock: systemClock,
      ids: { next: () => ulid() },
      maxBodyBytes: config.maxWebhookBytes,
    }).replay,
    close: () => {
      db.destroy();
      events.destroy();
    },
  };
};
