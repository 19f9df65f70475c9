/**
 * The identity graph in DynamoDB, one table (functions/shared/tables.ts, `identity`):
 *
 * | pk                          | sk            | what                                                |
 * |-----------------------------|---------------|-----------------------------------------------------|
 * | REC#<sourceKey>             | MATCH         | match input, block keys, the entity holding it      |
 * | REC#<sourceKey>             | NOT#/MUST#<k> | a person's decision about the pair (both directions) |
 * | REC#<sourceKey>             | OUTBOX#<id>   | events written with a change, until published       |
 * | BLKS#<kind>#<bucket>        | BLOCKS        | blocking keys by name: the records holding each (a set) |
 * | ENT#<unifiedId>             | ENTITY        | members, golden record, lifecycle, hierarchy        |
 * | REL#<accountSourceKey>      | <sourceKey>   | a record that refers to the account (deals, people) |
 * | PROP#<proposalId>           | PROPOSAL      | a merge proposal and its decision                   |
 * | MERGE#<mergeId>             | MERGE         | a merge, exactly as it found both entities          |
 * | AUDIT#<unifiedId>           | <at>#<id>     | the append-only audit log, per entity               |
 * | MODEL#<kind>                | CURRENT       | the trained model snapshot (gzip JSON)              |
 *
 * Entities are written with optimistic concurrency (`rev`), in one transaction with the merge
 * record, the audit entries, the members' pointers and the outbox, so a change is all or nothing.
 * A pointer (REC.unifiedId) may name a merged entity: reading follows the tombstone.
 *
 * The blocking index is spread over BLOCK_BUCKETS items per kind: a blocking key lives in the item
 * its hash picks, as an attribute named by the key, holding the records that have it. One item
 * per key made some seven items per record, most of them holding one record, and writing items,
 * not bytes, is what a backfill waits on (DynamoDB Local writes two to three thousand a second,
 * small or large). A bucket holds some dozens of keys at 100k records of a kind (a few KB), some
 * hundreds at a million (tens of KB): far under DynamoDB's 400 KB until some ten million records.
 * The live path and the bulk backfill build their index writes with the same function
 * (`blockIndexUpdates`), so both leave one shape.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { BusEvent } from '../shared/ports';
import type { AuditEntry, Entity, MergeRecord } from './graph/identity-graph';
import type { EntityKind, MatchInput } from './matching/match-record';
import { decodeSnapshot, encodeSnapshot, type ModelSnapshot } from './matching/model-snapshot';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Records per blocking key kept; a bigger block is skipped like batch blocking skips it. */
export const MAX_BLOCK_SIZE = 1000;

/** Index items per kind. Part of the layout: another number puts every key elsewhere (a re-index). */
export const BLOCK_BUCKETS = 16_384;
/** Keys one update names: its expression stays far under DynamoDB's 4 KB. */
const MAX_KEYS_PER_UPDATE = 100;

/** The index item a blocking key lives in: a hash of the key picks it, the same forever. */
const blockBucketKey = (kind: EntityKind, blockKey: string) => ({
  pk: `BLKS#${kind}#${createHash('sha256').update(blockKey).digest().readUInt32BE(0) % BLOCK_BUCKETS}`,
  sk: 'BLOCKS',
});

type UpdateInput = NonNullable<TransactItem['Update']>;

/** One update of an index item: the keys it adds records to and takes records out of. */
export interface BlockIndexUpdate {
  update: UpdateInput;
  added: readonly string[];
  removed: readonly string[];
}

/**
 * The updates that add records to blocking keys and take records out of them: one per index item
 * touched (more for an item with over MAX_KEYS_PER_UPDATE keys to change). Adding to a set and
 * taking from it are idempotent, and DynamoDB drops a set left empty, so a key (a value: an email,
 * a phone) never outlives the last record holding it. With `one`, the live path's single record,
 * each key takes it only while under MAX_BLOCK_SIZE records or already holding it; a full block
 * fails the whole update (see IdentityStore.addToBlocks).
 */
