/**
 * Lambda entry: POST /webhooks/{system} behind API Gateway. Thin: adapt the request, run the
 * shared ingest, adapt the response.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import { readConfig } from '../shared/config';
import { createDocumentClient } from '../shared/aws/dynamo';
import { EventBridgeBus } from '../shared/aws/eventbridge-bus';
import { loadSecretsFromSecretsManager, secretsFromEnv } from '../shared/aws/webhook-secrets';
import { systemClock } from '../shared/ports';
import { connectors } from './connectors';
import { httpResultOf, systemOf, webhookRequestOf } from './api-gateway';
import { createWebhookIngest, type WebhookIngest } from './ingest-webhook';
import { QuarantineStore } from './quarantine.store';

const logger = new Logger({ serviceName: 'concord-ingest' });

export const createIngestHandler =
  (ingest: WebhookIngest) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const system = systemOf(event);
    const response = await ingest.receive(system, webhookRequestOf(event));
    if (response.status >= 400) logger.warn('webhook rejected', { system, status: response.status, error: response.body.error, quarantineId: response.body.quarantineId });
    return httpResultOf(response);
  };

/** Built once per cold start: secrets are fetched then and cached for the container's life. */
let cold: Promise<(event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>> | undefined;

const build = async () => {
  const config = readConfig();
  const secrets = config.webhookSecretsArn ? await loadSecretsFromSecretsManager(config.webhookSecretsArn) : secretsFromEnv();
  const db = createDocumentClient();
  return createIngestHandler(
    createWebhookIngest({
      connectors,
      secrets,
      bus: new EventBridgeBus(new EventBridgeClient({}), config.eventBusName),
      quarantine: new QuarantineStore(db, config.tables.quarantine),
      clock: systemClock,
      ids: { next: () => ulid() },
      maxBodyBytes: config.maxWebhookBytes,
    }),
  );
};

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  // A failed cold start (Secrets Manager throttled, say) must not stick to the container.
  cold ??= build().catch((error: unknown) => {
    cold = undefined;
    throw error;
  });
  return (await cold)(event);
};
