/**
 * The write-back ledger in DynamoDB (functions/shared/tables.ts, `writeBack`): one item per source
 * record, keyed by its source key, saying which unified id was last sent to its system and what
 * the system answered (write-back-plan.ts, LedgerEntry). A table of its own, so the write-back
 * consumer may read the identity graph but write nothing in it.
 *
 * Entries carry a version. A confirmed write is recorded only if no one else recorded since it
 * was planned: a failed condition means two writers raced, and the caller writes again.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SourceSystem } from '../../shared/canonical';
import { LedgerEntry, recordRefOf } from './write-back-plan';

export type LedgerRecord = Omit<LedgerEntry, 'version'>;

export class WriteBackLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(sourceKey: string): Promise<LedgerEntry | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { sourceKey }, ConsistentRead: true }));
    return Item === undefined ? undefined : LedgerEntry.parse(Item);
  }

  /** Records an outcome unless the entry changed since `seen` was read; false when it did. */
  async recordIfUnchanged(record: LedgerRecord, seen: LedgerEntry | undefined): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          ...this.update(record),
          ConditionExpression: seen === undefined ? 'attribute_not_exists(sourceKey)' : 'version = :seen',
          ExpressionAttributeValues: { ...this.values(record), ...(seen === undefined ? {} : { ':seen': seen.version }) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Records an outcome whatever the entry holds: for "unconfirmed", which only ever makes a later plan write again. */
  async recordAnyway(record: LedgerRecord): Promise<void> {
    await this.db.send(new UpdateCommand({ ...this.update(record), ExpressionAttributeValues: this.values(record) }));
  }

  /** How many records got their unified id confirmed since `since`, and in which systems: for summaries, not hot paths. */
  async writtenSince(since: Date): Promise<{ records: number; systems: SourceSystem[] }> {
    let records = 0;
    const systems = new Set<SourceSystem>();
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#status = :written AND #at >= :since',
          ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
          ExpressionAttributeValues: { ':written': 'written', ':since': since.toISOString() },
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of page.Items ?? []) {
        records++;
        const system = recordRefOf(LedgerEntry.parse(item).sourceKey)?.sourceSystem;
        if (system !== undefined) systems.add(system);
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
    return { records, systems: SourceSystem.options.filter((s) => systems.has(s)) };
  }

  /** Every field of the entry, the version raised by one; `detail` removed when the outcome has none. */
  private update(record: LedgerRecord) {
    return {
      TableName: this.tableName,
      Key: { sourceKey: record.sourceKey },
      UpdateExpression: `SET unifiedId = :unifiedId, #status = :status, #at = :at${record.detail === undefined ? '' : ', detail = :detail'} ADD version :one${record.detail === undefined ? ' REMOVE detail' : ''}`,
      ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
    };
  }

  private values(record: LedgerRecord): Record<string, unknown> {
    return {
      ':unifiedId': record.unifiedId,
      ':status': record.status,
      ':at': record.at,
      ':one': 1,
      ...(record.detail === undefined ? {} : { ':detail': record.detail }),
    };
  }
}
