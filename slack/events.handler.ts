/**
 * The Slack request URL on AWS: API Gateway (HTTP API, payload 2.0) → this function → Bolt's
 * AwsLambdaReceiver. Two things happen before Bolt sees a request: a timestamp more than five
 * minutes ahead is refused (request-guard.ts), and a base64 body is decoded as UTF-8 — API Gateway
 * base64-encodes form posts, and Bolt decodes base64 as ASCII, which would break the signature of
 * any body with a non-ASCII character (a customer named Müller).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { AwsLambdaReceiver } from './bolt';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { IdentityStore } from '../functions/identity/identity.store';
import { EventBridgeBus } from '../functions/shared/aws/eventbridge-bus';
import { SourceRecordStore } from '../functions/reconcile/source-record.store';
import { createDocumentClient } from '../functions/shared/aws/dynamo';
import { readConfig } from '../functions/shared/config';
import { systemClock, type Clock } from '../functions/shared/ports';
import { createSlackApp, type SlackAppDeps } from './app';
import { futureTimestampProblem } from './request-guard';
import { slackSettingsFromSecret } from './settings';

const logger = new Logger({ serviceName: 'concord-slack' });

type LambdaResult = APIGatewayProxyStructuredResultV2;

const headerOf = (event: APIGatewayProxyEventV2, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

/** The event with its body as UTF-8 text, as Bolt needs it to check the signature. */
export const withTextBody = (event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 =>
  event.isBase64Encoded && event.body !== undefined ? { ...event, body: Buffer.from(event.body, 'base64').toString('utf8'), isBase64Encoded: false } : event;

export const createSlackEventsHandler = (deps: Omit<SlackAppDeps, 'receiver'>, clock: Clock) => {
  const receiver = new AwsLambdaReceiver({
    signingSecret: deps.settings.signingSecret,
    invalidRequestSignatureHandler: ({ signature, ts }) => deps.log.info('Slack request with a bad or stale signature refused', { signature: signature.slice(0, 12), ts }),
  });
  createSlackApp({ ...deps, receiver });
  const bolt = receiver.toHandler();
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<LambdaResult> => {
    const problem = futureTimestampProblem(headerOf(event, 'x-slack-request-timestamp'), clock);
    if (problem !== undefined) {
      deps.log.info('Slack request refused', { reason: problem });
      return { statusCode: 401, body: 'request timestamp is too far in the future' };
    }
    return (await bolt(withTextBody(event) as never, context)) as LambdaResult;
  };
};

let cold: Promise<(event: APIGatewayProxyEventV2, context: Context) => Promise<LambdaResult>> | undefined;

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<LambdaResult> => {
  cold ??= (async () => {
    const config = readConfig();
    const settings = await slackSettingsFromSecret(process.env.SLACK_SECRETS_ARN);
    const db = createDocumentClient();
    const identity = new IdentityStore(db, config.tables.identity);
    const sourceRecords = new SourceRecordStore(db, config.tables.sourceRecords);
    return createSlackEventsHandler(
      {
        settings,
        bus: new EventBridgeBus(new EventBridgeClient({}), config.eventBusName),
        entities: {
          entityOf: (ref) => identity.activeEntity(ref),
          membersOf: (keys) => sourceRecords.getMany(keys),
        },
        log: { info: (message, extra) => logger.info(message, extra ?? {}), error: (message, extra) => logger.error(message, extra ?? {}) },
      },
      systemClock,
    );
  })();
  return (await cold)(event, context);
};
