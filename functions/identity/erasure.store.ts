/**
 * Erasure's items, in the identity table beside the graph (identity.store.ts has the rest):
 *
 * | pk                 | sk         | what                                                           |
 * |--------------------|------------|----------------------------------------------------------------|
 * | ERASED#<hash>      | TOMBSTONE  | an erased email or phone, as its hash: when, by which erasure  |
 * | ERASURE#<id>       | ERASURE    | one erasure: who asked, why, each member record's outcome      |
 * | AUDIT#<unifiedId>  | <at>#<id>  | the erasure's audit entries (action 'erase'), in identity's log |
 *
 * It also deletes emptied blocking-index items (BLK#…, identity's), whose keys are values.
 *
 * A tombstone holds the hash only (erasure.ts says how it is made), never the value: the table
 * must not keep what it exists to forget. Erasures are listed newest first through the table's
 * `byList` index (listPk 'ERASURES').
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { EntityType, SourceSystem } from '../shared/canonical';
import { identifyingHashes, isErased } from './erasure';
import type { AuditEntry } from './graph/identity-graph';

const tombstoneKey = (hash: string) => ({ pk: `ERASED#${hash}`, sk: 'TOMBSTONE' });
const logKey = (erasureId: string) => ({ pk: `ERASURE#${erasureId}`, sk: 'ERASURE' });

/** Keys DynamoDB takes in one BatchGet. */
const BATCH_GET_LIMIT = 100;

export const Tombstone = z.object({ hash: z.string(), erasureId: z.string(), erasedAt: z.string() });
export type Tombstone = z.infer<typeof Tombstone>;

export const ErasureMemberOutcome = z.object({
  sourceKey: z.string(),
  sourceSystem: SourceSystem,
  entityType: EntityType,
  externalId: z.string(),
  /**
   * pending: the source system has not been asked yet (a run stopped midway); otherwise its
   * answer (functions/identity/writeback/ports.ts WriteResult): done, skipped or failed.
   */
  status: z.enum(['pending', 'done', 'skipped', 'failed']),
  retryable: z.boolean().optional(),
  detail: z.string().optional(),
  request: z.object({ method: z.string(), url: z.string() }).optional(),
  askedAt: z.string().optional(),
});
export type ErasureMemberOutcome = z.infer<typeof ErasureMemberOutcome>;

export const ErasureLog = z.object({
  erasureId: z.string(),
  unifiedId: z.string(),
  /** How the person was named; never the email itself, which is what is being erased. */
  requestedAs: z.enum(['unified-id', 'source-key', 'email']),
  by: z.string(),
  reason: z.string(),
  requestedAt: z.string(),
  updatedAt: z.string(),
  /**
   * in-progress: tombstones written, records being blanked (a run that stopped leaves this);
   * erased: Concord holds nothing of the person and every system confirmed or had nothing to do;
   * incomplete: Concord holds nothing, but some system refused or could not be reached.
   */
  status: z.enum(['in-progress', 'erased', 'incomplete']),
  /** Tombstones this erasure added (values another erasure had tombstoned already do not count). */
  tombstones: z.number().int().nonnegative(),
  /** How many times it ran: a run after an 'incomplete' one asks the failed systems again. */
  runs: z.number().int().positive(),
  members: z.array(ErasureMemberOutcome),
});
export type ErasureLog = z.infer<typeof ErasureLog>;

/** Identity's audit entry, for an erasure. */
export type ErasureAuditEntry = Omit<AuditEntry, 'action'> & { action: 'erase' };

export type ArrivalScreening = { kind: 'clear' } | { kind: 'erased'; erasureIds: string[] };

const strip = (item: Record<string, unknown>): Record<string, unknown> => {
  const { pk: _pk, sk: _sk, listPk: _l, listSk: _s, ...rest } = item;
  return rest;
};

