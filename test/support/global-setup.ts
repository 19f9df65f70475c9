/**
 * Starts one DynamoDB Local for the whole integration/e2e run (the JVM takes seconds to start);
 * each test file creates its own tables under a unique prefix.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { startDynamoDbLocal } from '../../local/dynamodb-local';

export default async function globalSetup(): Promise<void> {
  if (process.env.CONCORD_TEST_DYNAMO_ENDPOINT) return;
  const dynamo = await startDynamoDbLocal({ startTimeoutMs: 60_000 });
  process.env.CONCORD_TEST_DYNAMO_ENDPOINT = dynamo.endpoint;
  (globalThis as { __concordDynamo?: typeof dynamo }).__concordDynamo = dynamo;
}
