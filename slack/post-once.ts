/**
 * A merge proposal is put to the stewards once, however often its event is delivered: the post
 * runs under Powertools idempotency keyed by what it is about, and a repeat gets the first post's
 * channel and ts back instead of a second message. A post that failed may run again. A repeat
 * that meets the post still running elsewhere leaves it to that one: if that one fails, its own
 * message is delivered again and posts, and if its function dies, the claim lapses after
 * IN_PROGRESS_MS and the redelivery posts.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { inProgressBudget } from './deliveries';

export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface PostOnce {
  /** The message posted for `key`, now or before; undefined while another delivery is posting it. */
  post(key: string, post: () => Promise<PostedMessage>): Promise<PostedMessage | undefined>;
}

/** Long enough that a proposal's event replayed from the archive weeks later is still recognised. */
const REMEMBER_SECONDS = 90 * 24 * 3600;
/** A post that started and never finished (the worker died) blocks its key this long, then the retry posts. */
const IN_PROGRESS_MS = 30_000;

export const dynamoPostOnce = (client: DynamoDBClient, tableName: string): PostOnce => {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: REMEMBER_SECONDS });
  config.registerLambdaContext(inProgressBudget(IN_PROGRESS_MS));
  return {
    async post(key, post) {
      try {
        return await makeIdempotent(async (_message: { key: string }) => post(), { persistenceStore, config })({ key: `slack-post:${key}` });
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) return undefined;
        throw error;
      }
    },
  };
};
