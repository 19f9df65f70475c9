/** Creates the tables from the same definitions the CDK stack uses. Safe to run again. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { tables, type TableDefinition, type TableNames } from '../functions/shared/tables';

const attributesOf = (def: TableDefinition): AttributeDefinition[] => {
  const keys = [def.partitionKey, def.sortKey, ...(def.globalIndexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])];
  const unique = new Map<string, AttributeDefinition>();
  for (const key of keys) if (key) unique.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  return [...unique.values()];
};

export const createTables = async (client: DynamoDBClient, names: TableNames): Promise<void> => {
  for (const [key, def] of Object.entries(tables) as [keyof TableNames, TableDefinition][]) {
    const TableName = names[key];
    try {
      await client.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: attributesOf(def),
          KeySchema: [
            { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
            ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
          ],
          GlobalSecondaryIndexes: def.globalIndexes?.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      );
      if (def.timeToLiveAttribute) {
        await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: def.timeToLiveAttribute } }));
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      await client.send(new DescribeTableCommand({ TableName }));
    }
  }
};
