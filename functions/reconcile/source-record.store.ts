/**
 * Source records in DynamoDB: read, apply a change, write back guarded by the revision we read,
 * so two consumers racing on one record never lose each other's fields.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SourceRecord, sourceKeyOf, type CanonicalEvent } from '../shared/canonical';
import { applySourceChange, type SourceChangeOutcome } from './apply-source-change';

const MAX_ATTEMPTS = 8;

export class SourceRecordStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(sourceKey: string): Promise<SourceRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { sourceKey }, ConsistentRead: true }));
    return Item === undefined ? undefined : SourceRecord.parse(Item);
  }

  /** Lists records, optionally of one system and entity type (a scan: for operators, not hot paths). */
  async list(filter: { sourceSystem?: string; entityType?: string; limit?: number } = {}): Promise<SourceRecord[]> {
    const limit = filter.limit ?? 50;
    const conditions: string[] = [];
    const values: Record<string, string> = {};
    if (filter.sourceSystem) (conditions.push('sourceSystem = :system'), (values[':system'] = filter.sourceSystem));
    if (filter.entityType) (conditions.push('entityType = :type'), (values[':type'] = filter.entityType));
    const records: SourceRecord[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
          ExpressionAttributeValues: conditions.length ? values : undefined,
          ExclusiveStartKey: cursor,
        }),
      );
      records.push(...(page.Items ?? []).map((item) => SourceRecord.parse(item)));
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined && records.length < limit);
    return records.slice(0, limit);
  }

  /** Applies one canonical event; safe to call any number of times with the same event. */
  async apply(event: CanonicalEvent, now: Date): Promise<SourceChangeOutcome> {
    const sourceKey = sourceKeyOf(event);
    for (let attempt = 1; ; attempt++) {
      const existing = await this.get(sourceKey);
      const outcome = applySourceChange(existing, event, now);
      if (outcome.kind === 'unchanged') return outcome;
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...outcome.record, rev: (existing?.rev ?? 0) + 1 },
            ConditionExpression: existing === undefined ? 'attribute_not_exists(sourceKey)' : 'rev = :rev',
            ExpressionAttributeValues: existing === undefined ? undefined : { ':rev': existing.rev },
          }),
        );
        return outcome;
      } catch (error) {
        // Someone else wrote the record between our read and write: read again and re-apply.
        if (error instanceof ConditionalCheckFailedException && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }
}
