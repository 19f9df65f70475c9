/**
 * Source records in DynamoDB: read, apply a change, write back guarded by the revision we read,
 * so two consumers racing on one record never lose each other's fields.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, type BatchGetCommandOutput, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SourceRecord, sourceKeyOf, type CanonicalEvent } from '../shared/canonical';
import { applySourceChange, type SourceChangeOutcome } from './apply-source-change';

const MAX_ATTEMPTS = 12;

export class SourceRecordStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(sourceKey: string): Promise<SourceRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { sourceKey }, ConsistentRead: true }));
    return Item === undefined ? undefined : SourceRecord.parse(Item);
  }

  /** Several records at once (missing ones are left out), in no particular order. */
  async getMany(sourceKeys: readonly string[]): Promise<SourceRecord[]> {
    const unique = [...new Set(sourceKeys)];
    const out: SourceRecord[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((sourceKey) => ({ sourceKey }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        const page: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        out.push(...(page.Responses?.[this.tableName] ?? []).map((item) => SourceRecord.parse(item)));
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys;
        if (keys && keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 5)));
      }
    }
    return out;
  }

  /** Lists records, optionally of one system and entity type (a scan: for operators, not hot paths). */
  async list(filter: { sourceSystem?: string; entityType?: string; rereadRequested?: boolean; limit?: number } = {}): Promise<SourceRecord[]> {
    const limit = filter.limit ?? 50;
    const conditions: string[] = [];
    const values: Record<string, string> = {};
    if (filter.sourceSystem) {
      conditions.push('sourceSystem = :system');
      values[':system'] = filter.sourceSystem;
    }
    if (filter.entityType) {
      conditions.push('entityType = :type');
      values[':type'] = filter.entityType;
    }
    if (filter.rereadRequested) conditions.push('attribute_exists(rereadRequestedAt)');
    const records: SourceRecord[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: conditions.length ? conditions.join(' AND ') : undefined,
          ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
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
    return this.applyAll([event], now);
  }

  /**
   * Applies several events for ONE source record in a single read-modify-write: a HubSpot batch
   * often carries a dozen property changes for one contact, and writing once avoids contending
   * with ourselves. Safe to repeat; the outcome is the record after the last event.
   */
  async applyAll(events: readonly CanonicalEvent[], now: Date): Promise<SourceChangeOutcome> {
    const first = events[0];
    if (first === undefined) return { kind: 'unchanged', reason: 'already-applied' };
    const sourceKey = sourceKeyOf(first);
    if (events.some((e) => sourceKeyOf(e) !== sourceKey)) throw new Error('applyAll takes events of one source record');
    for (let attempt = 1; ; attempt++) {
      const existing = await this.get(sourceKey);
      let record = existing;
      let outcome: SourceChangeOutcome = { kind: 'unchanged', reason: 'already-applied' };
      for (const event of events) {
        const step = applySourceChange(record, event, now);
        if (step.kind === 'changed') record = step.record;
        outcome = record !== existing && record !== undefined ? { kind: 'changed', record } : step;
      }
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
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= MAX_ATTEMPTS) throw error;
        // Someone else wrote the record between our read and write: wait a little (jittered, so
        // racing writers spread out) and re-apply on a fresh read.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 6)));
      }
    }
  }
}
