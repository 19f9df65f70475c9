/** The identity engine on its stores and ports: how every function, the CLI and the local runtime build it. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SourceRecordStore } from '../reconcile/source-record.store';
import type { Clock, EventBus, IdGenerator } from '../shared/ports';
import type { TableNames } from '../shared/tables';
import { ErasureStore } from './erasure.store';
import { IdentityService, type IdentityServiceDeps } from './identity-service';
import { IdentityStore } from './identity.store';

export const identityServiceOn = (ports: {
  db: DynamoDBDocumentClient;
  tables: Pick<TableNames, 'identity' | 'sourceRecords'>;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  log?: IdentityServiceDeps['log'];
}): IdentityService =>
  new IdentityService({
    store: new IdentityStore(ports.db, ports.tables.identity),
    sourceRecords: new SourceRecordStore(ports.db, ports.tables.sourceRecords),
    erasures: new ErasureStore(ports.db, ports.tables.identity),
    bus: ports.bus,
    clock: ports.clock,
    ids: ports.ids,
    ...(ports.log ? { log: ports.log } : {}),
  });
