import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QuarantineEntry } from './quarantine';

export class QuarantineStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(entry: QuarantineEntry): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: entry }));
  }

  async get(quarantineId: string): Promise<QuarantineEntry | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { quarantineId }, ConsistentRead: true }));
    return Item === undefined ? undefined : QuarantineEntry.parse(Item);
  }

  /** Newest first. */
  async list(status: QuarantineEntry['status'] = 'open', limit = 50): Promise<QuarantineEntry[]> {
    const entries: QuarantineEntry[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byStatus',
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
          ScanIndexForward: false,
          Limit: limit - entries.length,
          ExclusiveStartKey: cursor,
        }),
      );
      entries.push(...(page.Items ?? []).map((item) => QuarantineEntry.parse(item)));
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined && entries.length < limit);
    return entries;
  }

  async recordReplay(quarantineId: string, replay: QuarantineEntry['replays'][number]): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { quarantineId },
        UpdateExpression: 'SET replays = list_append(if_not_exists(replays, :none), :replay), #status = :status',
        ConditionExpression: 'attribute_exists(quarantineId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':none': [],
          ':replay': [replay],
          ':status': replay.outcome === 'accepted' ? 'replayed' : 'open',
        },
      }),
    );
  }
}
