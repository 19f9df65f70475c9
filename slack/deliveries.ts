/**
 * Slack delivers at least once and Bolt never deduplicates: an event is retried when the app was
 * slow to answer (X-Slack-Retry-Num), and a captured request can be replayed within the signing
 * window. Each delivery has a key (an event's event_id, a command's or view's trigger_id, a
 * click's user, action and action_ts), which the listener puts on the work it hands over; the
 * worker does the work of a key once, through Powertools idempotency on the Idempotency table.
 * Nothing of this is on the acknowledgement's path: a listener only publishes and answers.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';

/** Slack retries three times within about a minute, and a signature is good for five: an hour covers both. */
const REMEMBER_SECONDS = 3600;

type Body = Record<string, unknown> & {
  type?: string;
  event_id?: string;
  trigger_id?: string;
  command?: string;
  user?: { id?: string };
  actions?: { action_id?: string; action_ts?: string }[];
  view?: { id?: string; hash?: string };
};

/** What makes a delivery the same delivery again; undefined for what has no such key. */
export const deliveryKeyOf = (raw: unknown): string | undefined => {
  const body = raw as Body;
  if (body.type === 'event_callback' && body.event_id) return `event:${body.event_id}`;
  if (typeof body.command === 'string' && body.trigger_id) return `command:${body.trigger_id}`;
  if (body.type === 'block_actions') {
    const action = body.actions?.[0];
    if (action?.action_ts && body.user?.id) return `action:${body.user.id}:${action.action_id ?? ''}:${action.action_ts}`;
  }
  if ((body.type === 'view_submission' || body.type === 'view_closed') && body.view?.id) return `view:${body.view.id}:${body.view.hash ?? ''}:${body.trigger_id ?? ''}`;
  return undefined;
};

/** `{ deliveryKey }` when the body has one, to spread into the work a listener hands over. */
export const deliveryOf = (body: unknown): { deliveryKey?: string } => {
  const deliveryKey = deliveryKeyOf(body);
  return deliveryKey === undefined ? {} : { deliveryKey };
};

/**
 * What Powertools reads the in-progress expiry from: the time a Lambda invocation has left, or
 * here a fixed budget for the guarded step, the same on AWS and locally.
 */
export const inProgressBudget = (ms: number) => ({ getRemainingTimeInMillis: () => ms }) as unknown as Parameters<IdempotencyConfig['registerLambdaContext']>[0];

export interface DeliveryLog {
  /** Runs `work` unless the delivery with this key ran already or is running now; true when it ran. */
  once(key: string, work: () => Promise<void>): Promise<boolean>;
}

/**
 * @param inProgressMs how long a delivery that started and never finished (its function died)
 *   holds its key before a redelivery may run it: longer than the work takes.
 */
export const dynamoDeliveryLog = (client: DynamoDBClient, tableName: string, inProgressMs: number): DeliveryLog => {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: REMEMBER_SECONDS });
  config.registerLambdaContext(inProgressBudget(inProgressMs));
  return {
    async once(key, work) {
      let ran = false;
      const run = makeIdempotent(
        async (_delivery: { key: string }) => {
          ran = true;
          await work();
          return 'done';
        },
        { persistenceStore, config },
      );
      try {
        await run({ key: `slack-delivery:${key}` });
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) return false;
        throw error;
      }
      return ran;
    },
  };
};
