/**
 * What the identity table holds that bears on an import, read before a bulk backfill decides
 * anything (bulk-plan.ts `IdentityBefore`):
 * - one scan of the table for match records of the kind: the imported records' own state, and the
 *   blocking keys active records outside the import hold (only those the import's records hold
 *   too are kept, so memory follows the file, not the store); for accounts also the relations of
 *   the imported accounts (deals, people), whose views the live engine builds;
 * - the entities the records' pointers and the clusters' ids name, tombstones followed;
 * - for people, the erasure tombstones their emails and phones hit.
 * On an empty store this is a handful of requests; on a large one the scan reads the table once.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SourceRecord } from '../../shared/canonical';
import { identifyingHashes, isErased } from '../erasure';
import type { ErasureStore } from '../erasure.store';
import { identityItems, type EntityItem, type IdentityStore } from '../identity.store';
import type { EntityKind } from '../matching/match-record';
import { chunksOf, forEachAtMost, MAX_BATCH_GET_KEYS } from './batch-writer';
import type { StoredMatch } from './bulk-plan';

/** Scan segments read at once (DynamoDB's parallel scan). */
const SCAN_SEGMENTS = 4;
const READ_CONCURRENCY = 8;

export interface ReadBeforeInput {
  kind: EntityKind;
  records: readonly SourceRecord[];
  /** Every blocking key the imported records hold now. */
  blockKeys: ReadonlySet<string>;
  onProgress?: (itemsRead: number) => void;
}

export interface IdentityScan {
  /** Match records of the kind in the table, the import's and others. */
  matchRecords: number;
  stored: Map<string, StoredMatch>;
  foreignKeys: Set<string>;
  /** Imported accounts that other records refer to (REL# items). */
  related: Set<string>;
}

const commonPrefix = (keys: Iterable<string>): string => {
  let prefix: string | undefined;
  for (const k of keys) {
    if (prefix === undefined) prefix = k;
    while (!k.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix ?? '';
};

/** The attributes read, each under its own name (some are reserved words). */
const PROJECTED = ['pk', 'sk', 'sourceKey', 'kind', 'blockKeys', 'unifiedId', 'active', 'sourceVersion'];
const ATTRIBUTE_NAMES = Object.fromEntries(PROJECTED.map((name) => [`#${name}`, name]));

/** One pass over the identity table (see the module comment). */
export const scanIdentity = async (db: DynamoDBDocumentClient, table: string, input: ReadBeforeInput): Promise<IdentityScan> => {
  const ours = new Set(input.records.map((r) => r.sourceKey));
  const out: IdentityScan = { matchRecords: 0, stored: new Map(), foreignKeys: new Set(), related: new Set() };
  const relatedPrefix = identityItems.relatedPk(commonPrefix(ours));
  const wantRelations = input.kind === 'account' && ours.size > 0;
  const scanSegment = async (segment: number) => {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new ScanCommand({
          TableName: table,
          Segment: segment,
          TotalSegments: SCAN_SEGMENTS,
          FilterExpression: `(#sk = :match AND #kind = :kind)${wantRelations ? ' OR begins_with(#pk, :related)' : ''}`,
          ProjectionExpression: Object.keys(ATTRIBUTE_NAMES).join(', '),
          ExpressionAttributeNames: ATTRIBUTE_NAMES,
          ExpressionAttributeValues: { ':match': 'MATCH', ':kind': input.kind, ...(wantRelations ? { ':related': relatedPrefix } : {}) },
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk !== 'MATCH') {
          const account = String(item.pk).slice(identityItems.relatedPk('').length);
          if (ours.has(account)) out.related.add(account);
          continue;
        }
        out.matchRecords++;
        const sourceKey = String(item.sourceKey);
        const blockKeys = (item.blockKeys as string[] | undefined) ?? [];
        if (ours.has(sourceKey)) {
          out.stored.set(sourceKey, { sourceKey, blockKeys, active: item.active === true, sourceVersion: String(item.sourceVersion), ...(typeof item.unifiedId === 'string' ? { unifiedId: item.unifiedId } : {}) });
        } else if (item.active === true) {
          for (const k of blockKeys) if (input.blockKeys.has(k)) out.foreignKeys.add(k);
        }
      }
      input.onProgress?.(page.ScannedCount ?? 0);
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined);
  };
  await Promise.all(Array.from({ length: SCAN_SEGMENTS }, (_, segment) => scanSegment(segment)));
  return out;
};

/** The entities `ids` name, and the entities their tombstones redirect to, by id. */
export const loadEntities = async (store: Pick<IdentityStore, 'getEntities'>, ids: Iterable<string>): Promise<Map<string, EntityItem>> => {
  const loaded = new Map<string, EntityItem>();
  let pending = [...new Set(ids)];
  while (pending.length > 0) {
    const found: EntityItem[] = [];
    await forEachAtMost(READ_CONCURRENCY, chunksOf(pending, MAX_BATCH_GET_KEYS), async (slice) => {
      found.push(...(await store.getEntities(slice)));
    });
    for (const e of found) loaded.set(e.unifiedId, e);
    pending = found.flatMap((e) => (e.status === 'merged' && e.mergedInto !== undefined && !loaded.has(e.mergedInto) ? [e.mergedInto] : []));
  }
  return loaded;
};

/**
 * The imported people an erasure's tombstones say must stay out (erasure.ts `isErased`). Every
 * erasure logs itself as it writes its tombstones, so a store that never logged one has none to
 * screen against, and the common case costs one query.
 */
export const erasedAmong = async (erasures: Pick<ErasureStore, 'list' | 'tombstones'>, kind: EntityKind, records: readonly SourceRecord[]): Promise<Set<string>> => {
  if (kind !== 'person' || records.length === 0 || (await erasures.list(1)).length === 0) return new Set();
  const hashesOf = new Map(records.map((r) => [r.sourceKey, identifyingHashes(r.fields).map((h) => h.hash)]));
  const all = [...new Set([...hashesOf.values()].flat())];
  const hits = new Set<string>();
  await forEachAtMost(READ_CONCURRENCY, chunksOf(all, MAX_BATCH_GET_KEYS), async (slice) => {
    for (const t of await erasures.tombstones(slice)) hits.add(t.hash);
  });
  return new Set(records.filter((r) => (hashesOf.get(r.sourceKey) ?? []).some((h) => hits.has(h)) && isErased(r.fields, hits)).map((r) => r.sourceKey));
};
