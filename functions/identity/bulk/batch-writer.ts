/**
 * Many items in and out of DynamoDB at once: BatchWriteItem (25 items a request), BatchGetItem
 * (100 keys a request) and, for updates, TransactWriteItems (100 a request), a few requests in
 * flight, and whatever DynamoDB leaves unprocessed (throttling, a busy partition, a transaction
 * that met another writer) sent again after a growing pause. BatchWrite has no conditions, so it
 * is for items whose whole content the caller decided (bulk-backfill.ts says when that holds);
 * updates merge into what the items hold.
 *
 * A stop signal is honoured between requests: the requests in flight finish, no new one starts,
 * and the call says it was interrupted.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { slicesOf } from '../../shared/slices';
import {
  BatchGetCommand,
  BatchWriteCommand,
  TransactWriteCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export const MAX_BATCH_WRITE_ITEMS = 25;
export const MAX_BATCH_GET_KEYS = 100;
export const MAX_TRANSACTION_ITEMS = 100;
/** A transaction's updates stay well under DynamoDB's 4 MB a request. */
const MAX_TRANSACTION_BYTES = 1_000_000;

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

export type Update = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update']>;

/**
 * Transactions of at most MAX_TRANSACTION_ITEMS updates (and MAX_TRANSACTION_BYTES), none naming
 * one item twice (DynamoDB refuses that), in rounds: the nth update of an item is in the nth round.
 */
const roundsOf = (updates: readonly Update[]): Update[][][] => {
  const rounds: Update[][] = [];
  const seen = new Map<string, number>();
  for (const update of updates) {
    const item = JSON.stringify(update.Key);
    const round = seen.get(item) ?? 0;
    seen.set(item, round + 1);
    (rounds[round] ??= []).push(update);
  }
  return rounds.map((round) => slicesOf(round, MAX_TRANSACTION_ITEMS, MAX_TRANSACTION_BYTES, (u) => JSON.stringify(u, (_k, v: unknown) => (v instanceof Set ? [...v] : v)).length));
};

export { slicesOf };

/**
 * Applies every update, many to a request (TransactWriteItems), a round at a time. Only for
 * updates that may run twice: a transaction another writer cancelled is sent again whole.
 */
export const updateAll = async (db: DynamoDBDocumentClient, updates: readonly Update[], options: BatchOptions): Promise<Completion> => {
  for (const round of roundsOf(updates)) {
    const completion = await forEachAtMost(
      options.concurrency,
      round,
      async (transaction) => {
        for (let attempt = 0; ; attempt++) {
          if (attempt > 0) await pause(attempt);
          try {
            await db.send(new TransactWriteCommand({ TransactItems: transaction.map((Update) => ({ Update })) }));
            break;
          } catch (error) {
            if (!(error instanceof TransactionCanceledException) || attempt + 1 >= MAX_ATTEMPTS) throw error;
          }
        }
        options.onProgress?.(transaction.length);
      },
      options.signal,
    );
    if (completion === 'interrupted') return completion;
  }
  return 'done';
};

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
