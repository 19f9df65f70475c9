/**
 * DynamoDB table definitions, shared by the CDK stack and the local runtime so both create the
 * same keys and indexes.
 */
export interface KeyDefinition {
  name: string;
  type: 'S' | 'N';
}

export interface TableDefinition {
  /** Logical name: locally the table is `${prefix}${logicalName}`; on AWS CloudFormation names it. */
  logicalName: string;
  description: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  globalIndexes?: { name: string; partitionKey: KeyDefinition; sortKey?: KeyDefinition }[];
  /** Attribute holding an epoch-seconds expiry. DynamoDB Local never deletes expired items. */
  timeToLiveAttribute?: string;
}

export const tables = {
  sourceRecords: {
    logicalName: 'SourceRecords',
    description: 'One item per (system, entity type, external id): raw payload, merged fields, versions',
    partitionKey: { name: 'sourceKey', type: 'S' },
  },
  quarantine: {
    logicalName: 'Quarantine',
    description: 'Deliveries that failed verification or validation, with the reason, for replay',
    partitionKey: { name: 'quarantineId', type: 'S' },
    globalIndexes: [
      { name: 'byStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'receivedAt', type: 'S' } },
    ],
    timeToLiveAttribute: 'expiresAt',
  },
  identity: {
    logicalName: 'Identity',
    description:
      'The identity graph: per source record its match input, block keys, entity and constraints; entities with golden records; the blocking index; merge proposals, merges, the audit log and the trained models',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalIndexes: [
      // Lists read newest first: proposals by status, merges, the audit log.
      { name: 'byList', partitionKey: { name: 'listPk', type: 'S' }, sortKey: { name: 'listSk', type: 'S' } },
    ],
  },
  idempotency: {
    logicalName: 'Idempotency',
    description: 'Claims on side effects and deliveries (Powertools idempotency layout)',
    partitionKey: { name: 'id', type: 'S' },
    timeToLiveAttribute: 'expiration',
  },
  writeBack: {
    logicalName: 'WriteBack',
    description: 'Per source record: the unified id last written back into its system, and what the system answered',
    partitionKey: { name: 'sourceKey', type: 'S' },
  },
  handoffs: {
    logicalName: 'Handoffs',
    description:
      'Handoffs (one per playbook and trigger: steps, attempts, what they made, exceptions, confirmations), playbook states (paused, recent outcomes), CS owner assignments and loads, renewal due dates',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalIndexes: [
      // Lists: handoffs by status (newest first), renewals by due date, projects being watched.
      { name: 'byList', partitionKey: { name: 'listPk', type: 'S' }, sortKey: { name: 'listSk', type: 'S' } },
    ],
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof tables;
export type TableNames = Record<TableKey, string>;

export const tableNames = (prefix = 'concord-'): TableNames =>
  Object.fromEntries(Object.entries(tables).map(([key, def]) => [key, `${prefix}${def.logicalName}`])) as TableNames;