export const blockIndexUpdates = (
  table: string,
  kind: EntityKind,
  changes: { add?: ReadonlyMap<string, readonly string[]>; remove?: ReadonlyMap<string, readonly string[]>; one?: string },
): BlockIndexUpdate[] => {
  const buckets = new Map<string, { key: { pk: string; sk: string }; add: string[]; remove: string[] }>();
  const bucketOf = (blockKey: string) => {
    const key = blockBucketKey(kind, blockKey);
    return buckets.get(key.pk) ?? buckets.set(key.pk, { key, add: [], remove: [] }).get(key.pk)!;
  };
  for (const blockKey of changes.add?.keys() ?? []) bucketOf(blockKey).add.push(blockKey);
  for (const blockKey of changes.remove?.keys() ?? []) bucketOf(blockKey).remove.push(blockKey);
  const updates: BlockIndexUpdate[] = [];
  for (const { key, add, remove } of buckets.values()) {
    const named = [...add.map((k) => ({ k, adding: true })), ...remove.map((k) => ({ k, adding: false }))];
    for (let from = 0; from < named.length; from += MAX_KEYS_PER_UPDATE) {
      const part = named.slice(from, from + MAX_KEYS_PER_UPDATE);
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const adds: string[] = [];
      const removes: string[] = [];
      const conditions: string[] = [];
      part.forEach(({ k, adding }, n) => {
        names[`#k${n}`] = k;
        values[`:k${n}`] = new Set((adding ? changes.add : changes.remove)?.get(k));
        (adding ? adds : removes).push(`#k${n} :k${n}`);
        if (adding && changes.one !== undefined) conditions.push(`(attribute_not_exists(#k${n}) OR size(#k${n}) < :max OR contains(#k${n}, :one))`);
      });
      if (conditions.length > 0) Object.assign(values, { ':max': MAX_BLOCK_SIZE, ':one': changes.one });
      updates.push({
        update: {
          TableName: table,
          Key: key,
          UpdateExpression: [adds.length > 0 ? `ADD ${adds.join(', ')}` : '', removes.length > 0 ? `DELETE ${removes.join(', ')}` : ''].join(' ').trim(),
          ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
        added: part.filter((p) => p.adding).map((p) => p.k),
        removed: part.filter((p) => !p.adding).map((p) => p.k),
      });
    }
  }
  return updates;
};

/** The same record for every key: the live path's changes. */
const allTo = (keys: readonly string[], sourceKey: string): Map<string, readonly string[]> => new Map(keys.map((k) => [k, [sourceKey]]));

const recPk = (sourceKey: string) => `REC#${sourceKey}`;
const entPk = (unifiedId: string) => `ENT#${unifiedId}`;

export const MatchRecordItem = z.object({
  sourceKey: z.string(),
  kind: z.enum(['person', 'account']),
  /** Absent once the record is erased: no personal data stays here. */
  input: z.custom<MatchInput>((v) => typeof v === 'object' && v !== null).optional(),
  blockKeys: z.array(z.string()),
  unifiedId: z.string().optional(),
  /** Deleted and erased records keep their entity but are nobody's candidate. */
  active: z.boolean(),
  sourceVersion: z.string(),
  updatedAt: z.string(),
});
export type MatchRecordItem = z.infer<typeof MatchRecordItem>;

export const EntityItem = z.object({
  unifiedId: z.string(),
  kind: z.enum(['person', 'account']),
  members: z.array(z.string()),
  createdAt: z.string(),
  status: z.enum(['active', 'merged']),
  mergedInto: z.string().optional(),
  rev: z.number().int().nonnegative(),
  /** Every trusted identifier the members hold, by name: checked before anything joins. */
  trustedIds: z.record(z.string(), z.array(z.string())).default({}),
  /** Derived views, rebuilt on every change (golden/). */
  label: z.string().optional(),
  golden: z.unknown().optional(),
  lifecycle: z.unknown().optional(),
  hierarchy: z.unknown().optional(),
  /** The lifecycle stage the views hold ('none' for a person), checked when the next rebuild saves. */
  lifecycleStage: z.string().optional(),
  /** The last views rebuild saved (see takeViewsTicket). */
  viewsSaved: z.number().optional(),
  /** Survivorship overrides people chose (FieldOverride[]). */
  overrides: z.array(z.unknown()).default([]),
  updatedAt: z.string().optional(),
});
export type EntityItem = z.infer<typeof EntityItem>;

export const ProposalStatus = z.enum(['pending', 'approved', 'rejected', 'superseded']);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

export const ProposalItem = z.object({
  proposalId: z.string(),
  kind: z.enum(['person', 'account']),
  /** The record whose change raised it, and the best match in the other entity. */
  a: z.string(),
  b: z.string(),
  entityA: z.string(),
  entityB: z.string(),
  probability: z.number(),
  weight: z.number(),
  evidence: z.array(z.object({ comparison: z.string(), level: z.string(), weight: z.number(), termFrequency: z.number().optional() })),
  prior: z.number(),
  reason: z.string(),
  status: ProposalStatus,
  createdAt: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  mergeId: z.string().optional(),
  /** Stewards who said they were not sure, oldest first: the proposal stays open for another. */
  unsure: z.array(z.object({ by: z.string(), at: z.string() })).optional(),
});
export type ProposalItem = z.infer<typeof ProposalItem>;

export const MergeItem = z.custom<MergeRecord>((v) => typeof v === 'object' && v !== null && 'mergeId' in v);

export interface Constraint {
  other: string;
  same: boolean;
  by: string;
  at: string;
  reason: string;
}

export interface OutboxEntry {
  id: string;
  events: BusEvent[];
}

const outboxEntryOf = (item: Record<string, unknown>): OutboxEntry => ({ id: String(item.sk).slice('OUTBOX#'.length), events: JSON.parse(String(item.events)) as BusEvent[] });

export interface RecordState {
  match?: MatchRecordItem;
  constraints: Constraint[];
  outbox: OutboxEntry[];
}

/** Someone else changed an entity between our read and our write: read again and retry. */
export class IdentityConflictError extends Error {}

const strip = <T extends Record<string, unknown>>(item: T): Omit<T, 'pk' | 'sk' | 'listPk' | 'listSk'> => {
  const { pk: _pk, sk: _sk, listPk: _l, listSk: _s, ...rest } = item;
  return rest;
};

export interface EntityWrite {
  entity: Entity;
  /** The revision read; undefined for an entity that did not exist. */
  expectedRev: number | undefined;
  trustedIds: Record<string, string[]>;
}

export interface GraphWrite {
  entities: EntityWrite[];
  /** Source key → the entity now holding it. */
  pointers: ReadonlyMap<string, string>;
  merges: readonly MergeRecord[];
  audit: readonly AuditEntry[];
  /** Where the events wait until published (a source key, or an operation id). */
  outboxScope: string;
  outboxId: string;
  events: readonly BusEvent[];
}

/** Items per transaction DynamoDB accepts. */
const MAX_TRANSACTION_ITEMS = 100;

export class IdentityStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // ---- match records and the blocking index ------------------------------------------------------

  async getMatchRecord(sourceKey: string): Promise<MatchRecordItem | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: recPk(sourceKey), sk: 'MATCH' }, ConsistentRead: true }));
    return Item === undefined ? undefined : MatchRecordItem.parse(strip(Item));
  }

  async getMatchRecords(sourceKeys: readonly string[]): Promise<MatchRecordItem[]> {
    const items = await this.batchGet(sourceKeys.map((k) => ({ pk: recPk(k), sk: 'MATCH' })));
    return items.map((i) => MatchRecordItem.parse(strip(i)));
  }

  /** Writes a record's match input and keys; the entity pointer is the graph's to write, so it is kept. */
  async putMatchRecord(item: MatchRecordItem): Promise<void> {
    await this.db.send(new UpdateCommand(this.matchRecordUpdate(item)));
  }

  /**
   * Writes a record's match state and moves it in the blocking index from `previousKeys` to its
   * keys now, in one transaction: its keys sit in a dozen index items, and one request for all of
   * them is most of what keeps the live path fast. A block at its limit fails the transaction (so
   * may a concurrent writer of the same item): then each part is written on its own, as
   * putMatchRecord, addToBlocks and removeFromBlocks write it.
   */
  async indexMatchRecord(item: MatchRecordItem, previousKeys: readonly string[]): Promise<void> {
    const previous = new Set(previousKeys);
    const added = item.blockKeys.filter((k) => !previous.has(k));
    const removed = previousKeys.filter((k) => !item.blockKeys.includes(k));
    const updates = blockIndexUpdates(this.tableName, item.kind, { add: allTo(added, item.sourceKey), remove: allTo(removed, item.sourceKey), one: item.sourceKey });
    if (updates.length > 0 && updates.length < MAX_TRANSACTION_ITEMS) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: this.matchRecordUpdate(item) }, ...updates.map((u) => ({ Update: u.update }))] }));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
      }
    }
    await Promise.all([this.putMatchRecord(item), this.addToBlocks(item.kind, item.sourceKey, added), this.removeFromBlocks(item.kind, item.sourceKey, removed)]);
  }

  /** Adds the record to each block; a block already at its limit is left as it is. */
  async addToBlocks(kind: EntityKind, sourceKey: string, blockKeys: readonly string[]): Promise<void> {
    const add = async (keys: readonly string[]): Promise<void> => {
      await Promise.all(
        blockIndexUpdates(this.tableName, kind, { add: allTo(keys, sourceKey), one: sourceKey }).map(async ({ update, added }) => {
          try {
            await this.updateIndex(update);
          } catch (error) {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
            // Some key of the item is full: each on its own, so the others still take the record.
            if (added.length > 1) await Promise.all(added.map((k) => add([k])));
          }
        }),
      );
    };
    await add(blockKeys);
  }

  /** Takes the record out of each block; DynamoDB drops a block left empty, and its key (a value) with it. */
  async removeFromBlocks(kind: EntityKind, sourceKey: string, blockKeys: readonly string[]): Promise<void> {
    await Promise.all(blockIndexUpdates(this.tableName, kind, { remove: allTo(blockKeys, sourceKey) }).map(({ update }) => this.updateIndex(update)));
  }

  /** The records sharing any of the keys; blocks at their limit are skipped (too common to say anything). */
  async blockMembers(kind: EntityKind, blockKeys: readonly string[]): Promise<{ members: string[]; skipped: string[] }> {
    const keys = [...new Set(blockKeys)];
    if (keys.length === 0) return { members: [], skipped: [] };
    // Only the keys asked for: an index item holds dozens of others.
    const names = Object.fromEntries(keys.map((k, n) => [`#k${n}`, k]));
    const items = await this.batchGet(
      keys.map((k) => blockBucketKey(kind, k)),
      { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names },
    );
    const members = new Set<string>();
    const skipped: string[] = [];
    for (const item of items) {
      for (const k of keys) {
        const set = item[k] as Set<string> | undefined;
        if (!set) continue;
        if (set.size >= MAX_BLOCK_SIZE) skipped.push(k);
        else for (const m of set) members.add(m);
      }
    }
    return { members: [...members].sort(), skipped };
  }

  private matchRecordUpdate(item: MatchRecordItem): UpdateInput {
    const { unifiedId: _pointer, sourceKey: _key, input, ...fields } = item;
    const names: Record<string, string> = { '#input': 'input' };
    const values: Record<string, unknown> = {};
    const sets = Object.entries(fields).map(([name, value], n) => {
      names[`#f${n}`] = name;
      values[`:v${n}`] = value;
      return `#f${n} = :v${n}`;
    });
    values[':key'] = item.sourceKey;
    sets.push('sourceKey = :key');
    if (input !== undefined) {
      values[':input'] = input;
      sets.push('#input = :input');
    }
    return {
      TableName: this.tableName,
      Key: { pk: recPk(item.sourceKey), sk: 'MATCH' },
      UpdateExpression: `SET ${sets.join(', ')}${input === undefined ? ' REMOVE #input' : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  /** An index update outside a transaction; one that met a transaction writing the same item runs again. */
  private async updateIndex(update: UpdateInput): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(new UpdateCommand(update));
        return;
      } catch (error) {
        if (!(error instanceof TransactionConflictException) || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
  }

  // ---- constraints --------------------------------------------------------------------------------

  async constraintsOf(sourceKey: string): Promise<Constraint[]> {
    return (await this.recordState(sourceKey)).constraints;
  }

  /**
   * Everything kept under a record's key, in one read: its match record, people's decisions
   * about it, and events a change of it left unpublished.
   */
  async recordState(sourceKey: string): Promise<RecordState> {
    const items = await this.queryAll({ pk: recPk(sourceKey), prefix: '' });
    const state: RecordState = { constraints: [], outbox: [] };
    for (const i of items) {
      const sk = String(i.sk);
      if (sk === 'MATCH') state.match = MatchRecordItem.parse(strip(i));
      else if (sk.startsWith('OUTBOX#')) state.outbox.push(outboxEntryOf(i));
      else if (sk.startsWith('MUST#') || sk.startsWith('NOT#')) {
        state.constraints.push({ other: sk.slice(sk.indexOf('#') + 1), same: sk.startsWith('MUST#'), by: String(i.by), at: String(i.at), reason: String(i.reason ?? '') });
      }
    }
    return state;
  }

  /** A person's decision about a pair; the newer decision replaces the older, both ways round. */
  constraintItems(a: string, b: string, same: boolean, by: string, at: string, reason: string): TransactItem[] {
    const items: TransactItem[] = [];
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      items.push({ Put: { TableName: this.tableName, Item: { pk: recPk(x), sk: `${same ? 'MUST' : 'NOT'}#${y}`, by, at, reason } } });
      items.push({ Delete: { TableName: this.tableName, Key: { pk: recPk(x), sk: `${same ? 'NOT' : 'MUST'}#${y}` } } });
    }
    return items;
  }

  async allConstraints(keys: readonly string[]): Promise<{ a: string; b: string; same: boolean }[]> {
    const all = await Promise.all(keys.map(async (k) => (await this.constraintsOf(k)).map((c) => ({ a: k, b: c.other, same: c.same }))));
    return all.flat();
  }

  // ---- entities -----------------------------------------------------------------------------------

  async getEntity(unifiedId: string): Promise<EntityItem | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: entPk(unifiedId), sk: 'ENTITY' }, ConsistentRead: true }));
    return Item === undefined ? undefined : EntityItem.parse(strip(Item));
  }

  async getEntities(unifiedIds: readonly string[]): Promise<EntityItem[]> {
    const items = await this.batchGet(unifiedIds.map((id) => ({ pk: entPk(id), sk: 'ENTITY' })));
    return items.map((i) => EntityItem.parse(strip(i)));
  }

  /** The active entity an id leads to, following tombstones. */
  async activeEntity(unifiedId: string): Promise<EntityItem | undefined> {
    const seen = new Set<string>();
    let id: string | undefined = unifiedId;
    while (id !== undefined && !seen.has(id)) {
      seen.add(id);
      const entity = await this.getEntity(id);
      if (!entity) return undefined;
      if (entity.status === 'active') return entity;
      id = entity.mergedInto;
    }
    return undefined;
  }

  /** The active entity holding a record, or undefined if it has none. */
  async entityOfRecord(sourceKey: string): Promise<EntityItem | undefined> {
    const record = await this.getMatchRecord(sourceKey);
    if (record?.unifiedId === undefined) return undefined;
    const entity = await this.activeEntity(record.unifiedId);
    return entity?.members.includes(sourceKey) ? entity : undefined;
  }

  /**
   * Writes a graph change at once: entities (guarded by the revision read), pointers, the merge
   * record, audit entries and the events' outbox. Throws IdentityConflictError when an entity
   * changed since it was read.
   */
  async writeGraph(change: GraphWrite, extra: readonly TransactItem[] = []): Promise<void> {
    const now = new Date().toISOString();
    const items: TransactItem[] = [...extra];
    for (const { entity, expectedRev, trustedIds } of change.entities) {
      // Membership only: the views (golden record, lifecycle, hierarchy) are rebuilt separately
      // and must survive a membership write.
      const fields: Record<string, unknown> = { unifiedId: entity.unifiedId, kind: entity.kind, members: entity.members, createdAt: entity.createdAt, status: entity.status, trustedIds, rev: (expectedRev ?? -1) + 1, updatedAt: now };
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets = Object.entries(fields).map(([name, value], n) => {
        names[`#f${n}`] = name;
        values[`:v${n}`] = value;
        return `#f${n} = :v${n}`;
      });
      names['#mergedInto'] = 'mergedInto';
      if (entity.mergedInto !== undefined) {
        values[':mergedInto'] = entity.mergedInto;
        sets.push('#mergedInto = :mergedInto');
      }
      if (expectedRev !== undefined) {
        names['#rev'] = 'rev';
        values[':expected'] = expectedRev;
      }
      items.push({
        Update: {
          TableName: this.tableName,
          Key: { pk: entPk(entity.unifiedId), sk: 'ENTITY' },
          UpdateExpression: `SET ${sets.join(', ')}${entity.mergedInto === undefined ? ' REMOVE #mergedInto' : ''}`,
          ConditionExpression: expectedRev === undefined ? 'attribute_not_exists(pk)' : '#rev = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      });
    }
    for (const m of change.merges) {
      items.push({ Put: { TableName: this.tableName, Item: { pk: `MERGE#${m.mergeId}`, sk: 'MERGE', listPk: 'MERGES', listSk: `${m.at}#${m.mergeId}`, ...m } } });
    }
    change.audit.forEach((entry, n) => items.push(...this.auditItems(entry, `${change.outboxId}#${n}`)));
    if (change.events.length > 0) items.push(this.outboxItem(change.outboxScope, change.outboxId, change.events));
    const pointers = [...change.pointers];
    const room = MAX_TRANSACTION_ITEMS - items.length;
    for (const [sourceKey, unifiedId] of pointers.slice(0, Math.max(0, room))) items.push(this.pointerItem(sourceKey, unifiedId));
    if (items.length === 0) return;
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) {
        throw new IdentityConflictError(`an entity changed while ${change.outboxScope} was being matched`);
      }
      throw error;
    }
    // A merge of a very large entity moves more members than one transaction holds. Their
    // pointers name the absorbed entity, whose tombstone redirects, until these land.
    for (const [sourceKey, unifiedId] of pointers.slice(Math.max(0, room))) {
      await this.db.send(new UpdateCommand({ ...this.pointerItem(sourceKey, unifiedId).Update! }));
    }
  }

  /** One item per entity the entry concerns, so each entity's history reads in one query. */
  auditItems(entry: AuditEntry, id: string): TransactItem[] {
    return entry.unifiedIds.map((unifiedId, n) => ({
      Put: {
        TableName: this.tableName,
        Item: { pk: `AUDIT#${unifiedId}`, sk: `${entry.at}#${id}`, ...(n === 0 ? { listPk: 'AUDIT', listSk: `${entry.at}#${id}` } : {}), ...entry },
        // Append-only: an entry is never replaced.
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
  }

  private outboxItem(scope: string, id: string, events: readonly BusEvent[]): TransactItem {
    return { Put: { TableName: this.tableName, Item: { pk: recPk(scope), sk: `OUTBOX#${id}`, events: JSON.stringify(events) } } };
  }

  private pointerItem(sourceKey: string, unifiedId: string): TransactItem & { Update: NonNullable<TransactItem['Update']> } {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: recPk(sourceKey), sk: 'MATCH' },
        UpdateExpression: 'SET unifiedId = :id',
        ExpressionAttributeValues: { ':id': unifiedId },
      },
    };
  }

  /**
   * Takes a ticket for rebuilding an entity's views. Tickets only grow, and a rebuild that took a
   * later ticket started reading later, so its views are at least as fresh: saving is refused to
   * any rebuild older than the last one saved, and no rebuild ever needs to wait for another.
   */
  async takeViewsTicket(unifiedId: string): Promise<{ ticket: number; entity: EntityItem } | undefined> {
    try {
      // The entity comes back as the ticket left it: read after the ticket was taken, in one call.
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: entPk(unifiedId), sk: 'ENTITY' },
          UpdateExpression: 'ADD viewsTicket :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = Attributes as Record<string, unknown>;
      return { ticket: Number(item.viewsTicket), entity: EntityItem.parse(strip(item)) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Saves the derived views of an entity, with the events they caused in the outbox. Refused
   * ('stale') when a rebuild with a later ticket saved first, and ('moved') when the lifecycle
   * stage this rebuild started from changed meanwhile: the transition it computed would be wrong.
   */
  async saveViews(
    unifiedId: string,
    ticket: number,
    previousStage: string | undefined,
    views: { label?: string; golden: unknown; lifecycle?: { stage: string }; hierarchy?: unknown },
    outbox?: { scope: string; id: string; events: readonly BusEvent[] },
  ): Promise<'saved' | 'stale' | 'moved'> {
    const update: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: { pk: entPk(unifiedId), sk: 'ENTITY' },
        UpdateExpression:
          'SET golden = :golden, lifecycle = :lifecycle, lifecycleStage = :stage, hierarchy = :hierarchy, label = :label, viewsSaved = :ticket, viewsUpdatedAt = :now',
        ConditionExpression:
          '(attribute_not_exists(viewsSaved) OR viewsSaved < :ticket) AND ' +
          (previousStage === undefined ? '(attribute_not_exists(lifecycleStage) OR lifecycleStage = :none)' : 'lifecycleStage = :previous'),
        ExpressionAttributeValues: {
          ':golden': views.golden,
          ':lifecycle': views.lifecycle ?? null,
          ':stage': views.lifecycle?.stage ?? 'none',
          ':hierarchy': views.hierarchy ?? null,
          ':label': views.label ?? null,
          ':ticket': ticket,
          ':now': new Date().toISOString(),
          ...(previousStage === undefined ? { ':none': 'none' } : { ':previous': previousStage }),
        },
      },
    };
    if (await this.transactOrConflict([update, ...(outbox ? [this.outboxItem(outbox.scope, outbox.id, outbox.events)] : [])])) return 'saved';
    const now = await this.getEntity(unifiedId);
    return (now?.viewsSaved ?? 0) >= ticket ? 'stale' : 'moved';
  }

  /** Replaces a person's survivorship overrides, audited; false when the entity changed since read. */
  async saveOverrides(unifiedId: string, expectedRev: number, overrides: readonly unknown[], audit: AuditEntry): Promise<boolean> {
    const update: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: { pk: entPk(unifiedId), sk: 'ENTITY' },
        UpdateExpression: 'SET overrides = :overrides, rev = :next',
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeValues: { ':overrides': overrides, ':rev': expectedRev, ':next': expectedRev + 1 },
      },
    };
    return this.transactOrConflict([update, ...this.auditItems(audit, `override#${expectedRev}`)]);
  }

  private async transactOrConflict(items: TransactItem[]): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw error;
    }
  }

  // ---- related records ----------------------------------------------------------------------------

  async relate(accountSourceKey: string, sourceKey: string, entityType: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: `REL#${accountSourceKey}`, sk: sourceKey, entityType } }));
  }

  async relatedTo(accountSourceKey: string): Promise<{ sourceKey: string; entityType: string }[]> {
    const items = await this.queryAll({ pk: `REL#${accountSourceKey}`, prefix: '' });
    return items.map((i) => ({ sourceKey: String(i.sk), entityType: String(i.entityType) }));
  }

  // ---- outbox -------------------------------------------------------------------------------------

  async pendingOutbox(scope: string): Promise<OutboxEntry[]> {
    const items = await this.queryAll({ pk: recPk(scope), prefix: 'OUTBOX#' });
    return items.map(outboxEntryOf);
  }

  async clearOutbox(scope: string, id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: recPk(scope), sk: `OUTBOX#${id}` } }));
  }

  // ---- proposals, merges, audit -------------------------------------------------------------------

  /** Stores a proposal unless one for the same pair of entities exists; true when it was new. */
  async putProposal(proposal: ProposalItem): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `PROP#${proposal.proposalId}`, sk: 'PROPOSAL', listPk: `PROPOSALS#${proposal.status}`, listSk: `${proposal.createdAt}#${proposal.proposalId}`, ...proposal },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getProposal(proposalId: string): Promise<ProposalItem | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `PROP#${proposalId}`, sk: 'PROPOSAL' }, ConsistentRead: true }));
    return Item === undefined ? undefined : ProposalItem.parse(strip(Item));
  }

  /** The transaction item that decides a pending proposal; it fails if someone decided first. */
  decideProposalItem(proposal: ProposalItem, status: Exclude<ProposalStatus, 'pending'>, by: string, at: string, mergeId?: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: `PROP#${proposal.proposalId}`, sk: 'PROPOSAL' },
        UpdateExpression: 'SET #status = :status, decidedBy = :by, decidedAt = :at, listPk = :list' + (mergeId ? ', mergeId = :merge' : ''),
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':by': by, ':at': at, ':list': `PROPOSALS#${status}`, ':pending': 'pending', ...(mergeId ? { ':merge': mergeId } : {}) },
      },
    };
  }

  /** Notes that a steward is not sure of a pending proposal; false when it is no longer pending. */
  async markUnsure(proposalId: string, by: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `PROP#${proposalId}`, sk: 'PROPOSAL' },
          UpdateExpression: 'SET unsure = list_append(if_not_exists(unsure, :none), :mark)',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':none': [], ':mark': [{ by, at }], ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async proposals(status: ProposalStatus, limit = 50): Promise<ProposalItem[]> {
    const items = await this.listIndex(`PROPOSALS#${status}`, limit);
    return items.map((i) => ProposalItem.parse(strip(i)));
  }

  async getMerge(mergeId: string): Promise<MergeRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `MERGE#${mergeId}`, sk: 'MERGE' }, ConsistentRead: true }));
    return Item === undefined ? undefined : MergeItem.parse(strip(Item));
  }

  /** The transaction item marking a merge undone; it fails if it already was. */
  undoMergeItem(record: MergeRecord): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: `MERGE#${record.mergeId}`, sk: 'MERGE' },
        UpdateExpression: 'SET undone = :undone',
        ConditionExpression: 'attribute_not_exists(undone)',
        ExpressionAttributeValues: { ':undone': record.undone },
      },
    };
  }

  async merges(limit = 50): Promise<MergeRecord[]> {
    const items = await this.listIndex('MERGES', limit);
    return items.map((i) => MergeItem.parse(strip(i)));
  }

  async auditOf(unifiedId: string, limit = 100): Promise<AuditEntry[]> {
    const { Items } = await this.db.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#${unifiedId}` }, ScanIndexForward: false, Limit: limit }),
    );
    return (Items ?? []).map((i) => strip(i) as unknown as AuditEntry);
  }

  // ---- models -------------------------------------------------------------------------------------

  async getModel(kind: EntityKind): Promise<ModelSnapshot | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `MODEL#${kind}`, sk: 'CURRENT' } }));
    return Item === undefined ? undefined : decodeSnapshot(Item.snapshot as Uint8Array);
  }

  async putModel(snapshot: ModelSnapshot): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `MODEL#${snapshot.kind}`, sk: 'CURRENT', trainedAt: snapshot.trainedAt, records: snapshot.records, snapshot: encodeSnapshot(snapshot) },
      }),
    );
  }

  /** Every match record of a kind, page by page (training, lookups by scan): for jobs, not hot paths. */
  async *scanMatchRecords(kind: EntityKind): AsyncGenerator<MatchRecordItem[]> {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :match AND kind = :kind',
          ExpressionAttributeValues: { ':match': 'MATCH', ':kind': kind },
          ExclusiveStartKey: cursor,
        }),
      );
      yield (page.Items ?? []).map((i) => MatchRecordItem.parse(strip(i)));
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
  }

  /** Every active entity, page by page (reports): for jobs, not hot paths. */
  async *scanEntities(): AsyncGenerator<EntityItem[]> {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :entity AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':entity': 'ENTITY', ':active': 'active' },
          ExclusiveStartKey: cursor,
        }),
      );
      yield (page.Items ?? []).map((i) => EntityItem.parse(strip(i)));
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private async batchGet(keys: readonly { pk: string; sk: string }[], projection?: { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> }): Promise<Record<string, unknown>[]> {
    const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }> | undefined = {
        [this.tableName]: { Keys: unique.slice(i, i + 100), ConsistentRead: true, ...projection },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        const page = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        out.push(...(page.Responses?.[this.tableName] ?? []));
        request = page.UnprocessedKeys as typeof request;
        if (request && Object.keys(request).length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 5)));
      }
    }
    return out;
  }

  private async queryAll({ pk, prefix }: { pk: string; prefix: string }): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: prefix ? { ':pk': pk, ':prefix': prefix } : { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: cursor,
        }),
      );
      out.push(...(page.Items ?? []));
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
    return out;
  }

  private async listIndex(listPk: string, limit: number): Promise<Record<string, unknown>[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byList',
        KeyConditionExpression: 'listPk = :pk',
        ExpressionAttributeValues: { ':pk': listPk },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items ?? [];
  }
}

