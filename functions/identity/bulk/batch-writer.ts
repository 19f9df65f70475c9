/**
 * Many items in and out of DynamoDB at once: BatchWriteItem (25 items a request) and BatchGetItem
 * (100 keys a request), a few requests in flight, and whatever DynamoDB leaves unprocessed
 * (throttling, a busy partition) sent again after a growing pause. BatchWrite has no conditions,
 * so it is for items whose whole content the caller decided (bulk-backfill.ts says when that holds).
 *
 * A stop signal is honoured between requests: the requests in flight finish, no new one starts,
 * and the call says it was interrupted.
 */
import { BatchGetCommand, BatchWriteCommand, type BatchGetCommandOutput, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const MAX_BATCH_WRITE_ITEMS = 25;
export const MAX_BATCH_GET_KEYS = 100;

/** Unprocessed items are retried this many times before the write is taken for an outage. */
const MAX_ATTEMPTS = 10;

export type Completion = 'done' | 'interrupted';

export interface BatchOptions {
  /** Requests in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** Told how many items each finished request wrote or read. */
  onProgress?: (items: number) => void;
}

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)));

/** Runs `work` on every item, at most `limit` at once, in order of starting; stops starting new ones once `signal` aborts. */
export const forEachAtMost = async <T>(limit: number, items: readonly T[], work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<Completion> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return next < items.length || signal?.aborted ? 'interrupted' : 'done';
};

/** Consecutive slices of at most `size`. */
export const chunksOf = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

type WriteRequest = NonNullable<BatchWriteCommandOutput['UnprocessedItems']>[string][number];

const writeAll = async (db: DynamoDBDocumentClient, table: string, requests: readonly WriteRequest[], options: BatchOptions): Promise<Completion> =>
  forEachAtMost(
    options.concurrency,
    chunksOf(requests, MAX_BATCH_WRITE_ITEMS),
    async (chunk) => {
      let pending: WriteRequest[] = chunk;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} of ${chunk.length} writes to ${table} unprocessed ${MAX_ATTEMPTS} times`);
        if (attempt > 0) await pause(attempt);
        const page = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = page.UnprocessedItems?.[table] ?? [];
      }
      options.onProgress?.(chunk.length);
    },
    options.signal,
  );

/** Puts every item (each key at most once). */
export const putAll = (db: DynamoDBDocumentClient, table: string, items: readonly Record<string, unknown>[], options: BatchOptions): Promise<Completion> =>
  writeAll(
    db,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    options,
  );

/** The items that exist among `keys` (strongly consistent), in no particular order. */
export const getAll = async (db: DynamoDBDocumentClient, table: string, keys: readonly Record<string, unknown>[], options: BatchOptions): Promise<Record<string, unknown>[]> => {
  const found: Record<string, unknown>[] = [];
  await forEachAtMost(
    options.concurrency,
    chunksOf(keys, MAX_BATCH_GET_KEYS),
    async (chunk) => {
      let pending: Record<string, unknown>[] = chunk;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} of ${chunk.length} reads from ${table} unprocessed ${MAX_ATTEMPTS} times`);
        if (attempt > 0) await pause(attempt);
        const page: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
        found.push(...(page.Responses?.[table] ?? []));
        pending = page.UnprocessedKeys?.[table]?.Keys ?? [];
      }
      options.onProgress?.(chunk.length);
    },
  );
  return found;
};
