/**
 * A consumer from the routing table: its queue (with a DLQ for messages it fails), the function
 * that drains it with partial batch failures, and a second DLQ for events EventBridge could not
 * deliver to the queue at all.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ConsumerDefinition } from '../functions/shared/routing';
import { ConcordFunction } from './concord-function';
import { deadLetterQueue, secureQueue } from './queues';

export interface SqsConsumerProps {
  name: string;
  definition: ConsumerDefinition;
  environment: Record<string, string>;
}

export class SqsConsumer extends Construct {
  readonly queue: sqs.Queue;
  /** Messages the function failed `maxReceiveCount` times. */
  readonly deadLetterQueue: sqs.Queue;
  /** Events EventBridge failed to put on `queue` (after its retries); the rule targets' DLQ. */
  readonly deliveryDeadLetterQueue: sqs.Queue;
  readonly function: ConcordFunction;

  constructor(scope: Construct, id: string, props: SqsConsumerProps) {
    super(scope, id);
    const { definition } = props;
    if (definition.visibilityTimeoutSeconds <= definition.functionTimeoutSeconds) {
      // Otherwise a message becomes visible again while its first delivery is still running.
      throw new Error(
        `Consumer ${props.name}: visibilityTimeoutSeconds (${definition.visibilityTimeoutSeconds}) must exceed functionTimeoutSeconds (${definition.functionTimeoutSeconds})`,
      );
    }

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    this.queue = secureQueue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
    });
    this.deliveryDeadLetterQueue = deadLetterQueue(this, 'DeliveryDeadLetterQueue');
    Validations.of(this.deliveryDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the DeadLetterConfig of the EventBridge rule targets that deliver to this consumer. cdk-nag only recognises DLQs named in an SQS redrive policy or a Lambda DeadLetterConfig.',
    });

    this.function = new ConcordFunction(this, 'Handler', {
      entry: definition.entry,
      description: definition.description,
      serviceName: `concord-${props.name}`,
      timeout: Duration.seconds(definition.functionTimeoutSeconds),
      environment: props.environment,
    });
    this.function.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: definition.batchSize, reportBatchItemFailures: true }),
    );
  }
}