// ---- whole items, for writers that put many at once -----------------------------------------------

/**
 * Items exactly as the store's methods leave them, for a writer that puts thousands at once with
 * BatchWrite (functions/identity/bulk/): the table's layout stays in this file.
 */
export const identityItems = {
  /** A record's match state with its entity pointer (putMatchRecord, then writeGraph's pointer). */
  matchRecord: (item: MatchRecordItem) => ({ pk: recPk(item.sourceKey), sk: 'MATCH', ...item }),
  matchRecordKey: (sourceKey: string) => ({ pk: recPk(sourceKey), sk: 'MATCH' }),
  /** An entity whose views were saved once: writeGraph, then takeViewsTicket and saveViews with ticket `viewsSaved`. */
  entity: ({ overrides: _none, ...item }: EntityItem & { viewsSaved: number }, viewsUpdatedAt: string) => ({
    pk: entPk(item.unifiedId),
    sk: 'ENTITY',
    ...item,
    viewsTicket: item.viewsSaved,
    viewsUpdatedAt,
  }),
  /** A pending proposal, as putProposal writes it. */
  proposal: (p: ProposalItem) => ({ pk: `PROP#${p.proposalId}`, sk: 'PROPOSAL', listPk: `PROPOSALS#${p.status}`, listSk: `${p.createdAt}#${p.proposalId}`, ...p }),
  proposalKey: (proposalId: string) => ({ pk: `PROP#${proposalId}`, sk: 'PROPOSAL' }),
  /** Events waiting to be published (pendingOutbox reads them, clearOutbox removes them). */
  outbox: (scope: string, id: string, events: readonly BusEvent[]) => ({ pk: recPk(scope), sk: `OUTBOX#${id}`, events: JSON.stringify(events) }),
  /** The partition of an account's relations (relate, relatedTo). */
  relatedPk: (accountSourceKey: string) => `REL#${accountSourceKey}`,
};
