/**
 * The local runtime's consumers: for each consumer in the routing table, the same handler factory
 * its Lambda uses, given local ports. Typed by ConsumerName so a new consumer cannot be forgotten.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createIdentityHandler } from '../functions/identity/identity.handler';
import type { IdentityService } from '../functions/identity/identity-service';
import { identityServiceOn } from '../functions/identity/identity-service-on';
import { ErasureStore } from '../functions/identity/erasure.store';
import { IdentityStore } from '../functions/identity/identity.store';
import type { WriteBack } from '../functions/identity/writeback/ports';
import { PersonEraser } from '../functions/identity/erase-person';
import { WriteBackLedger } from '../functions/identity/writeback/write-back-ledger.store';
import { createWriteBackHandler, identityReaderOf } from '../functions/identity/writeback/writeback.handler';
import { createReconcileHandler } from '../functions/reconcile/reconcile.handler';
import { SourceRecordStore } from '../functions/reconcile/source-record.store';
import type { Clock, EventBus, IdGenerator } from '../functions/shared/ports';
import type { ConsumerName } from '../functions/shared/routing';
import type { TableNames } from '../functions/shared/tables';
import type { SlackSettings } from '../slack/settings';
import { slackWorkerHandlerOn } from '../slack/worker.handler';
import type { HandoffSettings } from '../functions/handoffs/handoff-settings';
import { HandoffStore } from '../functions/handoffs/handoff.store';
import { createHandoffsHandler, handoffServiceOn, type HandoffPorts } from '../functions/handoffs/handoffs.handler';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface ConsumerDeps {
  db: DynamoDBDocumentClient;
  tables: TableNames;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  /** The vendor adapters the write-back consumer calls, and erasure asks (locally: pointed at the sandbox). */
  writer: WriteBack;
  /** The plain DynamoDB client, for Powertools idempotency. */
  dynamo: DynamoDBClient;
  /** The Slack app's settings (locally: pointed at the local Slack). */
  slack: SlackSettings;
  /** The handoffs' targets and CS roster (locally: pointed at the sandbox). */
  handoffs: HandoffSettings;
  /** Tests shorten the handoffs' waits and hook their step boundaries. */
  handoffTuning?: HandoffPorts['tuning'];
}

/** The handoffs' service on local ports; the CLI and the local server use the same one. */
export const localHandoffService = (deps: Pick<ConsumerDeps, 'db' | 'tables' | 'bus' | 'clock' | 'ids' | 'handoffs' | 'handoffTuning'>) => {
  const identity = localIdentityService(deps);
  return handoffServiceOn({ ...deps, settings: deps.handoffs, entityOf: (ref) => identity.entityOf(ref), ...(deps.handoffTuning ? { tuning: deps.handoffTuning } : {}) });
};

/** The identity engine on local ports; the CLI and the local server use the same one. */
export const localIdentityService = (deps: Pick<ConsumerDeps, 'db' | 'tables' | 'bus' | 'clock' | 'ids'>): IdentityService => identityServiceOn(deps);

export const localConsumers: Record<ConsumerName, (deps: ConsumerDeps) => SqsHandler> = {
  reconcile: (deps) => createReconcileHandler({ records: new SourceRecordStore(deps.db, deps.tables.sourceRecords), bus: deps.bus, clock: deps.clock }),
  identity: (deps) => {
    const identity = localIdentityService(deps);
    const eraser = new PersonEraser({
      store: new IdentityStore(deps.db, deps.tables.identity),
      identity,
      sourceRecords: new SourceRecordStore(deps.db, deps.tables.sourceRecords),
      erasures: new ErasureStore(deps.db, deps.tables.identity),
      requester: deps.writer,
      clock: deps.clock,
      ids: deps.ids,
    });
    return createIdentityHandler(identity, eraser);
  },
  writeback: (deps) =>
    createWriteBackHandler({
      identity: identityReaderOf(new IdentityStore(deps.db, deps.tables.identity)),
      ledger: new WriteBackLedger(deps.db, deps.tables.writeBack),
      writer: deps.writer,
      clock: deps.clock,
    }),
  handoffs: (deps) => createHandoffsHandler(localHandoffService(deps), { info: (m, e) => (process.env.DEBUG_HANDOFFS ? console.log(m, e) : undefined), error: (message, extra) => console.error(`handoffs: ${message}`, extra) }),
  slack: (deps) =>
    slackWorkerHandlerOn({
      ...deps,
      identity: localIdentityService(deps),
      settings: deps.slack,
      handoffs: { service: localHandoffService(deps), store: new HandoffStore(deps.db, deps.tables.handoffs) },
      log: { info: () => undefined, error: (message, extra) => console.error(`slack worker: ${message}`, extra) },
    }),
};
