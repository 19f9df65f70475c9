/** Tables of their own for one test file, on the run's shared DynamoDB Local (see global-setup.ts). */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/shared/aws/dynamo';
import { tableNames, type TableNames } from '../../functions/shared/tables';
import { createTables } from '../../local/create-tables';

export interface TestDynamo {
  endpoint: string;
  db: DynamoDBDocumentClient;
  tables: TableNames;
  tablePrefix: string;
  stop(): Promise<void>;
}

export const testDynamoEndpoint = (): string => {
  const endpoint = process.env.CONCORD_TEST_DYNAMO_ENDPOINT;
  if (!endpoint) throw new Error('CONCORD_TEST_DYNAMO_ENDPOINT is unset: run integration tests through jest (global setup starts DynamoDB Local)');
  return endpoint;
};

export const uniquePrefix = (): string => `t${randomUUID().slice(0, 8)}-`;

export const startTestDynamo = async (): Promise<TestDynamo> => {
  const endpoint = testDynamoEndpoint();
  const tablePrefix = uniquePrefix();
  const tables = tableNames(tablePrefix);
  const raw = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await createTables(raw, tables);
  raw.destroy();
  const db = createDocumentClient({ endpoint });
  return { endpoint, db, tables, tablePrefix, stop: async () => db.destroy() };
};
