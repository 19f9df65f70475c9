/** Every Concord queue: SQS-managed encryption and TLS-only access. */
import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export const secureQueue = (scope: Construct, id: string, props: sqs.QueueProps = {}): sqs.Queue =>
  new sqs.Queue(scope, id, { ...props, encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });

/** A dead-letter queue keeps messages for the longest time SQS allows, for inspection and redrive. */
export const deadLetterQueue = (scope: Construct, id: string): sqs.Queue =>
  secureQueue(scope, id, { retentionPeriod: Duration.days(14) });
