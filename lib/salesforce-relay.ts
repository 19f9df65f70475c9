/**
 * Optional Salesforce Event Relay: Salesforce delivers Change Data Capture into a partner event
 * source; we attach a partner event bus to it and translate each event onto the Concord bus.
 * EventBridge is the trust boundary here, so there is no signature to check.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConcordFunction } from './concord-function';
import { deadLetterQueue } from './queues';

/** aws.partner/salesforce.com/<org id>/<relay config id>, as shown in the EventBridge console. */
const PARTNER_SOURCE = /^aws\.partner\/salesforce\.com\/[A-Za-z0-9]+\/[A-Za-z0-9]+$/;

export interface SalesforceRelayProps {
  eventSourceName: string;
  environment: Record<string, string>;
}

export class SalesforceRelay extends Construct {
  readonly partnerBus: events.EventBus;
  readonly rule: events.Rule;
  readonly relay: ConcordFunction;
  /** Events that could not be delivered to, or were failed by, the relay function. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: SalesforceRelayProps) {
    super(scope, id);
    if (!PARTNER_SOURCE.test(props.eventSourceName)) {
      throw new Error(
        `salesforceEventSourceName "${props.eventSourceName}" is not a Salesforce partner event source (aws.partner/salesforce.com/<org id>/<relay id>)`,
      );
    }

    this.partnerBus = new events.EventBus(this, 'PartnerBus', { eventSourceName: props.eventSourceName });
    // One queue for both failure paths: EventBridge could not invoke the function, or the
    // function failed all its asynchronous retries. Both hold the original event.
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');

    this.relay = new ConcordFunction(this, 'Relay', {
      entry: 'functions/ingest/salesforce-relay.handler.ts',
      description: 'Translates Salesforce Event Relay (CDC) events into canonical events on the Concord bus',
      serviceName: 'concord-salesforce-relay',
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: props.environment,
      deadLetterQueue: this.deadLetterQueue,
    });

    this.rule = new events.Rule(this, 'Rule', {
      eventBus: this.partnerBus,
      description: 'Every event Salesforce relays goes to the relay function',
      eventPattern: { source: [props.eventSourceName] },
      targets: [new targets.LambdaFunction(this.relay.fn, { deadLetterQueue: this.deadLetterQueue })],
    });
  }
}