export class ErasureStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // ---- tombstones ---------------------------------------------------------------------------------

  /** The tombstones among these hashes. */
  async tombstones(hashes: readonly string[]): Promise<Tombstone[]> {
    const found: Tombstone[] = [];
    const unique = [...new Set(hashes)];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + BATCH_GET_LIMIT).map(tombstoneKey);
      for (let attempt = 0; keys !== undefined && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 5)));
        const page: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of page.Responses?.[this.tableName] ?? []) found.push(Tombstone.parse({ ...strip(item), hash: String(item.pk).slice('ERASED#'.length) }));
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found.sort((a, b) => a.hash.localeCompare(b.hash));
  }

  async hasAny(hashes: readonly string[]): Promise<boolean> {
    return (await this.tombstones(hashes)).length > 0;
  }

  /**
   * Tombstones the hashes; returns how many were new. A value already tombstoned keeps its first
   * erasure: that is the one that made it unwelcome, and a later erasure changes nothing about it.
   */
  async put(hashes: readonly string[], erasureId: string, at: string): Promise<number> {
    const written = await Promise.all(
      [...new Set(hashes)].map(async (hash) => {
        try {
          await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...tombstoneKey(hash), erasureId, erasedAt: at }, ConditionExpression: 'attribute_not_exists(pk)' }));
          return 1;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return 0;
          throw error;
        }
      }),
    );
    return written.reduce<number>((sum, n) => sum + n, 0);
  }

  /** The tombstones a record's identifying values hit, when they say it is an erased person (erasure.ts `isErased`). */
  async tombstonesAgainst(fields: Readonly<Record<string, unknown>>): Promise<Tombstone[]> {
    const hits = await this.tombstones(identifyingHashes(fields).map((h) => h.hash));
    return isErased(fields, new Set(hits.map((t) => t.hash))) ? hits : [];
  }

  /** Whether a record's email or phone says it is a person who was erased. */
  async isTombstoned(fields: Readonly<Record<string, unknown>>): Promise<boolean> {
    return (await this.tombstonesAgainst(fields)).length > 0;
  }

  /**
   * Screens a record arriving at identity. When it is an erased person coming back, says so
   * and notes the refusal in the audit log of each erased entity it hits, so whoever reviews
   * the erasure sees the attempts to bring the person back (by source key only: no values).
   */
  async screenArrival(sourceKey: string, fields: Readonly<Record<string, unknown>>, at: string, auditId: string): Promise<ArrivalScreening> {
    const hits = await this.tombstonesAgainst(fields);
    if (hits.length === 0) return { kind: 'clear' };
    const erasureIds = [...new Set(hits.map((t) => t.erasureId))].sort();
    const logs = (await Promise.all(erasureIds.map((id) => this.getLog(id)))).flatMap((log) => (log ? [log] : []));
    const unifiedIds = [...new Set(logs.map((log) => log.unifiedId))].sort();
    if (unifiedIds.length > 0) {
      await this.appendAudit(
        { at, action: 'erase', unifiedIds, sourceKeys: [sourceKey], by: 'concord', reason: 'a new record carries an erased email or phone: kept out', detail: { refused: sourceKey, erasureIds } },
        auditId,
      );
    }
    return { kind: 'erased', erasureIds };
  }

  // ---- the erasure log ----------------------------------------------------------------------------

  async getLog(erasureId: string): Promise<ErasureLog | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: logKey(erasureId), ConsistentRead: true }));
    return Item === undefined ? undefined : ErasureLog.parse(strip(Item));
  }

  /** Writes the erasure's current state; each run of one erasure replaces the last. */
  async putLog(log: ErasureLog): Promise<void> {
    const item = ErasureLog.parse(log);
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...logKey(item.erasureId), listPk: 'ERASURES', listSk: `${item.requestedAt}#${item.erasureId}`, ...item } }),
    );
  }

  /** Erasures, newest first. */
  async list(limit = 50): Promise<ErasureLog[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byList',
        KeyConditionExpression: 'listPk = :list',
        ExpressionAttributeValues: { ':list': 'ERASURES' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => ErasureLog.parse(strip(item)));
  }

  // ---- the audit log ------------------------------------------------------------------------------

  /**
   * Appends an entry to identity's audit log (identity.store.ts `auditItems` layout), once per
   * entity it concerns. Append-only: the same id written again changes nothing, so a retried
   * erasure does not log twice under one id.
   */
  async appendAudit(entry: ErasureAuditEntry, id: string): Promise<void> {
    await Promise.all(
      entry.unifiedIds.map(async (unifiedId, n) => {
        const sk = `${entry.at}#${id}`;
        const listed = n === 0 ? { listPk: 'AUDIT', listSk: sk } : {};
        try {
          await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: `AUDIT#${unifiedId}`, sk, ...listed, ...entry }, ConditionExpression: 'attribute_not_exists(pk)' }));
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
  }

  /**
   * Removes the values people typed as survivorship overrides from an entity's audit entries;
   * returns how many entries were redacted. The audit log is append-only except for this: an
   * override's value is the person's data, and erasure must reach it. The entry keeps who chose
   * which field, when and why, and says which erasure took the value.
   */
  async redactAuditValues(unifiedId: string, erasureId: string): Promise<number> {
    let redacted = 0;
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'attribute_exists(detail.#value)',
          ExpressionAttributeNames: { '#value': 'value' },
          ExpressionAttributeValues: { ':pk': `AUDIT#${unifiedId}` },
          ConsistentRead: true,
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of page.Items ?? []) {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'REMOVE detail.#value SET redactedBy = :erasure',
            ExpressionAttributeNames: { '#value': 'value' },
            ExpressionAttributeValues: { ':erasure': erasureId },
          }),
        );
        redacted++;
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
    return redacted;
  }
}
