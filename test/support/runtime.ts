/** A whole local runtime for one test file, on the run's shared DynamoDB Local. */
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime';
import { testDynamoEndpoint, uniquePrefix } from './dynamo';

export const startTestRuntime = (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> =>
  startLocalRuntime({ port: 0, dynamoEndpoint: testDynamoEndpoint(), tablePrefix: uniquePrefix(), env: {}, ...options });
