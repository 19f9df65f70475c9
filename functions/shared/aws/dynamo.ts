import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoOptions {
  /** DynamoDB Local's URL; unset on AWS. */
  endpoint?: string;
  region?: string;
}

/** The plain client (what Powertools idempotency takes); locally it points at DynamoDB Local. */
export const createDynamoClient = (options: DynamoOptions = {}): DynamoDBClient => {
  const local = options.endpoint !== undefined;
  return new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region ?? process.env.AWS_REGION ?? (local ? 'local' : undefined),
    // DynamoDB Local accepts any credentials; sharing one database needs -sharedDb.
    credentials: local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    maxAttempts: 4,
  });
};

/** The document client every store uses; locally it points at DynamoDB Local. */
export const createDocumentClient = (options: DynamoOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(createDynamoClient(options), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
